#!/bin/bash
# The cache says "done" but the namespace disagrees: a recreated namespace
# (state dir survived) sets the cache aside as .stale and binds afresh; a
# binding missing a piece is rolled back and redone; concurrent setups
# serialise on the cache lock.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

# 1. Recreated namespace: the same state dir, a new pod namespace.
a=nsX$$a b=nsX$$b
ns_new "$a" ptp 10.244.5.0/24
ns_new "$b" ptp-dual 10.244.6.0/24
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

# 2b. Everything of ours gone and eth0 back without its address (as a
# teardown killed halfway could leave it): not a new namespace, since the
# pod IP would be lost; the binding is rebuilt from the cache.
pl "$n" setup 2>/dev/null || fail "setup"
ip=$(jq -r '.pod.ipv4[0].address' "$(pl_cache "$n")")
mac=$(jq -r '.pod.mac' "$(pl_cache "$n")")
for l in eth0 tap0 k6t-eth0; do in_pod "$n" ip link del "$l"; done
in_pod "$n" ip link set eth0-nic down
in_pod "$n" ip link set eth0-nic name eth0 address "$mac"
in_pod "$n" ip link set eth0 up
pl "$n" setup 2>"$STATE_ROOT/$n.log3" || { cat "$STATE_ROOT/$n.log3"; fail "setup over a stripped binding"; }
grep -q 'only partly in place' "$STATE_ROOT/$n.log3" || fail "stripped binding taken for a new namespace"
[ ! -e "$(pl_cache "$n").stale" ] || fail "cache set aside although the pod IP would be lost"
addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
	fail "pod IP not back on the placeholder"
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after the rebuild"
echo "ok stripped binding rebuilt from the cache"

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
