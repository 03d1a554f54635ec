#!/bin/bash
# The masquerade binding end to end, on kindnet-like (ptp), CNI bridge and
# Calico-style (/32, 169.254.1.1 gateway) pods.  The "VM" is a veth in its
# own namespace carrying the guest MAC (--guest-mac on one pod).  Each run:
#  - the VM's DHCP client (udhcpc, dhclient, dhcpcd: one per pod kind)
#    gets 10.0.2.2/24, router and option 121 10.0.2.1, the pod's DNS,
#    search list, host name and MTU;
#  - from the node, TCP and UDP to the pod IP reach listeners in the VM
#    (with the client's own source address); with --ports only those;
#  - the VM reaches the node and is seen there as the pod IP;
#  - the pod reaches the guest through its own IP and 127.0.0.1;
#  - the pod interface stays byte-for-byte what the CNI made;
#  - forwarding is per device: conf.all.forwarding stays 0, and turning
#    the input device's own value off stops exactly that direction;
#  - teardown leaves the nftables ruleset (with a foreign table in it)
#    and the namespace exactly as before.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/netsetup.sh
. tests/lib/netsetup.sh
# shellcheck source=tests/lib/masq.sh
. tests/lib/masq.sh
mq_require

printf 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local\noptions ndots:5\n' \
	>"$MQ_TMP/resolv.conf"

# get HOST PORT WANT: a TCP answer WANT from HOST:PORT (retried: ARP, linkwatch).
tcp_answer() { ip netns exec "$1" python3 "$MQ_PEER" tcp-get "$2" "$3" 2>/dev/null; }
tcp_answer_is() { [ "$(tcp_answer "$@")" = "$4" ]; }
get() {
	local ns=$1 host=$2 port=$3 want=$4 got
	wait_until 4 tcp_answer_is "$ns" "$host" "$port" "$want" && return 0
	got=$(tcp_answer "$ns" "$host" "$port")
	fail "$ns: tcp $host:$port answered '$got', want '$want'"
}
# udp_delivered NAME: one datagram sent from the node, and the VM has one.
udp_delivered() {
	in_node "$1" python3 "$MQ_PEER" udp-send "$POD_IP" 5353 "dgram-$1"
	grep -q "dgram-$1" "$MQ_TMP/$1.udp"
}
# refused NS HOST PORT: no answer from the VM.
refused() {
	ip netns exec "$1" python3 "$MQ_PEER" tcp-get "$2" "$3" >/dev/null 2>&1 &&
		fail "$1: tcp $2:$3 answered"
	return 0
}

