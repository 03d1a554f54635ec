#!/bin/bash
# A finished binding that drifted (a link set down, a port released, an MTU
# changed, the placeholder brought up) is repaired in place by the next
# setup or run, each repair logged, the cache untouched; what cannot be
# repaired in place (the pod IP gone from the placeholder) is rolled back
# and redone from the cache; in ptp and dual-stack ptp pods.  A healthy binding still changes nothing, and
# teardown restores the original namespace exactly every time.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

# The whole suite in kindnet's ptp pod and in a dual-stack one (IPv6 on
# the placeholder, IPv6 routes to restore at teardown).
i=0
for kind in ptp ptp-dual; do
	i=$((i + 1))
	n=nsR$$$i
	ns_new "$n" "$kind" "10.244.$((70 + i)).0/24"
	ip=$(podns_ip "$n")
	mac=$(link_json "$n" eth0 | jq -r .address)
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"
	log=$STATE_ROOT/log
	cache=$(pl_cache "$n")

	# The bridge's IPv6 link-local address follows its MAC at the moment it
	# comes up (before its ports at setup, after them when a repair brings it
	# up): the kernel's, not the binding's; so is the order of fe80::/64 routes,
	# and the qdisc a placeholder brought up by someone keeps after it is down.
	BOUND_NORM='if type == "array" then
		map(if type == "object" and .ifname == "k6t-eth0" and has("addr_info")
		    then .addr_info |= map(select(.family != "inet6" or .scope != "link")) else . end)
		| map(if type == "object" and .ifname == "eth0" then del(.qdisc) else . end)
		| if length > 0 and (.[0] | type) == "object" and (.[0] | has("dst"))
		  then sort_by(.dst, .dev) else . end
		else . end'
	bound_snapshot() { ns_snapshot "$n" | jq -S "$BOUND_NORM"; }

	# expect_bound WHAT: the binding is as setup made it (retried while links
	# come up), else a diff and failure.
	bound_as_made() {
		bound_snapshot >"$STATE_ROOT/$n.bound.now"
		cmp -s "$STATE_ROOT/$n.bound" "$STATE_ROOT/$n.bound.now"
	}
	expect_bound() {
		wait_tenths "$NS_WAIT_TENTHS" bound_as_made && return 0
		diff -u "$STATE_ROOT/$n.bound" "$STATE_ROOT/$n.bound.now" | head -60
		fail "$1: the binding differs from what setup made"
	}

	bind() {
		pl "$n" setup 2>"$log" || { cat "$log"; fail "setup"; }
		ns_settle "$n"
		bound_snapshot >"$STATE_ROOT/$n.bound"
		cp "$cache" "$STATE_ROOT/$n.cache"
	}

	# logged JQ-CONDITION [ARGS...]: some line of the last log satisfies it.
	logged() {
		local cond=$1; shift
		jq -s -e "$@" "any(.[]; $cond)" "$log" >/dev/null
	}

	# repaired WHAT LINK:FIX...: the last setup/run logged exactly these
	# repairs, said so, and left the binding as setup had made it.
	repaired() {
		local what=$1 r; shift
		for r in "$@"; do
			# shellcheck disable=SC2016 # jq variables, not shell ones
			logged '.msg == "binding drifted; repaired" and .link == $l and .repair == $f' \
				--arg l "${r%%:*}" --arg f "${r#*:}" || { cat "$log"; fail "$what: no repair $r logged"; }
		done
		[ "$(grep -c 'binding drifted; repaired' "$log")" = $# ] || { cat "$log"; fail "$what: unexpected repairs"; }
		grep -q 'binding repaired in place' "$log" || { cat "$log"; fail "$what: not repaired in place"; }
		grep -q 'only partly in place' "$log" && fail "$what: redone instead of repaired"
		expect_bound "$what"
		cmp -s "$STATE_ROOT/$n.cache" "$cache" || fail "$what: the repair rewrote the cache"
	}

	bind
	pl "$n" setup 2>"$log" || fail "second setup"
	grep -q 'nothing to do' "$log" || { cat "$log"; fail "second setup on a healthy binding did something"; }
	expect_bound "second setup on a healthy binding"
	cmp -s "$STATE_ROOT/$n.cache" "$cache" || fail "second setup rewrote the cache"
	echo "ok healthy binding: nothing to do, cache byte-identical"

	# 1. Each of the binding's up links set down, then setup.
	for l in eth0-nic k6t-eth0 tap0; do
		in_pod "$n" ip link set "$l" down
		pl "$n" setup 2>"$log" || { cat "$log"; fail "setup with $l down"; }
		repaired "$l down" "$l:up"
		echo "ok $l down: brought up again"
	done

	# 2. All three down at once, through run (the path a restarted pod takes).
	[ -x "$FAKEVMM" ] || fail "$FAKEVMM not built (make check builds it)"
	{
		for l in eth0-nic k6t-eth0 tap0; do in_pod "$n" ip link set "$l" down; done
		pl "$n" run --no-dhcp --vmm "$FAKEVMM" -- >/dev/null 2>"$log" || { cat "$log"; fail "run with the links down"; }
		logged '.msg == "exec VMM"' || fail "run did not exec the VMM"
		# The VMM held the tap open, so the tap had carrier and got its IPv6
		# link-local address: check the repairs and links, then re-baseline.
		for l in eth0-nic k6t-eth0 tap0; do
			# shellcheck disable=SC2016 # jq variables, not shell ones
			logged '.msg == "binding drifted; repaired" and .link == $l and .repair == "up"' --arg l "$l" ||
				{ cat "$log"; fail "run: repair of $l not logged"; }
			link_json "$n" "$l" | jq -e '.flags | index("UP")' >/dev/null || fail "run: $l still down"
		done
		cmp -s "$STATE_ROOT/$n.cache" "$cache" || fail "run: the repair rewrote the cache"
		ns_settle "$n"
		bound_snapshot >"$STATE_ROOT/$n.bound"
		echo "ok all links down: run repairs before starting the VMM"
	}

	# 3. Ports released, learning back on, MTUs changed, the placeholder up.
	in_pod "$n" ip link set eth0-nic nomaster
	in_pod "$n" ip link set tap0 nomaster
	pl "$n" setup 2>"$log" || { cat "$log"; fail "setup with the ports released"; }
	logged '.link == "eth0-nic" and .repair == "master"' || fail "nic not re-enslaved"
	logged '.link == "tap0" and .repair == "master"' || fail "tap not re-enslaved"
	expect_bound "ports released"
	echo "ok released ports re-enslaved, learning off again"

	in_pod "$n" ip link set eth0-nic mtu 1400
	in_pod "$n" ip link set tap0 mtu 1280
	pl "$n" setup 2>"$log" || { cat "$log"; fail "setup with MTUs changed"; }
	logged '.link == "eth0-nic" and .repair == "mtu" and .value == 1500' ||
		{ cat "$log"; fail "nic MTU not reset"; }
	logged '.link == "tap0" and .repair == "mtu" and .value == 1500' ||
		{ cat "$log"; fail "tap MTU not reset"; }
	expect_bound "MTUs changed"
	echo "ok MTUs reset"

	in_pod "$n" ip link set eth0 up
	pl "$n" setup 2>"$log" || { cat "$log"; fail "setup with the placeholder up"; }
	repaired "placeholder up" eth0:down
	echo "ok placeholder up: set down again, addresses kept"

	# 4. Not repairable in place: the pod IP gone from the placeholder.  The
	# binding is rolled back and redone from the cache (a new nic MAC, so no
	# exact comparison with the bound snapshot), and the pod IP survives.
	in_pod "$n" ip addr flush dev eth0
	in_pod "$n" ip link set eth0-nic down
	pl "$n" setup 2>"$log" || { cat "$log"; fail "setup with the placeholder stripped"; }
	grep -q 'only partly in place' "$log" || { cat "$log"; fail "stripped placeholder not redone"; }
	addr_json "$n" eth0 | jq -e --arg ip "$ip" '.addr_info[] | select(.local == $ip)' >/dev/null ||
		fail "pod IP not back on the placeholder"
	[ "$(link_json "$n" eth0 | jq -r .address)" = "$mac" ] || fail "placeholder MAC changed"
	for l in eth0-nic k6t-eth0 tap0; do
		link_json "$n" "$l" | jq -e '.flags | index("UP")' >/dev/null || fail "$l not up after the redo"
	done
	[ "$(jq -r '.pod.ipv4[0].address' "$cache")" = "$ip" ] || fail "cache lost the pod IP"
	echo "ok unrepairable drift: rolled back and redone from the cache"

	pl "$n" teardown 2>/dev/null || fail "teardown"
	expect_same "$n" "$STATE_ROOT/$n.before" "teardown after the repairs"
	echo "ok teardown restores the original namespace"
	echo "ok $kind: repair suite"
done
echo PASS
