#!/bin/sh
# Usage: check-unit.sh BARGED_SERVICE BARGED
# Runs `systemd-analyze verify` on a copy of the configured unit whose
# ExecStart= points at BARGED (the build tree's daemon), and fails on any
# error or warning about the unit, and on a `systemd-analyze security`
# exposure above 3.0. Exit 77 (skip) when it cannot run.
set -eu

unit=$1
barged=$2

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed"
	exit 77
fi
if [ ! -x "$barged" ]; then
	echo "SKIP: $barged not built"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=[^ ]*|ExecStart=$barged|" "$unit" >"$tmp/barged.service"

rc=0
SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$tmp/barged.service" >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: systemd-analyze verify exited with $rc"
	exit 1
fi
# Unknown keys and bad values are only warnings for systemd: fail on them.
if grep -q 'barged\.service' "$tmp/out"; then
	echo "FAIL: systemd-analyze reported problems in barged.service"
	exit 1
fi
echo "PASS: barged.service verified"

# The exposure score (0 best, 10 worst), offline. The threshold is 10x.
SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=true --threshold=30 "$tmp/barged.service" \
	>"$tmp/security" 2>&1 || rc=$?
grep 'Overall exposure level' "$tmp/security" || true
if [ "$rc" -ne 0 ]; then
	cat "$tmp/security"
	echo "FAIL: exposure above 3.0"
	exit 1
fi
