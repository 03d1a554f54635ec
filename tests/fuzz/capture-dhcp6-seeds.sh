#!/bin/bash
# Adds real-client seeds to the IPv6 fuzz corpora: dhcpcd and dhclient -6
# talk to `podlaunch dhcp` in the dual-stack interop topology while every
# DHCPv6 payload and every ND/echo message on the bridge is saved, in each
# fuzzer's input layout (see tests/fuzz/make-dhcp6-seeds.py): client
# messages seed dhcp6_parse and dhcp6_server, the server's replies
# dhcp6_parse, RS/RA/NS/NA/echo messages ndp_parse and dhcp6_server.
# Usage (root): BUILD=build tests/fuzz/capture-dhcp6-seeds.sh
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
. tests/lib/dhcp6.sh
# shellcheck source=tests/fuzz/capture-lib.sh
. tests/fuzz/capture-lib.sh
cap_begin d6s$$ dh6_topology
cap_start v6 90
sleep 1
cat >"$DH_TMP/script" <<SH
#!/bin/sh
[ "\$reason" = PREINIT6 ] && for i in \$(seq 50); do
	ip -6 addr show dev "\$interface" scope link tentative | grep -q . || break; sleep 0.1; done
exit 0
SH
chmod 755 "$DH_TMP/script"
in_vm "$N" timeout 40 dhclient -6 -1 -lf "$DH_TMP/lease6" -pf "$DH_TMP/pid" -sf "$DH_TMP/script" vm0 >/dev/null 2>&1
[ -f "$DH_TMP/pid" ] && kill "$(cat "$DH_TMP/pid")" 2>/dev/null
in_vm "$N" timeout 40 dhclient -6 -1 -lf "$DH_TMP/lease6" -pf "$DH_TMP/pid" -sf "$DH_TMP/script" vm0 >/dev/null 2>&1  # Confirm
[ -f "$DH_TMP/pid" ] && kill "$(cat "$DH_TMP/pid")" 2>/dev/null
in_vm "$N" timeout 40 dhclient -6 -S -1 -lf "$DH_TMP/lease6i" -pf "$DH_TMP/pid" -sf "$DH_TMP/script" vm0 >/dev/null 2>&1  # Information-request
[ -f "$DH_TMP/pid" ] && kill "$(cat "$DH_TMP/pid")" 2>/dev/null
in_vm "$N" ip -6 addr flush dev vm0 scope global
printf 'ipv6only\nnohook resolv.conf, hostname, ntp, timesyncd, wpa_supplicant\n' >"$DH_TMP/dhcpcd.conf"
in_vm "$N" timeout 30 dhcpcd -f "$DH_TMP/dhcpcd.conf" -c "$DH_TMP/script" -1 -6 -t 20 vm0 >/dev/null 2>&1
in_vm "$N" dhcpcd -f "$DH_TMP/dhcpcd.conf" -6 -x vm0 >/dev/null 2>&1
rm -f /var/lib/dhcpcd/vm0.lease6
sleep 1
cap_stop
n=0
for f in "$DH_TMP"/cap/*; do
	b=$(basename "$f"); k=${b##*.}
	[ "$b" = stop ] && continue
	n=$((n + 1))
	case $k in
	req)  cp "$f" "tests/fuzz/corpus/dhcp6_parse/real-$b"
	      { printf '\002\001'; cat "$f"; } >"tests/fuzz/corpus/dhcp6_server/real-$b" ;;
	rep)  cp "$f" "tests/fuzz/corpus/dhcp6_parse/real-$b" ;;
	icmp*) { head -c 1 "$f"; printf '\000'; tail -c +2 "$f"; } >"tests/fuzz/corpus/ndp_parse/real-$b"
	      { printf '\302\003'; tail -c +2 "$f"; } >"tests/fuzz/corpus/dhcp6_server/real-$b" ;;
	esac
done
echo "captured $n packets"
