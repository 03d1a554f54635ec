#!/bin/bash
# Runs each test given on the command line and prints one line per test and a
# closing summary.  An entry is an executable (exit 0 = pass, 77 = skip with
# the reason on a line "SKIP: ...", anything else = fail) or fuzz:PATH, a
# short bounded libFuzzer run of PATH over its seed corpus (those run on a
# worker of their own beside the rest, below).
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

# report TEST LOG RC MS: count and print one entry's result.
report() {
	local t=$1 log=$2 rc=$3 ms=$4 dt why l
	dt=$((ms / 1000)).$(( (ms % 1000) / 100 ))
	while IFS= read -r l; do retries+=("$t: $l"); done < <(grep -a '^RETRY: ' "$log" | cut -c8-)
	while IFS= read -r l; do notes+=("$t: $l"); done < <(grep -a '^NOTE: ' "$log" | cut -c7-)
	if grep -aq '^SUBTEST: ' "$log"; then
		sub_results "$t" "$log" "$rc" "$dt"
		return
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
}

log_of() { echo "$logdir/$(echo "${1#fuzz:}" | tr '/' '_').log"; }

# The fuzz: entries run one after another on a worker of their own, beside
# the other tests: each is FUZZ_SMOKE seconds of one core, and most of the
# namespace tests wait on the kernel (DAD, linkwatch) far more than they
# compute (they are checked to pass with a core kept busy).  Their results
# are printed when the worker is joined: before the first tests/linux/
# entry (the Linux rig wants both cores) or after the last test.
fuzz=() rest=()
for t in "$@"; do
	if [[ $t == fuzz:* ]]; then fuzz+=("$t"); else rest+=("$t"); fi
done
fuzz_status=$logdir/fuzz-status
rm -rf "$fuzz_status"
mkdir -p "$fuzz_status"
fuzz_pid=
if [ ${#fuzz[@]} -gt 0 ]; then
	(
		for t in "${fuzz[@]}"; do
			t0=$(date +%s%N)
			tests/run-fuzz.sh "$FUZZ_SMOKE" "${t#fuzz:}" >"$(log_of "$t")" 2>&1
			echo "$? $(( ($(date +%s%N) - t0) / 1000000 ))" >"$fuzz_status/${t//\//_}"
		done
	) &
	fuzz_pid=$!
fi
fuzz_join() {
	local t rc ms
	[ -n "$fuzz_pid" ] || return 0
	wait "$fuzz_pid"
	fuzz_pid=
	for t in "${fuzz[@]}"; do
		read -r rc ms <"$fuzz_status/${t//\//_}" 2>/dev/null || { rc=1 ms=0; echo "no status for $t" >>"$(log_of "$t")"; }
		report "$t" "$(log_of "$t")" "$rc" "$ms"
	done
}

for t in "${rest[@]+"${rest[@]}"}"; do
	[[ $t == tests/linux/* ]] && fuzz_join
	log=$(log_of "$t")
	t0=$(date +%s%N)
	# Own session and process group, so whatever a failed test left
	# running (a guest, a DHCP server) is killed with it below.
	# A test may declare a longer limit of its own near its top
	# ("# test-timeout: SECONDS": the Linux rig, 20 scenarios in one).
	limit=$(sed -n '1,30s/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" 2>/dev/null | head -n 1)
	setsid timeout --kill-after=10 "${limit:-$TEST_TIMEOUT}" "$t" >"$log" 2>&1 </dev/null &
	tpid=$!
	wait "$tpid"
	rc=$?
	kill -9 -- "-$tpid" 2>/dev/null
	report "$t" "$log" "$rc" $(( ($(date +%s%N) - t0) / 1000000 ))
done
fuzz_join

echo
echo "test summary ($(( $(date +%s) - start_all ))s; each test's output is in $logdir/):"
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "  skipped: $s"; done
for f in "${failed[@]+"${failed[@]}"}"; do echo "  failed:  $f"; done
for r in "${retries[@]+"${retries[@]}"}"; do echo "  retried: $r"; done
for n in "${notes[@]+"${notes[@]}"}"; do echo "  note:    $n"; done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
