#!/bin/bash
# RFC 4191 Route Information in the RAs, received by the Linux kernel's own
# RA processing in the "VM" namespace: a dual-stack CNI ptp pod with two
# more IPv6 routes via its gateway (fd00:96::/108 pref high, fd00:97::/48
# pref low) and one via another next hop (fd00:98::/64, which an RA from
# the gateway cannot announce).  With accept_ra_rt_info_max_plen=128 set
# on the VM's interface alone (a per-device sysctl, writable in the VM's
# namespace) the kernel installs the pod's /64 and both routes via the
# node's link-local address, with their preferences and a finite expiry;
# the third is not advertised (the server logs 3 routes and 1 not
# advertised: the pod /64 via the gateway is the third).  With the
# default router off (accept_ra_defrtr=0) the VM reaches an address in
# fd00:96::/108 on the node through the RIO route alone.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
. tests/lib/dhcp6.sh
dh_require
[ -e /proc/sys/net/ipv6/conf/default/accept_ra_rt_info_max_plen ] ||
	skip "kernel without CONFIG_IPV6_ROUTE_INFO (no accept_ra_rt_info_max_plen)"
N=r6$$
VMIF=r$$
DH_TMP=$(mktemp -d /tmp/dh6-rio.XXXXXX)
trap 'dh_cleanup $N' EXIT
pod_routes() {
	local n=$1 gw
	gw=$(podns_gateway6 "$n")
	in_pod "$n" ip -6 route add fd00:96::/108 via "$gw" dev eth0 pref high &&
	in_pod "$n" ip -6 route add fd00:97::/48 via "$gw" dev eth0 metric 50 pref low &&
	in_pod "$n" ip -6 route add fd00:98::/64 via fd00:10:244:2::99 dev eth0 onlink
}
DH6_POD_HOOK=pod_routes dh6_topology $N || fail "topology"
# the node end of the routes: an address in fd00:96::/108
in_node $N ip -6 addr add fd00:96::1/128 dev lo
# The client side: per-device, in the VM's namespace only.
in_vm $N sysctl -qw "net.ipv6.conf.$VMIF.accept_ra_rt_info_max_plen=128" ||
	fail "accept_ra_rt_info_max_plen not settable on $VMIF"
in_vm $N sysctl -qw "net.ipv6.conf.$VMIF.accept_ra_defrtr=0" || fail "accept_ra_defrtr"
check_eq "max_plen on $VMIF" "$(in_vm $N sysctl -n "net.ipv6.conf.$VMIF.accept_ra_rt_info_max_plen")" 128
check_eq "max_plen of conf.all untouched" "$(in_vm $N sysctl -n net.ipv6.conf.all.accept_ra_rt_info_max_plen)" 0
check_eq "accept_ra on $VMIF" "$(in_vm $N sysctl -n "net.ipv6.conf.$VMIF.accept_ra")" 1
# what DHCPv6 would give (tests/netns/dhcp6-dhcpcd.sh checks that part)
in_vm $N ip -6 addr add "$POD_IP6/128" dev "$VMIF" nodad
dh_server_start $N || fail "server start"
jq -e -s 'map(select(.component == "dhcp6" and .msg == "configuration loaded")) | .[0] |
	.routes == 3 and .routes_not_advertised == 1' "$DH_SERVER_LOG" >/dev/null 2>&1 || fail "routes in the configuration line: $(grep 'configuration loaded' "$DH_SERVER_LOG")"
# A fresh RS, should the first RA have come before the sysctls took.
in_vm $N ip link set "$VMIF" down
in_vm $N ip link set "$VMIF" up
netns_link_up "$N-vm" "$VMIF" || fail "$VMIF not up"
in_vm $N ip -6 addr add "$POD_IP6/128" dev "$VMIF" nodad 2>/dev/null
rt() { in_vm $N ip -6 route show "$1" dev "$VMIF"; }
for _ in $(seq 300); do [ -n "$(rt fd00:97::/48)" ] && [ -n "$(rt fd00:96::/108)" ] && break; sleep 0.1; done
r96=$(rt fd00:96::/108); r97=$(rt fd00:97::/48); r64=$(rt fd00:10:244:2::/64)
echo "VM routes: $(in_vm $N ip -6 route show dev "$VMIF" | tr '\n' ';')"
for r in "$r96" "$r97" "$r64"; do
	[ -n "$r" ] || fail "a route of the pod is missing in the VM: $(in_vm $N ip -6 route show dev "$VMIF")"
	grep -q "via $NODE_LL .*proto ra" <<<"$r" || fail "not an RA route via $NODE_LL: $r"
	grep -q "expires" <<<"$r" || fail "no lifetime: $r"
done
grep -q "pref high" <<<"$r96" || fail "fd00:96::/108 not pref high: $r96"
grep -q "pref low" <<<"$r97" || fail "fd00:97::/48 not pref low: $r97"
grep -q "pref medium" <<<"$r64" || fail "the pod /64 not pref medium: $r64"
[ -z "$(rt fd00:98::/64)" ] || fail "a route via another next hop was advertised: $(rt fd00:98::/64)"
[ -z "$(in_vm $N ip -6 route show default)" ] || fail "a default route despite accept_ra_defrtr=0"
echo "ok: RIO routes installed via $NODE_LL with their preferences, fd00:98::/64 not advertised"
in_vm $N ping -6 -c 2 -W 2 fd00:96::1 >/dev/null || fail "VM cannot reach fd00:96::1 through the RIO route"
echo "ok: VM -> fd00:96::1 through the RIO route alone"
echo "PASS"
