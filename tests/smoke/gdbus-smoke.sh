#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Smoke test of barged with nothing but stock tools: a private dbus-daemon,
# gdbus for every call, and Python's http.server on 127.0.0.1 as the remote.
# It proves that the D-Bus contract is usable without libbarge or
# gdbus-codegen proxies: introspection shows the three interfaces, and
# CreateJob, AddFile, Resume, State and Complete download a file.
#
# Usage: BARGED=/path/to/barged gdbus-smoke.sh

set -eu

: "${BARGED:?BARGED must name the barged executable}"
PYTHON=/usr/bin/python3
NAME=org.freedesktop.Barge1
ROOT=/org/freedesktop/Barge1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/barge-smoke-XXXXXX")
bus_pid=
http_pid=
barged_pid=

cleanup () {
    status=$?
    # Stop our children (by their ids) before removing their folders.
    for pid in $barged_pid $http_pid $bus_pid; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $barged_pid $http_pid $bus_pid; do
        wait "$pid" 2>/dev/null || true
    done
    if [ $status -ne 0 ]; then
        for log in "$tmp"/*.log; do
            [ -f "$log" ] || continue
            echo "--- $log" >&2
            cat "$log" >&2
        done
    fi
    rm -rf "$tmp"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail () {
    echo "FAIL: $*" >&2
    exit 1
}

# Polls "$@" every 0.1 s until it succeeds; gives up after $1 tenths of a second.
wait_for () {
    tries=$1
    shift
    while ! "$@"; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] || return 1
        sleep 0.1
    done
}

file_has_line () {
    [ -s "$1" ] && grep -q "$2" "$1"
}

# --- a private session bus ---------------------------------------------------
dbus-daemon --session --nofork --print-address=1 >"$tmp/bus.address" 2>"$tmp/bus.log" &
bus_pid=$!
wait_for 100 file_has_line "$tmp/bus.address" unix: || fail "dbus-daemon did not start"
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$tmp/bus.address")
export DBUS_SESSION_BUS_ADDRESS
# Nothing here may talk to another bus or a proxy.
unset DBUS_SYSTEM_BUS_ADDRESS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

# --- the remote: a static file behind http.server ------------------------------
mkdir "$tmp/www" "$tmp/downloads"
head -c 3000000 /dev/urandom >"$tmp/www/payload.bin"
# Port 0: the kernel picks a free port and the server prints it.
(cd "$tmp/www" && exec "$PYTHON" -u -m http.server --bind 127.0.0.1 0) >"$tmp/http.log" 2>&1 &
http_pid=$!
wait_for 100 file_has_line "$tmp/http.log" "Serving HTTP on 127.0.0.1 port" || fail "http.server did not start"
port=$(sed -n 's/.*Serving HTTP on 127\.0\.0\.1 port \([0-9][0-9]*\).*/\1/p' "$tmp/http.log" | head -n 1)
[ -n "$port" ] || fail "no port in the http.server log"
url="http://127.0.0.1:$port/payload.bin"

# --- barged -----------------------------------------------------------------------
"$BARGED" --address="$DBUS_SESSION_BUS_ADDRESS" --state-dir="$tmp/state" --idle-timeout=0 \
    >"$tmp/barged.log" 2>&1 &
barged_pid=$!

has_owner () {
    kill -0 "$barged_pid" 2>/dev/null || fail "barged exited before taking $NAME"
    gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
        -m org.freedesktop.DBus.NameHasOwner "$NAME" 2>/dev/null | grep -q true
}
wait_for 200 has_owner || fail "barged did not take $NAME"

call () {
    object=$1
    method=$2
    shift 2
    gdbus call --session -d "$NAME" -o "$object" -m "$method" "$@"
}

# --- create a job with one file -------------------------------------------------
out=$(call "$ROOT" org.freedesktop.Barge1.Manager.CreateJob smoke download '{}')
job=$(echo "$out" | sed -n "s/^(objectpath '\([^']*\)',)\$/\1/p")
case "$job" in
    "$ROOT"/jobs/*) ;;
    *) fail "CreateJob returned: $out" ;;
esac
echo "job: $job"

dest="$tmp/downloads/payload.bin"
call "$job" org.freedesktop.Barge1.Job.AddFile "$url" "$dest" >/dev/null

# The object tree now has the Manager, a Job and a File.
gdbus introspect --session -d "$NAME" -o "$ROOT" -r >"$tmp/introspect.txt"
for iface in Manager Job File; do
    grep -q "interface org.freedesktop.Barge1.$iface " "$tmp/introspect.txt" ||
        fail "introspection lacks org.freedesktop.Barge1.$iface"
done
# Jobs are not under an ObjectManager: ListJobs finds them.
! grep -q "interface org.freedesktop.DBus.ObjectManager " "$tmp/introspect.txt" ||
    fail "the root has an ObjectManager, which would list every job"
call "$ROOT" org.freedesktop.Barge1.Manager.ListJobs '{}' | grep -qF "'$job'" ||
    fail "ListJobs does not list $job"

# --- run it ---------------------------------------------------------------------
state () {
    call "$job" org.freedesktop.DBus.Properties.Get org.freedesktop.Barge1.Job State |
        sed -n "s/^(<'\([a-z-]*\)'>,)\$/\1/p"
}
[ "$(state)" = suspended ] || fail "a new job is $(state), not suspended"
call "$job" org.freedesktop.Barge1.Job.Resume >/dev/null

transferred () {
    s=$(state)
    [ "$s" != error ] || fail "the job failed: $(call "$job" org.freedesktop.DBus.Properties.Get \
        org.freedesktop.Barge1.Job Error)"
    [ "$s" = transferred ]
}
wait_for 300 transferred || fail "the job is $(state) after 30 s, not transferred"

# gdbus prints "((uint64 3000000, uint64 3000000, uint64 1, uint64 1),)".
progress=$(call "$job" org.freedesktop.Barge1.Job.GetProgress | sed 's/uint64 //g')
echo "progress: $progress"
case "$progress" in
    "((3000000, 3000000, 1, 1),)") ;;
    *) fail "unexpected progress $progress" ;;
esac
[ ! -e "$dest" ] || fail "the file is visible before Complete"

call "$job" org.freedesktop.Barge1.Job.Complete >/dev/null
cmp "$tmp/www/payload.bin" "$dest" || fail "the downloaded file differs"
leftovers=$(find "$tmp/downloads" -name '*.barge-part')
[ -z "$leftovers" ] || fail "temporary files left: $leftovers"
if call "$job" org.freedesktop.Barge1.Job.GetProgress >/dev/null 2>&1; then
    fail "the completed job is still on the bus"
fi

# A clean exit on SIGTERM: under the asan test setup the sanitizers report
# at exit (into barged.log, shown on failure) and make the status non-zero.
kill -TERM "$barged_pid"
barged_status=0
wait "$barged_pid" || barged_status=$?
barged_pid=
[ "$barged_status" -eq 0 ] || fail "barged exited with $barged_status after SIGTERM"

echo "PASS"
