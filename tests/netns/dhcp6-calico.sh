#!/bin/bash
# tests/netns/dhcp6-dhcpcd.sh on Calico-style pods (tests/lib/podns.sh):
# the dual-stack one (10.244.2.5/32 + fd00:10:244:2::5/128) and the
# IPv6-only one, both with "default via fe80::1 dev eth0", fe80::1 held by
# the node's cali veth.  The RAs come from fe80::1 itself, dhcpcd gets the
# /128 over DHCPv6, its default route goes via fe80::1, nothing is on-link
# but the gateway, and ping6 works node -> pod address and VM -> fe80::1.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
for kind in calico calico-v6; do
	DH6_KIND=$kind tests/netns/dhcp6-dhcpcd.sh
	rc=$?
	[ "$rc" = 0 ] || exit "$rc"
	echo "ok: $kind"
done
echo "PASS"
