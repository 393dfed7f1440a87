#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bargectl's job commands against a real barged: create, add, resume,
suspend, cancel, complete, cancel-all, get, set, take-ownership, list,
info, files, describe-error, monitor without a terminal, and what --json
makes of unusual strings and sizes."""

import hashlib
import http.server
import json
import os
import re
import select
import shlex
import signal
import subprocess
import threading
import time
import unittest

from bargectl_fixture import (BARGECTL, COMMANDS, UUID_RE, WAIT, DaemonTestCase, stop_process)

MANPAGE = os.environ.get('BARGECTL_MANPAGE', '')
BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'


class TestJobs(DaemonTestCase):

    # -- background-limit -------------------------------------------------------

    def test_background_limit(self):
        def shown():
            return json.loads(self.ctl('background-limit', '--json').stdout)

        self.assertEqual(shown(), {'limit': 0, 'source': 'none'})
        self.assertEqual(self.ctl('background-limit').stdout,
                         'Background bandwidth limit: none (nothing limits background jobs)\n')
        self.ctl('background-limit', '2M')
        self.assertEqual(shown(), {'limit': 2000000, 'source': 'administrator'})
        self.assertEqual(self.ctl('background-limit').stdout,
                         'Background bandwidth limit: 2.0\u00a0MB/s (set by an administrator)\n')
        # A usage error changes nothing.
        self.assertIn('--remove', self.ctl('background-limit', 'none', expect=2).stderr)
        self.assertEqual(shown(), {'limit': 2000000, 'source': 'administrator'})
        self.ctl('background-limit', '--remove')
        self.assertEqual(shown(), {'limit': 0, 'source': 'none'})

    # -- create / add / resume / list / info / suspend / cancel -----------------

    def test_job_lifecycle(self):
        folder = self.make_folder()
        job = self.create_job('--description=a test job', '--priority=low', 'lifecycle')

        # A relative LOCALPATH is relative to bargectl's working directory.
        self.ctl('add', job, self.url('huge.bin', 'crawl'), 'huge.bin', cwd=folder)
        target = os.path.join(folder, 'huge.bin')

        info = self.info(job)
        self.assertEqual(info['id'], job)
        self.assertEqual(info['display_name'], 'lifecycle')
        self.assertEqual(info['description'], 'a test job')
        self.assertEqual(info['type'], 'download')
        self.assertEqual(info['state'], 'suspended')
        self.assertEqual(info['priority'], 'low')
        self.assertEqual(info['owner'], os.getuid())
        self.assertIsNone(info['error'])
        self.assertEqual(info['files_total'], 1)
        self.assertEqual(info['files_transferred'], 0)
        self.assertIsNotNone(info['creation_time'])
        self.assertEqual(len(info['files']), 1)
        file = info['files'][0]
        self.assertEqual(file['url'], self.url('huge.bin', 'crawl'))
        self.assertEqual(file['local_path'], target)
        self.assertFalse(file['completed'])
        for key in ('temporary_path', 'bytes_total', 'bytes_transferred'):
            self.assertIn(key, file)

        # The id also works without dashes.
        self.assertEqual(self.info(job.replace('-', ''))['id'], job)

        listed = [j for j in self.list_jobs() if j['id'] == job]
        self.assertEqual(len(listed), 1)
        for key in ('id', 'display_name', 'description', 'type', 'state', 'priority', 'owner',
                    'bytes_total', 'bytes_transferred', 'files_total', 'files_transferred',
                    'error', 'creation_time', 'modification_time', 'completion_time'):
            self.assertIn(key, listed[0])
        text = self.ctl('list').stdout
        self.assertIn(job, text)
        self.assertIn('lifecycle', text)

        self.ctl('resume', job)
        info = self.wait_for('bytes to arrive',
                             lambda: (lambda i: i if i['bytes_transferred'] > 0 else None)(self.info(job)))
        self.assertIn(info['state'], ('connecting', 'transferring'))
        self.assertEqual(info['bytes_total'], len(self.files['huge.bin']))
        temporary = info['files'][0]['temporary_path']
        self.assertTrue(temporary)
        self.assertTrue(os.path.exists(temporary), temporary)
        self.assertFalse(os.path.exists(target))

        self.ctl('suspend', job)
        self.wait_for_state(job, ('suspended',))

        self.ctl('cancel', job)
        self.assertNotIn(job, [j['id'] for j in self.list_jobs()])
        result = self.ctl('info', job, expect=1)
        self.assertTrue(result.stderr.startswith('bargectl: '), result.stderr)
        self.assertNotIn('GDBus.Error', result.stderr)
        self.assertFalse(os.path.exists(temporary))
        self.assertFalse(os.path.exists(target))
        self.assertEqual(os.listdir(folder), [])

    def test_add_list_file(self):
        folder = self.make_folder()
        job = self.create_job('from-list')
        listing = os.path.join(folder, 'files.txt')
        with open(listing, 'w') as f:
            f.write('# comment\n\n%s %s\n%s out/beta copy.bin\n' %
                    (self.url('alpha.bin'), os.path.join(folder, 'alpha.bin'), self.url('beta.bin')))
        os.mkdir(os.path.join(folder, 'out'))
        self.ctl('add', job, '--list=' + listing, cwd=folder)
        info = self.info(job)
        self.assertEqual([f['local_path'] for f in info['files']],
                         [os.path.join(folder, 'alpha.bin'),
                          os.path.join(folder, 'out', 'beta copy.bin')])
        self.assertEqual(info['files_total'], 2)

        self.ctl('resume', job)
        self.wait_for_state(job, ('transferred',))
        self.ctl('complete', job)
        self.assertEqual(self.sha256(os.path.join(folder, 'out', 'beta copy.bin')),
                         hashlib.sha256(self.files['beta.bin']).hexdigest())
        self.ctl('info', job, expect=1)

    def test_bad_job_id(self):
        result = self.ctl('resume', '00000000-0000-0000-0000-000000000000', expect=1)
        self.assertTrue(result.stderr.startswith('bargectl: '), result.stderr)

    def test_add_list_from_stdin(self):
        folder = self.make_folder()
        job = self.create_job('from-stdin')
        listing = '%s %s\n%s %s\n' % (self.url('alpha.bin'), os.path.join(folder, 'a'),
                                      self.url('beta.bin'), os.path.join(folder, 'b'))
        result = subprocess.run([BARGECTL, 'add', job, '--list=-'], input=listing, text=True,
                                env=self.ctl_env(), capture_output=True, timeout=WAIT)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([f['local_path'] for f in self.info(job)['files']],
                         [os.path.join(folder, 'a'), os.path.join(folder, 'b')])
        # A bad line is a usage error and adds nothing.
        result = subprocess.run([BARGECTL, 'add', job, '--list=-'], input='just-a-url\n', text=True,
                                env=self.ctl_env(), capture_output=True, timeout=WAIT)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn('Line 1', result.stderr)
        self.assertEqual(len(self.info(job)['files']), 2)
        self.ctl('cancel', job)

    def test_create_options(self):
        result = self.ctl('create', '--json', '--description=described', '--priority=high',
                          'json-job')
        job = json.loads(result.stdout)
        self.assertRegex(job['id'], UUID_RE)
        self.assertEqual(job['display_name'], 'json-job')
        self.assertEqual(job['description'], 'described')
        self.assertEqual(job['priority'], 'high')
        self.assertEqual(job['type'], 'download')
        self.assertEqual(job['state'], 'suspended')
        self.assertEqual(job['files'], [])
        self.assertIsNone(job['upload_protocol'])
        self.ctl('cancel', job['id'])

        # Whether the service takes these depends on what it implements;
        # either way bargectl passes them on and reports cleanly.
        for args, check in ((['--cost-policy=unmetered'], ('cost_policy', 'unmetered')),
                            (['--type=upload', '--upload-protocol=bits'], ('upload_protocol', 'bits')),
                            (['--type=upload-reply', '--upload-protocol=put'], ('type', 'upload-reply'))):
            with self.subTest(args=args):
                result = self.ctl('create', *args, 'optioned', expect=None)
                if result.returncode == 0:
                    job = result.stdout.strip()
                    self.assertEqual(self.info(job)[check[0]], check[1])
                    self.ctl('cancel', job)
                else:
                    self.assertEqual(result.returncode, 1, result.stderr)
                    self.assertTrue(result.stderr.startswith('bargectl: '), result.stderr)
                    self.assertNotIn('GDBus.Error', result.stderr)

    def test_set_and_get(self):
        job = self.create_job('settable')
        self.ctl('set', job, 'display-name', 'renamed', 'description', 'new text',
                 'priority', 'low', 'retry-delay', '2m', 'no-progress-timeout', '1h30m',
                 'notification-interval', '2s', 'max-download-time', '1d',
                 'notify-flags', 'transferred,file-transferred',
                 'notify-command-line', 'true "two words" $HOME', 'cost-policy', 'unmetered')
        values = self.ctl('get', job, 'name', 'description', 'priority', 'minimum-retry-delay',
                          'no-progress-timeout', 'minimum-notification-interval',
                          'maximum-download-time', 'notify-flags', 'cost-policy').stdout
        self.assertEqual(values.splitlines(),
                         ['renamed', 'new text', 'low', '120', '5400', '2000', '86400',
                          'transferred,file-transferred', 'unmetered'])
        info = self.info(job)
        self.assertEqual(info['display_name'], 'renamed')
        self.assertEqual(info['minimum_retry_delay'], 120)
        self.assertEqual(info['maximum_download_time'], 86400)
        self.assertEqual(info['notify_flags'], ['transferred', 'file-transferred'])
        # The program is found in PATH here; the service runs it without a shell.
        command = info['notify_command_line']
        self.assertTrue(os.path.isabs(command[0]), command)
        self.assertEqual(command[1:], ['two words', '$HOME'])
        # What get prints, set takes back.
        printed = self.ctl('get', job, 'notify-command').stdout.rstrip('\n')
        self.ctl('set', job, 'notify-command-line', printed)
        self.assertEqual(self.info(job)['notify_command_line'], command)
        self.ctl('set', job, 'notify-command-line', '', 'notify-flags', 'none',
                 'notification-interval', '750ms')
        info = self.info(job)
        self.assertEqual(info['notify_command_line'], [])
        self.assertEqual(info['notify_flags'], [])
        self.assertEqual(info['minimum_notification_interval'], 750)

        # Every key, as KEY=VALUE.
        lines = self.ctl('get', job).stdout.splitlines()
        keys = [line.split('=', 1)[0] for line in lines]
        for key in ('id', 'state', 'priority', 'hold-reason', 'http-status', 'credentials',
                    'maximum-download-time', 'notify-command-line', 'reply-file-name'):
            self.assertIn(key, keys)
        self.assertIn('id=' + job, lines)
        self.assertIn('bytes-total=0', lines)

        # bargectl refuses what it can tell is wrong, before sending anything.
        for args in (['state', 'queued'], ['priority', 'urgent'], ['retry-delay', 'soon'],
                     ['notify-flags', 'sometimes'], ['cost-policy', 'free'],
                     ['notify-command-line', 'no-such-program-anywhere'],
                     ['notify-command-line', '"unbalanced'], ['colour', 'red'],
                     # Not UTF-8 (the byte 0xff): it cannot go over D-Bus.
                     ['notify-command-line', '/bin/true \udcff'],
                     ['priority', 'high', 'description']):
            with self.subTest(args=args):
                result = self.ctl('set', job, *args, expect=2)
                self.assertTrue(result.stderr.startswith('bargectl set: '), result.stderr)
        self.assertEqual(self.info(job)['priority'], 'low')
        # The service refuses the rest, with its reason.
        result = self.ctl('set', job, 'retry-delay', '1', expect=1)
        self.assertIn('cannot set minimum-retry-delay', result.stderr)
        # A text that is not UTF-8: libbarge refuses it (GVariant would not
        # take it, and bargectl crashed on the NULL).
        result = self.ctl('set', job, 'description', 'caf\udce9', expect=1)
        self.assertIn('not valid UTF-8', result.stderr)
        self.assertNotIn('GDBus.Error', result.stderr)
        self.ctl('cancel', job)
        result = self.ctl('set', job, 'priority', 'high', expect=1)
        self.assertTrue(result.stderr.startswith('bargectl: '), result.stderr)

    def test_size_hint(self):
        # create --size-hint: the CreateJob option, in bytes; info, get, set.
        job = self.create_job('--size-hint=3GiB', 'hinted')
        self.assertEqual(self.info(job)['size_hint'], 3 << 30)
        self.assertRegex(self.ctl('info', job).stdout, r'(?m)^Size hint: +3\.2\sGB$')
        self.assertEqual(self.ctl('get', job, 'size-hint').stdout, '%d\n' % (3 << 30))
        self.ctl('set', job, 'size-hint', '20M')
        self.assertEqual(self.info(job)['size_hint'], 20000000)
        self.ctl('set', job, 'size-hint', 'none')
        self.assertEqual(self.info(job)['size_hint'], 0)
        self.assertRegex(self.ctl('info', job).stdout, r'(?m)^Size hint: +none$')
        # A usage error that says what SIZE may be, and nothing changes.
        for value in ('huge', '10Mbit', '9007199254740993'):
            with self.subTest(value=value):
                result = self.ctl('set', job, 'size-hint', value, expect=2)
                self.assertIn('SIZE is a number of bytes', result.stderr)
                self.assertIn('SIZE is a number of bytes',
                              self.ctl('create', '--size-hint=' + value, 'refused', expect=2).stderr)
        self.assertEqual(self.info(job)['size_hint'], 0)
        self.ctl('cancel', job)

    def test_max_segments(self):
        # create --segments: the CreateJob option max-segments.
        job = self.create_job('--segments=3', 'segmented')
        self.assertEqual(self.ctl('get', job, 'max-segments').stdout, '3\n')
        # set, by name or alias; auto is 0; what get prints, set takes back.
        self.ctl('set', job, 'segments', 'auto')
        self.assertEqual(self.ctl('get', job, 'segments').stdout, 'auto\n')
        self.ctl('set', job, 'max-segments', '16')
        self.assertEqual(self.ctl('get', job, 'max-segments').stdout, '16\n')
        # bargectl refuses what the service would, and nothing changes.
        for value in ('0', '17', 'many', '2.5', ''):
            with self.subTest(value=value):
                result = self.ctl('set', job, 'segments', value, expect=2)
                self.assertIn('1 to 16, or auto', result.stderr)
                self.assertEqual(self.ctl('get', job, 'max-segments').stdout, '16\n')
        self.assertIn('1 to 16, or auto', self.ctl('create', '--segments=99', 'refused', expect=2).stderr)

    def test_bandwidth_limit(self):
        # create --limit: the CreateJob option, in bytes per second.
        job = self.create_job('--limit=2M', 'limited')
        info = self.info(job)
        self.assertEqual(info['bandwidth_limit'], 2000000)
        self.assertRegex(self.ctl('info', job).stdout, r'(?m)^Bandwidth limit: +2\.0\sMB/s$')
        self.assertEqual(self.ctl('get', job, 'bandwidth-limit').stdout, '2000000\n')
        created = json.loads(self.ctl('create', '--json', '--limit=1.5MiB', 'limited-json').stdout)
        self.assertEqual(created['bandwidth_limit'], 1572864)
        self.ctl('cancel', created['id'])

        # set, by name or alias, with the units of RATES.
        for value, expected in (('10Mbit', 1250000), ('1KiB', 1024), ('100G', 100000000000),
                                ('64 kB/s', 64000), ('123456', 123456)):
            with self.subTest(value=value):
                self.ctl('set', job, 'limit', value)
                self.assertEqual(self.info(job)['bandwidth_limit'], expected)
                self.assertEqual(self.ctl('get', job, 'limit').stdout, '%d\n' % expected)
        # What get prints, set takes back.
        self.ctl('set', job, 'bandwidth-limit', self.ctl('get', job, 'limit').stdout.strip())
        self.assertEqual(self.info(job)['bandwidth_limit'], 123456)

        # none lifts the job's own limit.
        self.ctl('set', job, 'bandwidth-limit', 'none')
        self.assertEqual(self.info(job)['bandwidth_limit'], 0)
        self.assertRegex(self.ctl('info', job).stdout, r'(?m)^Bandwidth limit: +none$')
        self.assertIn('bandwidth-limit=none', self.ctl('get', job).stdout.splitlines())
        self.ctl('set', job, 'limit', '3M', 'description', 'limited again')

        # bargectl refuses what the service would, before sending anything:
        # a usage error that says what RATE may be, and nothing changes.
        for value in ('0', '1000', '1023', '0.5KiB', '100000000001', '101G', 'fast', '5 MB/h', '1e6', ''):
            with self.subTest(value=value):
                result = self.ctl('set', job, 'description', 'changed', 'limit', value, expect=2)
                self.assertTrue(result.stderr.startswith('bargectl set: limit: '), result.stderr)
                self.assertIn('RATE is a number of bytes per second with an optional unit '
                              '(k, M, G, KiB, MiB, GiB, kbit, Mbit, Gbit), from 1 KiB/s to '
                              '100 GB/s, or none.', result.stderr)
                info = self.info(job)
                self.assertEqual(info['bandwidth_limit'], 3000000)
                self.assertEqual(info['description'], 'limited again')
        before = {j['id'] for j in self.list_jobs()}
        for value in ('0', '512', 'lots'):
            with self.subTest(create=value):
                result = self.ctl('create', '--limit=' + value, 'refused', expect=2)
                self.assertTrue(result.stderr.startswith('bargectl create: --limit: '), result.stderr)
                self.assertIn('from 1 KiB/s to 100 GB/s, or none', result.stderr)
        self.assertEqual(self.new_jobs(before), [])
        self.ctl('cancel', job)

        # --limit=none sends 0: no limit of the job's own.
        job = self.create_job('--limit=none', 'unlimited')
        self.assertEqual(self.info(job)['bandwidth_limit'], 0)
        self.ctl('cancel', job)

    def test_keep_awake(self):
        # create --keep-awake: the CreateJob option, for foreground jobs.
        job = self.create_job('--priority=foreground', '--keep-awake', 'awake')
        self.assertTrue(self.info(job)['keep_awake'])
        self.assertRegex(self.ctl('info', job).stdout, r'(?m)^Keep awake: +yes, while it transfers$')
        self.assertEqual(self.ctl('get', job, 'keep-awake').stdout, 'true\n')
        self.ctl('set', job, 'priority', 'low')
        self.assertRegex(self.ctl('info', job).stdout,
                         r'(?m)^Keep awake: +set aside until the job is in the foreground again$')
        self.ctl('cancel', job)
        # Without it: false, and no line in info.
        job = self.create_job('plain')
        self.assertFalse(self.info(job)['keep_awake'])
        self.assertNotIn('Keep awake:', self.ctl('info', job).stdout)
        self.ctl('cancel', job)
        # The service refuses it for a background job: no job.
        before = {j['id'] for j in self.list_jobs()}
        result = self.ctl('create', '--keep-awake', 'refused', expect=1)
        self.assertIn('keep-awake is for foreground jobs', result.stderr)
        self.assertEqual(self.new_jobs(before), [])

    def test_time_policy(self):
        # create --not-before and --window: the CreateJob options.
        later = time.time() + 3600
        local = time.strftime('%Y-%m-%dT%H:%M:%S', time.localtime(later))
        job = self.create_job('--not-before=' + local, '--window=7:05-9:30', 'timed')
        info = self.info(job)
        self.assertEqual(info['not_before'],
                         time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(int(later))))
        self.assertEqual(info['transfer_window'], '07:05-09:30')
        text = self.ctl('info', job).stdout
        self.assertRegex(text, r'(?m)^Not before: +%s$' % re.escape(local.replace('T', ' ')))
        self.assertRegex(text, r'(?m)^Transfer window: +07:05-09:30$')
        self.assertEqual(self.ctl('get', job, 'window').stdout, '07:05-09:30\n')
        # What get prints, set takes back; HH:MM is the next such time.
        self.ctl('set', job, 'not-before', self.ctl('get', job, 'not-before').stdout.strip())
        self.assertEqual(self.info(job)['not_before'], info['not_before'])
        self.ctl('set', job, 'transfer-window', '22:00-06:00')
        self.assertEqual(self.info(job)['transfer_window'], '22:00-06:00')

        # Resumed, it waits for its time, and says so.
        folder = self.make_folder()
        self.ctl('add', job, self.url('alpha.bin'), os.path.join(folder, 'alpha.bin'))
        self.ctl('resume', job)
        info = self.wait_for('the hold', lambda: (lambda i: i if i['hold_reason'] == 'not-before'
                                                  else None)(self.info(job)))
        self.assertEqual(info['state'], 'queued')
        self.assertRegex(self.ctl('info', job).stdout, r'(?m)^Waiting for: +not-before$')

        # Bad values: a usage error that says what is accepted; nothing changes.
        for key, value, accepted in (('window', '08:00-08:00', 'A window is HH:MM-HH:MM'),
                                     ('window', '25:00-01:00', 'A window is HH:MM-HH:MM'),
                                     ('not-before', '2020-01-01T00:00', 'TIME is a date and time'),
                                     ('not-before', 'soon', 'TIME is a date and time')):
            with self.subTest(key=key, value=value):
                result = self.ctl('set', job, 'description', 'changed', key, value, expect=2)
                self.assertTrue(result.stderr.startswith('bargectl set: %s: ' % key), result.stderr)
                self.assertIn(accepted, result.stderr)
                info = self.info(job)
                self.assertEqual(info['transfer_window'], '22:00-06:00')
                self.assertNotEqual(info['description'], 'changed')
        before = {j['id'] for j in self.list_jobs()}
        for option in ('--window=6:00-06:00', '--window=garbage', '--not-before=2000-01-01T00:00Z'):
            with self.subTest(option=option):
                result = self.ctl('create', option, 'refused', expect=2)
                self.assertTrue(result.stderr.startswith('bargectl create: --'), result.stderr)
        self.assertEqual(self.new_jobs(before), [])

        # none for both: the job goes.
        self.ctl('set', job, 'not-before', 'none', 'window', 'none')
        info = self.info(job)
        self.assertIsNone(info['not_before'])
        self.assertEqual(info['transfer_window'], '')
        self.assertEqual(self.ctl('get', job, 'window').stdout, 'none\n')
        self.wait_for_state(job, ('transferred',))
        self.ctl('complete', job)

    def test_files(self):
        folder = self.make_folder()
        job = self.create_job('with-files')
        self.ctl('add', job, self.url('alpha.bin'), os.path.join(folder, 'a.bin'))
        self.ctl('add', job, self.url('beta.bin'), os.path.join(folder, 'b c.bin'))
        lines = self.ctl('files', job).stdout.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertRegex(lines[0], r'^ +1  not complete +0 bytes/\? +%s +%s$' % (
            re.escape(self.url('alpha.bin')), re.escape(os.path.join(folder, 'a.bin'))))
        self.assertIn(os.path.join(folder, 'b c.bin'), lines[1])
        files = json.loads(self.ctl('files', '--json', job).stdout)
        self.assertEqual([f['url'] for f in files], [self.url('alpha.bin'), self.url('beta.bin')])
        self.assertEqual(files, self.info(job)['files'])

        self.ctl('resume', job)
        self.wait_for_state(job, ('transferred',))
        files = json.loads(self.ctl('files', '--json', job).stdout)
        # Every byte is there, but nothing is handed over before complete.
        self.assertEqual([(f['bytes_transferred'], f['bytes_total']) for f in files],
                         [(len(self.files['alpha.bin']),) * 2, (len(self.files['beta.bin']),) * 2])
        self.assertFalse(any(f['completed'] for f in files))
        self.assertRegex(self.ctl('files', job).stdout, r'^ +1  transferred ')
        self.ctl('complete', job)

    def test_service_errors_are_clear(self):
        job = self.create_job('empty')
        # Resuming a job without files, completing one that is not transferred.
        for args in (['resume', job], ['add', job, 'not a url', '/tmp/x'],
                     ['add', job, self.url('alpha.bin'), '/no/such/folder/x'],
                     ['info', 'not-a-uuid'], ['cancel', '11111111-2222-3333-4444-555555555555']):
            with self.subTest(args=args):
                result = self.ctl(*args, expect=1)
                self.assertRegex(result.stderr, r'^bargectl: \S')
                self.assertNotIn('GDBus.Error', result.stderr)
                self.assertNotIn('org.freedesktop', result.stderr)
        self.ctl('cancel', job)

    def test_take_ownership(self):
        job = self.create_job('mine-already')
        result = self.ctl('take-ownership', job, expect=None)
        if result.returncode == 0:
            self.assertIn('yours', result.stderr)
            self.assertEqual(self.info(job)['owner'], os.getuid())
        else:
            # A service that does not implement it yet says so clearly.
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertTrue(result.stderr.startswith('bargectl: '), result.stderr)
            self.assertNotIn('GDBus.Error', result.stderr)
        self.ctl('cancel', job)
        self.ctl('take-ownership', job, expect=1)

    def test_describe_error(self):
        text = self.ctl('describe-error', 'RemoteNotFound').stdout.strip()
        self.assertTrue(text)
        self.assertEqual(self.ctl('describe-error', 'remotenotfound').stdout.strip(), text)
        self.assertEqual(self.ctl('describe-error',
                                  'org.freedesktop.Barge1.Error.RemoteNotFound').stdout.strip(), text)
        # The language comes from the environment, or from --locale; one
        # without a catalog falls back to English.
        german = self.ctl('describe-error', 'RemoteNotFound',
                          env=self.ctl_env(LC_ALL='', LC_MESSAGES='', LANG='de_DE.UTF-8')).stdout.strip()
        self.assertTrue(german)
        if os.environ.get('BARGE_LOCALEDIR'):
            self.assertNotEqual(german, text)
        self.assertEqual(self.ctl('describe-error', 'RemoteNotFound',
                                  env=self.ctl_env(LANGUAGE='de')).stdout.strip(), german)
        self.assertEqual(self.ctl('describe-error', '--locale=de_DE.UTF-8',
                                  'RemoteNotFound').stdout.strip(), german)
        self.assertEqual(self.ctl('describe-error', '--locale=fr_FR', 'RemoteNotFound').stdout.strip(),
                         text)

        several = self.ctl('describe-error', 'NotFound', 'TimedOut').stdout.splitlines()
        self.assertEqual(several[0], 'NotFound')
        self.assertEqual(several[2], 'TimedOut')
        entries = json.loads(self.ctl('describe-error', '--all', '--json').stdout)
        names = [e['name'] for e in entries]
        self.assertGreaterEqual(len(names), 30)
        self.assertIn('org.freedesktop.Barge1.Error.MaximumTimeExceeded', names)
        self.assertTrue(all(e['description'] for e in entries))

        result = self.ctl('describe-error', 'NoSuchError', expect=1)
        self.assertIn('NoSuchError', result.stderr)
        self.assertNotIn('GDBus.Error', result.stderr)

    def test_cancel_all(self):
        folder = self.make_folder()
        jobs = [self.create_job('reset-%d' % i) for i in range(3)]
        self.ctl('add', jobs[0], self.url('huge.bin', 'crawl'), os.path.join(folder, 'h'))
        self.ctl('resume', jobs[0])
        # No terminal, no --yes: nothing happens.
        result = self.ctl('cancel-all', expect=2)
        self.assertIn('--yes', result.stderr)
        self.assertTrue(set(jobs) <= {j['id'] for j in self.list_jobs()})

        result = self.ctl('cancel-all', '--yes')
        self.assertEqual(self.list_jobs(), [])
        for job in jobs:
            self.assertIn('Cancelled ' + job, result.stdout)
        self.assertEqual(os.listdir(folder), [])
        result = self.ctl('cancel-all', '-y')
        self.assertIn('no jobs', result.stderr)

    def test_json_schema_is_documented(self):
        if not MANPAGE:
            self.skipTest('BARGECTL_MANPAGE is not set')
        with open(MANPAGE) as f:
            manual = f.read().replace('\\-', '-')
        folder = self.make_folder()
        result = self.ctl('download', '--keep-on-error', self.url('missing.bin'), folder,
                          expect=1)
        job = re.search(r'bargectl cancel ([0-9a-f-]{36})', result.stderr).group(1)
        info = self.info(job)
        members = set(info) | set(info['files'][0]) | set(info['error'])
        for member in sorted(members):
            with self.subTest(member=member):
                self.assertRegex(manual, r'\.BR %s " \(' % re.escape(member))
        # And every command has its paragraph in COMMANDS, named as a whole
        # word (not a key such as credentials or upload-protocol elsewhere).
        with open(MANPAGE) as f:
            source = f.read()
        source = source[source.index('.SH COMMANDS'):]
        source = source[:source.index('\n.SH ', 1)]
        listing = self.ctl('--help').stdout.split('Commands:\n', 1)[1].split('\n\n', 1)[0]
        commands = re.findall(r'^  ([a-z][a-z-]+) ', listing, re.MULTILINE)
        self.assertEqual(sorted(commands), sorted(COMMANDS))
        for command in commands:
            with self.subTest(command=command):
                self.assertRegex(source, r'(?m)^\.BI? "?%s(?=[ "]|$)' % re.escape(command.replace('-', '\\-')))
        self.ctl('cancel', job)

    def test_json_strings_keep_every_character(self):
        # Every control character, which JSON wants escaped (json.loads
        # refuses a raw one), characters beyond the Basic Multilingual Plane,
        # and quotes and backslashes next to what separates a key from its
        # value, as a user may set them.
        text = (''.join(map(chr, range(1, 0x20))) + '\x7f "quoted" back\\slash caf\u00e9 \u2028 \U0001F600'
                ' key" : value \\" : \\ " : end\\')
        job = self.create_job('strings')
        self.ctl('set', job, 'description', text, 'display-name', ' : value"')
        info = self.info(job)
        self.assertEqual(info['description'], text)
        self.assertEqual(info['display_name'], ' : value"')
        self.ctl('cancel', job)

    def test_json_is_utf8_in_any_locale(self):
        # The manual promises UTF-8: a script run from cron or a service
        # (LANG unset, so the C locale) gets the names as they are, not
        # converted to ASCII with "?" for the rest.
        name = 'caf\u00e9 \U0001F600'
        job = self.create_job(name)
        for args in (['info', '--json', job], ['list', '--json']):
            with self.subTest(args=args):
                result = subprocess.run([BARGECTL] + args, env=self.ctl_env(LC_ALL='C'),
                                        capture_output=True, timeout=WAIT)
                self.assertEqual(result.returncode, 0, result.stderr)
                document = json.loads(result.stdout.decode('utf-8'))
                jobs = document if isinstance(document, list) else [document]
                self.assertIn(name, [j['display_name'] for j in jobs])
        self.ctl('cancel', job)

    def test_no_control_characters_from_servers_or_paths(self):
        # The manual: text from other programs is printed without control
        # characters. A local path is its owner's to choose and an
        # administrator reads it with `info`; a server's reason phrase ends
        # in the job's error, which `info` and the failure report of
        # `download` print. Before, both printed them raw.
        class Escaping(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, format, *args):
                pass

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                self.send_response(403, 'No\x1b[2J\x1b]0;owned\x07')
                self.send_header('Content-Length', '0')
                self.end_headers()

        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Escaping)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)

        folder = os.path.join(self.make_folder(), 'evil\x1b[31m')
        os.mkdir(folder)
        job = self.create_job('escapes')
        self.ctl('add', job, 'http://127.0.0.1:%d/x' % server.server_address[1], os.path.join(folder, 'a\x07.bin'))
        self.ctl('resume', job)
        self.wait_for('the error', lambda: self.info(job)['state'] == 'error')
        text = self.ctl('info', job).stdout
        self.assertIn('evil?[31m', text)
        self.assertIn('No?[2J?]0;owned?', text)
        self.assert_no_escapes(text)
        self.assertNotIn('\x07', text)
        self.ctl('cancel', job)

        result = self.ctl('download', '--timeout=%d' % WAIT,
                          'http://127.0.0.1:%d/y' % server.server_address[1],
                          os.path.join(folder, 'b.bin'), expect=1)
        self.assertIn('No?[2J', result.stderr)
        self.assert_no_escapes(result.stdout, result.stderr)
        self.assertNotIn('\x07', result.stderr)

    def test_json_sizes_beyond_int64(self):
        # A server can announce any size: this one a 206 for bytes 0-0 of
        # 2^64 - 2 bytes, which barged reports as it is. The JSON has the
        # exact number, not a negative or a rounded one.
        size = 2 ** 64 - 2

        class BogusSize(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, format, *args):
                pass

            def do_HEAD(self):
                self.send_response(405)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def do_GET(self):
                self.send_response(206)
                self.send_header('Content-Range', 'bytes 0-0/%d' % size)
                self.send_header('Content-Length', '1')
                self.end_headers()
                self.wfile.write(b'x')

        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), BogusSize)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)

        job = self.create_job('bogus-size')
        self.ctl('add', job, 'http://127.0.0.1:%d/bogus' % server.server_address[1],
                 os.path.join(self.make_folder(), 'bogus'))
        self.ctl('resume', job)
        info = self.wait_for('the announced size',
                             lambda: (lambda i: i if i['files'][0]['bytes_total'] else None)(self.info(job)))
        self.assertEqual(info['files'][0]['bytes_total'], size)
        self.assertEqual(info['bytes_total'], size)
        self.assertIn('"bytes_total": %d,' % size, self.ctl('files', '--json', job).stdout)
        self.ctl('cancel', job)

    @unittest.skipUnless(os.path.exists(BASH_COMPLETION), 'bash-completion is not installed')
    def test_bash_completion(self):
        job = self.create_job('complete-me')
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src',
                              'tool', 'completion', 'bargectl')
        # COMP_WORDS as bash would set them; prints one candidate per line.
        driver = (
            'source %s; source %s\n'
            'complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));'
            ' COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=();'
            ' _bargectl; printf "%%s\\n" "${COMPREPLY[@]}"; }\n'
            'complete_words "$@"\n' % (shlex.quote(BASH_COMPLETION), shlex.quote(script)))
        env = self.ctl_env(PATH=os.path.dirname(BARGECTL) + ':' + os.environ.get('PATH', ''))

        def complete(*words):
            result = subprocess.run(['bash', '-c', driver, 'bash', 'bargectl'] + list(words),
                                    env=env, capture_output=True, text=True, timeout=WAIT)
            self.assertEqual(result.returncode, 0, result.stderr)
            return result.stdout.split()

        self.assertEqual(complete('cancel-'), ['cancel-all'])
        self.assertIn('describe-error', complete(''))
        self.assertIn(job, complete('info', ''))
        self.assertIn(job, complete('set', ''))
        self.assertIn('retry-delay', complete('set', job, ''))
        self.assertNotIn('state', complete('set', job, ''))
        self.assertIn('state', complete('get', job, ''))
        self.assertEqual(sorted(complete('set', job, 'priority', '')),
                         ['foreground', 'high', 'low', 'normal'])
        self.assertEqual(complete('download', '--on-t'), ['--on-timeout='])
        self.assertEqual(complete('download', '--on-timeout='), ['leave', 'cancel'])
        self.assertEqual(complete('create', '--type=upload'), ['upload', 'upload-reply'])
        self.assertIn('RemoteNotFound', complete('describe-error', 'Remote'))
        # The commands of uploads and credentials.
        self.assertIn(job, complete('reply', ''))
        self.assertIn(job, complete('credentials', ''))
        self.assertNotIn(job, complete('credentials', '--store', ''))
        self.assertEqual(complete('upload', '--protocol='), ['bits', 'tus', 'put'])
        self.assertEqual(complete('credentials', job, '--target='), ['server', 'proxy'])
        self.assertEqual(complete('credentials', job, '--scheme=n'), ['ntlm', 'negotiate'])
        self.assertIn('--from-keyring=', complete('credentials', job, '--'))
        self.assertIn('--print-reply', complete('upload', '--'))
        self.ctl('cancel', job)

    def test_all_users(self):
        job = self.create_job('everybody')
        # On a session bus every job is the caller's, and listing all is allowed.
        self.assertIn(job, [j['id'] for j in json.loads(self.ctl('list', '--all-users', '--json').stdout)])
        self.assertIn(job, self.ctl('monitor', '--all-users', '--once').stdout)
        self.ctl('cancel', job)

    # -- monitor without a terminal ----------------------------------------------

    def test_monitor_once(self):
        job = self.create_job('watch-me')
        result = self.ctl('monitor', '--once')
        self.assertIn(job, result.stdout)
        self.assertIn('watch-me', result.stdout)
        self.assertIn('suspended', result.stdout)
        self.assert_no_escapes(result.stdout)
        self.ctl('cancel', job)

    def test_monitor_follows_events(self):
        process = subprocess.Popen([BARGECTL, 'monitor'], env=self.ctl_env(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        output = bytearray()

        def read_until(pattern):
            # Raw reads: a buffered readline() could hide lines from select().
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                match = re.search(pattern, output.decode('utf-8', 'replace'))
                if match:
                    return match
                ready, _, _ = select.select([process.stdout], [], [], 0.5)
                if ready:
                    chunk = os.read(process.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    output.extend(chunk)
            self.fail('monitor never printed %r; got %r' % (pattern, bytes(output)))

        # Give the monitor a moment to subscribe before the job appears.
        time.sleep(0.5)
        job = self.create_job('live-event')
        read_until(re.escape(job) + r'[^\n]*suspended[^\n]*live-event')
        self.ctl('cancel', job)
        read_until(re.escape(job) + r' removed \(cancelled\)')
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
        self.assertEqual(process.returncode, 0)


    def test_monitor_across_service_restart(self):
        job = self.create_job('survivor')
        process = subprocess.Popen([BARGECTL, 'monitor'], env=self.ctl_env(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        output = bytearray()

        def read_until(pattern):
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                match = re.search(pattern, output.decode('utf-8', 'replace'))
                if match:
                    return match
                ready, _, _ = select.select([process.stdout], [], [], 0.5)
                if ready:
                    chunk = os.read(process.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    output.extend(chunk)
            self.fail('monitor never printed %r; got %r' % (pattern, bytes(output)))

        read_until(re.escape(job) + r'[^\n]*survivor')
        self.restart_daemon()
        read_until(r'The Barge service stopped')
        # The job comes back with the service, and was never "removed".
        read_until(r'The Barge service is back\.')
        read_until(r'service stopped[^\n]*\n(.*\n)*' + re.escape(job) + r'[^\n]*survivor')
        self.assertNotIn('removed', output.decode())
        self.ctl('cancel', job)
        read_until(re.escape(job) + r' removed \(cancelled\)')
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
        self.assertEqual(process.returncode, 0)


if __name__ == '__main__':
    unittest.main(verbosity=2)
