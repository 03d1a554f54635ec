#!/bin/bash
# A search list too long for a 576-octet reply (udhcpc and dhclient accept
# no more): the server splits option 119 (RFC 3396) and moves options into
# the file/sname fields (overload, RFC 2132 9.3); every real client must
# still decode the complete list.  dhcpcd (option 57 = 1472) gets it split
# across instances without overload.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
N=dh$$
VMIF=g$$
DH_TMP=$(mktemp -d /tmp/dh-overload.XXXXXX)
chmod 755 "$DH_TMP"
trap 'in_vm $N dhcpcd -4 -x "$VMIF" >/dev/null 2>&1; dh_cleanup $N' EXIT
dh_topology $N >/dev/null || fail "topology"
SEARCH=()
for i in 1 2 3 4 5 6 7; do SEARCH+=("team$i.apps-namespace-$i.svc.cluster-$i.example.org"); done
jq '.pod.dns.search = $ARGS.positional' "$STATE_DIR/eth0.json" --args "${SEARCH[@]}" >"$STATE_DIR/x" &&
	mv "$STATE_DIR/x" "$STATE_DIR/eth0.json"
want="${SEARCH[*]}"
dh_server_start $N || fail "server start"

# udhcpc
cat >"$DH_TMP/u" <<SH
#!/bin/sh
[ "\$1" = bound ] && env | sort >"$DH_TMP/u.tmp" && mv "$DH_TMP/u.tmp" "$DH_TMP/u.env"
exit 0
SH
chmod +x "$DH_TMP/u"
in_vm $N udhcpc -i "$VMIF" -q -n -t 10 -T 1 -s "$DH_TMP/u" -O 119 >"$DH_TMP/u.out" 2>&1
[ -f "$DH_TMP/u.env" ] || { cat "$DH_TMP/u.out"; fail "udhcpc got no lease"; }
check_eq "udhcpc search" "$(sed -n 's/^search=//p' "$DH_TMP/u.env")" "$want"
check_eq "udhcpc ip" "$(sed -n 's/^ip=//p' "$DH_TMP/u.env")" "$POD_IP"

# dhclient
printf 'request subnet-mask, routers, domain-name-servers, domain-search;\n' >"$DH_TMP/d.conf"
cat >"$DH_TMP/d" <<SH
#!/bin/sh
[ "\$reason" = BOUND ] && env | sort >"$DH_TMP/d.tmp" && mv "$DH_TMP/d.tmp" "$DH_TMP/d.env"
exit 0
SH
chmod +x "$DH_TMP/d"
in_vm $N timeout 20 dhclient -4 -1 -cf "$DH_TMP/d.conf" -lf "$DH_TMP/d.leases" -pf "$DH_TMP/d.pid" \
	-sf "$DH_TMP/d" "$VMIF" >/dev/null 2>&1
[ -f "$DH_TMP/d.env" ] || fail "dhclient got no lease"
in_vm $N dhclient -x -pf "$DH_TMP/d.pid" >/dev/null 2>&1
check_eq "dhclient search" "$(sed -n 's/^new_domain_search=//p' "$DH_TMP/d.env" | sed 's/\. / /g; s/\.$//')" "$want"

# dhcpcd
cat >"$DH_TMP/c" <<SH
#!/bin/sh
[ "\$reason" = BOUND ] && env | sort >"$DH_TMP/c.tmp" && mv "$DH_TMP/c.tmp" "$DH_TMP/c.env"
exit 0
SH
chmod +x "$DH_TMP/c"
printf 'ipv4only\nnoipv4ll\nnoarp\noption domain_search\n' >"$DH_TMP/c.conf"
rm -f "/var/lib/dhcpcd/$VMIF.lease"
in_vm $N timeout 20 dhcpcd -f "$DH_TMP/c.conf" -c "$DH_TMP/c" -1 -4 -t 10 "$VMIF" >/dev/null 2>&1
[ -f "$DH_TMP/c.env" ] || fail "dhcpcd got no lease"
check_eq "dhcpcd search" "$(sed -n 's/^new_domain_search=//p' "$DH_TMP/c.env")" "$want"

dh_signal USR1 "$DH_COUNTERS" || fail "SIGUSR1"
jq -e 'select(.msg == "counters") | select(.options_dropped == 0)' "$DH_SERVER_LOG" >/dev/null ||
	fail "options were dropped"
# udhcpc and dhclient (576 octets) needed the sname/file fields.
jq -e 'select(.msg == "counters") | select(.overloaded >= 2)' "$DH_SERVER_LOG" >/dev/null ||
	fail "overload was not used: $(grep '"counters"' "$DH_SERVER_LOG")"
echo "ok: options overloaded, none dropped"
echo "PASS"
