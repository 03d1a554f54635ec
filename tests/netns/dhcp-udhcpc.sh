#!/bin/bash
# busybox udhcpc in the "VM" namespace gets the complete pod lease through
# the bridge binding, applies it, pings the gateway beyond the pod's veth,
# and renews to the same address.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
if command -v udhcpc >/dev/null; then UDHCPC=(udhcpc); else UDHCPC=(busybox udhcpc); fi
N=dh$$
DH_TMP=$(mktemp -d /tmp/dh-udhcpc.XXXXXX)
trap 'dh_cleanup $N' EXIT
dh_topology $N || fail "topology"
# A user option (--dhcp-option): NTP server 10.0.0.5.
dh_server_start $N --dhcp-option 42:0a000005 || fail "server start"

# The script records each event's environment and applies bound/renew.
cat >"$DH_TMP/script" <<'SH'
#!/bin/sh
# The event is recorded after the lease is applied: the test reads the
# interface as soon as the record appears.
ev=$1
env | sort >"$OUT/$ev.tmp"
case $ev in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
	set -- $staticroutes
	while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface" onlink 2>/dev/null ||
		ip route replace "$1" dev "$interface"; shift 2; done
	;;
esac
mv "$OUT/$ev.tmp" "$OUT/$ev.env"
SH
sed -i "s|\$OUT|$DH_TMP|g" "$DH_TMP/script"
chmod +x "$DH_TMP/script"

in_vm "$N" "${UDHCPC[@]}" -i vm0 -f -t 5 -T 1 -A 1 -s "$DH_TMP/script" -p "$DH_TMP/udhcpc.pid" \
	-O 121 -O 119 -O 26 >"$DH_TMP/udhcpc.out" 2>&1 &
CLIENT=$!
wait_until 30 test -f "$DH_TMP/bound.env"
[ -f "$DH_TMP/bound.env" ] || { cat "$DH_TMP/udhcpc.out"; fail "udhcpc got no lease"; }
e() { sed -n "s/^$1=//p" "$DH_TMP/$2.env"; }
check_eq "ip" "$(e ip bound)" "$POD_IP"
check_eq "mask" "$(e mask bound)" "$POD_PREFIX"
check_eq "router" "$(e router bound)" "$POD_GW"
check_eq "serverid" "$(e serverid bound)" "$DH_SERVER_ID"
check_eq "mtu" "$(e mtu bound)" "$POD_MTU"
check_eq "dns" "$(e dns bound)" "10.96.0.10 10.96.0.11"
check_eq "domain" "$(e domain bound)" "default.svc.cluster.local"
check_eq "search" "$(e search bound)" "default.svc.cluster.local svc.cluster.local cluster.local"
check_eq "hostname" "$(e hostname bound)" "$POD_HOSTNAME"
check_eq "lease" "$(e lease bound)" "4294967295"
check_eq "ntpsrv (--dhcp-option 42)" "$(e ntpsrv bound)" "10.0.0.5"
# Every pod route, the default one last (RFC 3442, KubeVirt #1434).
check_eq "staticroutes" "$(e staticroutes bound)" \
	"$DH_SERVER_ID/32 0.0.0.0 10.244.1.0/24 $POD_GW $POD_GW/32 0.0.0.0 0.0.0.0/0 $POD_GW"

check_eq "vm0 address" "$(in_vm $N ip -4 -o addr show dev vm0 | awk '{print $4}')" "$POD_IP/$POD_PREFIX"
check_eq "vm0 mtu" "$(in_vm $N cat /sys/class/net/vm0/mtu)" "$POD_MTU"
in_vm $N ip route show | grep -q "^default via $POD_GW" || fail "no default route: $(in_vm $N ip route)"
in_vm $N ping -c 2 -W 2 "$POD_GW" >/dev/null || fail "cannot ping the gateway $POD_GW through the bridge"
echo "ok: ping $POD_GW"

# The renewal's source is the pod IP, which the placeholder keeps: only
# the bridge's own accept_local (set by netsetup over rtnetlink, not
# through /proc/sys) lets it in; the namespace-wide value stays 0.
check_eq "k6t-eth0 accept_local" "$(in_pod $N cat /proc/sys/net/ipv4/conf/k6t-eth0/accept_local)" 1
check_eq "all accept_local" "$(in_pod $N cat /proc/sys/net/ipv4/conf/all/accept_local)" 0
grep -q accept_local "$DH_SERVER_LOG" && fail "server warned about accept_local"

# Renew (SIGUSR1): unicast to the server identifier, same address back.
kill -USR1 "$(cat "$DH_TMP/udhcpc.pid")"
wait_until 30 test -f "$DH_TMP/renew.env"
[ -f "$DH_TMP/renew.env" ] || { cat "$DH_TMP/udhcpc.out"; fail "no renewal"; }
check_eq "renewed ip" "$(e ip renew)" "$POD_IP"

# Control: with the bridge's accept_local at 0 the same renewal is dropped
# as a martian before it reaches the server.
acks() {
	dh_signal USR1 "$DH_COUNTERS" || fail "SIGUSR1"
	grep '"counters"' "$DH_SERVER_LOG" | tail -n 1 | jq .acks
}
acks0=$(acks)
echo 0 | in_pod $N tee /proc/sys/net/ipv4/conf/k6t-eth0/accept_local >/dev/null
rm -f "$DH_TMP/renew.env"
kill -USR1 "$(cat "$DH_TMP/udhcpc.pid")"
sleep 2
# The client stops here: after its unicast renewals fail it would fall
# back to a broadcast DISCOVER, which rightly gets an answer.
kill "$(cat "$DH_TMP/udhcpc.pid")" "$CLIENT" 2>/dev/null; wait "$CLIENT" 2>/dev/null
[ -f "$DH_TMP/renew.env" ] && fail "control: renewed with accept_local=0 on the bridge"
check_eq "control: acks with accept_local=0" "$(acks)" "$acks0"

dh_signal USR1 "$DH_COUNTERS" || fail "SIGUSR1"
grep '"counters"' "$DH_SERVER_LOG" | grep -q '"acks":[2-9]' || fail "server counters: $(grep counters "$DH_SERVER_LOG")"
grep -q 'Bad_Domain' "$DH_SERVER_LOG" || fail "the invalid search domain was not reported"
echo "PASS"
