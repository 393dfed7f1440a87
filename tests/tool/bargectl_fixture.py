# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fixture of the bargectl tests (test-*.py in this folder).

Each test class gets a private dbus-daemon, a barged on it with its own
state folder, and a loopback HTTP server serving random files. bargectl is
pointed at the private bus with BARGE_BUS_ADDRESS. Paths come from the
environment: BARGED and BARGECTL (set by meson). The test files are
separate meson tests so that they run in parallel, each with its own
daemon.
"""

import fcntl
import hashlib
import http.server
import json
import os
import re
import select
import shlex
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
COMMANDS = ['create', 'add', 'resume', 'suspend', 'cancel', 'complete', 'cancel-all',
            'set', 'get', 'take-ownership', 'list', 'info', 'files', 'monitor', 'download',
            'upload', 'reply', 'wait', 'background-limit', 'describe-error', 'credentials',
            'session-proxy']

# Bytes per write and pause between writes for the throttled paths.
SPEEDS = {
    'slow': (32 * 1024, 0.02),   # about 1.5 MB/s
    'crawl': (8 * 1024, 0.05),   # about 160 kB/s
}


def clean_environment():
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith('_proxy') and k not in ('NO_COLOR', 'LANGUAGE')}
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
        # What the custom-header tests look for.
        if self.headers.get('X-Barge-Test') is not None:
            self.server.test_headers.append(self.headers.get('X-Barge-Test'))
        # /redirect/NAME: a 302 to /NAME, for the redirect policy.
        if self.path.startswith('/redirect/'):
            self.send_response(302)
            self.send_header('Location', self.path[len('/redirect'):])
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
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


def stop_process(process, sig=signal.SIGTERM, timeout=10):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr, process.stdin):
        if stream is not None:
            stream.close()


@unittest.skipUnless(BARGED and BARGECTL, 'BARGED or BARGECTL is not set')
class DaemonTestCase(unittest.TestCase):
    """bargectl against a real barged on a private bus; one per class."""

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
        cls.server.test_headers = []
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.base_url = 'http://127.0.0.1:%d' % cls.server.server_address[1]

        cls.bus, cls.address = start_bus(cls.tmp)
        cls.addClassCleanup(stop_process, cls.bus)

        cls.state = os.path.join(cls.tmp, 'state')
        os.mkdir(cls.state)
        cls.daemon_log = open(os.path.join(cls.tmp, 'barged.log'), 'w+')
        cls.addClassCleanup(cls.daemon_log.close)
        cls.start_daemon()
        cls.addClassCleanup(lambda: cls.stop_daemon())

    @classmethod
    def start_daemon(cls):
        env = clean_environment()
        env['DBUS_SESSION_BUS_ADDRESS'] = cls.address
        env['HOME'] = cls.tmp
        env['XDG_STATE_HOME'] = os.path.join(cls.tmp, 'xdg-state')
        cls.daemon = subprocess.Popen([BARGED, '--session', '--address=' + cls.address,
                                       '--state-dir=' + cls.state, '--idle-timeout=0', '--verbose'],
                                      env=env, stdout=cls.daemon_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + WAIT
        while True:
            result = cls.ctl_class('list')
            if result.returncode == 0:
                break
            if cls.daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('barged did not come up: %s' % cls.daemon_output())
            time.sleep(0.1)

    @classmethod
    def stop_daemon(cls):
        """SIGTERM and a clean exit: under the asan test setup LeakSanitizer
        reports at exit and makes the status non-zero, which fails here."""
        stop_process(cls.daemon, timeout=60)
        if cls.daemon.returncode != 0:
            raise AssertionError('barged exited with %d:\n%s' % (cls.daemon.returncode, cls.daemon_output(60000)))

    @classmethod
    def restart_daemon(cls):
        """Stops barged and starts it again on the same state: jobs are kept.
        A bad exit fails the caller only, after the restart, so that the
        class's other tests still have a daemon."""
        try:
            cls.stop_daemon()
        finally:
            cls.start_daemon()

    @classmethod
    def daemon_output(cls, limit=4000):
        cls.daemon_log.flush()
        cls.daemon_log.seek(0)
        return cls.daemon_log.read()[-limit:]

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

    def new_jobs(self, before):
        return [j for j in self.list_jobs() if j['id'] not in before]

    def create_job(self, *args):
        job = self.ctl('create', *args).stdout.strip()
        self.assertRegex(job, UUID_RE)
        return job

    def assert_downloaded(self, folder, names):
        self.assertEqual(sorted(os.listdir(folder)), sorted(names))
        for name in names:
            self.assertEqual(self.sha256(os.path.join(folder, name)),
                             hashlib.sha256(self.files[name]).hexdigest(), name)

    def run_in_pty(self, args, env, answer=None, interrupt_when=None, prompt=b'[c/L]', columns=100,
                   answer_when=None):
        """Runs bargectl with a pseudo-terminal as stdin, stdout and stderr;
        writes @answer once @prompt shows (and @answer_when, if given,
        returns true); returns (exit status, everything it wrote)."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 30, columns, 0, 0))
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
                if answer and prompt in output and (answer_when is None or answer_when()):
                    os.write(master, answer)
                    answer = None
            process.wait(timeout=WAIT)
        finally:
            os.close(master)
        return process.returncode, output.decode('utf-8', 'replace')



class Tmux:
    """A tmux server of our own (private socket, no configuration) running
    one command in a window of a given size: a real terminal emulator, so
    tests see the screen as a person would."""

    def __init__(self, test, command, env, width=100, height=30):
        self.test = test
        self.socket = os.path.join(tempfile.mkdtemp(dir=test.tmp), 'tmux.sock')
        self.status_file = self.socket + '.status'
        # The shell prints a marker first, so tests can see what the command
        # leaves of the screen it found, and records the exit status.
        script = 'printf "shell-before\\n"; %s; echo $? > %s; sleep %d' % (
            ' '.join(shlex.quote(a) for a in command), shlex.quote(self.status_file), WAIT)
        self.env = env
        self.tmux('new-session', '-d', '-x', str(width), '-y', str(height), script)
        test.addCleanup(self.kill)

    def tmux(self, *args):
        return subprocess.run(['tmux', '-S', self.socket, '-f', '/dev/null'] + list(args),
                              env=self.env, capture_output=True, text=True, timeout=WAIT,
                              check=True).stdout

    def kill(self):
        subprocess.run(['tmux', '-S', self.socket, 'kill-server'], env=self.env,
                       capture_output=True, timeout=WAIT)

    def screen(self):
        return self.tmux('capture-pane', '-p')

    def wait_screen(self, pattern, timeout=WAIT):
        deadline = time.monotonic() + timeout
        screen = ''
        while True:
            try:
                screen = self.screen()
            except subprocess.CalledProcessError:
                self.test.fail('the terminal closed before showing %r; last screen:\n%s' %
                               (pattern, screen))
            match = re.search(pattern, screen, re.MULTILINE)
            if match:
                return screen
            if time.monotonic() > deadline:
                self.test.fail('the screen never showed %r:\n%s' % (pattern, screen))
            time.sleep(0.1)

    def send_keys(self, *keys):
        self.tmux('send-keys', *keys)

    def resize(self, width, height):
        self.tmux('resize-window', '-x', str(width), '-y', str(height))

    def wait_status(self, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            if os.path.exists(self.status_file):
                with open(self.status_file) as f:
                    status = f.read().strip()
                if status:
                    return int(status)
            if time.monotonic() > deadline:
                self.test.fail('the command did not end:\n%s' % self.screen())
            time.sleep(0.1)
