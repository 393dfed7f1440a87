#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`bargectl download` against a real barged, without a terminal: files,
errors, --timeout, --on-timeout, retry options, signals."""

import glob
import hashlib
import os
import re
import select
import signal
import socket
import socketserver
import subprocess
import sysconfig
import threading
import time
import unittest

from bargectl_fixture import BARGECTL, WAIT, DaemonTestCase, stop_process

# Nothing listens here: connections are refused at once.
DEAD_URL = 'http://127.0.0.1:1/never.bin'


class TestDownload(DaemonTestCase):

    def test_download_two_files_to_folder(self):
        folder = self.make_folder()
        result = self.ctl('download', '--timeout=%d' % WAIT,
                          self.url('alpha.bin'), self.url('beta.bin'), folder)
        self.assert_downloaded(folder, ['alpha.bin', 'beta.bin'])
        self.assertIn('Downloaded 2 files', result.stdout)
        # Not a terminal: no bar, no escapes, just the summary.
        self.assert_no_escapes(result.stdout, result.stderr)
        self.assertNotIn('\r', result.stdout)
        self.assertEqual(len(result.stdout.strip().splitlines()), 1, result.stdout)

    def test_interrupted_setup_leaves_no_job(self):
        # Ctrl-C while the job is set up (here: as bargectl sends AddFiles,
        # by barge-test-preload.c) cancels the job made so far and exits 5,
        # as an interrupted wait does. Before, the signal killed bargectl
        # on the spot and the job stayed behind, never started.
        preload = os.environ.get('BARGE_TEST_PRELOAD')
        if preload is None:
            self.skipTest('BARGE_TEST_PRELOAD is not set (meson test sets it)')
        # A sanitizer's runtime must come first in a process it instruments.
        runtime = os.environ.get('BARGE_ASAN_RUNTIME') or os.environ.get('BARGE_TSAN_RUNTIME')
        before = [j['id'] for j in self.list_jobs()]
        folder = self.make_folder()
        result = self.ctl('download', self.url('alpha.bin'), folder, expect=5,
                          env=self.ctl_env(LD_PRELOAD=(runtime + ':' if runtime else '') + preload,
                                           BARGE_TEST_SIGINT_AT_CALL='AddFiles'))
        self.assertIn('interrupted before the job started; it was cancelled', result.stderr)
        self.assertEqual(self.new_jobs(before), [])
        self.assertEqual(os.listdir(folder), [])

    def test_download_to_file_path(self):
        folder = self.make_folder()
        target = os.path.join(folder, 'renamed.data')
        self.ctl('download', self.url('gamma.bin', 'slow'), target)
        self.assertEqual(os.listdir(folder), ['renamed.data'])
        self.assertEqual(self.sha256(target), hashlib.sha256(self.files['gamma.bin']).hexdigest())

    def test_download_list(self):
        # The many-files case in one command: the list of `add --list`.
        folder = self.make_folder()
        os.mkdir(os.path.join(folder, 'sub dir'))
        listing = os.path.join(self.make_folder(), 'files.txt')
        with open(listing, 'w') as f:
            f.write('# three files\n\n%s %s\n%s beta.bin\n\t%s   sub dir/gamma copy.bin  \n'
                    % (self.url('alpha.bin'), os.path.join(folder, 'alpha.bin'),
                       self.url('beta.bin'), self.url('gamma.bin', 'slow')))
        before = {j['id'] for j in self.list_jobs()}
        # A relative LOCALPATH is relative to bargectl's working directory.
        result = self.ctl('download', '--timeout=%d' % WAIT, '--list=' + listing, cwd=folder)
        self.assertIn('Downloaded 3 files', result.stdout)
        self.assertIn(' to %s in ' % folder, result.stdout)
        self.assert_no_escapes(result.stdout, result.stderr)
        self.assertEqual(sorted(os.listdir(folder)), ['alpha.bin', 'beta.bin', 'sub dir'])
        for name, path in (('alpha.bin', 'alpha.bin'), ('beta.bin', 'beta.bin'),
                           ('gamma.bin', os.path.join('sub dir', 'gamma copy.bin'))):
            with open(os.path.join(folder, path), 'rb') as f:
                self.assertEqual(f.read(), self.files[name], path)
        self.assertEqual(self.new_jobs(before), [])

    def test_download_bad_list_is_add_usage_error(self):
        # download --list and add --list read a list with the same code, so
        # they refuse a bad one alike: a usage error (2) naming the list,
        # and nothing reaches the service.
        folder = self.make_folder()
        malformed = os.path.join(folder, 'malformed.txt')
        with open(malformed, 'w') as f:
            f.write('%s %s\n\njust-a-url\n' % (self.url('alpha.bin'), os.path.join(folder, 'a')))
        empty = os.path.join(folder, 'empty.txt')
        with open(empty, 'w') as f:
            f.write('# nothing here\n')
        job = self.create_job('bad-lists')
        before = {j['id'] for j in self.list_jobs()}
        for listing, message in ((os.path.join(folder, 'missing.txt'), 'No such file'),
                                 (malformed, 'Line 3: expected'), (empty, 'no files')):
            with self.subTest(listing=os.path.basename(listing)):
                added = self.ctl('add', job, '--list=' + listing, expect=2)
                downloaded = self.ctl('download', '--list=' + listing, expect=2)
                self.assertTrue(added.stderr.startswith('bargectl add: %s: ' % listing), added.stderr)
                self.assertIn(message, added.stderr)
                self.assertEqual(downloaded.stderr.replace('bargectl download', 'bargectl add'),
                                 added.stderr)
        # A list goes alone: the URLs and paths come from it.
        self.ctl('download', '--list=' + malformed, self.url('alpha.bin'), folder, expect=2)
        self.assertEqual(self.new_jobs(before), [])
        self.assertEqual(self.info(job)['files'], [])
        self.assertEqual(sorted(os.listdir(folder)), ['empty.txt', 'malformed.txt'])
        self.ctl('cancel', job)

    def test_download_no_complete(self):
        folder = self.make_folder()
        result = self.ctl('download', '--no-complete', self.url('alpha.bin'), folder)
        job = re.search(r'bargectl complete ([0-9a-f-]{36})', result.stdout).group(1)
        # The file stays hidden until the job is completed.
        self.assertFalse(os.path.exists(os.path.join(folder, 'alpha.bin')))
        self.assertEqual(self.info(job)['state'], 'transferred')
        self.ctl('complete', job)
        self.assert_downloaded(folder, ['alpha.bin'])

    def test_download_404(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        result = self.ctl('download', '--timeout=%d' % WAIT, self.url('missing.bin'), folder,
                          expect=1)
        self.assertIn('RemoteNotFound', result.stderr)
        self.assertIn('remote-file', result.stderr)
        self.assertEqual(os.listdir(folder), [])
        # The failed job was cancelled, not leaked.
        self.assertEqual({j['id'] for j in self.list_jobs()} - before, set())

    def test_download_404_keep_on_error(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        result = self.ctl('download', '--keep-on-error', '--timeout=%d' % WAIT,
                          self.url('missing.bin'), folder, expect=1)
        self.assertIn('RemoteNotFound', result.stderr)
        kept = [j for j in self.list_jobs() if j['id'] not in before]
        self.assertEqual(len(kept), 1)
        job = kept[0]
        self.assertEqual(job['state'], 'error')
        self.assertEqual(job['error']['name'], 'org.freedesktop.Barge1.Error.RemoteNotFound')
        self.assertEqual(job['error']['context'], 'remote-file')
        self.assertIn('bargectl cancel ' + job['id'], result.stderr)
        self.ctl('cancel', job['id'])

    def test_download_verified(self):
        # Issue 17: the right SHA-256 and size pass; info shows them.
        folder = self.make_folder()
        target = os.path.join(folder, 'alpha.bin')
        right = hashlib.sha256(self.files['alpha.bin']).hexdigest()
        result = self.ctl('download', '--no-complete', '--timeout=%d' % WAIT, '--sha256=' + right,
                          '--size=%d' % len(self.files['alpha.bin']), self.url('alpha.bin'), target)
        job = re.search(r'bargectl complete ([0-9a-f-]+)', result.stdout + result.stderr)
        self.assertIsNotNone(job, result.stdout + result.stderr)
        info = self.ctl('info', job.group(1)).stdout
        self.assertIn('sha256:' + right, info)
        self.assertRegex(info, r'Verified: +yes')
        self.ctl('complete', job.group(1))
        self.assertEqual(self.sha256(target), right)

    def test_download_and_add_ranges(self):
        # Issue 17 item 2: --range fetches only those bytes, at their
        # offsets; info shows the ranges; add takes the same options.
        folder = self.make_folder()
        target = os.path.join(folder, 'alpha.bin')
        data = self.files['alpha.bin']
        self.ctl('download', '--timeout=%d' % WAIT, '--range=10-19', '--range=100-', self.url('alpha.bin'),
                 target)
        with open(target, 'rb') as f:
            got = f.read()
        self.assertEqual(len(got), len(data))
        self.assertEqual(got[10:20], data[10:20])
        self.assertEqual(got[100:], data[100:])
        self.assertEqual(got[:10], bytes(10))
        self.assertEqual(got[20:100], bytes(80))
        job = self.ctl('create', 'ranges').stdout.strip()
        second = os.path.join(folder, 'second.bin')
        self.ctl('add', '--range=0-4', '--range=50-59', job, self.url('beta.bin'), second)
        info = self.ctl('info', job).stdout
        self.assertIn('0-4, 50-59', info)
        self.assertRegex(info, r'Progress: +0 bytes of 15 bytes')
        result = self.ctl('add', '--range=9-3', job, self.url('beta.bin'), second + '.x', expect=2)
        self.assertIn('START-END', result.stderr)
        result = self.ctl('add', '--range=5-9', '--range=0-1', job, self.url('beta.bin'), second + '.x', expect=1)
        self.assertIn('sorted by offset', result.stderr)
        self.ctl('cancel', job)

    def test_download_tls_options_reach_the_daemon(self):
        # Issue 17 item 1c: --ca-file and --client-certificate are read by
        # the daemon as the caller (daemon/tls-options tests them against
        # TLS servers); a missing file fails the start and leaves no job.
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        result = self.ctl('download', '--ca-file=/nonexistent/ca.pem', self.url('alpha.bin'), folder, expect=1)
        self.assertIn('cannot read /nonexistent/ca.pem', result.stderr)
        result = self.ctl('download', '--client-certificate=relative-does-not-exist.pem', self.url('alpha.bin'),
                          folder, expect=1)
        self.assertIn(os.path.join(os.getcwd(), 'relative-does-not-exist.pem'), result.stderr)
        # --crl-file and --tls-ignore are about the --ca-file authorities;
        # a fault name the daemon does not know is its InvalidArgument.
        result = self.ctl('download', '--tls-ignore=expired', self.url('alpha.bin'), folder, expect=2)
        self.assertIn('give --ca-file too', result.stderr)
        ca = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'nginx', 'tls', 'ca.pem')
        result = self.ctl('download', '--ca-file=' + ca, '--tls-ignore=everything', self.url('alpha.bin'), folder,
                          expect=1)
        self.assertIn('not "everything"', result.stderr)
        # Issue 17 item 1d: --proxy, --proxy-bypass and --no-proxy.
        result = self.ctl('download', '--no-proxy', '--proxy=http://127.0.0.1:3128', self.url('alpha.bin'), folder,
                          expect=2)
        self.assertIn('exclude each other', result.stderr)
        result = self.ctl('download', '--proxy-bypass=localhost', self.url('alpha.bin'), folder, expect=2)
        self.assertIn('give --proxy too', result.stderr)
        result = self.ctl('download', '--proxy=http://127.0.0.1', self.url('alpha.bin'), folder, expect=1)
        self.assertIn('proxy 1 is not SCHEME://HOST:PORT', result.stderr)
        self.assertEqual({j['id'] for j in self.list_jobs()} - before, set())
        self.ctl('download', '--no-proxy', '--timeout=%d' % WAIT, self.url('alpha.bin'), folder)
        self.assertEqual(os.listdir(folder), ['alpha.bin'])
        self.assertEqual({j['id'] for j in self.list_jobs()} - before, set())

    def test_download_check_revocation_shown(self):
        # --check-revocation reaches the daemon with the job's creation
        # (daemon/revocation tests the check against TLS servers of a PKI
        # of its own); a plain http URL has no certificate to check, and
        # info shows the setting.
        folder = self.make_folder()
        result = self.ctl('download', '--check-revocation', '--no-complete', '--timeout=%d' % WAIT,
                          self.url('alpha.bin'), folder)
        job = re.search(r'bargectl complete ([0-9a-f-]{36})', result.stdout).group(1)
        self.assertRegex(self.ctl('info', job).stdout, r'TLS revocation: +checked')
        info = self.info(job)
        self.assertIs(info['tls_check_revocation'], True)
        # The other connection settings are in the JSON too.
        self.assertIsNone(info['tls_ca_file'])
        self.assertEqual(info['proxy_usage'], 'system')
        self.assertEqual(info['proxy_list'], [])
        self.assertEqual(info['redirect_policy'], 'allow')
        self.assertEqual(info['custom_header_names'], [])
        self.ctl('cancel', job)
        result = self.ctl('download', '--no-complete', '--timeout=%d' % WAIT, self.url('alpha.bin'), folder)
        job = re.search(r'bargectl complete ([0-9a-f-]{36})', result.stdout).group(1)
        self.assertNotIn('TLS revocation', self.ctl('info', job).stdout)
        self.ctl('cancel', job)

    def test_download_checksum_mismatch(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        result = self.ctl('download', '--timeout=%d' % WAIT, '--sha256=' + '0' * 64,
                          self.url('alpha.bin'), folder, expect=1)
        self.assertIn('ChecksumMismatch', result.stderr)
        self.assertIn('0' * 64, result.stderr)
        self.assertEqual(os.listdir(folder), [])
        self.assertEqual({j['id'] for j in self.list_jobs()} - before, set())

    def test_download_check_options_refused(self):
        folder = self.make_folder()
        result = self.ctl('download', '--sha256=abc', self.url('alpha.bin'), folder, expect=1)
        self.assertIn('64 hexadecimal digits', result.stderr)
        result = self.ctl('download', '--size=lots', self.url('alpha.bin'), folder, expect=2)
        self.assertIn('--size', result.stderr)
        result = self.ctl('download', '--sha256=' + '0' * 64, self.url('alpha.bin'), self.url('beta.bin'),
                          folder, expect=2)
        self.assertIn('one URL', result.stderr)
        result = self.ctl('download', '--redirect-policy=sometimes', self.url('alpha.bin'), folder, expect=2)
        self.assertIn('allow-report', result.stderr)

    def test_download_headers_and_redirect_policy(self):
        folder = self.make_folder()
        self.server.test_headers.clear()
        self.ctl('download', '--timeout=%d' % WAIT, '--header=X-Barge-Test: tool-1',
                 self.url('beta.bin'), folder)
        self.assertIn('tool-1', self.server.test_headers)
        result = self.ctl('download', '--timeout=%d' % WAIT, '--header=Host: evil', self.url('beta.bin'),
                          os.path.join(folder, 'two'), expect=1)
        self.assertIn('the header Host cannot be a custom header', result.stderr)
        redirected = self.url('beta.bin').replace('/beta.bin', '/redirect/beta.bin')
        result = self.ctl('download', '--timeout=%d' % WAIT, '--redirect-policy=disallow', redirected,
                          os.path.join(folder, 'three'), expect=1)
        self.assertIn('RedirectRefused', result.stderr)
        job = self.ctl('create', 'policy').stdout.strip()
        self.ctl('set', job, 'redirect-policy', 'allow-report', 'allow-https-to-http', 'true')
        self.assertEqual(self.ctl('get', job, 'redirect-policy').stdout.strip(), 'allow-report')
        self.assertEqual(self.ctl('get', job, 'allow-https-to-http').stdout.strip(), 'true')
        self.ctl('set', job, 'redirect-policy', 'sometimes', expect=1)
        self.ctl('cancel', job)
        self.ctl('download', '--timeout=%d' % WAIT, redirected, os.path.join(folder, 'four'))
        self.assertEqual(self.sha256(os.path.join(folder, 'four')),
                         hashlib.sha256(self.files['beta.bin']).hexdigest())

    def test_download_timeout_leaves_job(self):
        folder = self.make_folder()
        result = self.ctl('download', '--timeout=1', self.url('huge.bin', 'crawl'), folder,
                          expect=4)
        job = re.search(r'bargectl cancel ([0-9a-f-]{36})', result.stderr).group(1)
        self.assertIn(self.info(job)['state'], ('queued', 'connecting', 'transferring'))
        self.ctl('cancel', job)
        self.assertEqual(os.listdir(folder), [])

    def test_download_interrupt_without_terminal(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        process = subprocess.Popen([BARGECTL, 'download', self.url('huge.bin', 'crawl'), folder],
                                   env=self.ctl_env(), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        job = self.wait_for('the download job', lambda: next(
            (j['id'] for j in self.list_jobs()
             if j['id'] not in before and j['bytes_transferred'] > 0), None))
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=WAIT)
        self.assertEqual(process.returncode, 5, stderr)
        self.assertIn('bargectl resume ' + job, stderr)
        self.assertIn('bargectl cancel ' + job, stderr)
        self.assert_no_escapes(stdout, stderr)
        # Left running, as promised.
        self.assertIn(self.info(job)['state'], ('queued', 'connecting', 'transferring'))
        self.ctl('cancel', job)

    def test_download_timeout_cancels_job(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        start = time.monotonic()
        result = self.ctl('download', '--timeout=1', '--on-timeout=cancel',
                          self.url('huge.bin', 'crawl'), folder, expect=4)
        self.assertLess(time.monotonic() - start, 10)
        self.assertIn('no result after 1 second', result.stderr)
        self.assertIn('cancelled', result.stderr)
        self.assertEqual(self.new_jobs(before), [])
        self.assertEqual(os.listdir(folder), [])

    def test_dead_url_does_not_hang(self):
        # The service would retry for 14 days; the script gets its answer.
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        result = self.ctl('download', '--timeout=2', '--on-timeout=cancel', DEAD_URL, folder,
                          expect=4)
        self.assertIn('cancelled', result.stderr)
        self.assertEqual(self.new_jobs(before), [])
        # Or fail at once: no retries without progress.
        result = self.ctl('download', '--no-progress-timeout=0', '--timeout=%d' % WAIT,
                          DEAD_URL, folder, expect=1)
        self.assertIn('NoProgress', result.stderr)
        self.assertIn('Connection refused', result.stderr)
        self.assertEqual(self.new_jobs(before), [])

    def test_download_retry_options(self):
        folder = self.make_folder()
        result = self.ctl('download', '--no-complete', '--retry-delay=7',
                          '--no-progress-timeout=1h', '--priority=high',
                          '--display-name=tuned', self.url('alpha.bin'), folder)
        job = re.search(r'bargectl complete ([0-9a-f-]{36})', result.stdout).group(1)
        info = self.info(job)
        self.assertEqual(info['state'], 'transferred')
        self.assertEqual(info['minimum_retry_delay'], 7)
        self.assertEqual(info['no_progress_timeout'], 3600)
        self.assertEqual(info['priority'], 'high')
        self.assertEqual(info['display_name'], 'tuned')
        self.ctl('cancel', job)

    def test_download_and_upload_limit(self):
        # --limit is a CreateJob option of the synchronous commands too.
        folder = self.make_folder()
        result = self.ctl('download', '--no-complete', '--limit=10Mbit', self.url('alpha.bin'), folder)
        job = re.search(r'bargectl complete ([0-9a-f-]{36})', result.stdout).group(1)
        info = self.info(job)
        self.assertEqual(info['state'], 'transferred')
        self.assertEqual(info['bandwidth_limit'], 1250000)
        self.ctl('cancel', job)

        source = os.path.join(folder, 'source.bin')
        with open(source, 'wb') as f:
            f.write(self.files['alpha.bin'])
        result = self.ctl('upload', '--no-wait', '--protocol=put', '--limit=64KiB', source,
                          self.url('uploaded.bin'))
        job = result.stdout.strip()
        self.assertEqual(self.info(job)['bandwidth_limit'], 65536)
        self.ctl('cancel', job)

        # A bad RATE is a usage error, and no job is made.
        before = {j['id'] for j in self.list_jobs()}
        for args in (['download', '--limit=0', self.url('alpha.bin'), folder],
                     ['download', '--limit=2 MB/h', self.url('alpha.bin'), folder],
                     ['upload', '--no-wait', '--limit=1k', source, self.url('uploaded.bin')]):
            with self.subTest(args=args):
                result = self.ctl(*args, expect=2)
                self.assertTrue(result.stderr.startswith('bargectl %s: --limit: ' % args[0]), result.stderr)
                self.assertIn('from 1 KiB/s to 100 GB/s, or none', result.stderr)
        self.assertEqual(self.new_jobs(before), [])
        self.assertEqual(os.listdir(folder), ['source.bin'])

        # upload takes the connection options of download: the proxy
        # settings reach the job, a CA file the daemon cannot read fails
        # the start and leaves no job.
        result = self.ctl('upload', '--no-wait', '--protocol=put', '--proxy=http://127.0.0.1:3128',
                          '--proxy-bypass=127.0.0.0/8', source, self.url('uploaded.bin'))
        job = result.stdout.strip()
        info = self.ctl('info', job).stdout
        self.assertIn('http://127.0.0.1:3128', info)
        self.assertIn('127.0.0.0/8', info)
        self.ctl('cancel', job)
        result = self.ctl('upload', '--no-wait', '--ca-file=/nonexistent/ca.pem', source, self.url('uploaded.bin'),
                          expect=1)
        self.assertIn('cannot read /nonexistent/ca.pem', result.stderr)
        self.ctl('upload', '--no-proxy', '--proxy=http://127.0.0.1:3128', source, self.url('uploaded.bin'),
                 expect=2)
        # And --header: the job has it (info shows the name, never the
        # value); a header Barge sets itself fails the start, no job left.
        result = self.ctl('upload', '--no-wait', '--protocol=put', '--header=X-Barge-Test: up-secret', source,
                          self.url('uploaded.bin'))
        job = result.stdout.strip()
        info = self.ctl('info', job).stdout
        self.assertIn('X-Barge-Test', info)
        self.assertNotIn('up-secret', info)
        self.ctl('cancel', job)
        result = self.ctl('upload', '--no-wait', '--header=Host: evil', source, self.url('uploaded.bin'), expect=1)
        self.assertIn('the header Host cannot be a custom header', result.stderr)
        self.assertEqual(self.new_jobs(before), [])

    def test_download_sigterm_leaves_job(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        process = subprocess.Popen([BARGECTL, 'download', self.url('huge.bin', 'crawl'), folder],
                                   env=self.ctl_env(), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        job = self.wait_for('the download job', lambda: next(
            (j['id'] for j in self.new_jobs(before) if j['bytes_transferred'] > 0), None))
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=WAIT)
        self.assertEqual(process.returncode, 5, stderr)
        self.assertIn('keeps running', stderr)
        self.assertIn('bargectl complete ' + job, stderr)
        self.assertIn(self.info(job)['state'], ('queued', 'connecting', 'transferring'))
        self.ctl('cancel', job)

    def test_service_stops_while_waiting(self):
        folder = self.make_folder()
        before = {j['id'] for j in self.list_jobs()}
        process = subprocess.Popen([BARGECTL, 'download', self.url('huge.bin', 'crawl'), folder],
                                   env=self.ctl_env(), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        job = self.wait_for('the download job', lambda: next(
            (j['id'] for j in self.new_jobs(before) if j['bytes_transferred'] > 0), None))
        self.restart_daemon()
        stdout, stderr = process.communicate(timeout=WAIT)
        self.assertEqual(process.returncode, 3, stderr)
        self.assertIn('service stopped', stderr)
        self.assertIn('bargectl resume ' + job, stderr)
        # The job is durable: the restarted service has it.
        self.assertIn(job, [j['id'] for j in self.list_jobs()])
        self.ctl('cancel', job)

    def test_suspended_job_waited_across_service_exit(self):
        # barged exits after IdleTimeout when no job is active, and a
        # suspended job is not: `wait` goes on waiting, and the Resume that
        # starts barged again brings the job. Before, exit 3 ("the service
        # stopped") as barged went.
        folder = self.make_folder()
        job = self.create_job('sleeping-through')
        self.ctl('add', job, self.url('alpha.bin'), os.path.join(folder, 'alpha.bin'))
        process = subprocess.Popen([BARGECTL, 'wait', '--timeout=%d' % WAIT, job], env=self.ctl_env(),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        # Waiting: it said so.
        ready, _, _ = select.select([process.stderr], [], [], WAIT)
        self.assertTrue(ready, 'bargectl wait said nothing')
        self.assertIn('suspended', process.stderr.readline())
        try:
            self.stop_daemon()
            with self.assertRaises(subprocess.TimeoutExpired):
                process.wait(timeout=2)
        finally:
            self.start_daemon()
        self.ctl('resume', job)
        stdout, stderr = process.communicate(timeout=WAIT)
        self.assertEqual(process.returncode, 0, stderr)
        self.assertIn('Transferred 1 file', stdout)
        self.assert_downloaded(folder, ['alpha.bin'])

    # -- wait: the same waiting, for a job made step by step --------------------

    def make_job(self, *files, speed=None):
        folder = self.make_folder()
        job = self.create_job('waited')
        for name in files:
            self.ctl('add', job, self.url(name, speed), os.path.join(folder, name))
        self.ctl('resume', job)
        return job, folder

    def test_wait_completes_job(self):
        job, folder = self.make_job('alpha.bin', 'beta.bin')
        result = self.ctl('wait', '--timeout=%d' % WAIT, job)
        self.assertIn('Transferred 2 files', result.stdout)
        self.assert_no_escapes(result.stdout, result.stderr)
        self.assert_downloaded(folder, ['alpha.bin', 'beta.bin'])
        self.ctl('info', job, expect=1)

    def test_wait_no_complete_and_error(self):
        job, folder = self.make_job('alpha.bin')
        result = self.ctl('wait', '--no-complete', job)
        self.assertIn('bargectl complete ' + job, result.stdout)
        self.assertEqual(self.info(job)['state'], 'transferred')
        self.ctl('cancel', job)
        # A failed job is not ours to cancel: it is kept, with its error.
        job, folder = self.make_job('missing.bin')
        result = self.ctl('wait', job, expect=1)
        self.assertIn('RemoteNotFound', result.stderr)
        self.assertEqual(self.info(job)['state'], 'error')
        self.ctl('cancel', job)

    def test_wait_timeout(self):
        job, folder = self.make_job('huge.bin', speed='crawl')
        result = self.ctl('wait', '--timeout=1', job, expect=4)
        self.assertIn('left running', result.stderr)
        self.assertIn(self.info(job)['state'], ('queued', 'connecting', 'transferring'))
        result = self.ctl('wait', '--timeout=1', '--on-timeout=cancel', job, expect=4)
        self.assertIn('cancelled', result.stderr)
        self.ctl('info', job, expect=1)
        # A suspended job is waited for too, with a word about it.
        job = self.create_job('sleeping')
        result = self.ctl('wait', '--timeout=1', job, expect=4)
        self.assertIn('suspended', result.stderr)
        self.ctl('cancel', job)


class Socks5Server(socketserver.ThreadingTCPServer):
    """RFC 1928 without authentication: CONNECT to an IPv4 address or a
    name, then relays both ways; remembers every (host, port) asked for."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.connects = []
        super().__init__(('127.0.0.1', 0), Socks5Handler)


