#!/bin/sh
# run-fuzzer.sh FUZZER SEEDS ARTIFACTS [DICT]
#
# One run of a libFuzzer target for the 'fuzz' suite: BARGE_FUZZ_SECONDS
# (default 30) over a scratch copy of its seed corpus, so nothing is
# written into the source tree. An input that crashes, leaks, breaks an
# invariant or takes over 10 s is kept in ARTIFACTS and fails the test.
# -print_final_stats=1 puts stat::number_of_executed_units in the log.
set -eu

fuzzer=$1
seeds=$2
artifacts=$3
dict=${4:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/barge-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp -R "$seeds" "$work/corpus"
mkdir -p "$artifacts"

# libFuzzer exits 77 on a crash by default, which meson reads as "skipped":
# a failure must fail.
set -- -max_total_time="${BARGE_FUZZ_SECONDS:-30}" -print_final_stats=1 -timeout=10 -max_len=4096 \
	-rss_limit_mb=2048 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/"
if [ -n "$dict" ]; then
	set -- "$@" -dict="$dict"
fi
# Not exec: the trap removes the scratch corpus afterwards.
"$fuzzer" "$@" "$work/corpus"
