#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""End-to-end tests of bargectl against a real barged.

Each test class gets a private dbus-daemon, a barged on it with its own
state folder, and a loopback HTTP server serving random files. bargectl is
pointed at the private bus with BARGE_BUS_ADDRESS. Paths come from the
environment: BARGED and BARGECTL (set by meson).
"""

import fcntl
import hashlib
import http.server
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest
import urllib.parse

BARGED = os.environ.get('BARGED', '')
BARGECTL = os.environ.get('BARGECTL', '')

# Every wait in this file is bounded by this many seconds.
WAIT = 60
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
COMMANDS = ['create', 'add', 'resume', 'suspend', 'cancel', 'complete',
            'list', 'info', 'monitor', 'download']

# Bytes per write and pause between writes for the throttled paths.
SPEEDS = {
    'slow': (32 * 1024, 0.02),   # about 1.5 MB/s
    'crawl': (8 * 1024, 0.05),   # about 160 kB/s
}


def clean_environment():
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith('_proxy') and k != 'NO_COLOR'}
    # No proxy lookups for loopback downloads (environment.md, gotcha 1).
    env['GIO_USE_PROXY_RESOLVER'] = 'dummy'
    env['LC_ALL'] = 'C.UTF-8'
    return env


class FileHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of /NAME, /slow/NAME and /crawl/NAME, with single Range
    requests, strong ETags, and 404 for unknown names."""

    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):
        pass

    def _lookup(self):
        parts = urllib.parse.urlsplit(self.path).path.strip('/').split('/')
        speed = SPEEDS.get(parts[0]) if len(parts) == 2 else None
        return self.server.files.get(parts[-1]), speed

    def _send_not_found(self):
        body = b'not found\n'
        self.send_response(404)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command == 'GET':
            self.wfile.write(body)

    def _range(self, size):
        header = self.headers.get('Range')
        match = re.fullmatch(r'bytes=(\d+)-(\d*)', header or '')
        if match is None:
            return None
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) else size - 1
        if start >= size:
            return None
        return start, min(end, size - 1)

    def _serve(self):
        data, speed = self._lookup()
        if data is None:
            self._send_not_found()
            return
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        byte_range = self._range(len(data))
        if_range = self.headers.get('If-Range')
        if byte_range is not None and if_range is not None and if_range != etag:
            byte_range = None
        if byte_range is None:
            start, end = 0, len(data) - 1
            self.send_response(200)
        else:
            start, end = byte_range
            self.send_response(206)
            self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, end, len(data)))
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(end - start + 1))
        self.send_header('Accept-Ranges', 'bytes')
        self.send_header('ETag', etag)
        self.send_header('Last-Modified', 'Mon, 01 Jan 2024 00:00:00 GMT')
        self.end_headers()
        if self.command == 'HEAD':
            return
        body = data[start:end + 1]
        chunk, pause = speed if speed else (len(body) or 1, 0)
        try:
            for offset in range(0, len(body), chunk):
                self.wfile.write(body[offset:offset + chunk])
                if pause:
                    self.wfile.flush()
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        self._serve()

    def do_HEAD(self):
        self._serve()


def start_bus(tmp):
    bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1'],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp)
    ready, _, _ = select.select([bus.stdout], [], [], WAIT)
    if not ready:
        bus.kill()
        bus.wait()
        raise RuntimeError('dbus-daemon printed no address')
    address = bus.stdout.readline().decode().strip()
    if not address:
        bus.kill()
        bus.wait()
        raise RuntimeError('dbus-daemon printed no address')
    return bus, address


def stop_process(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr, process.stdin):
        if stream is not None:
            stream.close()


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
        self.assertIn('--timeout', result.stdout)

    def test_usage_errors_exit_2(self):
        for args in (['no-such-command'], [], ['info'], ['list', '--bogus'],
                     ['add', 'JOB', 'only-a-url'], ['create', '--priority=urgent', 'x'],
                     ['download', 'http://127.0.0.1/x'], ['--session', '--system', 'list']):
            with self.subTest(args=args):
                result = self.run_ctl(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith('bargectl'), result.stderr)

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


