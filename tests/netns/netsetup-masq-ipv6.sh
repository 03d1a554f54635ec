#!/bin/bash
# The masquerade binding on a dual-stack CNI ptp pod, IPv6 end to end:
#  - without net.ipv6.conf.all.forwarding: setup names the sysctl, serves
#    IPv4 alone, and `podlaunch dhcp` serves no IPv6 on the private bridge
#    (the pod's own IPv6 address is never handed to the guest there);
#  - with it, for dhcpcd (default --guest-cidr6 fd10:0:2::/120) and
#    dhclient -6 (--guest-cidr6 fd10:0:7::/112) in the "VM" (a veth
#    namespace on k6t-eth0): the RA comes from the bridge's own link-local
#    address (default router, the guest prefix on-link, no SLAAC, the pod
#    MTU), DHCPv6
#    hands the prefix's ::2 with the pod's DNS and search list; the VM reaches the
#    node as the pod's IPv6 address (NAT66 masquerade), TCP and UDP from
#    the node to the pod's IPv6 address reach the VM (DNAT) with the
#    node's address kept, the pod reaches the guest through its own IPv6
#    address, and teardown leaves the namespace and the ruleset as they were.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/netsetup.sh
. tests/lib/netsetup.sh
# shellcheck source=tests/lib/masq.sh
. tests/lib/masq.sh
mq_require
need_cmd jq

M=(--binding masquerade)
CLIENTS=()
command -v dhcpcd >/dev/null && CLIENTS+=(dhcpcd)
command -v dhclient >/dev/null && CLIENTS+=(dhclient)
[ "${#CLIENTS[@]}" -gt 0 ] || skip "neither dhcpcd (dhcpcd-base) nor dhclient (isc-dhcp-client) installed"

# Everything the binding may change: links, addresses, routes, devconf, nft.
mq6_state() {
	ns_snapshot "$1"
	mq_ruleset "$1"
	in_pod "$1" cat /proc/sys/net/ipv4/conf/eth0/forwarding
}
mq6_expect() {
	local n=$1 want=$2 what=$3 _
	for _ in $(seq "$NS_WAIT_TENTHS"); do
		mq6_state "$n" >"$want.now"
		cmp -s "$want" "$want.now" && return 0
		sleep 0.1
	done
	diff -u "$want" "$want.now" | head -60
	fail "$what: namespace differs from the original"
}

get6() {
	local ns=$1 host=$2 port=$3 want=$4 got _
	for _ in $(seq 20); do
		got=$(ip netns exec "$ns" python3 "$MQ_PEER" tcp-get "$host" "$port" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.2
	done
	fail "$ns: tcp [$host]:$port answered '$got', want '$want'"
}

dual_pod() {
	local n=$1
	PODNS_SUBNET6=fd00:10:244:9::/64 ns_new "$n" ptp 10.244.9.0/24
	POD_IP6=$(podns_ip6 "$n")
	POD_GW6=$(podns_gateway6 "$n")
	{ [ -n "$POD_IP6" ] && [ -n "$POD_GW6" ]; } || fail "$n: dual-stack pod incomplete: '$POD_IP6' via '$POD_GW6'"
}

# The VM's IPv6 client: sets LEASE6 (the address it got) once applied.
client6() {
	local n=$1 client=$2 d=$MQ_TMP/$1.c6 _ f
	mkdir -p "$d"
	chmod 755 "$d"
	case $client in
	dhcpcd)
		printf '%s\n' ipv6only 'nohook resolv.conf, hostname, ntp, timesyncd, wpa_supplicant' \
			'option dhcp6_name_servers, dhcp6_domain_search' >"$d/dhcpcd.conf"
		cat >"$d/hook" <<SH
#!/bin/sh
n=\$(ls $d/ev.* 2>/dev/null | wc -l)
env | sort >"$d/tmp.\$n" && mv "$d/tmp.\$n" "$d/ev.\$n.\$reason"
SH
		chmod 755 "$d/hook"
		rm -f /var/lib/dhcpcd/vm0.lease6 /var/lib/dhcpcd/vm0.*
		in_vm "$n" dhcpcd -f "$d/dhcpcd.conf" -c "$d/hook" -B -6 -t 20 vm0 >"$d/out" 2>&1 &
		mq_bg "$n" $! ;;
	dhclient)
		cat >"$d/hook" <<SH
