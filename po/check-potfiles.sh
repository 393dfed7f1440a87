#!/bin/sh
# Usage: check-potfiles.sh SOURCE_ROOT
# Fails when a C file under src/ marks strings for translation (_(" N_("
# C_(" NC_(" Q_(") but is not listed in po/POTFILES.in, or when
# POTFILES.in lists a file that does not exist.
set -eu

root=$1
potfiles="$root/po/POTFILES.in"
status=0

listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles")

for f in $listed; do
	if [ ! -f "$root/$f" ]; then
		echo "FAIL: po/POTFILES.in lists $f, which does not exist"
		status=1
	fi
done

marked=$(cd "$root" && grep -rlE --include='*.c' --include='*.h' \
	'(^|[^A-Za-z0-9_])(N|C|NC|Q)?_\([[:space:]]*"' src 2>/dev/null | sort || true)

for f in $marked; do
	if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
		echo "FAIL: $f has translatable strings but is not in po/POTFILES.in"
		status=1
	fi
done

if [ "$status" -eq 0 ]; then
	echo "PASS: po/POTFILES.in lists every file with translatable strings"
fi
exit "$status"
