#!/bin/bash
# dhcpcd in the "VM" namespace (private config and hook script) starts from
# a stale lease for a wrong address (INIT-REBOOT: NAK), then gets the
# complete pod lease through the bridge binding, installs the 121 routes,
# pings the gateway, and renews (dhcpcd -n) to the same address.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
command -v dhcpcd >/dev/null || skip "dhcpcd (dhcpcd-base) not installed"
N=dh$$
VMIF=g$$
DH_TMP=$(mktemp -d /tmp/dh-dhcpcd.XXXXXX)
trap 'dh_dhcpcd_stop 4; dh_cleanup $N' EXIT
dh_topology $N || fail "topology"
dh_server_start $N || fail "server start"

# Its own interface name (VMIF) so no other dhcpcd's lease or socket is reused.
IFN=$VMIF
cat >"$DH_TMP/dhcpcd.conf" <<CONF
ipv4only
noipv4ll
noarp
nohook resolv.conf, hostname, ntp, timesyncd, wpa_supplicant
option classless_static_routes, interface_mtu, domain_name_servers, domain_name, domain_search, host_name
CONF
{ echo '#!/bin/sh'; dh_event_hook; } >"$DH_TMP/hook"
chmod 755 "$DH_TMP" "$DH_TMP/hook"

# A stale lease for an address this pod does not have: dhcpcd starts in
# INIT-REBOOT, must get a NAK, then the right lease.
python3 - "$GUEST_MAC" "/var/lib/dhcpcd/$IFN.lease" <<'PY'
import socket, struct, sys
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
m = bytearray(240)
m[0:4] = b"\x02\x01\x06\x00"
m[4:8] = b"\x11\x22\x33\x44"
m[16:20] = socket.inet_aton("10.244.1.99")
m[28:34] = mac
m[236:240] = b"\x63\x82\x53\x63"
m += bytes([53, 1, 5, 54, 4]) + socket.inet_aton("169.254.75.10")
m += bytes([51, 4, 0xff, 0xff, 0xff, 0xff, 1, 4, 255, 255, 255, 0, 255])
m += bytes(300 - len(m))
open(sys.argv[2], "wb").write(m)
PY
in_vm $N dhcpcd -f "$DH_TMP/dhcpcd.conf" -c "$DH_TMP/hook" -B -4 -t 10 $IFN \
	>"$DH_TMP/dhcpcd.out" 2>&1 &
CLIENT=$!  # dhcpcd stays in the foreground (-B); stopped with -x at exit
bound() { first_file "$DH_TMP"/ev.*.BOUND; }
wait_until 30 has_output bound
[ -n "$(bound)" ] || { cat "$DH_TMP/dhcpcd.out"; fail "dhcpcd got no lease"; }
B=$(bound)
grep -q 'NAK' "$DH_TMP/dhcpcd.out" || { cat "$DH_TMP/dhcpcd.out"; fail "no NAK for the stale lease"; }
grep -q 'INIT-REBOOT for a foreign address: NAK' "$DH_SERVER_LOG" || fail "server did not NAK the INIT-REBOOT"
echo "ok: INIT-REBOOT for 10.244.1.99 was NAKed"
e() { sed -n "s/^$1=//p" "$2"; }
check_eq "ip" "$(e new_ip_address "$B")" "$POD_IP"
check_eq "prefix" "$(e new_subnet_cidr "$B")" "$POD_PREFIX"
check_eq "routers" "$(e new_routers "$B")" "$POD_GW"
check_eq "server id" "$(e new_dhcp_server_identifier "$B")" "$DH_SERVER_ID"
check_eq "mtu" "$(e new_interface_mtu "$B")" "$POD_MTU"
check_eq "dns" "$(e new_domain_name_servers "$B")" "10.96.0.10 10.96.0.11"
check_eq "search" "$(e new_domain_search "$B")" "default.svc.cluster.local svc.cluster.local cluster.local"
check_eq "host name" "$(e new_host_name "$B")" "$POD_HOSTNAME"
check_eq "classless routes" "$(e new_classless_static_routes "$B")" \
	"$DH_SERVER_ID/32 0.0.0.0 10.244.1.0/24 $POD_GW $POD_GW/32 0.0.0.0 0.0.0.0/0 $POD_GW"

# dhcpcd applies the lease itself: address, and every 121 route.
wait_until 30 output_matches '^default' in_vm $N ip -4 route show
check_eq "address" "$(in_vm $N ip -4 -o addr show dev $IFN | awk '{print $4; exit}')" "$POD_IP/$POD_PREFIX"
routes=$(in_vm $N ip -4 route show)
echo "$routes"
echo "$routes" | grep -q "^default via $POD_GW" || fail "no default route"
# dhcpcd makes the route to its own subnet on-link whatever the router.
echo "$routes" | grep -q "^10.244.1.0/24 " || fail "no subnet route"
echo "$routes" | grep -q "^$POD_GW dev $IFN" || fail "no on-link route to the gateway"
echo "$routes" | grep "^default" | grep -q "mtu $POD_MTU" || fail "MTU not applied to the routes"
echo "$routes" | grep -q "^$DH_SERVER_ID dev $IFN" || fail "no on-link route to the server"
in_vm $N ping -c 2 -W 2 "$POD_GW" >/dev/null || fail "cannot ping the gateway $POD_GW through the bridge"
echo "ok: ping $POD_GW"

in_vm $N dhcpcd -f "$DH_TMP/dhcpcd.conf" -4 -n $IFN >"$DH_TMP/rebind.out" 2>&1
renew() { first_file "$DH_TMP"/ev.*.RENEW "$DH_TMP"/ev.*.REBIND "$DH_TMP"/ev.*.REBOOT; }
wait_until 30 has_output renew
[ -n "$(renew)" ] || { cat "$DH_TMP/dhcpcd.out"; ls "$DH_TMP"; cat "$DH_TMP/rebind.out"; fail "no renewal"; }
check_eq "renewed ip" "$(e new_ip_address "$(renew)")" "$POD_IP"
grep -q 'renewed\|acknowledged' "$DH_SERVER_LOG" || fail "server log"
echo "PASS"
