#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# D-Bus activation from the session service file we install, and exit
# after the idle timeout. A private dbus-daemon gets a service folder that
# holds data/org.freedesktop.Barge1.session.service.in, filled in with a
# libexecdir whose "barged" runs the build's daemon with a test state folder
# and barge.conf (IdleTimeout=2). The first call on the name must start it;
# with no job it must leave the bus again by itself.
#
# Usage: BARGED=/path/to/barged activation.sh SERVICE_TEMPLATE

set -eu

: "${BARGED:?BARGED must name the barged executable}"
template=${1:?usage: activation.sh SERVICE_TEMPLATE}
NAME=org.freedesktop.Barge1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/barge-activation-XXXXXX")
bus_pid=

cleanup () {
    status=$?
    [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
    # An activated barged is the bus's child; make sure it is gone too.
    pkill -f "$tmp/libexec/barged-real" 2>/dev/null || true
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT INT TERM

fail () {
    echo "not ok: $*" >&2
    exit 1
}

mkdir -p "$tmp/libexec" "$tmp/services" "$tmp/state"
printf '[Daemon]\nIdleTimeout=2\n' > "$tmp/barge.conf"
ln -s "$BARGED" "$tmp/libexec/barged-real"
# The wrapper keeps barged's output and exit status, which the bus would
# drop: the asan test setup's sanitizers report at exit and make it non-zero.
cat > "$tmp/libexec/barged" <<WRAPPER
#!/bin/sh
status=0
"$tmp/libexec/barged-real" "\$@" --state-dir="$tmp/state" --config="$tmp/barge.conf" \
    >>"$tmp/barged.log" 2>&1 || status=\$?
echo \$status > "$tmp/barged.status"
WRAPPER
chmod +x "$tmp/libexec/barged"
sed "s|@libexecdir@|$tmp/libexec|g" "$template" > "$tmp/services/$NAME.service"
grep -q "^Exec=$tmp/libexec/barged --session" "$tmp/services/$NAME.service" ||
    fail "the session service file does not start barged --session"

cat > "$tmp/bus.conf" <<CONF
<busconfig>
  <type>session</type>
  <listen>unix:dir=$tmp</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=3 3>"$tmp/address" 2>/dev/null &
bus_pid=$!
i=0
while [ ! -s "$tmp/address" ]; do
    i=$((i + 1)); [ $i -le 100 ] || fail "dbus-daemon did not start"; sleep 0.05
done
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$tmp/address")
export DBUS_SESSION_BUS_ADDRESS

has_owner () {
    gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
        -m org.freedesktop.DBus.NameHasOwner "$NAME" | grep -q true
}

has_owner && fail "barged runs before anyone asked for it"

# The first call activates the daemon.
version=$(gdbus call --session -d "$NAME" -o /org/freedesktop/Barge1 \
    -m org.freedesktop.DBus.Properties.Get org.freedesktop.Barge1.Manager Version) ||
    fail "activation failed"
echo "$version" | grep -q "'[0-9]*\.[0-9]*\.[0-9]*'" || fail "unexpected Version $version"
has_owner || fail "barged is not on the bus after activation"
[ -f "$tmp/state/jobs.db" ] || fail "the activated barged did not use the test state folder"
echo "ok 1 activated barged $version"

# No job: it leaves within IdleTimeout (2 s) plus slack.
i=0
while has_owner; do
    i=$((i + 1)); [ $i -le 100 ] || fail "barged still runs 10 s after its idle timeout of 2 s"; sleep 0.1
done
i=0
while [ ! -s "$tmp/barged.status" ]; do
    i=$((i + 1)); [ $i -le 600 ] || fail "barged left the bus but did not exit within 60 s"; sleep 0.1
done
if [ "$(cat "$tmp/barged.status")" != 0 ]; then
    cat "$tmp/barged.log" >&2
    fail "barged exited with status $(cat "$tmp/barged.status") when idle"
fi
echo "ok 2 barged exited cleanly when idle"
echo "1..2"
