#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Renders a man page with groff and fails on any warning, such as an unknown
# macro or a line that cannot be broken.
set -eu
warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z -K utf8 "$1" 2>&1)
if [ -n "$warnings" ]; then
  printf '%s\n' "$warnings" >&2
  exit 1
fi
echo "$1: no warnings"
