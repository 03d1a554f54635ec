#!/bin/bash
# SIGKILL at every setup step (PODLAUNCH_FAULT_KILL, right after the step
# acted and before the next journal write): the next setup rolls the
# interrupted attempt back and completes, and teardown then restores the
# original namespace; a teardown straight after the kill restores it too.
# Odd steps are killed after acting, even ones before (PODLAUNCH_FAULT_KILL_BEFORE,
# after the journal write), and each kind of kill is recovered both ways.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

n=nsK$$
ns_new "$n" ptp
ip=$(podns_ip "$n")
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
pl "$n" setup 2>/dev/null || fail "setup"
mapfile -t steps < <(jq -r '.undo[].step' "$(pl_cache "$n")")
pl "$n" teardown 2>/dev/null || fail "teardown"

i=0
for step in "${steps[@]}"; do
	i=$((i + 1))
	if [ $((i % 4)) -lt 2 ]; then var=PODLAUNCH_FAULT_KILL; else var=PODLAUNCH_FAULT_KILL_BEFORE; fi
	in_pod "$n" env "$var=$step" "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>/dev/null
	rc=$?
	[ "$rc" = 137 ] || fail "$var at $step: exit $rc, want 137 (SIGKILL)"
	[ "$(jq -r .phase "$(pl_cache "$n")")" = in-progress ] || fail "kill at $step: cache not in-progress"
	if [ $((i % 2)) = 0 ]; then
		# Recover by a plain teardown.
		pl "$n" teardown 2>/dev/null || fail "teardown after kill at $step"
		expect_same "$n" "$STATE_ROOT/$n.before" "teardown after kill at $step"
		echo "ok $var at $step, teardown restores"
		continue
	fi
	pl "$n" setup 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "setup after kill at $step"; }
	grep -q 'interrupted setup found' "$STATE_ROOT/$n.log" || fail "resume after $step not logged"
	[ "$(jq -r .phase "$(pl_cache "$n")")" = "done" ] || fail "after kill at $step: not done"
	addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
		fail "after kill at $step: the placeholder lost the pod IP"
	[ "$(addr_json "$n" eth0-nic | jq -r .master)" = k6t-eth0 ] || fail "after kill at $step: nic not enslaved"
	pl "$n" teardown 2>/dev/null || fail "teardown after resume at $step"
	expect_same "$n" "$STATE_ROOT/$n.before" "teardown after kill at $step and resume"
	echo "ok $var at $step, setup resumes"
done
echo PASS
