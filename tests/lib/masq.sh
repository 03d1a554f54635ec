# shellcheck shell=bash
# shellcheck disable=SC2034  # POD_IP, NODE_IP are for the scripts that source this
# Helpers for the masquerade binding tests.  Source after lib/netsetup.sh.
#
#   mq_pod NAME ptp|bridge|calico  a settled pod namespace; sets POD_IP, NODE_IP
#   mq_vm NAME [MAC]               the "VM": vm0 in NAME-vm, a veth whose peer
#                                  (vmport) is a port of k6t-eth0, carrying
#                                  MAC (default: the cache's guest MAC)
#   mq_dhcp_start NAME             podlaunch dhcp on the bridge, waits until it serves
#   mq_lease NAME udhcpc|dhclient|dhcpcd   the VM's client gets and applies a lease;
#                                  its variables land in $MQ_TMP/NAME.lease
#   peer ...                       tests/lib/masq-peer.py
# Calico-style: eth0 holds a /32, reaches 169.254.1.1 on-link, the node end
# answers every ARP (proxy_arp) and routes the /32 to the veth.

MQ_TMP=$STATE_ROOT/mq
mkdir -p "$MQ_TMP"
MQ_PEER=$(realpath "$(dirname "${BASH_SOURCE[0]}")/masq-peer.py")
MQ_VMS=()
peer() { python3 "$MQ_PEER" "$@"; }
in_vm() { local n=$1; shift; ip netns exec "$n-vm" "$@"; }

