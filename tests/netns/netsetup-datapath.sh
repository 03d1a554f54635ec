#!/bin/bash
# The binding carries the pod's traffic to the guest: with no guest on the
# bridge nothing in the pod namespace answers ARP for the pod IP, though
# the down placeholder still holds it (k6t-eth0's own arp_ignore=1; the
# namespace's conf.all.arp_ignore stays 0), and a stand-in guest (a veth on
# k6t-eth0 in its own namespace, with the pod's MAC and IP) is reachable
# from the node as the pod and is the only one answering ARP for it, for CNI
# ptp and bridge.  setup runs with /proc/sys read-only, as in a pod.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
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

	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/all/arp_ignore)" = 0 ] || fail "$kind: conf.all.arp_ignore is not 0"
	# /proc/sys read-only, as containerd and runc mount it in a pod.
	in_pod "$n" unshare -m --propagation private sh -c \
		'mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec "$@"' sh \
		"$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>"$STATE_ROOT/$n.log" ||
		{ cat "$STATE_ROOT/$n.log"; fail "$kind: setup with /proc/sys read-only"; }
	brmac=$(link_json "$n" k6t-eth0 | jq -r .address)
	podns_port_forwarding "$n" eth0-nic || fail "$kind: eth0-nic not forwarding"
	nodedev=$(in_node "$n" ip -j route get "$ip" | jq -r '.[0].dev')
	# neigh_of: the MAC the node resolved the pod IP to, or "" when nobody answered.
	neigh_of() { in_node "$n" ip -j neigh show "$ip" dev "$nodedev" | jq -r '.[0].lladdr // ""'; }
	in_node "$n" ip neigh flush dev "$nodedev"
	in_node "$n" ping -c1 -W1 "$ip" >/dev/null && fail "$kind: the pod namespace still answers for $ip"
	[ -z "$(neigh_of)" ] || fail "$kind: ARP for $ip answered by $(neigh_of) (bridge is $brmac)"
	# Control: with k6t-eth0's arp_ignore at 0 the bridge answers for the
	# placeholder's address with its own MAC, so the check above can fail.
	echo 0 | in_pod "$n" tee /proc/sys/net/ipv4/conf/k6t-eth0/arp_ignore >/dev/null
	in_node "$n" ip neigh flush dev "$nodedev"
	for _ in 1 2 3 4 5; do
		in_node "$n" ping -c1 -W1 "$ip" >/dev/null
		[ "$(neigh_of)" = "$brmac" ] && break
	done
	[ "$(neigh_of)" = "$brmac" ] || fail "$kind: control: bridge did not answer ARP with arp_ignore=0 ($(neigh_of))"
	echo 1 | in_pod "$n" tee /proc/sys/net/ipv4/conf/k6t-eth0/arp_ignore >/dev/null
	in_node "$n" ip neigh flush dev "$nodedev"

	ip netns add "$g"
	in_pod "$n" ip link add gport type veth peer name geth netns "$g"
	in_pod "$n" ip link set gport master k6t-eth0 up
	ip -n "$g" link set geth address "$mac"
	ip -n "$g" addr add "$ip/24" dev geth
	ip -n "$g" link set geth up
	ip -n "$g" route add default via "$gw"
	podns_port_forwarding "$n" gport || fail "$kind: gport not forwarding"
	netns_link_up "$g" geth || fail "$kind: geth not up"
	ok=
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		in_node "$n" ping -c1 -W1 "$ip" >/dev/null && { ok=1; break; }
	done
	[ -n "$ok" ] || { ip netns del "$g"; fail "$kind: the guest is not reachable as the pod"; }
	[ "$(neigh_of)" = "$mac" ] || { ip netns del "$g"; fail "$kind: ARP for $ip resolved to $(neigh_of), not the guest's $mac"; }
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
