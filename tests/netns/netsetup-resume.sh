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

# Every step is killed in the ptp pod (both ways, as above); the other
# shapes take the steps in turn, so each step is also killed in one of them
# and each shape sees kills at several steps.
SHAPES=(ptp-dual ptp-v6 ptp-metric calico calico-v6)
declare -A ips=()
pods=(nsK$$)
ns_new "nsK$$" ptp 10.244.90.0/24
for i in "${!SHAPES[@]}"; do
	pods+=("nsK$$s$i")
	ns_new "nsK$$s$i" "${SHAPES[$i]}" "10.244.$((91 + i)).0/24"
done
for n in "${pods[@]}"; do
	ips[$n]=$(podns_ip "$n")
	[ -n "${ips[$n]}" ] || ips[$n]=$(podns_ip6 "$n")
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"
done
n=nsK$$
pl "$n" setup 2>/dev/null || fail "setup"
mapfile -t steps < <(jq -r '.undo[].step' "$(pl_cache "$n")")
pl "$n" teardown 2>/dev/null || fail "teardown"

# kill_and_recover POD I STEP
kill_and_recover() {
	local n=$1 i=$2 step=$3 var rc ip=${ips[$1]}
	if [ $((i % 4)) -lt 2 ]; then var=PODLAUNCH_FAULT_KILL; else var=PODLAUNCH_FAULT_KILL_BEFORE; fi
	in_pod "$n" env "$var=$step" "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>/dev/null
	rc=$?
	[ "$rc" = 137 ] || fail "$n: $var at $step: exit $rc, want 137 (SIGKILL)"
	[ "$(jq -r .phase "$(pl_cache "$n")")" = in-progress ] || fail "$n: kill at $step: cache not in-progress"
	if [ $((i % 2)) = 0 ]; then
		# Recover by a plain teardown.
		pl "$n" teardown 2>/dev/null || fail "$n: teardown after kill at $step"
		expect_same "$n" "$STATE_ROOT/$n.before" "$n: teardown after kill at $step"
		echo "ok $n $var at $step, teardown restores"
		return
	fi
	pl "$n" setup 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: setup after kill at $step"; }
	grep -q 'interrupted setup found' "$STATE_ROOT/$n.log" || fail "$n: resume after $step not logged"
	[ "$(jq -r .phase "$(pl_cache "$n")")" = "done" ] || fail "$n: after kill at $step: not done"
	addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
		fail "$n: after kill at $step: the placeholder lost the pod IP"
	[ "$(addr_json "$n" eth0-nic | jq -r .master)" = k6t-eth0 ] || fail "$n: after kill at $step: nic not enslaved"
	pl "$n" teardown 2>/dev/null || fail "$n: teardown after resume at $step"
	expect_same "$n" "$STATE_ROOT/$n.before" "$n: teardown after kill at $step and resume"
	echo "ok $n $var at $step, setup resumes"
}

i=0
for step in "${steps[@]}"; do
	i=$((i + 1))
	kill_and_recover "nsK$$" "$i" "$step"
	# The shape in turn, with the kill kind and recovery shifted so each
	# shape sees both kinds of kill recovered both ways.
	s=$(( (i - 1) % ${#SHAPES[@]} ))
	kill_and_recover "nsK$$s$s" $(( i + (i - 1) / ${#SHAPES[@]} )) "$step"
done

# A recovery whose retry fails too: the rollback before the retry leaves
# routes from IPv6 addresses in DAD to the retry; when the retry fails
# (here at its first step, and at a late one), the namespace must still
# come back exactly.
n=nsK$$s0
for fault in pod_down tap_attach; do
	in_pod "$n" env PODLAUNCH_FAULT_KILL=nic_up "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>/dev/null
	[ $? = 137 ] || fail "$n: kill at nic_up"
	in_pod "$n" env PODLAUNCH_FAULT_STEP=$fault "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>"$STATE_ROOT/$n.log"
	rc=$?
	[ "$rc" = 1 ] || { cat "$STATE_ROOT/$n.log"; fail "$n: retry failing at $fault: exit $rc, want 1"; }
	grep -q 'interrupted setup found' "$STATE_ROOT/$n.log" || fail "$n: no resume logged"
	expect_same "$n" "$STATE_ROOT/$n.before" "$n: kill, then a retry failing at $fault"
	[ ! -e "$(pl_cache "$n")" ] || { cat "$STATE_ROOT/$n.log"; fail "$n: cache left after the failed retry at $fault"; }
	echo "ok $n (${SHAPES[0]}) kill, then the retry fails at $fault: restored exactly"
done
# ... and when the retry stops before any step of its own (preflight finds
# a foreign link with the tap's name).
in_pod "$n" env PODLAUNCH_FAULT_KILL=nic_up "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>/dev/null
[ $? = 137 ] || fail "$n: kill at nic_up"
in_pod "$n" ip link add tap0 type bridge
pl "$n" setup 2>"$STATE_ROOT/$n.log" && fail "$n: setup over a foreign tap0 succeeded"
grep -q '"step":"preflight"' "$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: preflight did not refuse"; }
in_pod "$n" ip link del tap0
expect_same "$n" "$STATE_ROOT/$n.before" "$n: kill, then a retry refused in preflight"
pl "$n" teardown 2>/dev/null || fail "$n: teardown after the refused retry"
expect_same "$n" "$STATE_ROOT/$n.before" "$n: teardown after the refused retry"
echo "ok $n (${SHAPES[0]}) kill, then the retry is refused in preflight: restored exactly"
echo PASS
