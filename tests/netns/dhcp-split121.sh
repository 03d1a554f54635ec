#!/bin/bash
# Option 121 of 126..255 octets (27 routes) that the options field of a
# 576-octet reply cannot hold whole, because a 100-octet client identifier
# is echoed before it (RFC 6842): the server splits it at a route boundary
# into the file field (overload, RFC 2132 9.3; instances per RFC 3396)
# instead of leaving it out.  udhcpc and dhclient (576 octets, no option
# 57) must get every route.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
command -v dhclient >/dev/null || skip "dhclient (isc-dhcp-client) not installed"
if command -v udhcpc >/dev/null; then UDHCPC=(udhcpc); else UDHCPC=(busybox udhcpc); fi
N=dh$$
DH_TMP=$(mktemp -d /tmp/dh-split121.XXXXXX)
chmod 755 "$DH_TMP"
trap 'dh_cleanup $N' EXIT
dh_topology $N >/dev/null || fail "topology"
EXTRA=()
for i in $(seq 1 24); do EXTRA+=("10.100.$i.0"); done
jq --arg gw "$POD_GW" '.pod.routes += [$ARGS.positional[] |
	{family: 4, dst: ., prefix: 24, gateway: $gw, table: 254}]' \
	"$STATE_DIR/eth0.json" --args "${EXTRA[@]}" >"$STATE_DIR/x" && mv "$STATE_DIR/x" "$STATE_DIR/eth0.json"
dh_server_start $N || fail "server start"
CID=$(printf 'ff%.0s' $(seq 1 100))

# udhcpc: -x 61 replaces its own client identifier.
cat >"$DH_TMP/u" <<SH
#!/bin/sh
[ "\$1" = bound ] && env | sort >"$DH_TMP/u.tmp" && mv "$DH_TMP/u.tmp" "$DH_TMP/u.env"
exit 0
SH
chmod +x "$DH_TMP/u"
in_vm $N "${UDHCPC[@]}" -i vm0 -q -n -t 10 -T 1 -s "$DH_TMP/u" -O 121 -x "0x3d:$CID" \
	>"$DH_TMP/u.out" 2>&1
[ -f "$DH_TMP/u.env" ] || { cat "$DH_TMP/u.out"; fail "udhcpc got no lease"; }
routes=$(sed -n 's/^staticroutes=//p' "$DH_TMP/u.env")
echo "udhcpc staticroutes: $routes"
for d in "${EXTRA[@]}"; do
	case " $routes " in *" $d/24 $POD_GW "*) ;; *) fail "udhcpc: route $d/24 missing";; esac
done
case "$routes" in *" 0.0.0.0/0 $POD_GW") ;; *) fail "udhcpc: default route not last";; esac
echo "ok: udhcpc got all $(( $(wc -w <<<"$routes") / 2 )) routes"

# dhclient
COLONS=$(sed 's/../&:/g; s/:$//' <<<"$CID")
cat >"$DH_TMP/d.conf" <<CONF
option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
send dhcp-client-identifier $COLONS;
request subnet-mask, routers, rfc3442-classless-static-routes;
CONF
cat >"$DH_TMP/d" <<SH
#!/bin/sh
[ "\$reason" = BOUND ] && env | sort >"$DH_TMP/d.tmp" && mv "$DH_TMP/d.tmp" "$DH_TMP/d.env"
exit 0
SH
chmod +x "$DH_TMP/d"
in_vm $N timeout 20 dhclient -4 -1 -cf "$DH_TMP/d.conf" -lf "$DH_TMP/d.leases" -pf "$DH_TMP/d.pid" \
	-sf "$DH_TMP/d" vm0 >/dev/null 2>&1
[ -f "$DH_TMP/d.env" ] || fail "dhclient got no lease"
in_vm $N dhclient -x -pf "$DH_TMP/d.pid" >/dev/null 2>&1
bytes=$(sed -n 's/^new_rfc3442_classless_static_routes=//p' "$DH_TMP/d.env" | tr ',' ' ')
# 1 + 24 + 1 /24 and /32 routes: the server /32 (9), 10.244.1.0/24 (8), the
# gateway /32 (9), 24 extra /24 (8 each), the default (5)
check_eq "dhclient 121 octets" "$(wc -w <<<"$bytes")" "$((9 + 8 + 9 + 24 * 8 + 5))"
case " $bytes" in *" 24 10 100 24 $(tr . ' ' <<<"$POD_GW")"*) ;; *) fail "dhclient: last extra route missing";; esac

dh_signal USR1 "$DH_COUNTERS" || fail "SIGUSR1"
jq -e 'select(.msg == "counters") | select(.overloaded >= 2)' "$DH_SERVER_LOG" >/dev/null ||
	fail "overload was not used: $(grep '"counters"' "$DH_SERVER_LOG")"
if jq -e 'select(.msg | startswith("options left out")) | select(.codes | index(121))' \
	"$DH_SERVER_LOG" >/dev/null; then fail "121 was left out"; fi
echo "ok: 121 split into the file field, none of it left out"
echo "PASS"
