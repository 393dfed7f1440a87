#!/bin/sh
# Usage: check-install.sh SOURCE_DIR
# Configures SOURCE_DIR with --prefix=/usr in a temporary folder (no tests,
# docs or GIR, to stay quick), runs `meson install --destdir`, and checks the
# installed files: every file a system install needs is there, each with
# the right paths inside, and nothing lands outside /usr and /etc (but the
# unit folder systemd.pc names).
set -eu

src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson setup --prefix=/usr -Dtests=false -Ddocs=false -Dintrospection=false \
	"$tmp/build" "$src" >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; exit 1; }
ninja -C "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
DESTDIR="$tmp/root" meson install -C "$tmp/build" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }

cd "$tmp/root"
find . -type f -o -type l | sed 's|^\./||' | sort >"$tmp/files"
cat "$tmp/files"

fail=0
need() {
	if ! grep -qx "$1" "$tmp/files"; then
		echo "FAIL: $1 is not installed"
		fail=1
	fi
}
need usr/libexec/barged
need usr/bin/bargectl
need usr/share/dbus-1/system-services/org.freedesktop.Barge1.service
need usr/share/dbus-1/system.d/org.freedesktop.Barge1.conf
need usr/share/dbus-1/services/org.freedesktop.Barge1.service
need usr/share/polkit-1/actions/org.freedesktop.Barge1.policy
# systemd.pc decides: /usr/lib/systemd/system, or /lib/systemd/system on
# Debian 12 (the same folder with merged /usr).
unit=usr/lib/systemd/system/barged.service
grep -qx "$unit" "$tmp/files" || unit=lib/systemd/system/barged.service
need "$unit"
need etc/barge/barge.conf
need usr/lib/systemd/user/barge-session-proxy.service
grep -qx 'ExecStart=/usr/bin/bargectl --system session-proxy' usr/lib/systemd/user/barge-session-proxy.service ||
	{ echo "FAIL: ExecStart of the session proxy unit"; fail=1; }
need usr/include/barge-1/barge.h
grep -q '^usr/lib/.*libbarge-1\.so' "$tmp/files" || { echo "FAIL: no libbarge-1.so"; fail=1; }
grep -q '^usr/lib/.*pkgconfig/barge-1\.pc$' "$tmp/files" || { echo "FAIL: no barge-1.pc"; fail=1; }

if grep -v -e '^usr/' -e '^etc/' -e '^lib/systemd/system/' "$tmp/files"; then
	echo "FAIL: files outside /usr and /etc"
	fail=1
fi
grep -qx 'ExecStart=/usr/libexec/barged --system' "$unit" ||
	{ echo "FAIL: ExecStart of the unit"; fail=1; }
grep -qx 'Exec=/usr/libexec/barged --system' usr/share/dbus-1/system-services/org.freedesktop.Barge1.service ||
	{ echo "FAIL: Exec of the system activation file"; fail=1; }
grep -q 'org.freedesktop.Barge1.manage-all' usr/share/polkit-1/actions/org.freedesktop.Barge1.policy ||
	{ echo "FAIL: the polkit action"; fail=1; }
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout --nonet usr/share/polkit-1/actions/org.freedesktop.Barge1.policy \
		usr/share/dbus-1/system.d/org.freedesktop.Barge1.conf || fail=1
fi
[ "$fail" -eq 0 ] && echo "PASS: install --prefix=/usr"
exit "$fail"
