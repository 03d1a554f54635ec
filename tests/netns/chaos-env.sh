#!/bin/bash
# A hostile environment around podlaunch: each case must give a clear error
# (exit 1 and a log line naming the step) with the namespace untouched, or a
# correct recovery; never a half-configured namespace.
#   1. read-only state dir (setup; and teardown of a live binding)
#   2. full state dir (ENOSPC on the cache write)
#   3. a stale tap0 / k6t-eth0 left in the pod namespace by someone else
#   4. the pod interface goes down: before setup, in the middle of it, and
#      (with the bridge and the tap) while bound
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/netsetup.sh
. tests/lib/netsetup.sh
ns_require
command -v unshare >/dev/null || skip "unshare missing"

n=hen$$
ns_new "$n" ptp 10.244.60.0/24
ip=$(podns_ip "$n")
mac=$(link_json "$n" eth0 | jq -r .address)
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
log=$STATE_ROOT/log

# in_mnt DIR MOUNT-OPTS CMD...: CMD in the pod namespace with a tmpfs
# mounted at DIR (in a private mount namespace, so nothing outlives it).
in_mnt() {
	local dir=$1 opts=$2; shift 2
	# shellcheck disable=SC2016 # $1.. belong to the inner sh
	unshare -m --propagation private sh -c 'mount -t tmpfs -o "$1" podlaunch-test "$2" && shift 2 && exec "$@"' \
		sh "$opts" "$dir" ip netns exec "$n-pod" "$@"
}

bound_ok() {	# WHAT
	local links
	links=$(in_pod "$n" ip -d -j link)
	jq -e --arg mac "$mac" '
		(map(select(.ifname == "k6t-eth0" and (.flags | index("UP")))) | length == 1) and
		(map(select(.ifname == "eth0-nic" and .master == "k6t-eth0" and (.flags | index("UP")))) | length == 1) and
		(map(select(.ifname == "tap0" and .master == "k6t-eth0")) | length == 1) and
		(map(select(.ifname == "eth0" and .address == $mac)) | length == 1)' <<<"$links" >/dev/null ||
		{ in_pod "$n" ip -br link; fail "$1: binding not in place"; }
	addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
		fail "$1: the placeholder lost the pod IP"
}

expect_fail() {	# RC WHAT REGEX
	[ "$1" = 1 ] || { cat "$log"; fail "$2: exit $1, want 1"; }
	grep -Eq "$3" "$log" || { cat "$log"; fail "$2: no log line matching $3"; }
}

d=$STATE_ROOT/ro
mkdir -p "$d"

