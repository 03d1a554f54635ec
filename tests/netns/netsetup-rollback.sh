#!/bin/bash
# A failure injected at every setup step (PODLAUNCH_FAULT_STEP, which fails
# the step right after it acted) rolls back to exactly the original
# namespace, in CNI ptp and bridge pods (the latter with IPv6), dual-stack
# and IPv6-only ptp pods, a pod whose routes carry metrics and other tables
# (ptp-metric), a dual-stack Calico-style /32 + /128 pod and an IPv6-only
# Calico /128 pod (gateway fe80::1); so does a name clash found before
# any step.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

# rollback_shape KIND I: every rollback of one pod shape, in namespace nsR<pid><I>.
rollback_shape() {
	local kind=$1 i=$2 n=nsR$$$2 step log rc steps
	ns_new "$n" "$kind" "10.244.$((80 + i)).0/24"
	if [ "$kind" = bridge ]; then
		# IPv6 too: a global address and a route through a gateway.
		in_pod "$n" ip -6 addr add fd00:22::5/64 dev eth0 nodad
		in_pod "$n" ip -6 route add fd00:99::/64 via fd00:22::1 dev eth0 metric 7
	fi
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"

	# The step names come from the journal of a real setup.
	pl "$n" setup 2>/dev/null || fail "$n: setup"
	mapfile -t steps < <(jq -r '.undo[].step' "$(pl_cache "$n")")
	[ "${#steps[@]}" -ge 10 ] || fail "$n: journal has only ${#steps[@]} steps"
	pl "$n" teardown 2>/dev/null || fail "$n: teardown"
	expect_same "$n" "$STATE_ROOT/$n.before" "$n teardown"

	for step in "${steps[@]}"; do
		log=$STATE_ROOT/$n.$step.log
		PODLAUNCH_FAULT_STEP=$step pl "$n" setup 2>"$log"
		rc=$?
		[ "$rc" = 1 ] || { cat "$log"; fail "$n: fault at $step: exit $rc, want 1"; }
		jq -c --arg s "$step" 'select(.level == "error" and .step == $s)' "$log" | grep -q . ||
			{ cat "$log"; fail "$n: no error log naming step $step"; }
		grep -q 'rolled back' "$log" || { cat "$log"; fail "$n: $step: no rollback logged"; }
		[ ! -e "$(pl_cache "$n")" ] || fail "$n: cache left after rollback at $step"
		expect_same "$n" "$STATE_ROOT/$n.before" "$n rollback at $step"
		echo "ok $kind rollback at $step"
	done

	# A foreign link with the bridge's name: refused before any change.
	in_pod "$n" ip link add k6t-eth0 type bridge
	ns_snapshot "$n" >"$STATE_ROOT/$n.clash"
	pl "$n" setup 2>"$STATE_ROOT/$n.clash.log" && fail "$n: setup over a foreign k6t-eth0 succeeded"
	grep -q 'already exists' "$STATE_ROOT/$n.clash.log" || fail "$n: clash not explained"
	expect_same "$n" "$STATE_ROOT/$n.clash" "$n name clash"
	in_pod "$n" ip link del k6t-eth0
	echo "ok $kind name clash"
}

# Two lanes at once: most of the time goes to IPv6 DAD after each
# rollback, not to the CPU.  Each lane's shapes run one after another in
# its own namespaces; the names are known here so the exit trap removes
# them whatever a lane did.
shapes=(ptp bridge ptp-dual ptp-v6 ptp-metric calico calico-v6)
for i in "${!shapes[@]}"; do NS_NAMES+=("nsR$$$((i + 1))"); done
lane() {
	local i
	for ((i = $1; i < ${#shapes[@]}; i += 2)); do
		rollback_shape "${shapes[i]}" $((i + 1)) || exit 1
	done
}
mkdir -p "$STATE_ROOT"
lane 0 >"$STATE_ROOT/lane0.out" 2>&1 &
p0=$!
lane 1 >"$STATE_ROOT/lane1.out" 2>&1 &
p1=$!
wait "$p0"
rc0=$?
wait "$p1"
rc1=$?
cat "$STATE_ROOT/lane0.out" "$STATE_ROOT/lane1.out"
if [ "$rc0" != 0 ] || [ "$rc1" != 0 ]; then fail "a shape's rollback failed (above)"; fi
echo PASS