class Socks5Handler(socketserver.BaseRequestHandler):

    def _read(self, n):
        data = b''
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise ConnectionError('short SOCKS5 message')
            data += chunk
        return data

    def handle(self):
        version, n_methods = self._read(2)
        methods = self._read(n_methods)
        if version != 5 or 0 not in methods:
            self.request.sendall(b'\x05\xff')
            return
        self.request.sendall(b'\x05\x00')
        _, command, _, kind = self._read(4)
        if kind == 1:
            host = socket.inet_ntoa(self._read(4))
        elif kind == 3:
            host = self._read(self._read(1)[0]).decode()
        else:
            self.request.sendall(b'\x05\x08\x00\x01' + bytes(6))
            return
        port = int.from_bytes(self._read(2), 'big')
        self.server.connects.append((host, port))
        if command != 1:
            self.request.sendall(b'\x05\x07\x00\x01' + bytes(6))
            return
        upstream = socket.create_connection((host, port), timeout=WAIT)
        self.request.sendall(b'\x05\x00\x00\x01' + bytes(6))
        with upstream:
            sockets = [self.request, upstream]
            while True:
                ready, _, _ = select.select(sockets, [], [], WAIT)
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.request else self.request).sendall(data)


class TestSocksProxy(DaemonTestCase):

    def test_download_through_socks5(self):
        """A job's socks5 proxy (SetProxySettings "override"): GIO's SOCKS5
        client asks the proxy for the file server, and the file arrives."""
        proxy = Socks5Server()
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(proxy.server_close)
        self.addCleanup(proxy.shutdown)
        folder = self.make_folder()
        self.ctl('download', '--timeout=%d' % WAIT, '--proxy=socks5://127.0.0.1:%d' % proxy.server_address[1],
                 self.url('beta.bin'), folder)
        self.assert_downloaded(folder, ['beta.bin'])
        self.assertIn(('127.0.0.1', self.server.server_address[1]), proxy.connects)


