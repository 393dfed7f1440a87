#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds a program the way third parties do, with nothing but
# `pkg-config --cflags --libs barge-1` (the uninstalled .pc of this build
# tree), then runs it.
set -eu
pcdir=$1
source=$2
libdir=$3
cc=${CC:-cc}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs barge-1)
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Werror ${EXTRA_CFLAGS:-} -o "$out/test-version" "$source" $flags
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$out/test-version"