run_kind() {
	local kind=$1 client=$2 n=mq$$$1 mac="" ports="" v
	mq_pod "$n" "$kind"
	[ "$kind" = bridge ] && mac=02:42:0a:00:02:02 && ports=tcp:8080,udp:5000-5400
	# Other tables are left alone: a foreign one, and one named like ours for another interface.
	in_pod "$n" nft -f - <<'NFT'
table ip foreign {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 9999 accept
	}
}
table inet podlaunch-net1 {
	chain x {
		type nat hook prerouting priority -100;
	}
}
NFT
	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/all/forwarding)" = 0 ] ||
		fail "$n: conf.all.forwarding is not 0: the per-device test would prove nothing"
	ns_snapshot "$n" >"$MQ_TMP/$n.before"
	mq_pod_iface "$n" >"$MQ_TMP/$n.iface"
	mq_ruleset "$n" >"$MQ_TMP/$n.rules"

	pl "$n" setup --binding masquerade --resolv-conf "$MQ_TMP/resolv.conf" \
		${mac:+--guest-mac "$mac"} ${ports:+--ports "$ports"} 2>"$MQ_TMP/$n.setup.log" ||
		{ cat "$MQ_TMP/$n.setup.log"; fail "$n: setup"; }
	[ "$(jq -r .binding.kind "$(pl_cache "$n")")" = masquerade ] || fail "$n: cache kind"
	# A second setup changes nothing.
	mq_pod_iface "$n" >"$MQ_TMP/$n.iface.bound"
	in_pod "$n" nft -j list ruleset | jq -S . >"$MQ_TMP/$n.rules.bound"
	pl "$n" setup --binding masquerade 2>"$MQ_TMP/$n.setup2.log" || fail "$n: second setup"
	grep -q 'nothing to do' "$MQ_TMP/$n.setup2.log" || { cat "$MQ_TMP/$n.setup2.log"; fail "$n: second setup acted"; }
	in_pod "$n" nft -j list ruleset | jq -S . | cmp -s - "$MQ_TMP/$n.rules.bound" ||
		fail "$n: second setup changed the ruleset"
	# The foreign tables are untouched while bound.
	diff <(jq -S '[.nftables[] | select(.table.name? // .chain.table? // .rule.table? | . != null and . != "podlaunch-eth0")]' "$MQ_TMP/$n.rules") \
		<(jq -S '[.nftables[] | select(.table.name? // .chain.table? // .rule.table? | . != null and . != "podlaunch-eth0")]' "$MQ_TMP/$n.rules.bound") ||
		fail "$n: foreign tables changed"
	echo "ok $kind: bound, second setup a no-op, foreign tables untouched"

	mq_vm "$n" "$mac" || fail "$n: vm"
	[ -z "$mac" ] || [ "$(in_vm "$n" cat /sys/class/net/vm0/address)" = "$mac" ] || fail "$n: mac"
	mq_dhcp_start "$n" || fail "$n: dhcp server"
	mq_lease "$n" "$client" || fail "$n: $client got no lease"
	[ "$(lease ip "$n")" = 10.0.2.2 ] || fail "$n: $client ip $(lease ip "$n")"
	case $(lease prefix "$n") in 24|255.255.255.0) ;; *) fail "$n: prefix $(lease prefix "$n")" ;; esac
	[ "$(lease router "$n")" = 10.0.2.1 ] || fail "$n: router $(lease router "$n")"
	case $(lease routes "$n") in "0.0.0.0/0 10.0.2.1") ;; *) fail "$n: option 121 '$(lease routes "$n")'" ;; esac
	[ "$(lease dns "$n")" = 10.96.0.10 ] || fail "$n: dns $(lease dns "$n")"
	# dhclient writes the names fully qualified (a trailing dot).
	[ "$(lease search "$n" | sed 's/\. / /g; s/\.$//')" = "default.svc.cluster.local svc.cluster.local" ] || fail "$n: search '$(lease search "$n")'"
	[ "$(lease mtu "$n")" = "$(in_pod "$n" cat /sys/class/net/eth0/mtu)" ] || fail "$n: mtu $(lease mtu "$n")"
	[ -n "$(lease hostname "$n")" ] || fail "$n: no host name"
	echo "ok $kind: $client got 10.0.2.2/24 via 10.0.2.1, DNS, search, host name, MTU"

	# Listeners in the VM; inbound from the node.
	: >"$MQ_TMP/$n.tcp"; : >"$MQ_TMP/$n.tcp2"; : >"$MQ_TMP/$n.udp"
	in_vm "$n" python3 "$MQ_PEER" tcp-serve 8080 "$MQ_TMP/$n.tcp" & mq_bg "$n" $!
	in_vm "$n" python3 "$MQ_PEER" tcp-serve 8081 "$MQ_TMP/$n.tcp2" & mq_bg "$n" $!
	in_vm "$n" python3 "$MQ_PEER" udp-serve 5353 "$MQ_TMP/$n.udp" & mq_bg "$n" $!
	for v in tcp tcp2 udp; do wait_for "$MQ_TMP/$n.$v" listening 5 || fail "$n: $v listener"; done
	get "$n-node" "$POD_IP" 8080 "hello 8080"
	grep -qx "$NODE_IP" "$MQ_TMP/$n.tcp" || { cat "$MQ_TMP/$n.tcp"; fail "$n: the VM did not see the node's address"; }
	wait_until 4 udp_delivered "$n"
	grep -qx "$NODE_IP dgram-$n" "$MQ_TMP/$n.udp" || { cat "$MQ_TMP/$n.udp"; fail "$n: UDP datagram"; }
	if [ -n "$ports" ]; then
		refused "$n-node" "$POD_IP" 8081
		[ "$(grep -vc listening "$MQ_TMP/$n.tcp2")" = 0 ] || fail "$n: port 8081 reached the VM without --ports"
		echo "ok $kind: node -> pod IP: tcp 8080 and udp 5353 reach the VM, tcp 8081 (not in --ports) does not"
	else
		get "$n-node" "$POD_IP" 8081 "hello 8081"
		echo "ok $kind: node -> pod IP: tcp 8080, 8081 and udp 5353 reach the VM, source kept"
	fi

	# Outbound: the node sees the pod IP.
	: >"$MQ_TMP/$n.node"
	in_node "$n" python3 "$MQ_PEER" tcp-serve 9090 "$MQ_TMP/$n.node" & mq_bg "$n" $!
	wait_for "$MQ_TMP/$n.node" listening 5 || fail "$n: node listener"
	get "$n-vm" "$NODE_IP" 9090 "hello 9090"
	grep -qx "$POD_IP" "$MQ_TMP/$n.node" || { cat "$MQ_TMP/$n.node"; fail "$n: the node saw another source"; }
	echo "ok $kind: VM -> node, seen as $POD_IP"

	# The pod itself (probes): its own IP and 127.0.0.1.
	: >"$MQ_TMP/$n.tcp"
	get "$n-pod" "$POD_IP" 8080 "hello 8080"
	get "$n-pod" 127.0.0.1 8080 "hello 8080"
	echo "ok $kind: pod -> its own IP and 127.0.0.1 reach the guest"

	# The pod interface is what the CNI made, while bound and in use.
	mq_pod_iface "$n" | diff -u "$MQ_TMP/$n.iface" - || fail "$n: pod interface changed"
	echo "ok $kind: pod interface byte-for-byte as the CNI made it"

	if [ "$kind" = ptp ]; then
		# Forwarding is decided by the input device's own setting.
		for v in eth0 k6t-eth0; do
			[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/$v/forwarding)" = 1 ] || fail "$n: $v forwarding"
		done
		in_pod "$n" sysctl -qw net.ipv4.conf.k6t-eth0.forwarding=0
		refused "$n-vm" "$NODE_IP" 9090
		in_pod "$n" sysctl -qw net.ipv4.conf.k6t-eth0.forwarding=1
		get "$n-vm" "$NODE_IP" 9090 "hello 9090"
		in_pod "$n" sysctl -qw net.ipv4.conf.eth0.forwarding=0
		refused "$n-node" "$POD_IP" 8080
		in_pod "$n" sysctl -qw net.ipv4.conf.eth0.forwarding=1
		get "$n-node" "$POD_IP" 8080 "hello 8080"
		[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/all/forwarding)" = 0 ] || fail "$n: conf.all changed"
		echo "ok $kind: forwarding follows the input device's own value (conf.all stays 0)"
	fi

	# Teardown: the VM goes first (its veth is not the binding's).
	xargs -r kill 2>/dev/null <"$MQ_TMP/$n.pids"; rm -f "$MQ_TMP/$n.pids"
	mq_vm_destroy "$n"
	pl "$n" teardown 2>"$MQ_TMP/$n.teardown.log" || { cat "$MQ_TMP/$n.teardown.log"; fail "$n: teardown"; }
	mq_ruleset "$n" | diff -u "$MQ_TMP/$n.rules" - || fail "$n: ruleset differs after teardown"
	expect_same "$n" "$MQ_TMP/$n.before" "$n teardown"
	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/eth0/forwarding)" = 0 ] || fail "$n: eth0 forwarding not restored"
	echo "ok $kind: teardown exact (namespace, nft -j list ruleset, eth0 forwarding)"
}

run_kind ptp udhcpc
run_kind bridge dhclient
command -v dhcpcd >/dev/null || skip "dhcpcd (dhcpcd-base) not installed"
run_kind calico dhcpcd
echo PASS
