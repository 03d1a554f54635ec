#!/bin/bash
# Routes beyond a plain gateway:
# - RFC 5549, an IPv4 route via an IPv6 next hop (RTA_VIA), single path
#   and as a hop of a multipath route: recorded (gateway_family 6), and
#   setup + teardown (and a rollback from a failed step) give them back
#   exactly;
# - a route through a nexthop object (nhid), whose object the kernel
#   flushes when the pod interface goes down, and a route with
#   encapsulation (lwtunnel "ip"): setup refuses before any change, exit 1
#   with an error naming the route and why, and the namespace (nexthop
#   objects included) is as it was, with no cache left; the masquerade
#   binding, which leaves the pod interface up, takes such a pod and
#   leaves the route and its object as they are.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

nh_snapshot() { in_pod "$1" ip -j nexthop 2>/dev/null | jq -S 'sort? // .'; }

# --- RTA_VIA: restored exactly ---
n=nsV$$
ns_new "$n" ptp-dual 10.244.71.0/24
gw=$(podns_gateway "$n")
node_ll=$(in_node "$n" ip -6 -o addr show to "$(podns_gateway6 "$n")" | awk '{print $2; exit}')
node_ll=$(in_node "$n" ip -6 -o addr show dev "$node_ll" scope link | awk '{split($4, a, "/"); print a[1]; exit}')
[ -n "$node_ll" ] || fail "$n: no node link-local"
in_pod "$n" ip route add 10.96.0.0/12 via inet6 "$node_ll" dev eth0 metric 20 ||
	fail "$n: the kernel refused an RFC 5549 route"
in_pod "$n" ip route add 10.97.0.0/16 table 100 nexthop via inet6 "$node_ll" dev eth0 weight 2 \
	nexthop via "$gw" dev eth0 || fail "$n: multipath with an IPv6 hop"
ns_settle "$n"
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
grep -q "inet6" "$STATE_ROOT/$n.before" || fail "$n: the snapshot does not show the IPv6 next hops"
out=$(in_pod "$n" "$PODLAUNCH" discover 2>"$STATE_ROOT/$n.dlog") || { cat "$STATE_ROOT/$n.dlog"; fail "$n: discover"; }
jq -e --arg ll "$node_ll" '.routes[] | select(.dst == "10.96.0.0" and .gateway == $ll and .gateway_family == 6)' \
	<<<"$out" >/dev/null || fail "$n: discover lacks the RTA_VIA route: $(jq -c .routes <<<"$out")"
pl "$n" setup 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: setup"; }
jq -e --arg ll "$node_ll" '[.pod.routes[] | select(.table == 100) | .nexthops[] |
	select(.gateway == $ll and .gateway_family == 6)] | length == 1' "$(pl_cache "$n")" >/dev/null ||
	fail "$n: the cache lacks the multipath IPv6 hop"
[ -z "$(in_pod "$n" ip -4 route show table main 10.96.0.0/12)$(in_pod "$n" ip -4 route show table 100)" ] ||
	fail "$n: the RTA_VIA routes are still there during the binding"
pl "$n" teardown 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: teardown"; }
expect_same "$n" "$STATE_ROOT/$n.before" "$n RTA_VIA round trip"
echo "ok $n: IPv4 routes via an IPv6 next hop (single, multipath hop) restored exactly"
# and by the rollback of a setup failing at its last step
last=$(pl "$n" setup 2>/dev/null && jq -r '.undo[-1].step' "$(pl_cache "$n")")
pl "$n" teardown 2>/dev/null || fail "$n: teardown"
[ -n "$last" ] || fail "$n: no journal"
PODLAUNCH_FAULT_STEP=$last pl "$n" setup 2>"$STATE_ROOT/$n.flog"
[ $? = 1 ] || { cat "$STATE_ROOT/$n.flog"; fail "$n: fault at $last did not fail"; }
expect_same "$n" "$STATE_ROOT/$n.before" "$n RTA_VIA rollback from $last"
echo "ok $n: rollback from $last restores them too"

