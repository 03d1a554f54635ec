#!/bin/bash
# Runs each test given on the command line and prints one line per test and a
# closing summary.  An entry is an executable (exit 0 = pass, 77 = skip with
# the reason on a line "SKIP: ...", anything else = fail) or fuzz:PATH, a
# short bounded libFuzzer run of PATH over its seed corpus.
#
# A test that runs several scenarios itself (tests/linux/run.sh) may print
#   SUBTEST: NAME PASS|FAIL|SKIP [detail or reason]
# lines: each counts as a result of its own (listed under the test, skips
# and failures in the summary) instead of the test as one; a failing test
# whose subtests all passed still counts as a failure.  Lines
#   RETRY: what was retried and why
#   NOTE: one line worth seeing in the summary
# are listed in the summary too (a retry is never silent).
set -u
BUILD=${BUILD:-build}
FUZZ_SMOKE=${FUZZ_SMOKE:-10}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
logdir=$BUILD/test-logs
mkdir -p "$logdir"
pass=0 fail=0 skip=0
failed=() skipped=() retries=() notes=()
start_all=$(date +%s)

# sub_results TEST LOG RC SECONDS: count and list a test's SUBTEST lines.
sub_results() {
	local t=$1 log=$2 rc=$3 dt=$4 name res rest subfail=0 st=FAIL
	[ "$rc" = 0 ] && st=PASS
	[ "$rc" = 77 ] && st=SKIP
	printf '%-5s %-48s %6ss  (its subtests:)\n' "$st" "$t" "$dt"
	while read -r name res rest; do
		case $res in
		PASS) pass=$((pass + 1)); printf '  PASS  %-46s %s\n' "$name" "$rest" ;;
		SKIP) skip=$((skip + 1)); skipped+=("$name: ${rest:-(no reason given)}")
			printf '  SKIP  %-46s %s\n' "$name" "$rest" ;;
		*) fail=$((fail + 1)); subfail=1; failed+=("$name ($rest; log $log)")
			printf '  FAIL  %-46s %s\n' "$name" "$rest" ;;
		esac
	done < <(grep -a '^SUBTEST: ' "$log" | cut -c10-)
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "$subfail" = 0 ]; then
		fail=$((fail + 1)); failed+=("$t")
		printf 'FAIL  %-48s         (exit %d, log %s)\n' "$t" "$rc" "$log"
		tail -n 40 "$log" | sed 's/^/    | /'
	fi
}

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
	while IFS= read -r l; do retries+=("$t: $l"); done < <(grep -a '^RETRY: ' "$log" | cut -c8-)
	while IFS= read -r l; do notes+=("$t: $l"); done < <(grep -a '^NOTE: ' "$log" | cut -c7-)
	if grep -aq '^SUBTEST: ' "$log"; then
		sub_results "$t" "$log" "$rc" "$dt"
		continue
	fi
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
for r in "${retries[@]+"${retries[@]}"}"; do echo "  retried: $r"; done
for n in "${notes[@]+"${notes[@]}"}"; do echo "  note:    $n"; done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
