#!/bin/bash
# The peer for bench/setup: the same bridge binding as `podlaunch setup` /
# `teardown`, done the way entrypoint scripts do it, with ip, sysctl and
# ip tuntap.  Usage: setup-peer.sh setup|teardown STATE_DIR [IFACE]
set -eu
mode=$1 dir=$2 IF=${3:-eth0}
st=$dir/$IF.peer
case $mode in
setup)
	mkdir -p "$dir"
	mac=$(cat "/sys/class/net/$IF/address")
	mtu=$(cat "/sys/class/net/$IF/mtu")
	{
		echo "mac=$mac mtu=$mtu"
		ip -o -4 addr show dev "$IF" | awk '{print "addr", $4, $5, $6}'
		ip -4 route show dev "$IF" | sed 's/^/route /'
	} >"$st"
	newmac=$(printf '02:%02x:%02x:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) \
		$((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
	ip link set "$IF" down
	ip addr flush dev "$IF"
	ip link set "$IF" name "$IF-nic"
	ip link set "$IF-nic" address "$newmac" mtu "$mtu"
	ip link add "k6t-$IF" mtu "$mtu" type bridge
	sysctl -qw "net.ipv4.conf.k6t-$IF.arp_ignore=1" "net.ipv4.conf.k6t-$IF.accept_local=1"
	ip addr add 169.254.75.10/32 dev "k6t-$IF"
	ip link set "k6t-$IF" up
	ip link set "$IF-nic" master "k6t-$IF"
	ip link set "$IF-nic" type bridge_slave learning off
	ip link set "$IF-nic" up
	ip tuntap add dev tap0 mode tap vnet_hdr
	ip link set tap0 mtu "$mtu" master "k6t-$IF" up
	ip link add "$IF" address "$mac" mtu "$mtu" type dummy 2>/dev/null ||
		ip link add "$IF" address "$mac" mtu "$mtu" type bridge
	grep '^addr ' "$st" | while read -r _ a brdkw brd; do
		if [ "$brdkw" = brd ]; then ip addr add "$a" broadcast "$brd" dev "$IF"; else ip addr add "$a" dev "$IF"; fi
	done
	;;
teardown)
	read -r kv1 kv2 <"$st"
	mac=${kv1#mac=} mtu=${kv2#mtu=}
	ip link del "$IF"
	ip tuntap del dev tap0 mode tap
	ip link del "k6t-$IF"
	ip link set "$IF-nic" down
	ip link set "$IF-nic" name "$IF"
	ip link set "$IF" address "$mac" mtu "$mtu"
	ip link set "$IF" up
	grep '^addr ' "$st" | while read -r _ a brdkw brd; do
		if [ "$brdkw" = brd ]; then ip addr add "$a" broadcast "$brd" dev "$IF"; else ip addr add "$a" dev "$IF"; fi
	done
	ip route flush dev "$IF"
	# On-link routes first, so that gateways resolve.
	{ grep '^route .*scope link' "$st" || true; grep '^route ' "$st" | grep -v 'scope link' || true; } |
		while read -r _ r; do
			# shellcheck disable=SC2086
			ip route add $r dev "$IF"
		done
	rm -f "$st"
	;;
*) echo "usage: $0 setup|teardown STATE_DIR [IFACE]" >&2; exit 2 ;;
esac
