#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bargectl on a terminal: progress bars, NO_COLOR, the Ctrl-C question,
the cancel-all question (python pty), and the live monitor in tmux (a real
terminal emulator: what is on screen, resizing, quitting)."""

import os
import re
import shutil
import signal
import time
import unittest

from bargectl_fixture import DaemonTestCase, Tmux, BARGECTL


class TestTerminal(DaemonTestCase):

    def test_progress_bar_on_terminal(self):
        folder = self.make_folder()
        status, output = self.run_in_pty(
            ['download', self.url('gamma.bin', 'slow'), self.url('beta.bin', 'slow'), folder],
            self.ctl_env(TERM='xterm'))
        self.assertEqual(status, 0, output)
        self.assertIn('%', output)
        self.assertIn('\r', output)
        self.assertIn('\x1b[K', output)
        self.assertIn('100%', output)
        self.assertRegex(output, r'file [12] of 2')
        self.assertIn('Downloaded 2 files', output)
        # The bar never reaches the terminal's last column.
        for line in re.split(r'[\r\n]', re.sub(r'\x1b\[[0-9;?]*[A-Za-z]', '', output)):
            if not line.startswith('Downloaded'):
                self.assertLess(len(line), 100, line)
        self.assert_downloaded(folder, ['gamma.bin', 'beta.bin'])

    def test_no_color_on_terminal(self):
        folder = self.make_folder()
        status, output = self.run_in_pty(['download', self.url('alpha.bin'), folder],
                                         self.ctl_env(TERM='xterm', NO_COLOR='1'))
        self.assertEqual(status, 0, output)
        self.assert_no_escapes(output)
        self.assertIn('Downloaded 1 file', output)
        self.assertNotIn('[', output.split('Downloaded')[0])

    def test_interrupt_on_terminal_cancels(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}

        def started():
            return any(j['id'] not in before and j['bytes_transferred'] > 0
                       for j in self.list_jobs())

        status, output = self.run_in_pty(['download', self.url('huge.bin', 'crawl'), folder],
                                         self.ctl_env(TERM='xterm'), answer=b'c\n',
                                         interrupt_when=started)
        self.assertIn('[c/L]', output)
        self.assertEqual(status, 5, output)
        self.assertEqual({j['id'] for j in self.list_jobs()} - before, set())
        self.assertEqual(os.listdir(folder), [])

    def test_interrupt_on_terminal_leaves_by_default(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}

        def started():
            return any(j['id'] not in before and j['bytes_transferred'] > 0
                       for j in self.list_jobs())

        status, output = self.run_in_pty(['download', self.url('huge.bin', 'crawl'), folder],
                                         self.ctl_env(TERM='xterm'), answer=b'\n',
                                         interrupt_when=started)
        self.assertIn('[c/L]', output)
        self.assertEqual(status, 5, output)
        left = [j for j in self.list_jobs() if j['id'] not in before]
        self.assertEqual(len(left), 1)
        self.assertIn('bargectl cancel ' + left[0]['id'], output)
        self.assertIn(left[0]['state'], ('queued', 'connecting', 'transferring'))
        self.ctl('cancel', left[0]['id'])

    def test_failure_while_asking(self):
        # The job fails while the Ctrl-C question is on screen (its folder
        # is removed: LocalFile at the next checkpoint); "leave it" then
        # carries on as without Ctrl-C: the error is printed and the failed
        # job cancelled, exit 1. Before, bargectl said the job "keeps
        # running in the background" and left the failed job (exit 5).
        parent = self.make_folder()
        folder = os.path.join(parent, 'going')
        os.mkdir(folder)
        before = {j['id'] for j in self.list_jobs()}

        def mine():
            return [j for j in self.list_jobs() if j['id'] not in before]

        def started():
            return any(j['bytes_transferred'] > 0 for j in mine())

        def failed():
            if os.path.isdir(folder):
                shutil.rmtree(folder)
            return any(j['state'] == 'error' for j in mine())

        status, output = self.run_in_pty(['download', self.url('huge.bin', 'crawl'), folder + '/'],
                                         self.ctl_env(TERM='xterm'), answer=b'\n',
                                         interrupt_when=started, answer_when=failed)
        self.assertIn('[c/L]', output)
        self.assertEqual(status, 1, output)
        self.assertIn('LocalFile', output)
        self.assertNotIn('keeps running', output)
        self.assertEqual(mine(), [])

    def test_monitor_once_on_terminal(self):
        job = self.create_job('bar-view')
        status, output = self.run_in_pty(['monitor', '--once'], self.ctl_env(TERM='xterm'))
        self.assertEqual(status, 0, output)
        self.assertIn(job[:8], output)
        self.assertIn('bar-view', output)
        self.ctl('cancel', job)

    def test_monitor_shows_time_holds(self):
        # A job held by its NotBefore or its window says so in the view.
        later = time.strftime('%Y-%m-%dT%H:%M', time.localtime(time.time() + 3600))
        # A window of one minute that ended a minute ago: outside now.
        start = time.strftime('%H:%M', time.localtime(time.time() - 120))
        end = time.strftime('%H:%M', time.localtime(time.time() - 60))
        jobs = {'--not-before=' + later: 'queued (not before its time)',
                '--window=%s-%s' % (start, end): 'queued (outside its window)'}
        created = []
        for option, label in jobs.items():
            job = self.create_job(option, 'held')
            self.ctl('add', job, self.url('alpha.bin'), os.path.join(self.make_folder(), 'alpha.bin'))
            self.ctl('resume', job)
            self.wait_for('the hold', lambda: self.info(job)['hold_reason'] != 'none'
                          and self.info(job)['hold_reason'] != 'scheduler')
            created.append(job)
        status, output = self.run_in_pty(['monitor', '--once'], self.ctl_env(TERM='xterm'))
        self.assertEqual(status, 0, output)
        for label in jobs.values():
            self.assertIn(label, output)
        for job in created:
            self.ctl('cancel', job)

    def test_monitor_shows_limits_and_window(self):
        # The job's own limit and window, and the limit all background jobs
        # share, are in the view.
        self.ctl('background-limit', '2M')
        job = self.create_job('--limit=1M', '--window=22:00-06:00', 'limited')
        try:
            status, output = self.run_in_pty(['monitor', '--once'], self.ctl_env(TERM='xterm'),
                                             columns=130)
            self.assertEqual(status, 0, output)
            self.assertIn('background jobs: limit 2.0\u00a0MB/s', output)
            self.assertIn('limit 1.0\u00a0MB/s', output)
            self.assertIn('window 22:00-06:00', output)
            self.assertIn('suspended', output)
        finally:
            self.ctl('cancel', job)
            self.ctl('background-limit', '--remove')
        status, output = self.run_in_pty(['monitor', '--once'], self.ctl_env(TERM='xterm'))
        self.assertNotIn('background jobs: limit', output)

    def test_list_on_terminal(self):
        status, output = self.run_in_pty(['list'], self.ctl_env(TERM='xterm'))
        self.assertEqual(status, 0, output)
        self.assertIn('No jobs.', output)
        job = self.create_job('titled')
        status, output = self.run_in_pty(['list'], self.ctl_env(TERM='xterm'))
        lines = output.splitlines()
        self.assertRegex(lines[0], r'^ID +STATE +PRIORITY +BYTES +FILES  NAME$')
        self.assertRegex(lines[1], r'^%s +suspended +normal .* 0/0  titled$' % job)
        # Without a terminal: the bare lines, for scripts.
        self.assertEqual(self.ctl('list').stdout.splitlines()[0].split()[0], job)
        self.ctl('cancel', job)

    def test_monitor_no_color_on_terminal(self):
        job = self.create_job('plain-view')
        status, output = self.run_in_pty(['monitor', '--once'],
                                         self.ctl_env(TERM='xterm', NO_COLOR='1'))
        self.assertEqual(status, 0, output)
        self.assert_no_escapes(output)
        self.assertIn(job, output)
        status, output = self.run_in_pty(['monitor', '--once'], self.ctl_env(TERM='dumb'))
        self.assertEqual(status, 0, output)
        self.assert_no_escapes(output)
        self.ctl('cancel', job)

    def test_cancel_all_asks_on_terminal(self):
        jobs = [self.create_job('ask-%d' % i) for i in range(2)]
        status, output = self.run_in_pty(['cancel-all'], self.ctl_env(TERM='xterm'),
                                         answer=b'n\n', prompt=b'[y/N]')
        self.assertEqual(status, 1, output)
        self.assertIn('Cancel these 2 jobs', output)
        for job in jobs:
            self.assertIn(job, output)
        self.assertIn('Nothing was cancelled', output)
        self.assertEqual(len(self.list_jobs()), 2)
        status, output = self.run_in_pty(['cancel-all'], self.ctl_env(TERM='xterm'),
                                         answer=b'y\n', prompt=b'[y/N]')
        self.assertEqual(status, 0, output)
        self.assertEqual(self.list_jobs(), [])

    @unittest.skipUnless(shutil.which('tmux'), 'tmux is not installed')
    def test_monitor_live_view(self):
        folder = self.make_folder()
        early = self.create_job('early-job')
        tmux = Tmux(self, [BARGECTL, 'monitor'], self.ctl_env(TERM='xterm'), width=130, height=20)
        screen = tmux.wait_screen(r'^%s +early-job .*suspended' % early)
        self.assertRegex(screen, r'Barge: 1 job +q or Ctrl-C quits')
        self.assertNotIn('shell-before', screen)

        # New jobs and progress arrive through signals.
        late = self.create_job('late-job')
        tmux.wait_screen(r'^%s +late-job ' % late)
        tmux.wait_screen(r'Barge: 2 jobs')
        self.ctl('add', late, self.url('huge.bin', 'crawl'), os.path.join(folder, 'h'))
        self.ctl('resume', late)
        screen = tmux.wait_screen(r'^%s +late-job +\[[^]]*\] +[0-9]+%% .*/s' % late)
        for line in screen.splitlines():
            self.assertLess(len(line), 130, line)
        self.ctl('cancel', early)
        tmux.wait_screen(r'Barge: 1 job\b')
        self.assertNotIn(early, tmux.screen())

        # A narrower terminal: short ids, shorter lines, redrawn at once.
        tmux.resize(60, 12)
        screen = tmux.wait_screen(r'^%s  late-job' % late[:8])
        for line in screen.splitlines():
            self.assertLess(len(line), 60, line)
        self.assertNotIn(late, screen)

        # Ctrl-Z does not leave the terminal in the monitor's modes.
        tmux.send_keys('C-z')
        tmux.wait_screen(r'Barge: 1 job\b')
        # q quits, and the shell's screen comes back as it was.
        tmux.send_keys('q')
        self.assertEqual(tmux.wait_status(), 0)
        screen = tmux.wait_screen(r'shell-before')
        self.assertNotIn('Barge:', screen)
        self.ctl('cancel', late)

    @unittest.skipUnless(shutil.which('tmux'), 'tmux is not installed')
    def test_monitor_ctrl_c_and_no_jobs(self):
        tmux = Tmux(self, [BARGECTL, 'monitor'], self.ctl_env(TERM='xterm'))
        tmux.wait_screen(r'No jobs\. Waiting for new ones\.')
        tmux.send_keys('C-c')
        self.assertEqual(tmux.wait_status(), 0)
        screen = tmux.wait_screen(r'shell-before')
        self.assertNotIn('No jobs', screen)
        # Keys are echoed again: the terminal modes were restored.
        tmux.send_keys('typed-after')
        tmux.wait_screen(r'typed-after')

    @unittest.skipUnless(shutil.which('tmux'), 'tmux is not installed')
    def test_download_in_tmux(self):
        folder = self.make_folder()
        tmux = Tmux(self, [BARGECTL, 'download', self.url('gamma.bin', 'slow'),
                           self.url('alpha.bin', 'slow'), folder],
                    self.ctl_env(TERM='xterm'), width=90)
        screen = tmux.wait_screen(r'Downloaded 2 files')
        self.assertEqual(tmux.wait_status(), 0)
        # The bar's line was finished with its final state, then the summary.
        self.assertRegex(screen, r'100%\s+[0-9.]+\sMB/[0-9.]+\sMB')
        self.assert_downloaded(folder, ['gamma.bin', 'alpha.bin'])


    @unittest.skipUnless(shutil.which('tmux'), 'tmux is not installed')
    def test_download_resize_and_ctrl_c_in_tmux(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        tmux = Tmux(self, [BARGECTL, 'download', self.url('huge.bin', 'crawl'), folder],
                    self.ctl_env(TERM='xterm'), width=100, height=10)
        tmux.wait_screen(r'^\[[^]]*\] +[0-9]+%.*/s')
        tmux.resize(70, 10)
        # The bar follows the terminal: a line that fits, still moving.
        screen = tmux.wait_screen(r'^\[[^]]{8,30}\] +[0-9]+%')
        bar_line = [line for line in screen.splitlines() if line.startswith('[')][-1]
        self.assertLess(len(bar_line), 70, screen)
        tmux.send_keys('C-c')
        tmux.wait_screen(r'Cancel the job or leave it running\? \[c/L\]')
        tmux.send_keys('c', 'Enter')
        self.assertEqual(tmux.wait_status(), 5)
        tmux.wait_screen(r'The job was cancelled\.')
        self.assertEqual(self.new_jobs(before), [])
        self.assertEqual(os.listdir(folder), [])


if __name__ == '__main__':
    unittest.main(verbosity=2)
