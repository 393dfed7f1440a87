# SPDX-License-Identifier: LGPL-2.1-or-later
"""barged on a private session-type dbus-daemon, for the system tests that
run as any user (test-hostile.py, test-ntlm.py): the bus, barged with its
own state folder and log, one connection to the bus, and a clean stop.

gi is imported when barged starts, not with this module: test-ntlm.py also
runs as a stand-in for ntlm_auth, where it needs none of it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

DEST = 'org.freedesktop.Barge1'
ROOT = '/org/freedesktop/Barge1'
MANAGER = 'org.freedesktop.Barge1.Manager'
JOB = 'org.freedesktop.Barge1.Job'
FILE = 'org.freedesktop.Barge1.File'
PROPS = 'org.freedesktop.DBus.Properties'
BARGE_ERR = 'org.freedesktop.Barge1.Error.'

BUS_CONFIG = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
'''


class SessionBarged:
    """A temporary folder (tmp) with the bus in it; start_barged() then
    starts barged (state in tmp/state, log in tmp/barged.log) and connects
    (conn) once barged owns its name; files is tmp/files, for downloads."""

    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        conf = os.path.join(self.tmp, 'bus.conf')
        with open(conf, 'w') as f:
            f.write(BUS_CONFIG.format(dir=self.tmp))
        self.bus = subprocess.Popen(['dbus-daemon', '--config-file=' + conf, '--nofork', '--print-address=1'],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.address = self.bus.stdout.readline().decode().strip()
        self.state_dir = os.path.join(self.tmp, 'state')
        self.log_path = os.path.join(self.tmp, 'barged.log')
        self.dir = os.path.join(self.tmp, 'files')

    def start_barged(self, barged, **env):
        """Starts BARGED with ENV added to its environment, and waits
        (bounded) until it owns its name."""
        from gi.repository import Gio, GLib
        self.log = open(self.log_path, 'wb')
        self.barged = subprocess.Popen([barged, '--address', self.address, '--idle-timeout', '0',
                                        '--state-dir', self.state_dir],
                                       stdout=self.log, stderr=self.log,
                                       env=dict(os.environ, XDG_STATE_HOME=os.path.join(self.tmp, 'xdg'), **env))
        self.conn = Gio.DBusConnection.new_for_address_sync(
            self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            reply = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                                        'NameHasOwner', GLib.Variant('(s)', (DEST,)), None, 0, -1, None)
            if reply.unpack()[0]:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError('barged did not start')
        os.makedirs(self.dir)

    def close(self):
        """Stops barged (SIGTERM: a clean exit, so sanitizers report) and the
        bus; returns barged's exit status and its log."""
        for proc in (self.barged, self.bus):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.log.close()
        with open(self.log_path, errors='replace') as f:
            return self.barged.returncode, f.read()

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def tap(self, i, name, fn):
        """Runs FN as TAP test I, NAME: ok with FN's return value as a note,
        or not ok with the traceback, also when barged is gone after it.
        Returns whether it passed."""
        passed = False
        try:
            note = fn()
            assert self.barged.poll() is None, 'barged exited with %s' % self.barged.returncode
            print('ok %d %s' % (i, name))
            print('# ' + str(note))
            passed = True
        except Exception:
            print('not ok %d %s' % (i, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        sys.stdout.flush()
        return passed
