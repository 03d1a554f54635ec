#!/bin/bash
# The cache says "done" but the namespace disagrees: a recreated namespace
# (state dir survived) sets the cache aside as .stale and binds afresh; a
# binding missing a piece is rolled back and redone; concurrent setups
# serialise on the cache lock.
set -u
# shellcheck source=tests/ns/lib-netsetup.sh
. "$(dirname "$0")/lib-netsetup.sh"
ns_require

# 1. Recreated namespace: the same state dir, a new pod namespace.
a=nsX$$a b=nsX$$b
ns_new "$a" ptp 10.244.5.0/24
ns_new "$b" ptp 10.244.6.0/24
ns_snapshot "$a" >"$STATE_ROOT/$a.before"
ns_snapshot "$b" >"$STATE_ROOT/$b.before"
dir=$STATE_ROOT/shared
in_pod "$a" "$PODLAUNCH" setup --state-dir "$dir" 2>/dev/null || fail "setup in $a"
in_pod "$b" "$PODLAUNCH" setup --state-dir "$dir" 2>"$STATE_ROOT/b.log" || { cat "$STATE_ROOT/b.log"; fail "setup in $b"; }
grep -q 'not in this network namespace' "$STATE_ROOT/b.log" || fail "recreated namespace not detected"
[ -f "$dir/eth0.json.stale" ] || fail "stale cache not kept"
[ "$(jq -r '.pod.ipv4[0].address' "$dir/eth0.json")" = "$(jq -r '.pod.ipv4[0].address' "$dir/eth0.json.stale")" ] &&
	fail "new cache kept the old pod's address"
addr_json "$b" k6t-eth0 | jq -e '.linkinfo.info_kind == "bridge"' >/dev/null || fail "$b not bound"
in_pod "$b" "$PODLAUNCH" teardown --state-dir "$dir" 2>/dev/null || fail "teardown in $b"
expect_same "$b" "$STATE_ROOT/$b.before" "teardown of the new namespace"
mv "$dir/eth0.json.stale" "$dir/eth0.json"
in_pod "$a" "$PODLAUNCH" teardown --state-dir "$dir" 2>/dev/null || fail "teardown in $a"
expect_same "$a" "$STATE_ROOT/$a.before" "teardown of the old namespace"
echo "ok recreated namespace"

# 2. A piece removed behind our back (the tap): rolled back and redone.
n=nsX$$c
ns_new "$n" bridge
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
pl "$n" setup 2>/dev/null || fail "setup"
in_pod "$n" ip link del tap0
pl "$n" setup 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "setup over a partial binding"; }
grep -q 'only partly in place' "$STATE_ROOT/$n.log" || fail "partial binding not detected"
link_json "$n" tap0 | jq -e '.master == "k6t-eth0"' >/dev/null || fail "tap not restored"
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after the repair"
echo "ok partial binding repaired"

# 3. Concurrent setups serialise: one binds, the other finds it done.
pl "$n" setup 2>"$STATE_ROOT/c1.log" & p1=$!
pl "$n" setup 2>"$STATE_ROOT/c2.log" & p2=$!
wait "$p1" || { cat "$STATE_ROOT/c1.log"; fail "concurrent setup 1"; }
wait "$p2" || { cat "$STATE_ROOT/c2.log"; fail "concurrent setup 2"; }
[ "$(cat "$STATE_ROOT"/c[12].log | grep -c 'bridge binding in place')" = 1 ] || fail "not exactly one setup bound"
[ "$(cat "$STATE_ROOT"/c[12].log | grep -c 'nothing to do')" = 1 ] || fail "the other setup did not find it done"
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after concurrent setups"
echo "ok concurrent setups"
echo PASS