# 1a. Read-only state dir: nothing can be journaled, so nothing is done.
in_mnt "$d" ro "$PODLAUNCH" setup --state-dir "$d" 2>"$log"
expect_fail $? "setup on a read-only state dir" '"level":"error".*"step"'
expect_same "$n" "$STATE_ROOT/$n.before" "setup on a read-only state dir"
echo "ok read-only state dir: setup fails cleanly ($(grep -o '"msg":"[^"]*"' "$log" | tail -n 1))"

# 1b. A live binding whose state dir turned read-only: teardown cannot
# journal either, so it must refuse and leave the binding whole.
rw=$STATE_ROOT/rw
mkdir -p "$rw"
in_pod "$n" "$PODLAUNCH" setup --state-dir "$rw" 2>/dev/null || fail "setup"
bound_ok "setup"
# shellcheck disable=SC2016 # $1.. belong to the inner sh
unshare -m --propagation private sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
	sh "$rw" ip netns exec "$n-pod" "$PODLAUNCH" teardown --state-dir "$rw" 2>"$log"
rc=$?
if [ "$rc" = 0 ]; then
	# Allowed only if it really restored everything.
	expect_same "$n" "$STATE_ROOT/$n.before" "teardown with a read-only state dir"
	echo "ok read-only state dir: teardown completed anyway"
	rm -f "$rw"/eth0.json
else
	expect_fail "$rc" "teardown on a read-only state dir" '"level":"error".*"step"'
	bound_ok "after a refused teardown"
	in_pod "$n" "$PODLAUNCH" teardown --state-dir "$rw" 2>/dev/null || fail "teardown once writable"
	expect_same "$n" "$STATE_ROOT/$n.before" "teardown once writable"
	echo "ok read-only state dir: teardown refused, binding intact, then restored"
fi

# 2. Full state dir: the journal write fails (ENOSPC), nothing is done.
full=$STATE_ROOT/full
mkdir -p "$full"
# shellcheck disable=SC2016 # $1.. belong to the inner sh
in_mnt "$full" size=8k sh -c 'dd if=/dev/zero of="$1/filler" bs=1k count=64 2>/dev/null; exec "$2" setup --state-dir "$1"' \
	sh "$full" "$PODLAUNCH" 2>"$log"
expect_fail $? "setup on a full state dir" '"level":"error".*"step"'
expect_same "$n" "$STATE_ROOT/$n.before" "setup on a full state dir"
echo "ok full state dir: setup fails cleanly ($(grep -o '"error":"[^"]*"' "$log" | tail -n 1))"

# 3. Stale links with the binding's names, left by someone else.
for stale in "tuntap add tap0 mode tap" "link add k6t-eth0 type bridge"; do
	read -ra stale_args <<<"$stale"
	in_pod "$n" ip "${stale_args[@]}" || fail "cannot create the stale link ($stale)"
	ns_snapshot "$n" >"$STATE_ROOT/$n.stale"
	pl "$n" setup 2>"$log"
	expect_fail $? "setup with a stale link ($stale)" '"step":"preflight"'
	expect_same "$n" "$STATE_ROOT/$n.stale" "setup with a stale link ($stale)"
	[ ! -f "$(pl_cache "$n")" ] || fail "a cache was left after the refused setup ($stale)"
	link=$(awk '{print $3}' <<<"$stale")
	in_pod "$n" ip link del "$link"
	echo "ok stale $link: setup refuses in preflight, namespace untouched"
done
expect_same "$n" "$STATE_ROOT/$n.before" "after removing the stale links"

# 4a. The pod interface is down before setup.
in_pod "$n" ip link set eth0 down
ns_snapshot "$n" >"$STATE_ROOT/$n.down"
if pl "$n" setup 2>"$log"; then
	# A binding over a down pod interface must still be complete.
	bound_ok "setup over a down pod interface"
	pl "$n" teardown 2>/dev/null || fail "teardown after setup over a down interface"
	expect_same "$n" "$STATE_ROOT/$n.down" "teardown after setup over a down interface"
	echo "ok pod interface down before setup: bound, and restored (down) by teardown"
else
	expect_fail 1 "setup over a down pod interface" '"level":"error".*"step"'
	expect_same "$n" "$STATE_ROOT/$n.down" "refused setup over a down pod interface"
	echo "ok pod interface down before setup: clear error, untouched"
fi

# Downing eth0 took the CNI routes with it: the rest runs in a fresh pod,
# a dual-stack one (IPv6 routes to restore as well).
n=hen$$b
ns_new "$n" ptp-dual 10.244.61.0/24
ip=$(podns_ip "$n")
mac=$(link_json "$n" eth0 | jq -r .address)
ns_snapshot "$n" >"$STATE_ROOT/$n.before"

# 4b. It goes down in the middle of setup (setup killed after enslaving
# the nic, the nic downed by someone, setup run again): the next setup
# recovers to a complete binding, and teardown restores the original.
in_pod "$n" env PODLAUNCH_FAULT_KILL=nic_enslave "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" 2>/dev/null
[ $? = 137 ] || fail "fault hook at nic_enslave did not kill"
in_pod "$n" ip link set eth0-nic down
pl "$n" setup 2>"$log" || { cat "$log"; fail "setup after the nic went down mid-setup"; }
bound_ok "setup after the nic went down mid-setup"
# And down while bound (the nic, then the bridge, then the tap): the
# binding's links are all there, so the next setup repairs in place, logs
# the repair, and leaves the cache as it was.
for l in eth0-nic k6t-eth0 tap0; do
	cp "$(pl_cache "$n")" "$STATE_ROOT/cache.bound"
	in_pod "$n" ip link set "$l" down
	pl "$n" setup 2>"$log" || { cat "$log"; fail "setup with $l down while bound"; }
	link_json "$n" "$l" | jq -e '.flags | index("UP")' >/dev/null ||
		{ cat "$log"; fail "$l downed while bound stays down after setup"; }
	grep -q "\"binding drifted; repaired\".*\"link\":\"$l\"" "$log" ||
		{ cat "$log"; fail "repair of $l not logged"; }
	bound_ok "setup with $l down while bound"
	cmp -s "$STATE_ROOT/cache.bound" "$(pl_cache "$n")" || fail "repair of $l rewrote the cache"
done
echo "ok binding links downed while bound: repaired in place by the next setup"
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after the nic went down"
echo "ok pod interface down mid-setup: recovered, and restored by teardown"
echo PASS
