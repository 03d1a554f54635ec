#!/bin/bash
# podlaunch discover in CNI ptp and bridge pods prints the interface, its
# addresses, its main-table routes (both families), DNS and the hostname.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

resolv=$STATE_ROOT/resolv.conf
mkdir -p "$STATE_ROOT"
cat >"$resolv" <<'R'
# written by the test
search Default.SVC.cluster.local svc.cluster.local bad_domain.example cluster.local
nameserver 10.96.0.10
;nameserver 10.96.0.11
nameserver fd00::10
options ndots:5 edns0
R

for kind in ptp bridge; do
	n=nsD$$$kind
	ns_new "$n" "$kind" 10.22.3.0/24
	in_pod "$n" ip -6 addr add fd00:22::5/64 dev eth0 nodad
	in_pod "$n" ip -6 route add fd00:99::/64 via fd00:22::1 dev eth0 metric 7
	ip=$(podns_ip "$n")
	gw=$(podns_gateway "$n")
	link=$(link_json "$n" eth0)
	out=$(in_pod "$n" "$PODLAUNCH" discover --resolv-conf "$resolv" 2>"$STATE_ROOT/$n.log") ||
		{ cat "$STATE_ROOT/$n.log"; fail "$kind: discover failed"; }
	echo "$out" >"$STATE_ROOT/$n.json"
	q() { jq -c "$1" <<<"$out"; }

	[ "$(q .iface)" = '"eth0"' ] || fail "$kind: iface"
	[ "$(q .ifindex)" = "$(jq .ifindex <<<"$link")" ] || fail "$kind: ifindex"
	[ "$(q .mac)" = "$(jq -c .address <<<"$link")" ] || fail "$kind: mac"
	[ "$(q .mtu)" = 1500 ] || fail "$kind: mtu"
	[ "$(q '[.ipv4[] | "\(.address)/\(.prefix)"]')" = "[\"$ip/24\"]" ] || fail "$kind: ipv4 $(q .ipv4)"
	q '.ipv6[] | select(.address == "fd00:22::5" and .prefix == 64 and .scope == "global")' | grep -q . ||
		fail "$kind: ipv6 $(q .ipv6)"
	q '.ipv6[] | select(.scope == "link")' | grep -q fe80 || fail "$kind: no link-local"

	# The routes are exactly `ip route` for eth0 in the main table, both families.
	want=$( (in_pod "$n" ip -j route show dev eth0; in_pod "$n" ip -6 -j route show dev eth0 table main) |
		jq -s 'add | length')
	[ "$(q '.routes | length')" = "$want" ] || fail "$kind: $(q '.routes | length') routes, want $want"
	q ".routes[] | select(.family == 4 and .dst == \"0.0.0.0\" and .prefix == 0 and .gateway == \"$gw\")" |
		grep -q . || fail "$kind: default route $(q .routes)"
	q '.routes[] | select(.family == 6 and .dst == "fd00:99::" and .gateway == "fd00:22::1" and .metric == 7)' |
		grep -q . || fail "$kind: IPv6 route"
	if [ "$kind" = ptp ]; then
		# kindnet's shape: SUBNET via GW and the on-link host route to GW.
		q ".routes[] | select(.dst == \"10.22.3.0\" and .prefix == 24 and .gateway == \"$gw\")" | grep -q . ||
			fail "ptp: subnet route"
		q ".routes[] | select(.dst == \"$gw\" and .prefix == 32 and .gateway == null and .scope == \"link\")" |
			grep -q . || fail "ptp: on-link gateway route"
	else
		q '.routes[] | select(.dst == "10.22.3.0" and .prefix == 24 and .gateway == null and .protocol == "kernel" and .scope == "link")' |
			grep -q . || fail "bridge: kernel subnet route"
	fi

	[ "$(q .dns.nameservers)" = '["10.96.0.10","fd00::10"]' ] || fail "$kind: nameservers $(q .dns)"
	[ "$(q .dns.search)" = '["default.svc.cluster.local","svc.cluster.local","cluster.local"]' ] ||
		fail "$kind: search $(q .dns.search)"
	grep -q bad_domain "$STATE_ROOT/$n.log" || fail "$kind: dropped domain not logged"
	[ "$(q .dns.options)" = '["ndots:5","edns0"]' ] || fail "$kind: options"
	[ "$(q .hostname)" = "\"$(in_pod "$n" hostname)\"" ] || fail "$kind: hostname"
	echo "ok $kind discover"
done

# Every attribute a restore needs: route metrics, IPv6 pref, other tables,
# address labels, lifetimes and flags (the ptp-metric shape, tests/lib/podns.sh).
n=nsD$$m
ns_new "$n" ptp-metric 10.22.4.0/24
out=$(in_pod "$n" "$PODLAUNCH" discover 2>"$STATE_ROOT/$n.log") || { cat "$STATE_ROOT/$n.log"; fail "ptp-metric: discover failed"; }
q() { jq -c "$1" <<<"$out"; }
q '.routes[] | select(.family == 4 and .prefix == 0 and .table == 254 and .protocol == "static"
	and .metrics == {"mtu": 1450, "advmss": 1410, "initcwnd": 10})' | grep -q . || fail "ptp-metric: IPv4 default metrics $(q .routes)"
q '.routes[] | select(.family == 4 and .prefix == 0 and .table == 100)' | grep -q . || fail "ptp-metric: table 100"
q '.routes[] | select(.dst == "10.96.0.0" and .metric == 100 and .src == "10.22.4.2" and .metrics.window == 65535 and .metrics.quickack == 1)' |
	grep -q . || fail "ptp-metric: service route"
q '.routes[] | select(.family == 6 and .prefix == 0 and .pref == "high" and .metrics == {"mtu": 1400, "hoplimit": 63})' |
	grep -q . || fail "ptp-metric: IPv6 default"
q '[.routes[] | select(.table == 255)] | length == 0' | grep -q true || fail "ptp-metric: local table recorded"
q '.ipv4[] | select(.address == "10.250.4.7" and .label == "eth0:svc")' | grep -q . || fail "ptp-metric: label $(q .ipv4)"
q '.ipv6[] | select(.address == "fd00:10:244:4::100" and .valid_lft <= 86400 and .valid_lft > 86000
	and .preferred_lft <= 43200 and .lft_at > 0 and (.flags | . % 1024 >= 512))' | grep -q . ||
	fail "ptp-metric: IPv6 lifetimes/noprefixroute $(q .ipv6)"
q '.ipv6[] | select(.scope == "link" and .proto == 3)' | grep -q . || fail "ptp-metric: kernel link-local proto $(q .ipv6)"
echo "ok ptp-metric discover: metrics, pref, tables, label, lifetimes"

in_pod "$n" "$PODLAUNCH" discover --iface nosuch0 2>"$STATE_ROOT/err.log" >/dev/null
[ $? = 1 ] || fail "discover of a missing interface should exit 1"
grep -q '"step":"discover"' "$STATE_ROOT/err.log" || fail "missing interface: no step in the log"
echo PASS