class TestSessionProxy(DaemonTestCase):
    """`bargectl session-proxy`: what it reads, and the service using it."""

    def print_settings(self, gsettings_dir=None, **env):
        extra = dict(env)
        if gsettings_dir is None:
            extra['GSETTINGS_BACKEND'] = 'memory'
        else:
            extra['GSETTINGS_BACKEND'] = 'keyfile'
            extra['XDG_CONFIG_HOME'] = gsettings_dir
        return self.ctl('session-proxy', '--print', env=self.ctl_env(**extra)).stdout

    def test_print_from_environment(self):
        out = self.print_settings(http_proxy='proxy.example:3128',
                                  HTTPS_PROXY='http://user:secret@10.0.0.1:8080/',
                                  all_proxy='socks5://127.0.0.1',
                                  no_proxy='localhost, .corp.example')
        self.assertIn('  http http://proxy.example:3128\n', out)
        # No user name (credentials are per job), no path; a port of 1080
        # when there is none.
        self.assertIn('  https http://10.0.0.1:8080\n', out)
        self.assertNotIn('secret', out)
        self.assertIn('  default socks5://127.0.0.1:1080\n', out)
        self.assertIn('  bypass localhost\n  bypass .corp.example\n', out)
        self.assertIn('no proxy, every URL direct', self.print_settings(http_proxy='p:1', no_proxy='*'))
        self.assertIn("follow the service's proxy settings", self.print_settings())

    def test_print_from_gnome(self):
        if not os.path.exists('/usr/share/glib-2.0/schemas/org.gnome.system.proxy.gschema.xml'):
            self.skipTest('gsettings-desktop-schemas is not installed')
        config = self.make_folder()
        os.makedirs(os.path.join(config, 'glib-2.0', 'settings'))
        with open(os.path.join(config, 'glib-2.0', 'settings', 'keyfile'), 'w') as keyfile:
            keyfile.write("[system/proxy]\nmode='manual'\nignore-hosts=['localhost', '10.0.0.0/8']\n"
                          "[system/proxy/https]\nhost='gnome.example'\nport=3129\n")
        out = self.print_settings(gsettings_dir=config, http_proxy='env.example:1')
        self.assertIn("GNOME's proxy settings", out)
        self.assertIn('  https http://gnome.example:3129\n', out)
        self.assertNotIn('env.example', out)
        self.assertIn('  bypass 10.0.0.0/8\n', out)
        # --from-environment: GNOME's are not looked at.
        out = self.ctl('session-proxy', '--print', '--from-environment',
                       env=self.ctl_env(GSETTINGS_BACKEND='keyfile', XDG_CONFIG_HOME=config,
                                        http_proxy='env.example:1')).stdout
        self.assertIn('  http http://env.example:1\n', out)

    def test_published_while_running(self):
        """The test's file server answers requests in absolute form, as a
        proxy does: a URL of a port nobody listens on arrives only through
        the session's proxy, and only while the agent runs."""
        env = self.ctl_env(GSETTINGS_BACKEND='memory', http_proxy=self.base_url)
        agent = subprocess.Popen([BARGECTL, 'session-proxy'], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            line = agent.stdout.readline()
            self.assertIn('From the environment', line, agent.stderr.read() if agent.poll() is not None else '')
            folder = self.make_folder()
            self.ctl('download', '--timeout=%d' % WAIT, 'http://127.0.0.1:1/alpha.bin', folder)
            self.assert_downloaded(folder, ['alpha.bin'])
        finally:
            stop_process(agent)
        self.assertEqual(agent.returncode, 0)
        # Gone with the agent: the same URL fails again.
        result = self.ctl('download', '--timeout=5', '--on-timeout=cancel', 'http://127.0.0.1:1/alpha.bin',
                          self.make_folder(), expect=None)
        self.assertNotEqual(result.returncode, 0)

    def run_resolver_agent(self, name, **env):
        """Runs `bargectl session-proxy --resolver` with GIO's libproxy
        resolver and ENV: the dead origin's NAME arrives through the proxy
        the resolver names, and no longer once the agent stopped."""
        modules = '/usr/lib/%s/gio/modules/libgiolibproxy.so' % sysconfig.get_config_var('MULTIARCH')
        if not os.path.exists(modules):
            self.skipTest("glib-networking's libproxy module is not installed")
        env = self.ctl_env(GSETTINGS_BACKEND='memory', GIO_USE_PROXY_RESOLVER='libproxy', **env)
        agent = subprocess.Popen([BARGECTL, 'session-proxy', '--resolver'], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            line = agent.stdout.readline()
            self.assertIn("this session's proxy resolver", line,
                          agent.stderr.read() if agent.poll() is not None else '')
            folder = self.make_folder()
            self.ctl('download', '--timeout=%d' % WAIT, 'http://127.0.0.1:1/' + name, folder)
            self.assert_downloaded(folder, [name])
        finally:
            stop_process(agent)
        self.assertEqual(agent.returncode, 0)
        result = self.ctl('download', '--timeout=5', '--on-timeout=cancel', 'http://127.0.0.1:1/' + name,
                          self.make_folder(), expect=None)
        self.assertNotEqual(result.returncode, 0)

    def test_resolver_asked_while_running(self):
        """--resolver: the service asks the agent for each URL, and GIO's
        resolver of its session answers (libproxy here, reading
        http_proxy, as it would read KDE's settings)."""
        out = self.ctl('session-proxy', '--print', '--resolver',
                       env=self.ctl_env(GSETTINGS_BACKEND='memory')).stdout
        self.assertIn("this session's proxy resolver: the service asks it for each URL", out)
        self.run_resolver_agent('beta.bin', http_proxy=self.base_url)

    def test_resolver_runs_pac(self):
        """A PAC script (proxy auto-configuration), run by the session's
        resolver: libproxy's PAC runner, which GNOME's automatic mode uses
        too (through glib-pacrunner). The script sends the dead origin
        through the test's server and everything else direct, so the
        download arrives only if the script ran. (GIO asks for the
        origin, not the whole URL.)"""
        runners = glob.glob('/usr/lib/%s/libproxy/*/modules/pacrunner_*.so' % sysconfig.get_config_var('MULTIARCH'))
        if not runners:
            self.skipTest('libproxy has no PAC runner (libproxy1-plugin-webkit)')
        self.server.files['proxy.pac'] = (
            'function FindProxyForURL(url, host) {\n'
            '  if (url == "http://127.0.0.1:1" || shExpMatch(url, "http://127.0.0.1:1/*"))\n'
            '    return "PROXY %s";\n'
            '  return "DIRECT";\n'
            '}\n' % self.base_url[len('http://'):]).encode()
        self.run_resolver_agent('gamma.bin', http_proxy='pac+%s/proxy.pac' % self.base_url)


if __name__ == '__main__':
    unittest.main(verbosity=2)