mq_cleanup() {
	local n
	for n in "${MQ_VMS[@]+"${MQ_VMS[@]}"}"; do mq_vm_destroy "$n"; done
	for n in "$MQ_TMP"/*.pids; do
		[ -f "$n" ] && xargs -r kill 2>/dev/null <"$n"
	done
	ns_cleanup
}
trap mq_cleanup EXIT

# Remember a background process to stop at exit.
mq_bg() { echo "$2" >>"$MQ_TMP/$1.pids"; }

mq_calico_create() {
	local n=$1
	ip netns add "$n-node" || return 1
	ip netns add "$n-pod" || return 1
	in_node "$n" ip link set lo up
	in_pod "$n" ip link set lo up
	in_node "$n" ip addr add 192.168.77.1/32 dev lo
	# The node's uplink: proxy_arp answers only for targets routed elsewhere.
	in_node "$n" ip link add up0 type veth peer name up1
	in_node "$n" ip link set up1 up
	in_node "$n" ip link set up0 up
	in_node "$n" ip route add default dev up0
	in_node "$n" ip link add cali0 type veth peer name eth0 netns "$n-pod" || return 1
	in_node "$n" ip link set cali0 address ee:ee:ee:ee:ee:ee
	# A Calico node forwards; proxy_arp answers only on a forwarding device.
	in_node "$n" sysctl -qw net.ipv4.conf.cali0.proxy_arp=1 net.ipv4.conf.cali0.forwarding=1
	in_node "$n" ip link set cali0 up
	in_node "$n" ip route add 10.244.7.5/32 dev cali0 scope link
	in_pod "$n" ip addr add 10.244.7.5/32 dev eth0
	in_pod "$n" ip link set eth0 up
	in_pod "$n" ip route add 169.254.1.1 dev eth0 scope link
	in_pod "$n" ip route add default via 169.254.1.1 dev eth0
}

mq_pod() {
	local n=$1 kind=$2
	if [ "$kind" = calico ]; then
		NS_NAMES+=("$n")
		mq_calico_create "$n" || fail "calico pod $n"
		mkdir -p "$STATE_ROOT/$n"
		ns_settle "$n"
		NODE_IP=192.168.77.1
	else
		ns_new "$n" "$kind"
		NODE_IP=$(podns_gateway "$n")
	fi
	POD_IP=$(podns_ip "$n")
}

mq_vm() {
	local n=$1 mac=${2:-}
	[ -n "$mac" ] || mac=$(jq -r .binding.guest_mac "$(pl_cache "$n")")
	MQ_VMS+=("$n")
	ip netns add "$n-vm" || return 1
	in_vm "$n" ip link set lo up
	in_pod "$n" ip link add vmport type veth peer name vm0 netns "$n-vm" || return 1
	in_pod "$n" ip link set vmport master k6t-eth0
	in_pod "$n" ip link set vmport up
	in_vm "$n" ip link set vm0 address "$mac"
	in_vm "$n" ip link set vm0 up
	podns_port_forwarding "$n" vmport || { echo "vmport not forwarding" >&2; return 1; }
	netns_link_up "$n-vm" vm0 || { echo "vm0 not up" >&2; return 1; }
}

mq_vm_destroy() {
	local n=$1
	ip netns pids "$n-vm" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$n-vm" 2>/dev/null
	in_pod "$n" ip link del vmport 2>/dev/null
	return 0
}

mq_dhcp_start() {
	local n=$1 fifo=$MQ_TMP/$1.ready
	rm -f "$fifo"
	mkfifo "$fifo"
	ip netns exec "$n-pod" "$PODLAUNCH" dhcp --state-dir "$STATE_ROOT/$n" --ready-fd 3 \
		3>"$fifo" 2>"$MQ_TMP/$n.dhcp.log" &
	mq_bg "$n" $!
	timeout 10 head -c 1 "$fifo" >/dev/null || { cat "$MQ_TMP/$n.dhcp.log"; return 1; }
}

# The VM's DHCP client: each writes the lease as VAR=VALUE lines
# (ip, mask or prefix, router, routes, dns, search, hostname, mtu) and
# applies address, MTU and the option 121 routes as a guest would.
mq_lease() {
	local n=$1 client=$2 out=$MQ_TMP/$1.lease _
	rm -f "$out"
	case $client in
	udhcpc)
		cat >"$MQ_TMP/$n.udhcpc" <<SH
#!/bin/sh
case \$1 in bound|renew)
	ip addr flush dev "\$interface"
	ip addr add "\$ip/\$mask" dev "\$interface"
	[ -n "\$mtu" ] && ip link set dev "\$interface" mtu "\$mtu"
	set -- \$staticroutes
	while [ \$# -ge 2 ]; do ip route replace "\$1" via "\$2" dev "\$interface"; shift 2; done
	printf 'ip=%s\nprefix=%s\nrouter=%s\nroutes=%s\ndns=%s\nsearch=%s\nhostname=%s\nmtu=%s\n' \
		"\$ip" "\$mask" "\$router" "\$staticroutes" "\$dns" "\$search" "\$hostname" "\$mtu" >"$out.tmp"
	mv "$out.tmp" "$out" ;;
esac
SH
		chmod +x "$MQ_TMP/$n.udhcpc"
		local u=(udhcpc); command -v udhcpc >/dev/null || u=(busybox udhcpc)
		in_vm "$n" "${u[@]}" -i vm0 -f -t 10 -T 1 -A 1 -s "$MQ_TMP/$n.udhcpc" \
			-O 121 -O 119 -O 26 -O 12 -O 15 >"$MQ_TMP/$n.client.log" 2>&1 &
		mq_bg "$n" $! ;;
	dhclient)
		printf '%s\n' 'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;' \
			'request subnet-mask, routers, domain-name, domain-name-servers, domain-search, host-name, interface-mtu, rfc3442-classless-static-routes;' \
			>"$MQ_TMP/$n.dhclient.conf"
		cat >"$MQ_TMP/$n.dhclient" <<SH
#!/bin/sh
case \$reason in BOUND|RENEW|REBOOT)
	ip addr flush dev "\$interface"
	ip addr add "\$new_ip_address/\$new_subnet_mask" dev "\$interface"
	[ -n "\$new_interface_mtu" ] && ip link set dev "\$interface" mtu "\$new_interface_mtu"
	set -- \$new_rfc3442_classless_static_routes
	r=""
	while [ \$# -ge 5 ]; do
		w=\$1; shift; k=\$(( (w + 7) / 8 )); d=""
		for i in 1 2 3 4; do if [ \$i -le \$k ]; then d="\$d\$1."; shift; else d="\${d}0."; fi; done
		gw="\$1.\$2.\$3.\$4"; shift 4
		ip route replace "\${d%.}/\$w" via "\$gw" dev "\$interface"; r="\$r\${d%.}/\$w \$gw "
	done
	printf 'ip=%s\nprefix=%s\nrouter=%s\nroutes=%s\ndns=%s\nsearch=%s\nhostname=%s\nmtu=%s\n' \
		"\$new_ip_address" "\$new_subnet_mask" "\$new_routers" "\${r% }" "\$new_domain_name_servers" \
		"\$new_domain_search" "\$new_host_name" "\$new_interface_mtu" >"$out.tmp"
	mv "$out.tmp" "$out" ;;
esac
exit 0
SH
		chmod +x "$MQ_TMP/$n.dhclient"
		in_vm "$n" dhclient -4 -d -cf "$MQ_TMP/$n.dhclient.conf" -lf "$MQ_TMP/$n.leases" \
			-pf "$MQ_TMP/$n.dhclient.pid" -sf "$MQ_TMP/$n.dhclient" vm0 \
			>"$MQ_TMP/$n.client.log" 2>&1 &
		mq_bg "$n" $! ;;
	dhcpcd)
		printf '%s\n' ipv4only noipv4ll noarp 'nohook resolv.conf, hostname, ntp, timesyncd, wpa_supplicant' \
			'option classless_static_routes, interface_mtu, domain_name_servers, domain_name, domain_search, host_name' \
			>"$MQ_TMP/$n.dhcpcd.conf"
		cat >"$MQ_TMP/$n.dhcpcd" <<SH
#!/bin/sh
case \$reason in BOUND|RENEW|REBOOT)
	printf 'ip=%s\nprefix=%s\nrouter=%s\nroutes=%s\ndns=%s\nsearch=%s\nhostname=%s\nmtu=%s\n' \
		"\$new_ip_address" "\$new_subnet_cidr" "\$new_routers" "\$new_classless_static_routes" \
		"\$new_domain_name_servers" "\$new_domain_search" "\$new_host_name" "\$new_interface_mtu" >"$out.tmp"
	mv "$out.tmp" "$out" ;;
esac
SH
		chmod +x "$MQ_TMP/$n.dhcpcd"
		# A fresh interface name per run keeps dhcpcd's per-interface files apart.
		rm -f /var/lib/dhcpcd/vm0.lease
		in_vm "$n" dhcpcd -f "$MQ_TMP/$n.dhcpcd.conf" -c "$MQ_TMP/$n.dhcpcd" -B -4 -t 10 vm0 \
			>"$MQ_TMP/$n.client.log" 2>&1 &
		mq_bg "$n" $! ;;
	esac
	wait_until 30 test -f "$out" ||
		{ cat "$MQ_TMP/$n.client.log"; tail "$MQ_TMP/$n.dhcp.log"; return 1; }
	# dhcpcd installs the routes itself after the hook: wait for the default.
	wait_until 30 output_matches '^default' in_vm "$n" ip -4 route show && return 0
	in_vm "$n" ip -4 route show
	return 1
}
lease() { sed -n "s/^$1=//p" "$MQ_TMP/$2.lease"; }

# The pod interface as the CNI made it: link, addresses, its routes.
MQ_VOLATILE='map(del(.stats, .stats64, .carrier_changes, .carrier_up_count, .carrier_down_count)
	| if .addr_info then .addr_info |= map(del(.valid_life_time, .preferred_life_time, .tentative)) else . end)'
mq_pod_iface() {
	in_pod "$1" ip -d -j link show dev eth0 | jq -S "$MQ_VOLATILE"
	in_pod "$1" ip -d -j addr show dev eth0 | jq -S "$MQ_VOLATILE"
	in_pod "$1" ip -d -j route show dev eth0 | jq -S .
	in_pod "$1" ip -6 -d -j route show dev eth0 | jq -S .
}

mq_ruleset() { in_pod "$1" nft -j list ruleset | jq -S .; }

mq_require() {
	ns_require
	need_cmd nft nftables
	need_cmd python3
}
