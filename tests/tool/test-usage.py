#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bargectl without a service: help, usage errors, exit statuses."""

import shutil
import subprocess
import tempfile
import unittest

from bargectl_fixture import (BARGECTL, COMMANDS, WAIT, clean_environment, start_bus,
                              stop_process)


@unittest.skipUnless(BARGECTL, 'BARGECTL is not set')
class TestUsage(unittest.TestCase):
    """What needs no service at all: help and usage errors."""

    def run_ctl(self, *args):
        env = clean_environment()
        env['BARGE_BUS_ADDRESS'] = 'unix:path=/nonexistent/barge-test-bus'
        return subprocess.run([BARGECTL] + list(args), env=env, capture_output=True,
                              text=True, timeout=WAIT)

    def test_main_help_lists_commands(self):
        result = self.run_ctl('--help')
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in COMMANDS:
            self.assertIn(command, result.stdout)

    def test_command_help(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                result = self.run_ctl(command, '--help')
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn('Usage', result.stdout)
                self.assertIn(command, result.stdout)
        result = self.run_ctl('help', 'download')
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in ('--timeout', '--on-timeout', '--keep-on-error', '--retry-delay'):
            self.assertIn(option, result.stdout)
        # Every command documents the exit statuses.
        self.assertIn('Exit status', result.stdout)
        self.assertIn('5  interrupted', result.stdout)
        # get and set list their keys.
        for command in ('get', 'set'):
            result = self.run_ctl(command, '--help')
            self.assertIn('minimum-retry-delay, retry-delay', result.stdout)
        self.assertIn('* priority', self.run_ctl('get', '--help').stdout)

    def test_cancel_all_without_terminal_needs_yes(self):
        result = self.run_ctl('cancel-all')
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn('--yes', result.stderr)

    def test_version(self):
        result = self.run_ctl('--version')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r'^bargectl \d+\.\d+')

    def test_usage_errors_exit_2(self):
        for args in (['no-such-command'], [], ['info'], ['list', '--bogus'],
                     ['background-limit', '0'], ['background-limit', '1k'],
                     ['background-limit', '2M', '--remove'], ['background-limit', '1M', '2M'],
                     ['add', 'JOB', 'only-a-url'], ['create', '--priority=urgent', 'x'],
                     ['create', '--type=sideways', 'x'], ['create', '--cost-policy=free', 'x'],
                     ['create', '--type=upload', 'x'],
                     ['create', '--upload-protocol=tus', 'x'],
                     ['create', '--type=upload', '--upload-protocol=ftp', 'x'],
                     ['download', 'http://127.0.0.1/x'],
                     ['download', '--timeout=soon', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--timeout=0', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--on-timeout=cancel', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--timeout=5', '--on-timeout=explode', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--retry-delay=1x', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--limit=0', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--limit=fast', 'http://127.0.0.1/x', '/tmp'],
                     ['create', '--limit=1023', 'x'], ['create', '--limit=101G', 'x'],
                     ['create', '--limit=-1M', 'x'], ['upload', '--limit=5mbit', 'f', 'u'],
                     ['set', 'JOB', 'bandwidth-limit', '0'], ['set', 'JOB', 'limit', 'lots'],
                     ['create', '--window=22:00-22:00', 'x'], ['create', '--window=24:00-01:00', 'x'],
                     ['create', '--not-before=2001-01-01T00:00Z', 'x'], ['create', '--not-before=later', 'x'],
                     ['download', '--window=1-2', 'http://127.0.0.1/x', '/tmp'],
                     ['download', '--not-before=2001-01-01T00:00', 'http://127.0.0.1/x', '/tmp'],
                     ['upload', '--window=08:00-8:00', 'f', 'u'],
                     ['set', 'JOB', 'window', '7-9'], ['set', 'JOB', 'not-before', '1999-12-31T23:59'],
                     ['download', '--list=/nonexistent/files.txt'],
                     ['download', '--list=/nonexistent/files.txt', 'http://127.0.0.1/x', '/tmp'],
                     ['set', 'JOB'], ['set', 'JOB', 'priority'], ['set', 'JOB', 'colour', 'red'],
                     ['set', 'JOB', 'state', 'queued'], ['set', 'JOB', 'priority', 'urgent'],
                     ['set', 'JOB', 'retry-delay', 'later'], ['get'], ['get', 'JOB', 'colour'],
                     ['files'], ['take-ownership'], ['describe-error'],
                     ['describe-error', '--all', 'Failed'], ['cancel-all', 'extra'],
                     ['monitor', 'extra'], ['--session', '--system', 'list'],
                     ['upload', 'only-a-file'], ['upload', '--protocol=ftp', 'f', 'u'],
                     ['upload', '--protocol=tus', '--print-reply', 'f', 'u'],
                     ['upload', '--print-reply', '--no-wait', 'f', 'u'],
                     ['upload', '--timeout=-1', 'f', 'u'], ['upload', '--priority=urgent', 'f', 'u'],
                     ['reply'], ['reply', '--save=x', '--print', 'JOB'],
                     ['credentials'], ['credentials', 'JOB'],
                     ['credentials', 'JOB', '--from-keyring=h', '--remove'],
                     ['credentials', 'JOB', '--remove', '--target=web'],
                     ['credentials', 'JOB', '--remove', '--scheme=kerberos'],
                     ['credentials', '--store', 'host']):
            with self.subTest(args=args):
                result = self.run_ctl(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith('bargectl'), result.stderr)

    def test_bad_rates_say_what_is_accepted(self):
        accepted = ('RATE is a number of bytes per second with an optional unit (k, M, G, KiB, '
                    'MiB, GiB, kbit, Mbit, Gbit), from 1 KiB/s to 100 GB/s, or none.')
        for args, problem in ((['create', '--limit=0', 'x'], '“0” is out of range.'),
                              (['create', '--limit=2 Mb', 'x'], '“2 Mb” is not a rate.'),
                              (['download', '--limit=100.5G', 'http://127.0.0.1/x', '/tmp'],
                               '“100.5G” is out of range.'),
                              (['upload', '--limit=', 'f', 'u'], '“” is not a rate.'),
                              (['set', 'JOB', 'limit', '1k'], '“1k” is out of range.')):
            with self.subTest(args=args):
                result = self.run_ctl(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                option = '--limit' if args[0] != 'set' else 'limit'
                self.assertEqual(result.stderr.splitlines()[0],
                                 'bargectl %s: %s: %s %s' % (args[0], option, problem, accepted))
        # And --help names the option wherever a job is made.
        for command in ('create', 'download', 'upload'):
            with self.subTest(command=command):
                self.assertIn('--limit=RATE', self.run_ctl(command, '--help').stdout)
        self.assertIn('bandwidth-limit, limit', self.run_ctl('set', '--help').stdout)

    def test_bad_times_say_what_is_accepted(self):
        time_help = ('TIME is a date and time in ISO 8601 such as 2026-12-24T22:00 (local time '
                     'unless it has an offset such as Z or +01:00), HH:MM for the next such local '
                     'time, or none.')
        window_help = ('A window is HH:MM-HH:MM in local time (hours 0 to 23, minutes 00 to 59; '
                       'such as 22:00-06:00, which crosses midnight), with the end not equal to the '
                       'start, or none.')
        for args, message in ((['create', '--not-before=2001-01-01T00:00Z', 'x'],
                               '--not-before: “2001-01-01T00:00Z” is in the past. ' + time_help),
                              (['download', '--not-before=noon', 'http://127.0.0.1/x', '/tmp'],
                               '--not-before: “noon” is not a time. ' + time_help),
                              (['upload', '--window=22:00-22:00', 'f', 'u'],
                               '--window: “22:00-22:00” is not a window. ' + window_help),
                              (['set', 'JOB', 'window', '25:00-01:00'],
                               'window: “25:00-01:00” is not a window. ' + window_help)):
            with self.subTest(args=args):
                result = self.run_ctl(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stderr.splitlines()[0], 'bargectl %s: %s' % (args[0], message))
        for command in ('create', 'download', 'upload'):
            with self.subTest(command=command):
                help_text = self.run_ctl(command, '--help').stdout
                self.assertIn('--not-before=TIME', help_text)
                self.assertIn('--window=HH:MM-HH:MM', help_text)
        self.assertIn('transfer-window, window', self.run_ctl('set', '--help').stdout)

    def test_store_refuses_bad_passwords(self):
        env = clean_environment()
        env['BARGE_BUS_ADDRESS'] = 'unix:path=/nonexistent/barge-test-bus'
        for stdin, message in (('\n', 'No password'), ('', 'No password'),
                               ('a' * 2000, 'longer than 1024')):
            with self.subTest(length=len(stdin)):
                result = subprocess.run([BARGECTL, 'credentials', '--store', 'host', 'user'], env=env,
                                        input=stdin, capture_output=True, text=True, timeout=WAIT)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(message, result.stderr)
        result = self.run_ctl('credentials', '--store', '--remove', 'host', 'user')
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn('--store', result.stderr)

    def test_unreachable_bus_exits_3(self):
        result = self.run_ctl('list')
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn('bargectl:', result.stderr)

    def test_bus_without_service_exits_3(self):
        tmp = tempfile.mkdtemp(prefix='bargectl-nobus-')
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        bus, address = start_bus(tmp)
        self.addCleanup(stop_process, bus)
        env = clean_environment()
        env['BARGE_BUS_ADDRESS'] = address
        result = subprocess.run([BARGECTL, 'list'], env=env, capture_output=True, text=True,
                                timeout=WAIT)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn('cannot reach the Barge service', result.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
