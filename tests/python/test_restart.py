#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""BargeClient, BargeJob and BargeFile across the daemon's crash, restart,
bus activation and idle exit, and the freshness of what a call returns,
against the real barged (the fixture of test_gi.py).

A creating client and a second client on its own connection each hold the
same job while barged is killed, stopped, started again by D-Bus activation
and exits when idle: both objects must keep their last values while the
daemon is away, be the same objects afterwards, and end with the right
bytes. Every wait is bounded (test_gi.TIMEOUT); a run takes seconds.
"""

import os
import shlex
import sys
import time
import unittest

import test_gi
from test_gi import Barge, Gio, GLib, BARGED  # noqa: F401

SLOW_SIZE = 2 * 1024 * 1024
SLOW_CHUNK = 64 * 1024
SLOW_PAUSE = 0.04   # about 1.3 s for the whole file


class SlowHandler(test_gi.QuietHandler):
    """Serves slow.bin a chunk at a time (no ranges: a restart starts the
    file again), everything else as files."""

    def do_GET(self):
        if self.path != '/slow.bin':
            return super().do_GET()
        data = self.server.slow_data
        self.send_response(200)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        try:
            for offset in range(0, len(data), SLOW_CHUNK):
                self.wfile.write(data[offset:offset + SLOW_CHUNK])
                self.wfile.flush()
                time.sleep(SLOW_PAUSE)
        except (BrokenPipeError, ConnectionResetError):
            pass


@unittest.skipUnless(BARGED, 'BARGED is not set')
class RestartTest(test_gi.DaemonFixture):

    # -- fixture: a bus that can start barged, a slow file, a second client --

    def bus_config_extra(self):
        # D-Bus activation starts barged with a short idle timeout, on the
        # same state folder; its output goes to a log of its own.
        services = os.path.join(self.tmp, 'services')
        os.mkdir(services)
        wrapper = os.path.join(self.tmp, 'barged-activated')
        with open(wrapper, 'w') as f:
            f.write('#!/bin/sh\nexec %s --session --state-dir=%s --idle-timeout=1 --verbose >>%s 2>&1\n'
                    % (shlex.quote(BARGED), shlex.quote(os.path.join(self.tmp, 'state')),
                       shlex.quote(os.path.join(self.tmp, 'activated.log'))))
        os.chmod(wrapper, 0o755)
        with open(os.path.join(services, 'org.freedesktop.Barge1.service'), 'w') as f:
            f.write('[D-BUS Service]\nName=org.freedesktop.Barge1\nExec=%s\n' % wrapper)
        return '\n  <servicedir>%s</servicedir>' % services

    def start_http(self):
        super().start_http()
        self.httpd.slow_data = os.urandom(SLOW_SIZE)
        self.httpd.RequestHandlerClass = (
            lambda *args, **kwargs: SlowHandler(*args, directory=self.serve_dir, **kwargs))

    def setUp(self):
        super().setUp()
        # A second client, on a connection of its own: another program.
        self.other_connection = Gio.DBusConnection.new_for_address_sync(
            self.bus_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.addCleanup(self.other_connection.close_sync, None)
        self.other = Barge.Client.new_for_connection_sync(self.other_connection, None)
        self.addCleanup(delattr, self, 'other')
        self.other_removed = []
        self.other.connect('job-removed', lambda client, job, state: self.other_removed.append(
            (job.get_id(), state)))

    def kill_barged(self, sig):
        self.barged_should_run = False
        self.barged.send_signal(sig)
        self.barged.wait(timeout=test_gi.TIMEOUT)
        self.run_until(lambda: not self.client.get_service_available()
                       and not self.other.get_service_available(),
                       'both clients to see the service go')

    def restart_barged(self, state_dir=None):
        if state_dir is not None:
            self.state_dir = state_dir
        self.start_barged()
        self.run_until(lambda: self.client.get_service_available()
                       and self.other.get_service_available(),
                       'both clients to see the service back')

    def slow_job(self, name):
        job = self.client.create_job_sync(name, Barge.JobType.DOWNLOAD, None, None)
        self.assertTrue(job.set_property_sync('minimum-notification-interval', 50, None))
        job.add_files_sync([self.base_url + 'slow.bin'],
                           [os.path.join(self.dest_dir, name + '.bin')], None)
        other_job = self.other.get_job_sync(job.get_id(), None)
        return job, other_job

    def snapshot(self, job):
        progress = job.get_progress()
        return (job.get_id(), job.get_display_name(), job.get_state(),
                progress.get_bytes_transferred(), progress.get_files_total(),
                [(f.get_remote_url(), f.get_bytes_transferred()) for f in job.get_files()])

    def wait_transferring(self, jobs):
        self.run_until(lambda: all(j.get_state() == Barge.JobState.TRANSFERRING
                                   and j.get_progress().get_bytes_transferred() > 0
                                   for j in jobs),
                       lambda: 'both objects transferring, not %r' % [self.snapshot(j) for j in jobs])

    def assert_transferred(self, jobs):
        self.run_until(lambda: all(j.get_state() in (Barge.JobState.TRANSFERRED, Barge.JobState.ERROR)
                                   for j in jobs),
                       lambda: 'both objects transferred, not %r' % [self.snapshot(j) for j in jobs])
        for job in jobs:
            progress = job.get_progress()
            self.assertEqual(job.get_state(), Barge.JobState.TRANSFERRED, job.get_error_message())
            self.assertEqual(progress.get_bytes_transferred(), SLOW_SIZE)
            self.assertEqual(progress.get_bytes_total(), SLOW_SIZE)
            self.assertEqual(progress.get_files_transferred(), 1)
            self.assertEqual([(f.get_bytes_transferred(), f.get_fraction()) for f in job.get_files()],
                             [(SLOW_SIZE, 1.0)])

    def away_snapshots(self, jobs):
        """The values once the clients saw the daemon go, checked again after
        the main loop ran a while: kept, not reset."""
        before = [self.snapshot(j) for j in jobs]
        deadline = time.monotonic() + 0.3
        context = GLib.MainContext.default()
        while time.monotonic() < deadline:
            context.iteration(False)
            time.sleep(0.01)
        self.assertEqual([self.snapshot(j) for j in jobs], before)
        return before

    def assert_kept(self, job, state):
        """While the daemon is away: the last values, never false zeros."""
        self.assertTrue(job.get_id())
        self.assertEqual(job.get_state(), state)
        self.assertGreater(job.get_progress().get_bytes_transferred(), 0)
        self.assertEqual(job.get_progress().get_files_total(), 1)
        self.assertEqual(len(job.get_files()), 1)
        self.assertTrue(job.get_files()[0].get_remote_url())

    # -- the tests -----------------------------------------------------------

    def test_crash_stop_activation_and_idle_exit(self):
        job, other_job = self.slow_job('survivor')
        job_id = job.get_id()
        job.resume_sync(None)
        self.wait_transferring([job, other_job])

        # SIGKILL in the middle of the transfer.
        self.kill_barged(9)
        self.away_snapshots([job, other_job])
        self.assert_kept(job, Barge.JobState.TRANSFERRING)
        self.assert_kept(other_job, Barge.JobState.TRANSFERRING)
        self.assertEqual(self.removed + self.other_removed, [])
        self.assertIsNone(self.client.get_version())
        self.assertEqual(job.get_state(), Barge.JobState.TRANSFERRING)

        # Back: the same objects go on and end transferred.
        self.restart_barged()
        self.assertIs(self.client.lookup_job(job_id), job)
        self.assertIs(self.other.get_job_sync(job_id, None), other_job)
        self.assert_transferred([job, other_job])
        self.assertEqual(self.removed + self.other_removed, [])

        # SIGTERM in the middle of a second transfer; the next daemon is
        # started by D-Bus activation, and exits when idle.
        second, other_second = self.slow_job('second')
        second.resume_sync(None)
        self.wait_transferring([second, other_second])
        self.kill_barged(15)
        self.assertEqual(self.barged.returncode, 0)
        self.away_snapshots([second, other_second])
        # A daemon that stops cleanly may say "queued" first: what it said last.
        for j in (second, other_second):
            self.assert_kept(j, j.get_state())
            self.assertIn(j.get_state(), (Barge.JobState.TRANSFERRING, Barge.JobState.QUEUED))

        # Any call starts the daemon again: a job's own call does too.
        progress = second.get_progress_sync(None)
        self.assertGreaterEqual(progress.get_bytes_total(), SLOW_SIZE)
        self.run_until(lambda: self.client.get_service_available()
                       and self.other.get_service_available(),
                       'both clients to follow the activated service')
        self.assertIs(self.other.lookup_job(second.get_id()), other_second)
        self.assert_transferred([second, other_second])
        self.assert_transferred([job, other_job])

        # Nothing is active: after its idle timeout the daemon exits, and
        # the objects keep what they showed.
        before = [self.snapshot(j) for j in (job, other_job, second, other_second)]
        self.run_until(lambda: not self.client.get_service_available()
                       and not self.other.get_service_available(),
                       'the activated service to exit when idle')
        self.assertEqual(self.away_snapshots([job, other_job, second, other_second]), before)
        self.assertEqual(self.removed + self.other_removed, [])

        # Completing starts it again; the other client sees the job go.
        job.complete_sync(None)
        self.assertEqual(job.get_state(), Barge.JobState.ACKNOWLEDGED)
        self.run_until(lambda: self.other_removed, 'the other client to see the job go')
        self.assertEqual(self.other_removed, [(job_id, 'acknowledged')])
        self.assertEqual(other_job.get_state(), Barge.JobState.ACKNOWLEDGED)
        with open(os.path.join(self.dest_dir, 'survivor.bin'), 'rb') as f:
            self.assertEqual(f.read(), self.httpd.slow_data)

    def test_job_gone_while_away(self):
        job = self.client.create_job_sync('vanishing', Barge.JobType.DOWNLOAD, None, None)
        job_id = job.get_id()
        other_job = self.other.get_job_sync(job_id, None)
        self.kill_barged(9)
        self.assertEqual(self.removed + self.other_removed, [])
        # A daemon with another state folder has no such job.
        fresh = os.path.join(self.tmp, 'fresh-state')
        os.mkdir(fresh)
        self.restart_barged(fresh)
        self.run_until(lambda: self.removed and self.other_removed, 'job-removed in both clients')
        self.assertEqual(self.removed, [(job.get_object_path(), 'suspended')])
        self.assertEqual(self.other_removed, [(job_id, 'suspended')])
        self.assertEqual(other_job.get_id(), job_id)
        self.assertIsNone(self.client.lookup_job(job_id))
        self.assertEqual(self.other.get_jobs(), [])
        with self.assertRaises(GLib.Error) as caught:
            job.resume_sync(None)
        self.assertTrue(caught.exception.matches(Barge.error_quark(), Barge.Error.NOT_FOUND),
                        caught.exception.message)

    def test_calls_on_a_job_that_left_give_not_found(self):
        job = self.client.create_job_sync('raw cancel', Barge.JobType.DOWNLOAD, None, None)
        # Cancelled behind the library's back; no signal has been handled
        # yet when the next call goes out.
        self.connection.call_sync('org.freedesktop.Barge1', job.get_object_path(),
                                  'org.freedesktop.Barge1.Job', 'Cancel', None, None,
                                  Gio.DBusCallFlags.NONE, -1, None)
        with self.assertRaises(GLib.Error) as caught:
            job.resume_sync(None)
        self.assertTrue(caught.exception.matches(Barge.error_quark(), Barge.Error.NOT_FOUND),
                        caught.exception.message)
        self.assertIsNone(self.client.lookup_job(job.get_id()))
        self.run_until(lambda: self.removed, 'job-removed')
        # And once the library knows, without a round trip.
        with self.assertRaises(GLib.Error) as caught:
            job.suspend_sync(None)
        self.assertTrue(caught.exception.matches(Barge.error_quark(), Barge.Error.NOT_FOUND))

    def test_sync_calls_return_the_change(self):
        names = sorted(test_gi.FILE_SIZES)
        urls = [self.base_url + name for name in names]
        paths = [os.path.join(self.dest_dir, name) for name in names]
        job = self.client.create_job_sync('fresh', Barge.JobType.DOWNLOAD, None, None)

        # No main loop runs between these calls and the checks.
        job.add_files_sync(urls, paths, None)
        self.assertEqual([f.get_remote_url() for f in job.get_files()], urls)
        self.assertEqual(job.get_file_list().get_n_items(), 2)
        self.assertEqual(job.get_progress().get_files_total(), 2)
        self.assertTrue(job.set_property_sync('display-name', 'renamed', None))
        self.assertEqual(job.get_display_name(), 'renamed')
        self.assertTrue(job.set_property_sync('priority', Barge.JobPriority.LOW, None))
        self.assertEqual(job.get_priority(), Barge.JobPriority.LOW)
        job.suspend_sync(None)
        self.assertEqual(job.get_state(), Barge.JobState.SUSPENDED)

        # The second client's object, async: the _finish sees the change too.
        other_job = self.other.get_job_sync(job.get_id(), None)
        self.assertEqual(other_job.get_display_name(), 'renamed')
        self.assertTrue(self.run_async(
            lambda cb: other_job.set_property_async('description', 'from the other', None, cb),
            lambda res: other_job.set_property_finish(res)))
        self.assertEqual(other_job.get_description(), 'from the other')

        job.resume_sync(None)
        self.assertNotEqual(job.get_state(), Barge.JobState.SUSPENDED)
        self.run_until(lambda: job.get_state() == Barge.JobState.TRANSFERRED, 'the transfer')
        job.complete_sync(None)
        self.assertEqual(job.get_state(), Barge.JobState.ACKNOWLEDGED)
        self.assertIsNone(self.client.lookup_job(job.get_id()))
        self.assertEqual(self.removed, [(job.get_object_path(), 'acknowledged')])

        cancelled = self.client.create_job_sync('cancelled', Barge.JobType.DOWNLOAD, None, None)
        self.run_async(lambda cb: cancelled.cancel_async(None, cb),
                       lambda res: cancelled.cancel_finish(res))
        self.assertEqual(cancelled.get_state(), Barge.JobState.CANCELLED)

    def test_files_added_by_another_client(self):
        """Files travels invalidated: the second client reads the job again
        and shows the new files, with their values."""
        job = self.client.create_job_sync('shared', Barge.JobType.DOWNLOAD, None, None)
        other_job = self.other.get_job_sync(job.get_id(), None)
        self.assertEqual(other_job.get_files(), [])
        dest = os.path.join(self.dest_dir, 'shared.bin')
        job.add_files_sync([self.base_url + 'small.bin'], [dest], None)
        self.run_until(lambda: len(other_job.get_files()) == 1, 'the new file in the second client')
        self.assertEqual(other_job.get_files()[0].get_local_path(), dest)
        self.assertEqual(other_job.get_files()[0].get_remote_url(), self.base_url + 'small.bin')
        job.cancel_sync(None)

    def test_file_progress_is_final_when_transferred(self):
        job = self.client.create_job_sync('order', Barge.JobType.DOWNLOAD, None, None)
        self.assertTrue(job.set_property_sync(
            'notify-flags', Barge.NotifyFlags.TRANSFERRED | Barge.NotifyFlags.FILE_TRANSFERRED,
            None))
        job.add_files_sync([self.base_url + 'small.bin'],
                           [os.path.join(self.dest_dir, 'small.bin')], None)
        seen = []
        job.connect('file-transferred', lambda job, f: seen.append(
            (f.get_bytes_transferred(), f.get_bytes_total())))
        job.resume_sync(None)
        self.run_until(lambda: seen, 'file-transferred')
        size = test_gi.FILE_SIZES['small.bin']
        # The library keeps the daemon's order, and the daemon sends the
        # file's final Progress before FileTransferred.
        self.assertEqual(seen, [(size, size)])


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
