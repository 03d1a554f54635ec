#!/bin/bash
# run-fuzz.sh SECONDS FUZZER...: runs each libFuzzer binary for SECONDS over a
# copy of its seed corpus (tests/fuzz/corpus/<name>, read-only in git) and
# fails on any crash, leak or sanitizer report.
set -eu
secs=$1; shift
BUILD=${BUILD:-build}
for f in "$@"; do
	name=$(basename "$f")
	seeds=tests/fuzz/corpus/$name
	work=$BUILD/fuzz-work/$name
	mkdir -p "$work" "$BUILD/fuzz-artifacts"
	args=("$work")
	[ -d "$seeds" ] && args+=("$seeds")
	echo "fuzz $name for ${secs}s"
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$BUILD/fuzz-artifacts/$name-" -print_final_stats=1 \
		"${args[@]}" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' || true
	test "${PIPESTATUS[0]}" -eq 0
done