# --- nexthop objects and encapsulation: refused, nothing changed ---
refused() {
	local n=$1 what=$2 want=$3 rc
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"
	nh_snapshot "$n" >"$STATE_ROOT/$n.nh"
	pl "$n" setup 2>"$STATE_ROOT/$n.log"
	rc=$?
	[ "$rc" = 1 ] || { cat "$STATE_ROOT/$n.log"; fail "$n: $what: setup exit $rc, want 1"; }
	jq -e -s --arg w "$want" 'any(.[]; .level == "error" and .step == "discover" and (.error | contains($w)))' \
		"$STATE_ROOT/$n.log" >/dev/null 2>&1 ||
		{ cat "$STATE_ROOT/$n.log"; fail "$n: $what: no error naming the route ($want)"; }
	[ ! -e "$(pl_cache "$n")" ] || fail "$n: $what: a cache was left"
	expect_same "$n" "$STATE_ROOT/$n.before" "$n $what refusal"
	[ "$(nh_snapshot "$n")" = "$(cat "$STATE_ROOT/$n.nh")" ] || fail "$n: $what: nexthop objects changed"
	# discover says the same, and fails
	in_pod "$n" "$PODLAUNCH" discover >/dev/null 2>"$STATE_ROOT/$n.dlog" && fail "$n: $what: discover succeeded"
	grep -q "$want" "$STATE_ROOT/$n.dlog" || { cat "$STATE_ROOT/$n.dlog"; fail "$n: $what: discover's error"; }
	echo "ok $n: $what refused before any change: $(jq -r 'select(.level == "error") | .error' "$STATE_ROOT/$n.log")"
}

n=nsN$$
ns_new "$n" ptp 10.244.72.0/24
gw=$(podns_gateway "$n")
in_pod "$n" ip nexthop add id 7 via "$gw" dev eth0 || fail "$n: ip nexthop add"
in_pod "$n" ip route add 10.98.0.0/16 nhid 7 || fail "$n: route nhid 7"
refused "$n" "nexthop object" "route 10.98.0.0/16 table 254 uses nexthop object 7"
# The masquerade binding never takes the pod interface down: no refusal,
# the route and its nexthop object stay, said in the log.
pl "$n" setup --binding masquerade 2>"$STATE_ROOT/$n.mlog" || { cat "$STATE_ROOT/$n.mlog"; fail "$n: masquerade setup"; }
grep -q '"routes the masquerade binding leaves alone are not recorded".*nexthop object 7' "$STATE_ROOT/$n.mlog" ||
	{ cat "$STATE_ROOT/$n.mlog"; fail "$n: masquerade: no log line for the nhid route"; }
in_pod "$n" ip route show 10.98.0.0/16 | grep -q "nhid 7" || fail "$n: masquerade: the nhid route is gone"
pl "$n" teardown 2>"$STATE_ROOT/$n.mlog" || { cat "$STATE_ROOT/$n.mlog"; fail "$n: masquerade teardown"; }
expect_same "$n" "$STATE_ROOT/$n.before" "$n masquerade round trip with an nhid route"
[ "$(nh_snapshot "$n")" = "$(cat "$STATE_ROOT/$n.nh")" ] || fail "$n: masquerade: nexthop objects changed"
echo "ok $n: the masquerade binding keeps the nhid route and its object"
# (what refusing saves: the kernel flushes the object with the link going down)
in_pod "$n" ip link set eth0 down
[ -z "$(in_pod "$n" ip nexthop show id 7 2>/dev/null)" ] ||
	echo "NOTE: this kernel kept nexthop 7 across link down"
in_pod "$n" ip link set eth0 up

n=nsE$$
ns_new "$n" ptp 10.244.73.0/24
if in_pod "$n" ip route add 10.99.0.0/16 encap ip id 5 dst 10.9.0.9 dev eth0 2>"$STATE_ROOT/encap.err"; then
	refused "$n" "encapsulation" "route 10.99.0.0/16 table 254 uses encap"
else
	echo "NOTE: no lwtunnel ip encapsulation on this kernel ($(cat "$STATE_ROOT/encap.err")): encap refusal not checked here (tests/unit/netsetup/test_restore.c checks it)"
fi
echo "PASS"
