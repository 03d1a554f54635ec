#!/bin/bash
# The peer for bench/setup's masquerade rounds: the same masquerade binding
# as `podlaunch setup --binding masquerade` / `teardown`, done the way
# entrypoint scripts do it, with ip, sysctl and nft -f.
# Usage: setup-masq-peer.sh setup|teardown STATE_DIR [IFACE]
set -eu
mode=$1 dir=$2 IF=${3:-eth0}
st=$dir/$IF.masq-peer
case $mode in
setup)
	mkdir -p "$dir"
	mtu=$(cat "/sys/class/net/$IF/mtu")
	pod=$(ip -o -4 addr show dev "$IF" scope global | awk '{split($4, a, "/"); print a[1]; exit}')
	cat "/proc/sys/net/ipv4/conf/$IF/forwarding" >"$st"
	ip link add "k6t-$IF" mtu "$mtu" type bridge
	sysctl -qw "net.ipv4.conf.k6t-$IF.forwarding=1" "net.ipv4.conf.k6t-$IF.route_localnet=1"
	ip addr add 10.0.2.1/24 dev "k6t-$IF"
	ip link set "k6t-$IF" up
	ip tuntap add dev tap0 mode tap vnet_hdr
	ip link set tap0 mtu "$mtu" master "k6t-$IF" up
	sysctl -qw "net.ipv4.conf.$IF.forwarding=1"
	nft -f - <<NFT
table inet podlaunch-$IF {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "$IF" ip daddr $pod meta l4proto { tcp, udp, sctp } dnat ip to 10.0.2.2
	}
	chain output {
		type nat hook output priority -100; policy accept;
		ip daddr { $pod, 127.0.0.1 } meta l4proto { tcp, udp, sctp } dnat ip to 10.0.2.2
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$IF" ip saddr 10.0.2.2 masquerade
		oifname "k6t-$IF" ip saddr 127.0.0.1 ip daddr 10.0.2.2 snat ip to 10.0.2.1
	}
}
NFT
	;;
teardown)
	nft delete table inet "podlaunch-$IF"
	sysctl -qw "net.ipv4.conf.$IF.forwarding=$(cat "$st")"
	ip tuntap del dev tap0 mode tap
	ip link del "k6t-$IF"
	rm -f "$st"
	;;
esac
