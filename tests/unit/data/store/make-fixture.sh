#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Makes one of the saved job databases in this folder by running a real,
# old barged and dumping what it wrote. Not run by the tests; kept so that a
# fixture can be made again, or one made for the next schema version.
#
#   make-fixture.sh BARGED VERSION OUTPUT.sql
#
# BARGED is the daemon built from the commit whose schema is VERSION (see
# the ladder in src/daemon/barged-store.c and README.md here), e.g.
#   git worktree add --detach /tmp/old COMMIT
#   meson setup /tmp/old/build /tmp/old -Dtests=false -Ddocs=false -Dintrospection=false
#   ninja -C /tmp/old/build src/daemon/barged
#   tests/unit/data/store/make-fixture.sh /tmp/old/build/src/daemon/barged 2 v2-job-lifecycle.sql
#
# It runs barged on a private session bus (dbus-run-session) with its state
# in /tmp/barge-fixture (fixed, so the paths in the fixture do not change
# from one run to the next), serves two small files on 127.0.0.1:48917 with
# python3's http.server, and makes the jobs each version can hold:
#   1+ "fixture transferred": two files, both transferred (sizes, Last-Modified);
#      "fixture not found": one file answered 404, the job in error;
#      "fixture suspended": one file never started (size unknown);
#   2+ the suspended job's MaximumDownloadTime, NotifyFlags, NotifyCommandLine
#      (and the 404 in job_lifecycle's http_status);
#   3+ the suspended job's CostPolicy "unmetered";
#   4+ "fixture upload": a suspended tus upload, its state in job_data;
#   5  (the file identity columns fill themselves in: nothing to ask for).
# Needs dbus-run-session, gdbus, python3 and sqlite3.
set -eu

if [ -z "${BARGE_FIXTURE_INNER:-}" ]; then
  [ $# -eq 3 ] || { echo "usage: $0 BARGED VERSION OUTPUT.sql" >&2; exit 2; }
  BARGE_FIXTURE_INNER=1 exec dbus-run-session -- "$0" "$@"
fi

barged=$1 version=$2 output=$3
top=/tmp/barge-fixture
port=48917
url=http://127.0.0.1:$port

rm -rf "$top"
mkdir -p "$top/state" "$top/www" "$top/dest"
seq 1 250 > "$top/www/a"
printf 'bb\n' > "$top/www/b"
touch -d '2026-01-02 03:04:05 UTC' "$top/www/a" "$top/www/b"

python3 -m http.server --bind 127.0.0.1 --directory "$top/www" $port > "$top/http.log" 2>&1 &
http_pid=$!
python3 -c "
import socket, time
for _ in range(100):
    try:
        socket.create_connection(('127.0.0.1', $port)).close()
        break
    except OSError:
        time.sleep(0.1)
"
# As in the tests: no proxy between barged and the loopback server.
GIO_USE_PROXY_RESOLVER=dummy GSETTINGS_BACKEND=memory \
  "$barged" --address="$DBUS_SESSION_BUS_ADDRESS" --state-dir="$top/state" --idle-timeout=0 \
  > "$top/barged.log" 2>&1 &
barged_pid=$!
trap 'kill $http_pid 2>/dev/null || true; kill $barged_pid 2>/dev/null || true' EXIT
gdbus wait --session --timeout 20 org.freedesktop.Barge1

call () { # OBJECT METHOD ARGS...
  object=$1 method=$2
  shift 2
  gdbus call --session --dest org.freedesktop.Barge1 --object-path "$object" --method "$method" "$@"
}
set_prop () { # JOB NAME GVARIANT
  call "$1" org.freedesktop.DBus.Properties.Set org.freedesktop.Barge1.Job "$2" "$3" > /dev/null
}
create () { # NAME TYPE OPTIONS -> job path
  call /org/freedesktop/Barge1 org.freedesktop.Barge1.Manager.CreateJob "$1" "$2" "$3" |
    sed -e "s/^(objectpath '\\(.*\\)',)\$/\\1/"
}
add_file () { # JOB URL PATH
  call "$1" org.freedesktop.Barge1.Job.AddFile "$2" "$3" > /dev/null
}
wait_state () { # JOB STATE
  for _ in $(seq 1 100); do
    state=$(call "$1" org.freedesktop.DBus.Properties.Get org.freedesktop.Barge1.Job State)
    [ "$state" = "(<'$2'>,)" ] && return 0
    sleep 0.1
  done
  echo "$1: $state, not $2" >&2
  call "$1" org.freedesktop.DBus.Properties.Get org.freedesktop.Barge1.Job Error >&2
  exit 1
}

done_job=$(create "fixture transferred" download "{}")
set_prop "$done_job" Description "<'two files, both transferred'>"
set_prop "$done_job" Priority "<'high'>"
set_prop "$done_job" MinimumRetryDelay "<uint32 77>"
add_file "$done_job" "$url/a" "$top/dest/a"
add_file "$done_job" "$url/b" "$top/dest/b"
call "$done_job" org.freedesktop.Barge1.Job.Resume > /dev/null
wait_state "$done_job" transferred

missing_job=$(create "fixture not found" download "{}")
add_file "$missing_job" "$url/missing" "$top/dest/missing"
call "$missing_job" org.freedesktop.Barge1.Job.Resume > /dev/null
wait_state "$missing_job" error

held_job=$(create "fixture suspended" download "{}")
set_prop "$held_job" Priority "<'low'>"
set_prop "$held_job" NoProgressTimeout "<uint32 3600>"
add_file "$held_job" "$url/never" "$top/dest/never"
if [ "$version" -ge 2 ]; then
  set_prop "$held_job" MaximumDownloadTime "<uint32 7200>"
  set_prop "$held_job" NotifyFlags "<['error', 'modification']>"
  set_prop "$held_job" NotifyCommandLine "<('/bin/true', ['true', 'fixture'])>"
fi
if [ "$version" -ge 3 ]; then
  set_prop "$held_job" CostPolicy "<'unmetered'>"
fi
if [ "$version" -ge 4 ]; then
  upload_job=$(create "fixture upload" upload "{'upload-protocol': <'tus'>}")
  add_file "$upload_job" "$url/files/" "$top/www/a"
fi

kill -TERM $barged_pid
wait $barged_pid
kill $http_pid
trap - EXIT

{
  sqlite3 "$top/state/jobs.db" .dump
  echo "PRAGMA user_version = $(sqlite3 "$top/state/jobs.db" 'PRAGMA user_version');"
} > "$output"
