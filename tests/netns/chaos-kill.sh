#!/bin/bash
# Crash anywhere, lose nothing.  In fresh CNI pod namespaces, one pod shape
# after another (CHAOS_SHAPES: kindnet's ptp, dual-stack, Calico's /32,
# routes with metrics and more tables, IPv6-only; tests/lib/podns.sh), SIGKILL
# podlaunch at random points of `setup`, `run` (with its DHCP child and a
# fake VMM) and `teardown`, CHAOS_KILLS times (default 200): some kills
# land on a named step through the netsetup fault hooks
# (PODLAUNCH_FAULT_KILL / _KILL_BEFORE, taken in turn so every step is hit
# after acting and before), the rest
# after a random delay (timeout -s KILL), which also lands in discovery,
# preflight, cache writes, the DHCP start and the exec.  Some kills are
# chained (the recovery itself is killed).  After each kill that is not
# chained, a plain `setup` must succeed and the namespace must hold a
# correct bridge binding with the pod's MAC and IP unchanged; every
# CHAOS_CHECK_EVERY kills, and at the end of each namespace, teardown must
# restore the original namespace exactly (ip -d -j addr/link, routes,
# conf.all.arp_ignore; tests/lib/netsetup.sh; the nftables ruleset and
# eth0's forwarding too).  The bridge and the masquerade binding take
# turns: each time the namespace is unbound again, the other one is next
# (so each gets about half the kills and recovery also meets a cache of
# either kind).  No DHCP child may outlive its
# podlaunch.  The seed is printed; CHAOS_SEED=N replays the random choices
# (where a delayed kill lands still depends on timing).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/netsetup.sh
. tests/lib/netsetup.sh
ns_require
need_cmd nft nftables
[ -x "$FAKEVMM" ] || skip "$FAKEVMM not built"

KILLS=${CHAOS_KILLS:-200}
PER_NS=${CHAOS_PER_NS:-40}
read -ra SHAPES <<<"${CHAOS_SHAPES:-ptp ptp-dual calico ptp-metric ptp-v6}"
CHECK_EVERY=${CHAOS_CHECK_EVERY:-20}
SEED=${CHAOS_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$SEED
echo "chaos: $KILLS kills, seed $SEED (CHAOS_SEED=$SEED replays)"

# The masquerade binding changes the ruleset and eth0's forwarding too.
eval "ns_snapshot_links () $(declare -f ns_snapshot | tail -n +2)"
ns_snapshot() {
	ns_snapshot_links "$1"
	in_pod "$1" nft -j list ruleset | jq -S .
	in_pod "$1" cat /proc/sys/net/ipv4/conf/eth0/forwarding 2>/dev/null
}

# Each binding's steps, read from the journal of a first setup; the
# namespace's binding (BIND: its setup/run flags, KIND: its name).
declare -A STEPS_OF=() hooks_of=()
BIND=() KIND=bridge
declare -A hit=() ophit=() took=()
kills=0 attempts=0 nsi=0 teardowns=0 hooks=0
n='' ip='' mac='' shape='' next_ns=$PER_NS
shapes_seen=()

last_cmd=
chaos_fail() {
	echo "FAIL: $*"
	echo "seed $SEED, kill #$kills, namespace $n ($shape), last: $last_cmd"
	echo "--- the commands since the namespace was made (exit status):"
	tail -n 25 "$STATE_ROOT/$n.trace" 2>/dev/null
	echo "--- log of the last command:"
	[ -f "$STATE_ROOT/last.log" ] && tail -n 15 "$STATE_ROOT/last.log"
	exit 1
}

# Is the binding in place and right?  Pod MAC and IP on the placeholder,
# the guest MAC in the cache equal to the pod's, nic and tap in the bridge.
check_bound() {
	local links cache
	cache=$(pl_cache "$n")
	[ "$(jq -r '.binding.kind // "bridge"' "$cache")" = "$KIND" ] || chaos_fail "cache binding kind is not $KIND"
	if [ "$KIND" = masquerade ]; then check_masq "$cache"; return; fi
	[ "$(jq -r .phase "$cache")" = "done" ] || chaos_fail "cache phase $(jq -r .phase "$cache") after a clean setup"
	[ "$(jq -r .binding.guest_mac "$cache")" = "$mac" ] || chaos_fail "guest MAC changed: $(jq -r .binding.guest_mac "$cache"), pod MAC $mac"
	jq -e --arg ip "$ip" '.pod.ipv4 + .pod.ipv6 | map(.address) | index($ip)' "$cache" >/dev/null ||
		chaos_fail "pod IP $ip not in the cache"
	links=$(in_pod "$n" ip -d -j link)
	jq -e --arg mac "$mac" '
		(map(select(.ifname == "k6t-eth0" and .linkinfo.info_kind == "bridge" and (.flags | index("UP")))) | length == 1) and
		(map(select(.ifname == "eth0-nic" and .master == "k6t-eth0" and .address != $mac)) | length == 1) and
		(map(select(.ifname == "tap0" and .master == "k6t-eth0")) | length == 1) and
		(map(select(.ifname == "eth0" and .address == $mac and (.master == null))) | length == 1)' \
		<<<"$links" >/dev/null || { in_pod "$n" ip -br link; chaos_fail "binding not in place after setup"; }
	addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
		chaos_fail "the placeholder lost the pod IP $ip"
	addr_json "$n" k6t-eth0 | jq -e '.addr_info[] | select(.local == "169.254.75.10" and .prefixlen == 32)' >/dev/null ||
		chaos_fail "bridge lacks its /32"
}

# The masquerade binding: the pod interface untouched, bridge, tap, table.
check_masq() {
	local cache=$1
	[ "$(jq -r .phase "$cache")" = "done" ] || chaos_fail "cache phase $(jq -r .phase "$cache") after a clean setup"
	[ "$(jq -r .binding.guest_mac "$cache")" = "$mac" ] || chaos_fail "guest MAC changed"
	in_pod "$n" ip -d -j link | jq -e --arg mac "$mac" '
		(map(select(.ifname == "k6t-eth0" and .linkinfo.info_kind == "bridge" and (.flags | index("UP")))) | length == 1) and
		(map(select(.ifname == "tap0" and .master == "k6t-eth0")) | length == 1) and
		(map(select(.ifname == "eth0" and .address == $mac and .master == null and (.flags | index("UP")))) | length == 1)' 		>/dev/null || { in_pod "$n" ip -br link; chaos_fail "masquerade binding not in place after setup"; }
	addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
		chaos_fail "eth0 lost the pod IP $ip"
	addr_json "$n" k6t-eth0 | jq -e '.addr_info[] | select(.local == "10.0.2.1" and .prefixlen == 24)' >/dev/null ||
		chaos_fail "bridge lacks 10.0.2.1/24"
	in_pod "$n" nft list table inet podlaunch-eth0 | grep -q "ip daddr $ip meta l4proto tcp dnat ip to 10.0.2.2" ||
		chaos_fail "nftables table missing or wrong"
	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/eth0/forwarding)" = 1 ] || chaos_fail "eth0 does not forward"
}

