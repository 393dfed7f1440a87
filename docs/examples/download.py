#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Download several files with one Barge job and show a progress bar.

    download.py [--system] DEST_DIR URL...

Each URL is saved in DEST_DIR under its last path element. The daemon is
reached on the session bus (DBUS_SESSION_BUS_ADDRESS), or on the system bus
with --system. Exits 0 once the files are in place, 1 if the job failed.
"""

import os
import sys
import urllib.parse

import gi

gi.require_version('Barge', '1.0')
from gi.repository import Barge, Gio, GLib  # noqa: E402


def progress_bar(progress, width=40):
    fraction = progress.get_fraction()
    done = progress.get_bytes_transferred()
    if fraction < 0:
        # The total is not known until the server told every file's size.
        return '[%s] %d bytes' % ('?' * width, done)
    filled = int(fraction * width)
    return '[%s%s] %3d%% %d/%d bytes, %d/%d files' % (
        '#' * filled, '-' * (width - filled), fraction * 100, done,
        progress.get_bytes_total(), progress.get_files_transferred(),
        progress.get_files_total())


def main(argv):
    bus = Gio.BusType.SESSION
    if argv[1:2] == ['--system']:
        bus = Gio.BusType.SYSTEM
        argv = argv[1:]
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    dest, urls = os.path.abspath(argv[1]), argv[2:]
    paths = [os.path.join(dest, os.path.basename(urllib.parse.urlparse(u).path) or 'index')
             for u in urls]

    client = Barge.Client.new_sync(bus, None)
    job = client.create_job_sync('download.py', Barge.JobType.DOWNLOAD, None, None)
    # Progress is announced at most every 500 ms by default: ask for 200.
    job.set_property_sync('minimum-notification-interval', 200, None)
    job.add_files_sync(urls, paths, None)

    loop = GLib.MainLoop()
    result = {'status': 1}
    end = '\r' if sys.stdout.isatty() else '\n'

    def on_progress(job, pspec):
        print(progress_bar(job.get_progress()), end=end, flush=True)

    def on_completed(job, res):
        try:
            job.complete_finish(res)
            print('\ndone:', *paths, sep='\n  ')
            result['status'] = 0
        except GLib.Error as error:
            print('\ncould not complete the job:', error.message, file=sys.stderr)
        loop.quit()

    def on_transferred(job):
        print(progress_bar(job.get_progress()), end=end)
        # Only Complete() moves the files to their final names.
        job.complete_async(None, on_completed)

    def on_failed(job, context, error_name, message):
        print('\nfailed (%s): %s' % (error_name, message), file=sys.stderr)
        job.cancel_sync(None)
        loop.quit()

    job.connect('notify::progress', on_progress)
    job.connect('transferred', on_transferred)
    job.connect('failed', on_failed)
    job.resume_sync(None)
    loop.run()
    return result['status']


if __name__ == '__main__':
    sys.exit(main(sys.argv))