@unittest.skipUnless(BARGED and BARGECTL, 'BARGED or BARGECTL is not set')
class TestWithDaemon(unittest.TestCase):
    """bargectl against a real barged on a private bus."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='bargectl-test-')
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)

        cls.files = {
            'alpha.bin': os.urandom(300 * 1024),
            'beta.bin': os.urandom(700 * 1024 + 17),
            'gamma.bin': os.urandom(3 * 1024 * 1024),
            'huge.bin': os.urandom(8 * 1024 * 1024),
        }
        cls.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), FileHandler)
        cls.server.daemon_threads = True
        cls.server.files = cls.files
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.base_url = 'http://127.0.0.1:%d' % cls.server.server_address[1]

        cls.bus, cls.address = start_bus(cls.tmp)
        cls.addClassCleanup(stop_process, cls.bus)

        state = os.path.join(cls.tmp, 'state')
        os.mkdir(state)
        env = clean_environment()
        env['DBUS_SESSION_BUS_ADDRESS'] = cls.address
        env['HOME'] = cls.tmp
        env['XDG_STATE_HOME'] = os.path.join(cls.tmp, 'xdg-state')
        cls.daemon_log = open(os.path.join(cls.tmp, 'barged.log'), 'w+')
        cls.addClassCleanup(cls.daemon_log.close)
        cls.daemon = subprocess.Popen([BARGED, '--session', '--address=' + cls.address,
                                       '--state-dir=' + state, '--idle-timeout=0', '--verbose'],
                                      env=env, stdout=cls.daemon_log, stderr=subprocess.STDOUT)
        cls.addClassCleanup(stop_process, cls.daemon)

        deadline = time.monotonic() + WAIT
        while True:
            result = cls.ctl_class('list')
            if result.returncode == 0:
                break
            if cls.daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('barged did not come up: %s' % cls.daemon_output())
            time.sleep(0.1)

    @classmethod
    def daemon_output(cls):
        cls.daemon_log.flush()
        cls.daemon_log.seek(0)
        return cls.daemon_log.read()[-4000:]

    @classmethod
    def ctl_env(cls, **extra):
        env = clean_environment()
        env['BARGE_BUS_ADDRESS'] = cls.address
        env['DBUS_SESSION_BUS_ADDRESS'] = cls.address
        env.update(extra)
        return env

    @classmethod
    def ctl_class(cls, *args, cwd=None, env=None):
        return subprocess.run([BARGECTL] + list(args), env=env or cls.ctl_env(), cwd=cwd,
                              capture_output=True, text=True, timeout=WAIT)

    def ctl(self, *args, expect=0, **kwargs):
        result = self.ctl_class(*args, **kwargs)
        if expect is not None:
            self.assertEqual(result.returncode, expect,
                             'bargectl %s\nstdout: %s\nstderr: %s\nbarged: %s' %
                             (' '.join(args), result.stdout, result.stderr, self.daemon_output()))
        return result

    def info(self, job):
        return json.loads(self.ctl('info', '--json', job).stdout)

    def list_jobs(self):
        return json.loads(self.ctl('list', '--json').stdout)

    def wait_for(self, what, predicate, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                self.fail('timed out waiting for %s; barged: %s' % (what, self.daemon_output()))
            time.sleep(0.1)

    def wait_for_state(self, job, states):
        return self.wait_for('job %s to reach %s' % (job, states),
                             lambda: (lambda i: i if i['state'] in states else None)(self.info(job)))

    def make_folder(self):
        return tempfile.mkdtemp(dir=self.tmp)

    def url(self, name, speed=None):
        return '%s/%s%s' % (self.base_url, speed + '/' if speed else '', name)

    def sha256(self, path):
        with open(path, 'rb') as f:
            return hashlib.sha256(f.read()).hexdigest()

    def assert_no_escapes(self, *texts):
        for text in texts:
            self.assertNotIn('\x1b', text)

    def create_job(self, *args):
        job = self.ctl('create', *args).stdout.strip()
        self.assertRegex(job, UUID_RE)
        return job

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

    # -- download ------------------------------------------------------------------

    def assert_downloaded(self, folder, names):
        self.assertEqual(sorted(os.listdir(folder)), sorted(names))
        for name in names:
            self.assertEqual(self.sha256(os.path.join(folder, name)),
                             hashlib.sha256(self.files[name]).hexdigest(), name)

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

    def test_download_to_file_path(self):
        folder = self.make_folder()
        target = os.path.join(folder, 'renamed.data')
        self.ctl('download', self.url('gamma.bin', 'slow'), target)
        self.assertEqual(os.listdir(folder), ['renamed.data'])
        self.assertEqual(self.sha256(target), hashlib.sha256(self.files['gamma.bin']).hexdigest())

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

    # -- monitor -------------------------------------------------------------------

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

    # -- terminal --------------------------------------------------------------------

    def run_in_pty(self, args, env, answer=None, interrupt_when=None):
        """Runs bargectl with a pseudo-terminal as stdin, stdout and stderr;
        returns (exit status, everything it wrote)."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
        process = subprocess.Popen([BARGECTL] + args, env=env, stdin=slave, stdout=slave,
                                   stderr=slave, start_new_session=True)
        os.close(slave)
        self.addCleanup(stop_process, process, signal.SIGKILL)
        output = b''
        interrupted = False
        deadline = time.monotonic() + WAIT
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: every slave end is closed
                        break
                    if not chunk:
                        break
                    output += chunk
                if interrupt_when and not interrupted and interrupt_when():
                    process.send_signal(signal.SIGINT)
                    interrupted = True
                if answer and b'[c/L]' in output:
                    os.write(master, answer)
                    answer = None
            process.wait(timeout=WAIT)
        finally:
            os.close(master)
        return process.returncode, output.decode('utf-8', 'replace')

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

    def test_monitor_once_on_terminal(self):
        job = self.create_job('bar-view')
        status, output = self.run_in_pty(['monitor', '--once'], self.ctl_env(TERM='xterm'))
        self.assertEqual(status, 0, output)
        self.assertIn(job[:8], output)
        self.assertIn('bar-view', output)
        self.ctl('cancel', job)


if __name__ == '__main__':
    unittest.main(verbosity=2)
