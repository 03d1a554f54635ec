#!/bin/bash
# ISC dhclient in the "VM" namespace: starts in INIT-REBOOT with a stale
# lease for a wrong address, gets a NAK, then the complete pod lease through
# the bridge binding; pings the gateway; renews at T1 to the same address.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
command -v dhclient >/dev/null || skip "dhclient (isc-dhcp-client) not installed"
N=dh$$
DH_TMP=$(mktemp -d /tmp/dh-dhclient.XXXXXX)
trap 'dh_cleanup $N' EXIT
dh_topology $N || fail "topology"
# A short lease so that the renewal (T1 = lease/2, RFC 2131 4.4.5) comes soon.
dh_server_start $N --lease-time 16 || fail "server start"

cat >"$DH_TMP/dhclient.conf" <<'CONF'
option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers,
	domain-search, host-name, interface-mtu, rfc3442-classless-static-routes;
CONF
# A stale lease for an address this pod does not have: INIT-REBOOT.
cat >"$DH_TMP/leases" <<'LEASE'
lease {
  interface "vm0";
  fixed-address 10.244.1.99;
  option subnet-mask 255.255.255.0;
  option dhcp-server-identifier 169.254.75.10;
  renew 6 2037/12/31 00:00:00;
  rebind 6 2037/12/31 00:00:00;
  expire 6 2037/12/31 00:00:00;
}
LEASE
cat >"$DH_TMP/script" <<SH
#!/bin/sh
# The event is recorded after the lease is applied: the test reads the
# interface as soon as the record appears.
ev=\$(ls $DH_TMP/ev.* 2>/dev/null | wc -l)
case \$reason in
BOUND|RENEW|REBOOT)
	ip addr flush dev "\$interface"
	ip addr add "\$new_ip_address/\$new_subnet_mask" dev "\$interface"
	[ -n "\$new_interface_mtu" ] && ip link set dev "\$interface" mtu "\$new_interface_mtu"
	# As Debian's rfc3442-classless-routes hook: apply every 121 route
	# (a client using 121 ignores option 3, RFC 3442).
	set -- \$new_rfc3442_classless_static_routes
	while [ \$# -ge 5 ]; do
		w=\$1; shift; n=\$(( (w + 7) / 8 )); d=""
		for i in 1 2 3 4; do
			if [ \$i -le \$n ]; then d="\$d\$1."; shift; else d="\${d}0."; fi
		done
		gw="\$1.\$2.\$3.\$4"; shift 4
		if [ "\$gw" = 0.0.0.0 ]; then ip route replace "\${d%.}/\$w" dev "\$interface"
		else ip route replace "\${d%.}/\$w" via "\$gw" dev "\$interface"; fi
	done
	;;
esac
env | sort >"$DH_TMP/tmp.\$ev" && mv "$DH_TMP/tmp.\$ev" "$DH_TMP/ev.\$ev.\$reason"
exit 0
SH
chmod +x "$DH_TMP/script"

in_vm $N dhclient -4 -d -v -cf "$DH_TMP/dhclient.conf" -lf "$DH_TMP/leases" \
	-pf "$DH_TMP/dhclient.pid" -sf "$DH_TMP/script" vm0 >"$DH_TMP/dhclient.out" 2>&1 &
CLIENT=$!
bound() { first_file "$DH_TMP"/ev.*.BOUND; }
wait_until 30 has_output bound
[ -n "$(bound)" ] || { cat "$DH_TMP/dhclient.out"; fail "dhclient got no lease"; }
grep -q 'DHCPNAK' "$DH_TMP/dhclient.out" || { cat "$DH_TMP/dhclient.out"; fail "no NAK for the stale address"; }
echo "ok: INIT-REBOOT for 10.244.1.99 was NAKed"
B=$(bound)
e() { sed -n "s/^$1=//p" "$2"; }
check_eq "ip" "$(e new_ip_address "$B")" "$POD_IP"
check_eq "mask" "$(e new_subnet_mask "$B")" "255.255.255.0"
check_eq "routers" "$(e new_routers "$B")" "$POD_GW"
check_eq "server id" "$(e new_dhcp_server_identifier "$B")" "$DH_SERVER_ID"
check_eq "mtu" "$(e new_interface_mtu "$B")" "$POD_MTU"
check_eq "dns" "$(e new_domain_name_servers "$B")" "10.96.0.10 10.96.0.11"
check_eq "search" "$(e new_domain_search "$B")" "default.svc.cluster.local. svc.cluster.local. cluster.local."
check_eq "lease" "$(e new_dhcp_lease_time "$B")" "16"
check_eq "classless routes" "$(e new_rfc3442_classless_static_routes "$B")" \
	"32 169 254 75 10 0 0 0 0 24 10 244 1 10 244 1 1 32 10 244 1 1 0 0 0 0 0 10 244 1 1"
check_eq "vm0 mtu" "$(in_vm $N cat /sys/class/net/vm0/mtu)" "$POD_MTU"
in_vm $N ping -c 2 -W 2 "$POD_GW" >/dev/null || fail "cannot ping the gateway $POD_GW through the bridge"
echo "ok: ping $POD_GW"

renew() { first_file "$DH_TMP"/ev.*.RENEW; }
wait_until 15 has_output renew
[ -n "$(renew)" ] || { cat "$DH_TMP/dhclient.out"; fail "no renewal"; }
check_eq "renewed ip" "$(e new_ip_address "$(renew)")" "$POD_IP"
kill "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null
grep -q 'NAK' "$DH_SERVER_LOG" || fail "server did not log the NAK"
echo "PASS"
