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

# The system calls barged makes as a user: the file-access workers switch
# their identity (setfsuid, setfsgid, setgroups) and the notify program's
# child drops to its owner (setgroups, setgid, setuid) before its exec. A
# call is allowed when the last SystemCallFilter= line that names it, or
# a group holding it, does not start with "~" (systemd applies them in
# order). setuid was in ~@privileged and not added back: the notify
# program never ran under this unit (its child exited 127).
filters=$(sed -n 's/^SystemCallFilter=//p' "$unit")
# The calls of a group, with those of the groups it names.
expand() {
	SYSTEMD_LOG_COLOR=0 systemd-analyze syscall-filter "$1" 2>/dev/null | tail -n +2 |
		sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' | while read -r member; do
			case $member in
			@*) expand "$member" ;;
			*) echo "$member" ;;
			esac
		done
}
for call in setfsuid setfsgid setgroups setgid setuid; do
	verdict=denied
	while IFS= read -r line; do
		deny=no
		case $line in "~"*) deny=yes; line=${line#\~} ;; esac
		for item in $line; do
			case $item in
			@*) members=$(expand "$item") ;;
			*) members=$item ;;
			esac
			if printf '%s\n' $members | grep -qx "$call"; then
				if [ "$deny" = yes ]; then verdict=denied; else verdict=allowed; fi
			fi
		done
	done <<EOT
$filters
EOT
	if [ "$verdict" != allowed ]; then
		echo "FAIL: SystemCallFilter= denies $call, which barged needs as a user"
		exit 1
	fi
done
echo "PASS: the identity switches barged makes are allowed"

# The exposure score (0 best, 10 worst), offline. The threshold is 10x.
SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=true --threshold=30 "$tmp/barged.service" \
	>"$tmp/security" 2>&1 || rc=$?
grep 'Overall exposure level' "$tmp/security" || true
if [ "$rc" -ne 0 ]; then
	cat "$tmp/security"
	echo "FAIL: exposure above 3.0"
	exit 1
fi
