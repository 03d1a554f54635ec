#!/bin/bash
# Runs each test given on the command line and prints one line per test and a
# closing summary.  An entry is an executable (exit 0 = pass, 77 = skip with
# the reason on a line "SKIP: ...", anything else = fail) or fuzz:PATH, a
# short bounded libFuzzer run of PATH over its seed corpus.
set -u
BUILD=${BUILD:-build}
FUZZ_SMOKE=${FUZZ_SMOKE:-10}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
logdir=$BUILD/test-logs
mkdir -p "$logdir"
pass=0 fail=0 skip=0
failed=() skipped=()
start_all=$(date +%s)

for t in "$@"; do
	name=${t#fuzz:}
	log=$logdir/$(echo "$name" | tr '/' '_').log
	t0=$(date +%s%N)
	if [[ $t == fuzz:* ]]; then
		tests/run-fuzz.sh "$FUZZ_SMOKE" "$name" >"$log" 2>&1
	else
		# Own session and process group, so whatever a failed test left
		# running (a guest, a DHCP server) is killed with it below.
		setsid timeout --kill-after=10 "$TEST_TIMEOUT" "$name" >"$log" 2>&1 </dev/null &
		tpid=$!
		wait "$tpid"
	fi
	rc=$?
	[ -n "${tpid:-}" ] && kill -9 -- "-$tpid" 2>/dev/null
	tpid=
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	dt=$((ms / 1000)).$(( (ms % 1000) / 100 ))
	case $rc in
	0) pass=$((pass + 1)); printf 'PASS  %-48s %6ss\n' "$t" "$dt" ;;
	77)
		skip=$((skip + 1))
		why=$(grep -a '^SKIP:' "$log" | tail -n 1 | cut -c7-)
		[ -n "$why" ] || why="(no reason given)"
		skipped+=("$t: $why")
		printf 'SKIP  %-48s %6ss  %s\n' "$t" "$dt" "$why" ;;
	*)
		fail=$((fail + 1)); failed+=("$t")
		printf 'FAIL  %-48s %6ss  (exit %d, log %s)\n' "$t" "$dt" "$rc" "$log"
		tail -n 40 "$log" | sed 's/^/    | /' ;;
	esac
done

echo
echo "test summary ($(( $(date +%s) - start_all ))s; each test's output is in $logdir/):"
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "  skipped: $s"; done
for f in "${failed[@]+"${failed[@]}"}"; do echo "  failed:  $f"; done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
