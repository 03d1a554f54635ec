#!/bin/bash
# run-fuzz.sh SECONDS FUZZER...: runs each libFuzzer binary for SECONDS over a
# copy of its seed corpus (tests/fuzz/corpus/<name>, read-only in git) and
# fails on any crash, leak or sanitizer report, or any other non-zero exit.
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
	rc=0
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$BUILD/fuzz-artifacts/$name-" -print_final_stats=1 \
		"${args[@]}" >"$work.out" 2>&1 || rc=$?
	grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' "$work.out" || true
	if [ "$rc" != 0 ]; then
		echo "$name: exit $rc; the end of its output ($work.out):"
		tail -n 40 "$work.out"
		exit 1
	fi
done
