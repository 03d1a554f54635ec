# shellcheck shell=bash
# Helpers for the netsetup namespace tests.  Source after setting nothing;
# every namespace made with ns_new is destroyed on exit.
# shellcheck source=tests/lib/podns.sh
# shellcheck source=tests/lib/test.sh
declare -F fail >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/test.sh"
. "$(dirname "${BASH_SOURCE[0]}")/podns.sh"

BUILD=${BUILD:-build}
PODLAUNCH=$(realpath -m "$BUILD/podlaunch")
export FAKEVMM
FAKEVMM=$(realpath -m "$BUILD/tests/fakevmm/fakevmm")
STATE_ROOT=/run/nstest-$$
NS_NAMES=()


ns_require() {
	podns_require
	[ -x "$PODLAUNCH" ] || skip "$PODLAUNCH not built"
	command -v jq >/dev/null || skip "jq missing"
}

ns_cleanup() {
	local n
	for n in "${NS_NAMES[@]+"${NS_NAMES[@]}"}"; do podns_destroy "$n"; done
	rm -rf "$STATE_ROOT"
}
trap ns_cleanup EXIT

# ns_new NAME KIND [SUBNET]: a CNI-made pod namespace, settled.
ns_new() {
	NS_NAMES+=("$1")
	podns_create "$1" "$2" "${3:-10.244.1.0/24}" >/dev/null || fail "podns_create $1 $2"
	mkdir -p "$STATE_ROOT/$1"
	ns_settle "$1"
}

# podlaunch inside NAME's pod namespace with NAME's state dir.
pl() {
	local n=$1 cmd=$2; shift 2
	in_pod "$n" "$PODLAUNCH" "$cmd" --state-dir "$STATE_ROOT/$n" "$@"
}
pl_cache() { echo "$STATE_ROOT/$1/eth0.json"; }

# Everything the binding may touch, minus counters, running timers
# (bridge gc/hello/forward-delay), address lifetimes (they count down:
# expect_lifetimes checks them) and DAD state.
NS_VOLATILE='walk(if type == "object" then with_entries(select(.key | test("_timer$") | not)) else . end)
	| map(del(.stats, .stats64, .carrier_changes, .carrier_up_count, .carrier_down_count))'
ns_snapshot() {
	local n=$1
	{
		in_pod "$n" ip -d -j addr | jq -S "$NS_VOLATILE"' |
			map(.addr_info |= map(del(.valid_life_time, .preferred_life_time, .tentative)))'
		in_pod "$n" ip -d -j link | jq -S "$NS_VOLATILE"
		# Every table of both families with every attribute (-d), as a set:
		# the dump order within a table is the kernel's, not state.  Less
		# the local-table entries of IPv6 link-local addresses (compared
		# as addresses above), which the kernel re-creates, and duplicates
		# for a while, when a link changes bridge master.
		in_pod "$n" ip -4 -d -j route show table all | jq -S 'sort'
		in_pod "$n" ip -6 -d -j route show table all |
			jq -S 'map(select(.table != "local" or (.dst | startswith("fe80:") | not))) | sort'
		in_pod "$n" cat /proc/sys/net/ipv4/conf/all/arp_ignore
	}
}

# The kernel applies a carrier change to operstate and to bridge port
# state later, from its linkwatch work, which waits for the RTNL lock; a
# namespace torn down by an earlier test holds that lock for a while, so
# two equal snapshots can both be of the moment in between.  Settled means
# every link's operstate and port state agree with its flags as well.
# (No STP anywhere here: a bridge port forwards when it, its carrier and
# its bridge are up, and is disabled otherwise.)
# shellcheck disable=SC2016 # jq variables, not shell ones
NS_LINKS_SETTLED='(map({key: .ifname, value: (.flags | any(. == "UP"))}) | from_entries) as $up_by_name
	| all(.[];
	(.flags | any(. == "UP")) as $up | (.flags | any(. == "LOWER_UP")) as $lower
	| (.linkinfo.info_slave_kind // "") as $slave
	| (.linkinfo.info_slave_data.state // "") as $port
	| (if $up and $lower then .operstate == "UP" or .operstate == "UNKNOWN"
	   else .operstate != "UP" end)
	and ($slave != "bridge" or
	     $port == (if $up and $lower and $up_by_name[.master] then "forwarding" else "disabled" end)))'
ns_links_settled() { in_pod "$1" ip -d -j link | jq -e "$NS_LINKS_SETTLED" >/dev/null; }

# How long a comparison or a settle waits, in tenths of a second: long
# enough for linkwatch on a loaded 2-core machine under ASan.
NS_WAIT_TENTHS=100

# Wait until two snapshots 100 ms apart agree (carrier and addrconf settle)
# and the links are settled.
ns_settle() {
	local a b _
	a=$(ns_snapshot "$1")
	for _ in $(seq "$NS_WAIT_TENTHS"); do
		sleep 0.1
		b=$(ns_snapshot "$1")
		[ "$a" = "$b" ] && ns_links_settled "$1" &&
			! in_pod "$1" ip link show dev eth0 | grep -q NO-CARRIER && return 0
		a=$b
	done
	echo "warning: namespace $1 did not settle in $NS_WAIT_TENTHS tenths of a second" >&2
	return 0
}

# ns_snapshot_is NAME FILE: the namespace's snapshot (left in FILE.now) is FILE.
ns_snapshot_is() {
	ns_snapshot "$1" >"$2.now"
	cmp -s "$2" "$2.now"
}

# expect_same NAME FILE WHAT: the namespace matches FILE (retried while
# links come up), else a diff and failure.
expect_same() {
	local n=$1 want=$2 what=$3
	wait_tenths "$NS_WAIT_TENTHS" ns_snapshot_is "$n" "$want" && return 0
	diff -u "$want" "$want.now" | head -60
	fail "$what: namespace differs from the original"
}

# expect_lifetimes NAME BEFORE-FILE SECONDS: every finite address lifetime
# now is at most what it was and no more than SECONDS (plus 2) less; a
# forever one is still forever.  BEFORE-FILE holds `ip -j addr` from then.
expect_lifetimes() {
	local n=$1 before=$2 secs=$3
	in_pod "$n" ip -j addr | jq -e --slurpfile b "$before" --argjson s "$secs" '
		[.[] | .ifname as $i | .addr_info[] | {k: "\($i) \(.local)", v: .valid_life_time, p: .preferred_life_time}] as $now
		| [$b[0][] | .ifname as $i | .addr_info[] | {k: "\($i) \(.local)", v: .valid_life_time, p: .preferred_life_time}]
		| all(.[]; . as $o | ($now | map(select(.k == $o.k)) | .[0]) as $x
			| $x != null and all([["v", $o.v, $x.v], ["p", $o.p, $x.p]][];
				if .[1] == 4294967295 then .[2] == 4294967295
				else .[2] <= .[1] and .[2] >= .[1] - $s - 2 end))' >/dev/null ||
		{ in_pod "$n" ip addr; fail "$n: address lifetimes not restored"; }
}

link_json() { in_pod "$1" ip -d -j link show dev "$2" | jq '.[0]'; }
addr_json() { in_pod "$1" ip -d -j addr show dev "$2" | jq '.[0]'; }
