#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""List and cancel Barge jobs.

    jobs.py [--system] list
    jobs.py [--system] cancel JOB_ID...
    jobs.py [--system] cancel-all

`list` prints one job per line: id, state, bytes transferred/total, name.
The daemon is reached on the session bus unless --system.
"""

import sys

import gi

gi.require_version('Barge', '1.0')
from gi.repository import Barge, Gio, GLib  # noqa: E402


def describe(job):
    progress = job.get_progress()
    total = (str(progress.get_bytes_total()) if progress.is_total_known() else '?')
    return '%s %-15s %d/%s %s' % (job.get_id(), job.get_state().value_nick,
                                   progress.get_bytes_transferred(), total,
                                   job.get_display_name())


def cancel_all(client, jobs):
    """Cancels the jobs at once and waits until the daemon removed them."""
    loop = GLib.MainLoop()
    pending = {job.get_object_path() for job in jobs}
    failures = []

    def on_removed(client, job, final_state):
        pending.discard(job.get_object_path())
        print('cancelled', job.get_id(), '->', final_state)
        if not pending:
            loop.quit()

    def on_cancelled(job, res):
        try:
            job.cancel_finish(res)
        except GLib.Error as error:
            failures.append(job)
            pending.discard(job.get_object_path())
            print('cannot cancel %s: %s' % (job.get_id(), error.message), file=sys.stderr)
            if not pending:
                loop.quit()

    handler = client.connect('job-removed', on_removed)
    for job in jobs:
        job.cancel_async(None, on_cancelled)
    if pending:
        loop.run()
    client.disconnect(handler)
    return 1 if failures else 0


def main(argv):
    bus = Gio.BusType.SESSION
    if argv[1:2] == ['--system']:
        bus = Gio.BusType.SYSTEM
        argv = argv[1:]
    if len(argv) < 2 or argv[1] not in ('list', 'cancel', 'cancel-all'):
        print(__doc__.strip(), file=sys.stderr)
        return 2

    client = Barge.Client.new_sync(bus, None)
    jobs = client.list_jobs_sync(False, None)
    if argv[1] == 'list':
        for job in jobs:
            print(describe(job))
        return 0
    if argv[1] == 'cancel-all':
        return cancel_all(client, jobs)

    chosen = []
    for job_id in argv[2:]:
        try:
            chosen.append(client.get_job_sync(job_id, None))
        except GLib.Error as error:
            print('%s: %s' % (job_id, error.message), file=sys.stderr)
            return 1
    return cancel_all(client, chosen)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