# No process may be left in the pod namespace (a DHCP child outliving a
# killed podlaunch, a half-started VMM): they notice their parent died.
check_no_orphans() {
	local left
	wait_until 10 no_output ip netns pids "$n-pod" 2>/dev/null && return 0
	left=$(ip netns pids "$n-pod" 2>/dev/null)
	ps -o pid,ppid,args -p "$(echo "$left" | tr '\n' ',' | sed 's/,$//')"
	chaos_fail "processes left in the pod namespace after podlaunch was killed"
}

# plain CMD...: podlaunch CMD that must succeed.
plain() {
	last_cmd="plain $*"
	in_pod "$n" "$PODLAUNCH" "$1" --state-dir "$STATE_ROOT/$n" "${@:2}" >/dev/null 2>"$STATE_ROOT/last.log" ||
		chaos_fail "podlaunch $* failed after a kill (exit $?)"
	echo "0 $last_cmd" >>"$STATE_ROOT/$n.trace"
}

new_ns() {
	if [ -n "$n" ]; then
		plain teardown
		expect_same "$n" "$STATE_ROOT/$n.before" "final teardown of $n"
		podns_destroy "$n"
	fi
	nsi=$((nsi + 1))
	n=hch$$x$nsi
	n=${n:0:13}
	shape=${SHAPES[$(( (nsi - 1) % ${#SHAPES[@]} ))]}
	ns_new "$n" "$shape" "10.244.$((40 + nsi)).0/24"
	ip=$(podns_ip "$n")
	[ -n "$ip" ] || ip=$(podns_ip6 "$n")	# IPv6-only
	shapes_seen+=("$shape")
	# The masquerade binding needs the pod's IPv4 address: an IPv6-only
	# pod takes the bridge binding.
	[ "$shape" = ptp-v6 ] && BIND=() KIND=bridge
	mac=$(link_json "$n" eth0 | jq -r .address)
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"
}

# Unbound again: the other binding is next.
flip() {
	if [ "$KIND" = bridge ] && [ "$shape" != ptp-v6 ]; then
		BIND=(--binding masquerade) KIND=masquerade
	else
		BIND=() KIND=bridge
	fi
}

# One attempt: a command killed either at a named step or after a delay.
# Sets $rc.
attack() {
	local op r env=() step delay key span t0
	r=$((RANDOM % 100))
	if [ "$r" -lt 45 ]; then op=setup; elif [ "$r" -lt 80 ]; then op=run; else op=teardown; fi
	args=("$op" --state-dir "$STATE_ROOT/$n")
	[ "$op" != teardown ] && args+=("${BIND[@]+"${BIND[@]}"}")
	[ "$op" = run ] && args+=(--vmm "$FAKEVMM" -- --chaos)
	# The step hooks only fire when there is a binding to make: then one
	# attack in two uses them, taking the steps in turn so that each is hit.
	if [ "$op" != teardown ] && [ ! -f "$(pl_cache "$n")" ] && [ $((RANDOM % 2)) = 0 ]; then
		read -r -a STEPS <<<"${STEPS_OF[$KIND]}"
		hooks=${hooks_of[$KIND]:-0}
		step=${STEPS[hooks % ${#STEPS[@]}]}
		if [ $(( (hooks / ${#STEPS[@]}) % 2)) = 0 ]; then
			env=("PODLAUNCH_FAULT_KILL=$step")
		else
			env=("PODLAUNCH_FAULT_KILL_BEFORE=$step")
		fi
		last_cmd="${env[*]} podlaunch ${args[*]}"
		in_pod "$n" env "${env[@]}" "$PODLAUNCH" "${args[@]}" >/dev/null 2>"$STATE_ROOT/last.log"
		rc=$?
		# A binding already in place runs no step: no kill then.
		if [ "$rc" = 137 ]; then
			hit[$KIND:$step]=$(( ${hit[$KIND:$step]:-0} + 1 ))
			hooks_of[$KIND]=$((hooks + 1))
		fi
	else
		# The delay is drawn below how long this command took the last
		# time it ran to the end in the same state (bound or not), so the
		# kill rate does not depend on how fast this machine is; 1-60 ms
		# until then (a full setup or run takes 10-60 ms here).
		key=$op:$([ -f "$(pl_cache "$n")" ] && echo bound || echo unbound)
		span=${took[$key]:-60}
		delay=$((1 + RANDOM % span))
		delay=$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))
		last_cmd="timeout -s KILL $delay podlaunch ${args[*]}"
		t0=$(date +%s%N)
		in_pod "$n" timeout -s KILL "$delay" "$PODLAUNCH" "${args[@]}" >/dev/null 2>"$STATE_ROOT/last.log"
		rc=$?
		[ "$rc" = 0 ] && took[$key]=$(( ($(date +%s%N) - t0) / 1000000 + 1 ))
	fi
	attempts=$((attempts + 1))
	echo "$rc $last_cmd" >>"$STATE_ROOT/$n.trace"
	case $rc in
	137) kills=$((kills + 1)); ophit[$op]=$(( ${ophit[$op]:-0} + 1 )) ;;
	0) ;;
	*) chaos_fail "podlaunch ${args[*]} failed (exit $rc) instead of resuming" ;;
	esac
}

new_ns
for b in bridge masquerade; do
	plain setup --binding "$b"
	STEPS_OF[$b]=$(jq -r '[.undo[].step] | join(" ")' "$(pl_cache "$n")")
	[ "$(wc -w <<<"${STEPS_OF[$b]}")" -gt 5 ] || chaos_fail "cannot read the $b plan's steps from the cache"
	plain teardown
	expect_same "$n" "$STATE_ROOT/$n.before" "teardown of the first $b binding"
done
while [ "$kills" -lt "$KILLS" ] && [ "$attempts" -lt $((KILLS * 8)) ]; do
	before=$kills
	attack
	[ "$kills" = "$before" ] && continue
	# Chain: the recovery is killed too, one time in three.
	[ $((RANDOM % 3)) = 0 ] && continue
	check_no_orphans
	plain setup "${BIND[@]+"${BIND[@]}"}"
	check_bound
	if [ $((kills % CHECK_EVERY)) = 0 ]; then
		plain teardown
		expect_same "$n" "$STATE_ROOT/$n.before" "teardown after $kills kills"
		teardowns=$((teardowns + 1))
		flip
	elif [ $((RANDOM % 2)) = 0 ]; then
		# Unbound again, so the next setup or run has every step to do.
		plain teardown
		flip
	fi
	# The next shape every PER_NS kills (a chained kill may step over the
	# exact multiple).
	if [ "$kills" -ge "$next_ns" ] && [ "$kills" -lt "$KILLS" ]; then
		new_ns
		next_ns=$((next_ns + PER_NS))
	fi
done
plain setup "${BIND[@]+"${BIND[@]}"}"
check_bound
plain teardown
expect_same "$n" "$STATE_ROOT/$n.before" "final teardown"
check_no_orphans

[ "$kills" -ge "$KILLS" ] || chaos_fail "only $kills kills in $attempts attempts"
missing=()
for b in bridge masquerade; do
	for s in ${STEPS_OF[$b]}; do [ -n "${hit[$b:$s]:-}" ] || missing+=("$b:$s"); done
done
echo "chaos: shapes ${shapes_seen[*]}"
echo "chaos: $kills kills in $attempts attempts over $nsi namespaces (setup ${ophit[setup]:-0}, run ${ophit[run]:-0}, teardown ${ophit[teardown]:-0}); $teardowns exact restores checked mid-run"
for b in bridge masquerade; do
	printf 'chaos: %s kills by step hook:' "$b"
	for s in ${STEPS_OF[$b]}; do printf ' %s=%s' "$s" "${hit[$b:$s]:-0}"; done; echo
done
# The hooks take the steps in turn: 200 kills hit each several times.
if [ "${#missing[@]}" -gt 0 ] && [ "$KILLS" -ge 200 ]; then
	chaos_fail "steps never killed by a hook: ${missing[*]}"
fi
echo PASS
