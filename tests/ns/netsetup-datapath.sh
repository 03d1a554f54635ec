#!/bin/bash
# The binding carries the pod's traffic to the guest: with no guest on the
# bridge nothing in the pod namespace answers for the pod IP (arp_ignore,
# placeholder down), and a stand-in guest (a veth on k6t-eth0 in its own
# namespace, with the pod's MAC and IP) is reachable from the node as the
# pod, for CNI ptp and bridge.
set -u
# shellcheck source=tests/ns/lib-netsetup.sh
. "$(dirname "$0")/lib-netsetup.sh"
ns_require

for kind in ptp bridge; do
	n=nsP$$$kind
	g=$n-guest
	ns_new "$n" "$kind"
	ip=$(podns_ip "$n")
	gw=$(podns_gateway "$n")
	mac=$(link_json "$n" eth0 | jq -r .address)
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"
	in_node "$n" ping -c1 -W2 "$ip" >/dev/null || fail "$kind: pod unreachable before the binding"

	pl "$n" setup 2>/dev/null || fail "$kind: setup"
	in_node "$n" ping -c1 -W1 "$ip" >/dev/null && fail "$kind: the pod namespace still answers for $ip"

	ip netns add "$g"
	in_pod "$n" ip link add gport type veth peer name geth netns "$g"
	in_pod "$n" ip link set gport master k6t-eth0 up
	ip -n "$g" link set geth address "$mac"
	ip -n "$g" addr add "$ip/24" dev geth
	ip -n "$g" link set geth up
	ip -n "$g" route add default via "$gw"
	ok=
	for _ in 1 2 3 4 5; do
		in_node "$n" ping -c1 -W1 "$ip" >/dev/null && { ok=1; break; }
	done
	[ -n "$ok" ] || { ip netns del "$g"; fail "$kind: the guest is not reachable as the pod"; }
	ip netns exec "$g" ping -c1 -W2 "$gw" >/dev/null || { ip netns del "$g"; fail "$kind: guest cannot reach its gateway"; }
	# Learning is off on the uplink: the guest's MAC is only ever on its own port.
	in_pod "$n" bridge -j fdb show br k6t-eth0 | jq -e --arg m "$mac" \
		'[.[] | select(.mac == $m and .ifname == "eth0-nic")] | length == 0' >/dev/null ||
		fail "$kind: guest MAC learnt on the uplink"

	ip netns del "$g"
	in_pod "$n" ip link del gport 2>/dev/null
	pl "$n" teardown 2>/dev/null || fail "$kind: teardown"
	expect_same "$n" "$STATE_ROOT/$n.before" "$kind teardown"
	in_node "$n" ping -c1 -W2 "$ip" >/dev/null || fail "$kind: pod unreachable after teardown"
	echo "ok $kind data path"
done
echo PASS
