#!/bin/bash
# An IPv6-only pod (the dual-stack ptp pod with its IPv4 address removed
# before setup) is not L2-only: `podlaunch dhcp` serves it over IPv6 only,
# holding no capability once its sockets are open; dhclient -6 gets the pod
# address; from a foreign MAC it gets nothing (dropped and counted);
# --no-dhcp6 leaves nothing to serve (exit 0); without CAP_NET_RAW it fails,
# while a dual-stack pod keeps DHCPv4.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
. tests/lib/dhcp6.sh
dh_require
command -v dhclient >/dev/null || skip "dhclient (isc-dhcp-client) not installed"
N=s6$$
DH_TMP=$(mktemp -d /tmp/dh6-server.XXXXXX)
trap 'dh_cleanup $N' EXIT
dh6_pod $N || fail "pod"
in_pod $N ip -4 addr flush dev eth0
dh_setup_binding $N || fail "setup"
check_eq "cache l2_only" "$(jq .binding.l2_only "$STATE_DIR/eth0.json")" false
dh_vm $N || fail "vm"
dh6_check_pod_quiet $N
dh_server_start $N || fail "server start"
grep '"msg":"serving"' "$DH_SERVER_LOG" | jq -e '.dhcp4 == false and .dhcp6 == true' >/dev/null ||
	fail "not serving IPv6 only: $(grep '"msg":"serving"' "$DH_SERVER_LOG")"
st=/proc/$DH_SERVER_PID/status
check_eq "CapEff" "$(awk '/^CapEff/ {print $2}' $st)" "0000000000000000"
check_eq "CapPrm" "$(awk '/^CapPrm/ {print $2}' $st)" "0000000000000000"
check_eq "NoNewPrivs" "$(awk '/^NoNewPrivs/ {print $2}' $st)" "1"

cat >"$DH_TMP/script" <<SH
#!/bin/sh
# PREINIT6 as dhclient-script: wait for the link-local address to leave DAD.
[ "\$reason" = PREINIT6 ] && for i in \$(seq 50); do
	ip -6 addr show dev "\$interface" scope link tentative | grep -q . || break; sleep 0.1; done
[ "\$reason" = BOUND6 ] && env | sort >"$DH_TMP/lease.env"
exit 0
SH
chmod 755 "$DH_TMP" "$DH_TMP/script"
client() {
	rm -f "$DH_TMP/lease.env" "$DH_TMP/lease6"
	in_vm $N timeout "$1" dhclient -6 -1 -v -lf "$DH_TMP/lease6" -pf "$DH_TMP/pid" \
		-sf "$DH_TMP/script" "$VMIF" >"$DH_TMP/dhclient.out" 2>&1
	[ -f "$DH_TMP/pid" ] && kill "$(cat "$DH_TMP/pid")" 2>/dev/null
	rm -f "$DH_TMP/pid"
}
client 60
[ -f "$DH_TMP/lease.env" ] || { cat "$DH_TMP/dhclient.out"; fail "no DHCPv6 lease on an IPv6-only pod"; }
check_eq "ip6 address" "$(sed -n "s/^new_ip6_address=//p" "$DH_TMP/lease.env" | tr -d "'")" "$POD_IP6"

# The same client from another MAC: not the guest, no answer.
in_vm $N ip link set "$VMIF" address 02:00:00:00:00:42
client 8
[ -f "$DH_TMP/lease.env" ] && fail "a foreign MAC got a lease"
dh_signal USR1 "$DH_COUNTERS" || fail "no counters"
grep '"component":"dhcp6".*"msg":"counters"' "$DH_SERVER_LOG" | tail -1 |
	jq -e '.dropped.foreign_mac >= 1' >/dev/null || fail "foreign MAC not counted"
echo "ok: foreign MAC dropped and counted"

kill "$DH_SERVER_PID"; wait "$DH_SERVER_PID" 2>/dev/null; DH_SERVER_PID=
in_pod $N "$PODLAUNCH" dhcp --state-dir "$STATE_DIR" --no-dhcp6 2>"$DH_TMP/err" ||
	fail "--no-dhcp6 on an IPv6-only pod: exit $?"
grep -q 'nothing to serve' "$DH_TMP/err" || fail "--no-dhcp6: no 'nothing to serve' line"
echo "ok: --no-dhcp6 leaves nothing to serve"

# Without CAP_NET_RAW there is no IPv6 side: an IPv6-only pod fails (exit
# 1, the step named); a dual-stack one (the same cache with an IPv4
# address added) keeps DHCPv4 and says IPv6 is not served.
nopriv() {
	in_pod $N capsh --drop=cap_net_raw -- -c "exec timeout -s TERM 3 $PODLAUNCH dhcp --state-dir $1" \
		2>"$DH_TMP/nopriv.log"
}
nopriv "$STATE_DIR" && fail "IPv6-only pod without CAP_NET_RAW: exit 0"
grep -q '"msg":"cannot open the IPv6 sockets".*CAP_NET_RAW' "$DH_TMP/nopriv.log" ||
	fail "no error naming the packet socket: $(cat "$DH_TMP/nopriv.log")"
mkdir -p "$DH_TMP/ds"
jq '.pod.ipv4 = [{"address": "10.244.2.2", "prefix": 24}]' "$STATE_DIR/eth0.json" >"$DH_TMP/ds/eth0.json"
nopriv "$DH_TMP/ds"
grep -q '"msg":"IPv6 NOT served' "$DH_TMP/nopriv.log" || fail "no 'IPv6 NOT served' warning: $(cat "$DH_TMP/nopriv.log")"
grep '"msg":"serving"' "$DH_TMP/nopriv.log" | jq -e '.dhcp4 == true and .dhcp6 == false' >/dev/null ||
	fail "dual-stack without CAP_NET_RAW does not serve DHCPv4 alone: $(cat "$DH_TMP/nopriv.log")"
echo "ok: without CAP_NET_RAW: IPv6-only fails, dual-stack keeps DHCPv4"
echo "PASS"
