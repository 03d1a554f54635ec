#!/bin/bash
# dhcpcd (IPv6 only, private config and hook) in the "VM" namespace of a
# dual-stack CNI ptp pod with the bridge binding: it takes the RA (default
# router = the node's link-local address, M flag, MTU, RDNSS/DNSSL),
# gets the pod IPv6 address over DHCPv6 with DNS and search list, and
# ping6 works from the node to the pod address and from the VM to the
# gateway.  The RS/RA counters are checked in the server log.  DH6_KIND=bridge
# (tests/netns/dhcp6-bridge.sh) runs it on a pod of the CNI bridge plugin,
# DH6_KIND=calico or calico-v6 (tests/netns/dhcp6-calico.sh) on Calico's
# /128 with a fe80::1 gateway.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
. tests/lib/dhcp6.sh
dh_require
command -v dhcpcd >/dev/null || skip "dhcpcd (dhcpcd-base) not installed"
N=d6$$
VMIF=h$$
DH_TMP=$(mktemp -d /tmp/dh6-dhcpcd.XXXXXX)
stop_dhcpcd() {
	dh_dhcpcd_stop 6
	rm -f "/var/lib/dhcpcd/$VMIF.lease6" "/var/lib/dhcpcd/$VMIF".*
}
trap 'stop_dhcpcd; dh_cleanup $N' EXIT
dh6_topology $N || fail "topology"
dh6_check_pod_quiet $N
dh_server_start $N || fail "server start"
grep -q '"component":"dhcp6".*"msg":"configuration loaded"' "$DH_SERVER_LOG" || fail "no dhcp6 configuration line"

cat >"$DH_TMP/dhcpcd.conf" <<CONF
ipv6only
noipv6rs
nohook resolv.conf, hostname, ntp, timesyncd, wpa_supplicant
option dhcp6_name_servers, dhcp6_domain_search
CONF
# noipv6rs off again: dhcpcd must solicit the router itself.
sed -i '/noipv6rs/d' "$DH_TMP/dhcpcd.conf"
{ echo '#!/bin/sh'; dh_event_hook; } >"$DH_TMP/hook"
chmod 755 "$DH_TMP" "$DH_TMP/hook"
in_vm $N dhcpcd -f "$DH_TMP/dhcpcd.conf" -c "$DH_TMP/hook" -B -6 -t 20 "$VMIF" \
	>"$DH_TMP/dhcpcd.out" 2>&1 &
CLIENT=$!
bound() { first_file "$DH_TMP"/ev.*.BOUND6 "$DH_TMP"/ev.*.REBOOT6; }
wait_until 30 has_output bound
[ -n "$(bound)" ] || { cat "$DH_TMP/dhcpcd.out"; ls "$DH_TMP"; fail "dhcpcd got no DHCPv6 lease"; }
B=$(bound)
e() { sed -n "s/^$1=//p" "$2"; }
check_eq "ia_na address" "$(e new_dhcp6_ia_na1_ia_addr1 "$B")" "$POD_IP6"
check_eq "dns" "$(e new_dhcp6_name_servers "$B")" "fd00::10"
check_eq "search" "$(e new_dhcp6_domain_search "$B")" "default.svc.cluster.local svc.cluster.local cluster.local"
ra=$(first_file "$DH_TMP"/ev.*.ROUTERADVERT)
[ -n "$ra" ] || fail "dhcpcd saw no router advertisement"
check_eq "RA from the node's link-local" "$(e nd1_from "$ra")" "$NODE_LL"
check_eq "RA MTU" "$(e nd1_mtu "$ra")" "$POD_MTU"
check_eq "RA RDNSS" "$(e nd1_rdnss1_servers "$ra")" "fd00::10"

# Applied: the address, and the default route through the node's link-local.
wait_until 30 output_matches via in_vm $N ip -6 route show default
in_vm $N ip -6 -o addr show dev "$VMIF" scope global | grep -q "$POD_IP6/" ||
	fail "address not applied: $(in_vm $N ip -6 addr show dev "$VMIF")"
check_eq "default route" "$(in_vm $N ip -6 route show default | awk '{print $3; exit}')" "$NODE_LL"
wait_until 10 no_output in_vm $N ip -6 -o addr show dev "$VMIF" tentative
in_vm $N ip -6 -o addr show dev "$VMIF" | grep "$POD_IP6" | grep -q dadfailed && fail "DAD failed for $POD_IP6"
case ${DH6_KIND:-ptp} in
calico*)
	# Calico: the /128 of the pod, and the gateway reached on-link.
	in_vm $N ip -6 -o addr show dev "$VMIF" scope global | grep -q "$POD_IP6/128 " ||
		fail "calico: $POD_IP6 is not a /128 in the VM: $(in_vm $N ip -6 addr show dev "$VMIF")"
	check_eq "default route device" "$(in_vm $N ip -6 route show default | awk '{print $5; exit}')" "$VMIF" ;;
esac
echo "ok: $POD_IP6 applied, DAD passed, default via $NODE_LL"
# The prefix is on-link for the guest only where it was for the pod.
# (a route to it via the router, from a Route Information option, is not on-link)
onlink=$(in_vm $N ip -6 route show fd00:10:244:2::/64 dev "$VMIF" | grep -v " via ")
if [ "${DH6_KIND:-ptp}" = bridge ]; then
	[ -n "$onlink" ] || fail "bridge plugin: the pod prefix is not on-link in the VM"
else
	[ -z "$onlink" ] || fail "ptp: the pod prefix is on-link in the VM: $onlink"
fi
echo "ok: on-link prefix as in the pod (${DH6_KIND:-ptp})"
dh6_check_ping $N

dh_signal USR1 "$DH_COUNTERS" || fail "no counters"
grep '"component":"ra".*"msg":"counters"' "$DH_SERVER_LOG" | tail -1 | jq -e '.rs >= 1 and .ra_sent >= 1 and .router_found' \
	>/dev/null || fail "RA counters: $(grep '"component":"ra"' "$DH_SERVER_LOG" | tail -1)"
echo "PASS"