#!/bin/sh
n=\$(ls $d/ev.* 2>/dev/null | wc -l)
env | sort >"$d/tmp.\$n" && mv "$d/tmp.\$n" "$d/ev.\$n.\$reason"
case \$reason in
PREINIT6)
	for i in \$(seq 50); do ip -6 addr show dev "\$interface" scope link tentative | grep -q . || break; sleep 0.1; done ;;
BOUND6|RENEW6|REBIND6|REBOOT6)
	ip -6 addr replace "\$new_ip6_address/\$new_ip6_prefixlen" dev "\$interface" scope global \\
		valid_lft "\$new_max_life" preferred_lft "\$new_preferred_life" ;;
esac
exit 0
SH
		chmod 755 "$d/hook"
		printf 'request dhcp6.name-servers, dhcp6.domain-search;\n' >"$d/dhclient6.conf"
		in_vm "$n" dhclient -6 -d -v -cf "$d/dhclient6.conf" -lf "$d/lease6" -pf "$d/pid" \
			-sf "$d/hook" vm0 >"$d/out" 2>&1 &
		mq_bg "$n" $! ;;
	esac
	for _ in $(seq 300); do
		f=$(first_file "$d"/ev.*.BOUND6 "$d"/ev.*.REBOOT6)
		[ -n "$f" ] && break
		sleep 0.1
	done
	[ -n "$f" ] || { cat "$d/out"; tail -20 "$MQ_TMP/$n.dhcp.log"; fail "$n: $client got no DHCPv6 lease"; }
	e() { sed -n "s/^$1=//p" "$f" | tr -d "'"; }
	case $client in
	dhcpcd)
		LEASE6=$(e new_dhcp6_ia_na1_ia_addr1)
		DNS6=$(e new_dhcp6_name_servers)
		SEARCH6=$(e new_dhcp6_domain_search) ;;
	dhclient)
		LEASE6=$(e new_ip6_address)
		DNS6=$(e new_dhcp6_name_servers)
		SEARCH6=$(e new_dhcp6_domain_search | sed 's/\. / /g; s/\.$//') ;;
	esac
	# The default route from the RA (dhcpcd's own or the kernel's), then DAD.
	for _ in $(seq 300); do in_vm "$n" ip -6 route show default | grep -q via && break; sleep 0.1; done
	for _ in $(seq 100); do in_vm "$n" ip -6 -o addr show dev vm0 tentative | grep -q . || break; sleep 0.1; done
}

first_file() { local f; for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done; }

printf 'nameserver 10.96.0.10\nnameserver fd00:10:96::a\nsearch default.svc.cluster.local svc.cluster.local\n' \
	>"$MQ_TMP/resolv.conf"

