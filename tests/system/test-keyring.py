#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Credentials on a session bus, with a headless gnome-keyring: the user
stores a password in its keyring with `bargectl credentials --store` (read
from standard input), hands it to a job with `--from-keyring` (no password
on any command line), barged keeps it in the Secret Service, not in its
files, the Basic-auth download works, and still works after a restart of
barged. Run under dbus-run-session. Usage: test-keyring.py BARGED BARGECTL"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from barge_system import AuthHandler  # noqa: E402

import http.server  # noqa: E402
import threading  # noqa: E402

from gi.repository import Gio, GLib  # noqa: E402

PASSWORD = AuthHandler.credentials[1]


def main():
    barged, bargectl = sys.argv[1], sys.argv[2]
    for tool in ('gnome-keyring-daemon', 'secret-tool'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s not installed' % tool)
            sys.exit(77)
    if not os.environ.get('DBUS_SESSION_BUS_ADDRESS'):
        print('1..0 # SKIP no session bus (run under dbus-run-session)')
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix='barge-keyring-')
    env = dict(os.environ, HOME=os.path.join(tmp, 'home'), XDG_RUNTIME_DIR=os.path.join(tmp, 'run'),
               XDG_DATA_HOME=os.path.join(tmp, 'data'), XDG_STATE_HOME=os.path.join(tmp, 'state'),
               GIO_USE_PROXY_RESOLVER='dummy')
    for d in ('home', 'run', 'data', 'state', 'dl'):
        os.makedirs(os.path.join(tmp, d), mode=0o700)
    procs = []
    failed = 0
    print('1..5')
    try:
        keyring = subprocess.run(['gnome-keyring-daemon', '--unlock', '--components=secrets'],
                                 input=b'keyring-pw', env=env, capture_output=True, timeout=20)
        assert keyring.returncode == 0, keyring.stderr

        httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), AuthHandler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = 'http://127.0.0.1:%d/secret/8192' % httpd.server_address[1]
        state_dir = os.path.join(tmp, 'barged-state')

        def start_barged():
            log = open(os.path.join(tmp, 'barged.log'), 'ab')
            p = subprocess.Popen([barged, '--session', '--replace', '--idle-timeout', '0', '--state-dir', state_dir],
                                 env=env, stdout=log, stderr=log)
            procs.append(p)
            return p

        def ctl(*args, stdin=None):
            out = subprocess.run([bargectl] + list(args), env=env, input=stdin, capture_output=True,
                                 text=True, timeout=60)
            assert out.returncode == 0, 'bargectl %s: %s' % (' '.join(args), out.stderr)
            return out.stdout.strip()

        def state_of(job):
            bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
            path = '/org/freedesktop/Barge1/jobs/' + job.replace('-', '')
            reply = bus.call_sync('org.freedesktop.Barge1', path, 'org.freedesktop.DBus.Properties', 'Get',
                                  GLib.Variant('(ss)', ('org.freedesktop.Barge1.Job', 'State')), None, 0, -1,
                                  None)
            return reply.unpack()[0]

        def wait_for(job, states, timeout=20):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                s = state_of(job)
                if s in states:
                    return s
                time.sleep(0.05)
            raise AssertionError('job still %s' % s)

        barged_proc = start_barged()
        deadline = time.monotonic() + 10
        while subprocess.run(['gdbus', 'introspect', '--session', '--dest', 'org.freedesktop.Barge1',
                              '--object-path', '/org/freedesktop/Barge1'], env=env,
                             capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, 'barged did not start'
            time.sleep(0.05)

        # 1: the password goes into the user's keyring from standard input
        try:
            ctl('credentials', '--store', '127.0.0.1', 'alice', stdin=PASSWORD + '\n')
            found = subprocess.run(['secret-tool', 'lookup', 'host', '127.0.0.1', 'user', 'alice'], env=env,
                                   capture_output=True, text=True)
            assert found.stdout == PASSWORD, found
            print('ok 1 store_in_keyring')
        except Exception:
            failed += 1
            print('not ok 1 store_in_keyring')
            print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))

        # 2: a job gets it from the keyring; barged keeps it in the Secret Service only
        try:
            job = ctl('create', 'secret')
            dest = os.path.join(tmp, 'dl', 'secret.bin')
            ctl('add', job, url, dest)
            ctl('credentials', job, '--from-keyring', '127.0.0.1')
            # barged answers SetCredentials once the Secret Service has it.
            stored = subprocess.run(['secret-tool', 'search', '--all', 'xdg:schema',
                                     'org.freedesktop.Barge1.JobCredential', 'job', job],
                                    env=env, capture_output=True, text=True)
            assert PASSWORD in stored.stdout, 'barged did not keep it in the Secret Service: %s' % stored
            for root, _, files in os.walk(state_dir):
                for name in files:
                    assert PASSWORD.encode() not in open(os.path.join(root, name), 'rb').read(), name
            info = ctl('info', job)
            assert PASSWORD not in info
            print('ok 2 from_keyring_to_secret_service')
        except Exception:
            failed += 1
            print('not ok 2 from_keyring_to_secret_service')
            print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))

        # 3: after a restart barged finds the password again and the download works
        try:
            barged_proc.terminate()
            barged_proc.wait(timeout=60)
            barged_proc = start_barged()
            deadline = time.monotonic() + 10
            while True:
                try:
                    ctl('resume', job)
                    break
                except AssertionError:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            assert wait_for(job, ('transferred', 'error')) == 'transferred'
            ctl('complete', job)
            assert os.path.getsize(dest) == 8192
            print('ok 3 download_after_restart')
        except Exception:
            failed += 1
            print('not ok 3 download_after_restart')
            print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))
            print('\n'.join('# ' + line for line in open(os.path.join(tmp, 'barged.log')).read().splitlines()))

        # 4: RemoveCredentials answers once the Secret Service forgot it
        try:
            other = ctl('create', 'forget')
            ctl('credentials', other, '--from-keyring', '127.0.0.1')
            ctl('credentials', other, '--remove')
            stored = subprocess.run(['secret-tool', 'search', '--all', 'xdg:schema',
                                     'org.freedesktop.Barge1.JobCredential', 'job', other],
                                    env=env, capture_output=True, text=True)
            assert PASSWORD not in stored.stdout, 'still in the Secret Service: %s' % stored
            bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
            reply = bus.call_sync('org.freedesktop.Barge1', '/org/freedesktop/Barge1/jobs/' + other.replace('-', ''),
                                  'org.freedesktop.DBus.Properties', 'Get',
                                  GLib.Variant('(ss)', ('org.freedesktop.Barge1.Job', 'Credentials')),
                                  None, 0, -1, None)
            assert reply.unpack()[0] == [], reply
            print('ok 4 remove_from_secret_service')
        except Exception:
            failed += 1
            print('not ok 4 remove_from_secret_service')
            print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))

        # 5: an item stored by hand that names no user is an error, not a call
        # that never answers (barge_job_set_credentials_async needs a user)
        try:
            subprocess.run(['secret-tool', 'store', '--label', 'no user', 'xdg:schema',
                            'org.freedesktop.Barge1.Credential', 'host', 'nouser.example'],
                           input=b'pw-without-user', env=env, check=True, timeout=20)
            other = ctl('create', 'no-user')
            out = subprocess.run([bargectl, 'credentials', other, '--from-keyring', 'nouser.example'], env=env,
                                 capture_output=True, text=True, timeout=20)
            assert out.returncode != 0, out
            assert 'names no user' in out.stderr, out.stderr
            print('ok 5 keyring_item_without_user')
        except Exception:
            failed += 1
            print('not ok 5 keyring_item_without_user')
            print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))
        httpd.shutdown()
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=60)
        log_path = os.path.join(tmp, 'barged.log')
        log = open(log_path, errors='replace').read() if os.path.exists(log_path) else ''
        shutil.rmtree(tmp, ignore_errors=True)
    # Each barged (the restarted one too) exits cleanly on SIGTERM; under the
    # asan test setup leaks and errors show in its status and log.
    statuses = [p.returncode for p in procs]
    if any(statuses) or 'Sanitizer' in log or 'runtime error' in log:
        failed += 1
        print('# barged exited with %s; its log:' % statuses)
        print('\n'.join('# ' + line for line in log.splitlines()[-200:]))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
