#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""React to the Transferred and Failed signals of a Barge job.

    events.py [--system] DEST_FILE URL

Downloads URL to DEST_FILE. On Transferred the job is completed and the
program exits 0. On Failed it prints the error, the daemon's description of
it in the user's language, how many errors the job has had, cancels the job
and exits 1. The daemon is reached on the session bus unless --system.
"""

import os
import sys

import gi

gi.require_version('Barge', '1.0')
from gi.repository import Barge, Gio, GLib  # noqa: E402


def main(argv):
    bus = Gio.BusType.SESSION
    if argv[1:2] == ['--system']:
        bus = Gio.BusType.SYSTEM
        argv = argv[1:]
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    dest, url = os.path.abspath(argv[1]), argv[2]

    client = Barge.Client.new_sync(bus, None)
    job = client.create_job_sync('events.py', Barge.JobType.DOWNLOAD, None, None)
    job.add_file_sync(url, dest, None)

    loop = GLib.MainLoop()
    result = {'status': 1}

    def on_transferred(job):
        print('transferred: %d bytes' % job.get_progress().get_bytes_transferred())
        job.complete_sync(None)
        print('saved as', dest)
        result['status'] = 0
        loop.quit()

    def on_failed(job, context, error_name, message):
        try:
            code = Barge.error_from_dbus_name(error_name).value_nick
        except GLib.Error:
            code = 'unknown'  # not one of Barge's names
        # The daemon explains its errors in the language of the user.
        locale = os.environ.get('LANGUAGE') or os.environ.get('LANG') or ''
        description = client.get_error_description_sync(error_name, locale, None)
        print('failed: %s (context %s, code %s)' % (
            error_name, context, code))
        print('message:', message)
        print('description:', description)
        print('HTTP status:', job.get_http_status())
        print('errors so far:', job.get_error_count())
        job.cancel_sync(None)
        loop.quit()

    job.connect('transferred', on_transferred)
    job.connect('failed', on_failed)
    job.resume_sync(None)
    loop.run()
    return result['status']


if __name__ == '__main__':
    sys.exit(main(sys.argv))
