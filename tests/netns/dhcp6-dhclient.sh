#!/bin/bash
# ISC dhclient -6 in the "VM" namespace of a dual-stack CNI ptp pod with
# the bridge binding: Solicit/Advertise/Request/Reply for the pod IPv6
# address with DNS and search list (applied by our script as Debian's
# dhclient-script would, without touching /etc/resolv.conf), the default
# route from the kernel's own RA processing (the node's link-local
# address), ping6 both ways; then a restart from the lease file
# (Confirm -> Success) and a lease file naming a wrong address (Confirm ->
# NotOnLink, then a fresh Solicit).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
. tests/lib/dhcp6.sh
dh_require
command -v dhclient >/dev/null || skip "dhclient (isc-dhcp-client) not installed"
N=c6$$
DH_TMP=$(mktemp -d /tmp/dh6-dhclient.XXXXXX)
stop_client() {
	[ -f "$DH_TMP/pid" ] && kill "$(cat "$DH_TMP/pid")" 2>/dev/null
	rm -f "$DH_TMP/pid"
}
trap 'stop_client; dh_cleanup $N' EXIT
dh6_topology $N || fail "topology"
dh6_check_pod_quiet $N
dh_server_start $N || fail "server start"

{ echo '#!/bin/sh'; dh_event_hook; cat <<SH; } >"$DH_TMP/script"
case \$reason in
PREINIT6)
	ip link set dev "\$interface" up
	# as dhclient-script: wait for the link-local address to leave DAD
	for i in \$(seq 50); do ip -6 addr show dev "\$interface" scope link tentative | grep -q . || break; sleep 0.1; done ;;
BOUND6|RENEW6|REBIND6|REBOOT6)
	ip -6 addr replace "\$new_ip6_address/\$new_ip6_prefixlen" dev "\$interface" scope global \
		valid_lft "\$new_max_life" preferred_lft "\$new_preferred_life"
	{ for s in \$new_dhcp6_name_servers; do echo "nameserver \$s"; done
	  echo "search \$new_dhcp6_domain_search"; } >"$DH_TMP/resolv.conf" ;;
esac
exit 0
SH
chmod 755 "$DH_TMP" "$DH_TMP/script"
printf 'request dhcp6.name-servers, dhcp6.domain-search;\n' >"$DH_TMP/dhclient6.conf"
run_client() {
	in_vm $N timeout 60 dhclient -6 -1 -v -cf "$DH_TMP/dhclient6.conf" -lf "$DH_TMP/lease6" \
		-pf "$DH_TMP/pid" -sf "$DH_TMP/script" "$VMIF" >"$DH_TMP/dhclient.$1" 2>&1 ||
		{ cat "$DH_TMP/dhclient.$1"; fail "dhclient -6 ($1) failed"; }
}
run_client first
B=$(first_file "$DH_TMP"/ev.*.BOUND6)
[ -n "$B" ] || { cat "$DH_TMP/dhclient.first"; fail "dhclient got no lease"; }
e() { sed -n "s/^$1=//p" "$2" | tr -d "'"; }
check_eq "ip6 address" "$(e new_ip6_address "$B")" "$POD_IP6"
check_eq "dns" "$(e new_dhcp6_name_servers "$B")" "fd00::10"
check_eq "search" "$(e new_dhcp6_domain_search "$B")" "default.svc.cluster.local. svc.cluster.local. cluster.local."
grep -q 'nameserver fd00::10' "$DH_TMP/resolv.conf" || fail "DNS not applied"
grep -q 'Advertise\|ADVERTISE' "$DH_TMP/dhclient.first" || fail "no Advertise seen by dhclient"
# The kernel took the RA: default route through the node's link-local address.
wait_until 30 output_matches via in_vm $N ip -6 route show default
check_eq "default route (kernel RA)" "$(in_vm $N ip -6 route show default | awk '{print $3; exit}')" "$NODE_LL"
check_eq "RA MTU applied" "$(in_vm $N cat /proc/sys/net/ipv6/conf/"$VMIF"/mtu)" "$POD_MTU"
wait_until 10 no_output in_vm $N ip -6 -o addr show dev "$VMIF" tentative
in_vm $N ip -6 -o addr show dev "$VMIF" | grep "$POD_IP6" | grep -q dadfailed && fail "DAD failed for $POD_IP6"
dh6_check_ping $N

# Restart from the lease file: Confirm, answered Success.
stop_client
run_client confirm
grep -q '"msg":"addresses confirmed"' "$DH_SERVER_LOG" || { cat "$DH_TMP/dhclient.confirm"; fail "no Confirm answered"; }
echo "ok: restart confirmed the lease"

# A lease file for an address the pod does not have: NotOnLink, then a new lease.
stop_client
sed -i "s/$POD_IP6/fd00:10:244:9::99/g" "$DH_TMP/lease6"
rm -f "$DH_TMP"/ev.*
run_client moved
grep -q 'confirm of a foreign address: NotOnLink' "$DH_SERVER_LOG" || { cat "$DH_TMP/dhclient.moved"; fail "no NotOnLink"; }
B=$(first_file "$DH_TMP"/ev.*.BOUND6)
[ -n "$B" ] || { cat "$DH_TMP/dhclient.moved"; fail "no new lease after NotOnLink"; }
check_eq "address after NotOnLink" "$(e new_ip6_address "$B")" "$POD_IP6"
echo "PASS"
