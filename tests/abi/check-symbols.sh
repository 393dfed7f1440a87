#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ABI check: the functions libbarge-1.so exports must be exactly the
# checked-in list. A new public function fails this test until the list is
# updated on purpose; a vanished one is an ABI break. To update the list
# after adding API (never to hide a removal):
#   nm -D --defined-only build/src/libbarge/libbarge-1.so |
#     awk '$2 == "T" { print $3 }' | LC_ALL=C sort > src/libbarge/barge.symbols
set -eu
library=$1
expected=$2

actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
nm -D --defined-only "$library" | awk '$2 == "T" { print $3 }' | LC_ALL=C sort > "$actual"

if ! diff -u "$expected" "$actual"; then
  echo "The exported symbols of $library differ from $expected (- missing, + new)." >&2
  echo "See the top of $0 for how to update the list." >&2
  exit 1
fi
# The private gdbus-codegen code is linked in statically and must stay hidden.
if grep -q '^barge_dbus_' "$actual"; then
  echo "generated BargeDBus symbols leak from $library" >&2
  exit 1
fi
echo "$(wc -l < "$actual") exported functions, as listed"