# 1. No IPv6 forwarding in the pod: IPv4 only, and no IPv6 served at all.
n=mq6n$$
dual_pod "$n"
[ "$(in_pod "$n" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 0 ] || fail "$n: IPv6 forwarding already on"
mq6_state "$n" >"$MQ_TMP/$n.before"
pl "$n" setup "${M[@]}" 2>"$MQ_TMP/$n.setup.log" || { cat "$MQ_TMP/$n.setup.log"; fail "$n: setup"; }
jq -c 'select(.level == "error" and .missing == "net.ipv6.conf.all.forwarding")' "$MQ_TMP/$n.setup.log" |
	grep -q sysctls || { cat "$MQ_TMP/$n.setup.log"; fail "$n: no error naming the sysctl and how to grant it"; }
[ "$(jq -r .binding.masq.ipv6 "$(pl_cache "$n")")" = null ] || fail "$n: IPv6 in the cache without forwarding"
mq_dhcp_start "$n" || fail "$n: dhcp server"
jq -e 'select(.msg == "serving") | .dhcp4 == true and .dhcp6 == false' "$MQ_TMP/$n.dhcp.log" >/dev/null ||
	{ cat "$MQ_TMP/$n.dhcp.log"; fail "$n: the DHCP server serves IPv6 on the private bridge without forwarding"; }
xargs -r kill <"$MQ_TMP/$n.pids" 2>/dev/null
rm -f "$MQ_TMP/$n.pids"
pl "$n" teardown 2>/dev/null || fail "$n: teardown"
mq6_expect "$n" "$MQ_TMP/$n.before" "$n: teardown"
echo "ok without net.ipv6.conf.all.forwarding: the error names it, DHCPv4 alone, no IPv6 on the private bridge"

# 2. With it: the guest gets its IPv6 from the RA and DHCPv6, NAT66 both ways.
i=0
for client in "${CLIENTS[@]}"; do
	i=$((i + 1))
	n=mq6$i$$
	if [ "$client" = dhclient ]; then
		C6=(--guest-cidr6 fd10:0:7::/112); G6=fd10:0:7::2; P6=fd10:0:7::/112
	else
		C6=(); G6=fd10:0:2::2; P6=fd10:0:2::/120
	fi
	dual_pod "$n"
	in_pod "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	mq6_state "$n" >"$MQ_TMP/$n.before"
	mq_pod_iface "$n" >"$MQ_TMP/$n.iface"
	pl "$n" setup "${M[@]}" "${C6[@]+"${C6[@]}"}" --resolv-conf "$MQ_TMP/resolv.conf" 2>"$MQ_TMP/$n.setup.log" ||
		{ cat "$MQ_TMP/$n.setup.log"; fail "$n: setup"; }
	[ "$(jq -r .binding.masq.ipv6.guest "$(pl_cache "$n")")" = "$G6" ] || fail "$n: IPv6 not in the cache"
	mq_vm "$n" || fail "$n: vm"
	# The RAs come from the bridge's link-local: wait until it has one.
	for _ in $(seq 100); do
		BR_LL=$(in_pod "$n" ip -6 -o addr show dev k6t-eth0 scope link -tentative | awk '{split($4, a, "/"); print a[1]; exit}')
		[ -n "$BR_LL" ] && break
		sleep 0.1
	done
	[ -n "$BR_LL" ] || fail "$n: the bridge has no link-local address"
	mq_dhcp_start "$n" || fail "$n: dhcp server"
	jq -e 'select(.msg == "serving") | .dhcp4 == true and .dhcp6 == true' "$MQ_TMP/$n.dhcp.log" >/dev/null ||
		{ cat "$MQ_TMP/$n.dhcp.log"; fail "$n: IPv6 not served"; }
	grep -q 'bridge holds a global IPv6' "$MQ_TMP/$n.dhcp.log" && fail "$n: warned about the gateway address"
	client6 "$n" "$client"
	[ "$LEASE6" = "$G6" ] || fail "$n: $client got '$LEASE6', want $G6"
	[ "$DNS6" = fd00:10:96::a ] || fail "$n: $client DNS '$DNS6'"
	[ "$SEARCH6" = "default.svc.cluster.local svc.cluster.local" ] || fail "$n: $client search '$SEARCH6'"
	in_vm "$n" ip -6 -o addr show dev vm0 scope global | grep -q "$G6/" ||
		fail "$n: address not applied: $(in_vm "$n" ip -6 addr show dev vm0)"
	in_vm "$n" ip -6 -o addr show dev vm0 | grep "$G6/" | grep -q dadfailed && fail "$n: DAD failed"
	gw=$(in_vm "$n" ip -6 route show default | awk '{print $3; exit}')
	[ "$gw" = "$BR_LL" ] || fail "$n: default route via '$gw', want the bridge's $BR_LL"
	in_vm "$n" ip -6 route show "$P6" | grep -q . || fail "$n: $P6 is not on-link in the VM"
	if [ "$client" = dhcpcd ]; then
		# dhcpcd hands its hook the RA it took: the bridge's, with the pod's MTU.
		ra=$(first_file "$MQ_TMP/$n.c6"/ev.*.ROUTERADVERT)
		[ -n "$ra" ] || fail "$n: dhcpcd saw no router advertisement"
		[ "$(sed -n 's/^nd1_from=//p' "$ra")" = "$BR_LL" ] || fail "$n: RA not from the bridge: $(grep nd1_from "$ra")"
		[ "$(sed -n 's/^nd1_mtu=//p' "$ra")" = "$(in_pod "$n" cat /sys/class/net/eth0/mtu)" ] ||
			fail "$n: RA MTU '$(sed -n 's/^nd1_mtu=//p' "$ra")' is not the pod's"
	fi
	in_vm "$n" ip -6 -o addr show dev vm0 scope global | grep -v "$G6/" | grep -q . &&
		fail "$n: the guest made another global address (SLAAC): $(in_vm "$n" ip -6 -o addr show dev vm0 scope global)"
	echo "ok $client: $G6 by DHCPv6, DNS and search, default via the bridge $BR_LL, $P6 on-link"

	# Outbound: the node sees the pod's IPv6 address.
	: >"$MQ_TMP/$n.node"
	in_node "$n" python3 "$MQ_PEER" tcp-serve 9090 "$MQ_TMP/$n.node" 6 & mq_bg "$n" $!
	wait_for "$MQ_TMP/$n.node" listening 5 || fail "$n: node listener"
	get6 "$n-vm" "$POD_GW6" 9090 "hello 9090"
	grep -qx "$POD_IP6" "$MQ_TMP/$n.node" || { cat "$MQ_TMP/$n.node"; fail "$n: the node saw another source"; }
	echo "ok $client: VM -> node [$POD_GW6], seen as $POD_IP6"

	# Inbound: TCP and UDP to the pod's IPv6 address reach the VM, source kept.
	: >"$MQ_TMP/$n.tcp"; : >"$MQ_TMP/$n.udp"
	in_vm "$n" python3 "$MQ_PEER" tcp-serve 8080 "$MQ_TMP/$n.tcp" 6 & mq_bg "$n" $!
	in_vm "$n" python3 "$MQ_PEER" udp-serve 5353 "$MQ_TMP/$n.udp" 6 & mq_bg "$n" $!
	for v in tcp udp; do wait_for "$MQ_TMP/$n.$v" listening 5 || fail "$n: $v listener"; done
	get6 "$n-node" "$POD_IP6" 8080 "hello 8080"
	grep -qx "$POD_GW6" "$MQ_TMP/$n.tcp" || { cat "$MQ_TMP/$n.tcp"; fail "$n: the VM did not see the node's address"; }
	for _ in $(seq 20); do
		in_node "$n" python3 "$MQ_PEER" udp-send "$POD_IP6" 5353 "dgram6-$n"
		grep -q "dgram6-$n" "$MQ_TMP/$n.udp" && break
		sleep 0.2
	done
	grep -qx "$POD_GW6 dgram6-$n" "$MQ_TMP/$n.udp" || { cat "$MQ_TMP/$n.udp"; fail "$n: UDP datagram over IPv6"; }
	echo "ok $client: node -> [$POD_IP6] tcp 8080 and udp 5353 reach the VM, source kept"
	# The pod itself through its own IPv6 address (the output-hook DNAT).
	get6 "$n-pod" "$POD_IP6" 8080 "hello 8080"
	echo "ok $client: pod -> its own IPv6 address reaches the guest"

	mq_pod_iface "$n" | cmp -s - "$MQ_TMP/$n.iface" ||
		{ diff <(mq_pod_iface "$n") "$MQ_TMP/$n.iface"; fail "$n: the pod interface changed"; }
	xargs -r kill <"$MQ_TMP/$n.pids" 2>/dev/null
	rm -f "$MQ_TMP/$n.pids"
	mq_vm_destroy "$n"
	pl "$n" teardown 2>/dev/null || fail "$n: teardown"
	mq6_expect "$n" "$MQ_TMP/$n.before" "$n: teardown"
	rm -f /var/lib/dhcpcd/vm0.lease6 /var/lib/dhcpcd/vm0.*
	echo "ok $client: pod interface unchanged (ip -d -j), teardown exact (nft -j list ruleset too)"
done
echo PASS
