# contrib/bench/benchlib.py: what the Python benchmarks job-files and
# many-files share: a private nginx on 127.0.0.1 (keep-alive), a private
# dbus-daemon, barged from the build directory on it, and GLib D-Bus calls.
# Every wait is bounded; every process started here is stopped by stop().
# Not a module of Barge: the scripts beside it import it from their folder.
import os
import select
import signal
import socket
import subprocess
import sys
import time

from gi.repository import Gio, GLib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get('BARGE_BUILD_DIR', os.path.join(ROOT, 'build')))
BARGED = os.path.join(BUILD, 'src', 'daemon', 'barged')
NAME = 'org.freedesktop.Barge1'
ROOT_PATH = '/org/freedesktop/Barge1'
MANAGER = 'org.freedesktop.Barge1.Manager'
JOB = 'org.freedesktop.Barge1.Job'
BATCH = 500
TIMEOUT = 600
START_TIMEOUT = 30
_running = {'loop': None, 'signal': None}


def _on_signal(signum, frame):
    # In a main loop the handler runs inside one of PyGObject's callbacks,
    # which would print a SystemExit or exit at once, past every finally.
    _running['signal'] = signum
    if _running['loop'] is not None:
        _running['loop'].quit()
    else:
        sys.exit(128 + signum)


def exit_on_sigterm():
    """SIGTERM ends the script through its finally blocks, in a main loop
    too (PyGObject already does that for Ctrl-C)."""
    signal.signal(signal.SIGTERM, _on_signal)


def start_nginx(tmp, docroot, http_extra='', access_log=None, listen_extra=''):
    """nginx in the foreground of a child process, serving DOCROOT on a free
    port of 127.0.0.1; returns the process and the port. With ACCESS_LOG,
    one line per request: "METHOD STATUS BODY_BYTES". LISTEN_EXTRA goes after
    the address of the listen directive (" ssl http2")."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    conf = os.path.join(tmp, 'nginx.conf')
    # As root the workers would run as nobody, who may not read the build tree.
    user = 'user root root;' if os.getuid() == 0 else ''
    log = ("log_format bench '$request_method $status $body_bytes_sent'; access_log %s bench;" % access_log
           if access_log else 'access_log off;')
    with open(conf, 'w') as f:
        f.write('daemon off; master_process on; worker_processes 1; %s pid %s/nginx.pid;'
                ' error_log %s/error.log warn; events { worker_connections 128; }'
                ' http { %s client_body_temp_path %s/cb; proxy_temp_path %s/px;'
                ' fastcgi_temp_path %s/fc; uwsgi_temp_path %s/uw; scgi_temp_path %s/sc;'
                ' default_type application/octet-stream; keepalive_requests 100000; %s'
                ' server { listen 127.0.0.1:%d%s; root %s; } }\n'
                % ((user, tmp, tmp, log) + (tmp,) * 5 + (http_extra, port, listen_extra, docroot)))
    proc = subprocess.Popen(['nginx', '-p', tmp, '-c', conf, '-e', os.path.join(tmp, 'error.log')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    stop(proc)
    sys.exit('nginx did not start (see %s/error.log)' % tmp)


def start_bus():
    """A private dbus-daemon; returns the process and its address."""
    bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1'], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    ready, _, _ = select.select([bus.stdout], [], [], START_TIMEOUT)
    address = bus.stdout.readline().strip() if ready else ''
    if not address:
        stop(bus)
        sys.exit('dbus-daemon printed no address')
    return bus, address


def connect(address):
    return Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)


def start_barged(conn, address, state_dir, config, log=subprocess.DEVNULL, extra_args=()):
    """barged from the build directory on the bus of CONN, with its own
    state folder and barge.conf; returns once it owns its name."""
    proc = subprocess.Popen([BARGED, '--address=' + address, '--state-dir=' + state_dir,
                             '--config=' + config, '--idle-timeout=0'] + list(extra_args),
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while not has_owner(conn):
        if time.monotonic() > deadline or proc.poll() is not None:
            stop(proc)
            sys.exit('barged did not start')
        time.sleep(0.05)
    return proc


def stop(proc, timeout=30):
    """Ends a process started here (SIGTERM, then SIGKILL after TIMEOUT)."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def has_owner(conn):
    return conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'NameHasOwner',
                          GLib.Variant('(s)', (NAME,)), GLib.VariantType('(b)'), Gio.DBusCallFlags.NONE, 5000,
                          None).unpack()[0]


def call(conn, path, iface, method, args=None, reply=None):
    return conn.call_sync(NAME, path, iface, method, args, GLib.VariantType(reply) if reply else None,
                          Gio.DBusCallFlags.NO_AUTO_START, TIMEOUT * 1000, None)


def create_job(conn, name, options=None):
    return call(conn, ROOT_PATH, MANAGER, 'CreateJob',
                GLib.Variant('(ssa{sv})', (name, 'download', options or {})), '(o)').unpack()[0]


def add_files(conn, job, pairs):
    """AddFiles in calls of BATCH (url, path) pairs."""
    for first in range(0, len(pairs), BATCH):
        call(conn, job, JOB, 'AddFiles', GLib.Variant('(a(ss))', (pairs[first:first + BATCH],)))


def wait_state(conn, path, wanted, timeout=TIMEOUT):
    """Runs a main loop until the job's State is WANTED (PropertiesChanged,
    with a Get now and then in case a signal was missed); exits the script
    on "error" or after TIMEOUT seconds. An exception in a callback (such
    as the SystemExit of a SIGTERM handler) ends the loop and is raised
    here: PyGObject would print it, or exit without the callers' finally."""
    loop = GLib.MainLoop()
    seen = {'state': None}
    failures = []

    def guarded(function):
        def run(*args):
            try:
                return function(*args)
            except BaseException as e:
                failures.append(e)
                loop.quit()
                return GLib.SOURCE_CONTINUE
        return run

    @guarded
    def on_signal(c, sender, obj, iface, name, params):
        changed = params.unpack()[1]
        if obj == path and 'State' in changed:
            seen['state'] = changed['State']
            if seen['state'] in (wanted, 'error'):
                loop.quit()

    @guarded
    def check():
        seen['state'] = call(conn, path, 'org.freedesktop.DBus.Properties', 'Get', GLib.Variant('(ss)', (JOB, 'State')),
                             '(v)').unpack()[0]
        if seen['state'] in (wanted, 'error'):
            loop.quit()
        return GLib.SOURCE_CONTINUE

    sub = conn.signal_subscribe(NAME, 'org.freedesktop.DBus.Properties', 'PropertiesChanged', path, None,
                                Gio.DBusSignalFlags.NONE, on_signal)
    timer = GLib.timeout_add(1000, check)
    deadline = GLib.timeout_add_seconds(timeout, loop.quit)
    check()
    if seen['state'] not in (wanted, 'error'):
        _running['loop'] = loop
        try:
            loop.run()
        finally:
            _running['loop'] = None
    GLib.source_remove(timer)
    GLib.source_remove(deadline)
    conn.signal_unsubscribe(sub)
    if _running['signal'] is not None:
        sys.exit(128 + _running['signal'])
    if failures:
        raise failures[0]
    if seen['state'] != wanted:
        sys.exit('job %s: %s, not %s' % (path, seen['state'], wanted))


def proc_status(pid, key):
    """A field of /proc/PID/status, such as VmHWM ("1234 kB")."""
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return line.split(':', 1)[1].strip()
    return '?'


def proc_cpu_seconds(pid):
    """utime + stime of PID from /proc/PID/stat, in seconds."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
