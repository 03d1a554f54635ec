#!/bin/bash
# The masquerade binding as a transaction, like the bridge binding's tests:
#  - a failure injected at every step rolls back to exactly the original
#    namespace (links, addresses, routes, eth0's forwarding, nft ruleset);
#  - SIGKILL after or before every step: the next setup resumes, or a
#    teardown restores;
#  - a foreign table with the binding's name is refused before any change;
#  - a corrupt masq part of the cache is an error naming the file;
#  - IPv6: without net.ipv6.conf.all.forwarding the error names it and
#    IPv4 is served alone; with it the table and bridge carry IPv6 too.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/netsetup.sh
. tests/lib/netsetup.sh
# shellcheck source=tests/lib/masq.sh
. tests/lib/masq.sh
mq_require

# Everything the binding may change, nftables and devconf included.
mq_state() {
	ns_snapshot "$1"
	mq_ruleset "$1"
	in_pod "$1" cat /proc/sys/net/ipv4/conf/eth0/forwarding
}
mq_state_is() {
	mq_state "$1" >"$2.now"
	cmp -s "$2" "$2.now"
}
mq_expect() {
	local n=$1 want=$2 what=$3
	wait_tenths "$NS_WAIT_TENTHS" mq_state_is "$n" "$want" && return 0
	diff -u "$want" "$want.now" | head -60
	fail "$what: namespace differs from the original"
}

n=mqT$$
mq_pod "$n" bridge
in_pod "$n" nft -f - <<'NFT'
table ip other {
	chain post {
		type nat hook postrouting priority 100; policy accept;
		oifname "eth0" counter masquerade
	}
}
NFT
mq_state "$n" >"$MQ_TMP/before"
M=(--binding masquerade)

pl "$n" setup "${M[@]}" 2>/dev/null || fail "setup"
mapfile -t steps < <(jq -r '.undo[].step' "$(pl_cache "$n")")
[ "${#steps[@]}" = 8 ] || fail "journal has ${#steps[@]} steps, want 8"
[ "$(jq -r '.undo[] | select(.step == "pod_forwarding") | .old' "$(pl_cache "$n")")" = 0 ] ||
	fail "pod_forwarding did not save the old value"
pl "$n" teardown 2>/dev/null || fail "teardown"
mq_expect "$n" "$MQ_TMP/before" "teardown"
echo "ok journal: ${steps[*]}"

for step in "${steps[@]}"; do
	log=$MQ_TMP/fault.$step.log
	PODLAUNCH_FAULT_STEP=$step pl "$n" setup "${M[@]}" 2>"$log"
	rc=$?
	[ "$rc" = 1 ] || { cat "$log"; fail "fault at $step: exit $rc, want 1"; }
	jq -c --arg s "$step" 'select(.level == "error" and .step == $s)' "$log" | grep -q . ||
		{ cat "$log"; fail "no error log naming step $step"; }
	grep -q 'rolled back' "$log" || { cat "$log"; fail "$step: no rollback logged"; }
	[ ! -e "$(pl_cache "$n")" ] || fail "cache left after rollback at $step"
	mq_expect "$n" "$MQ_TMP/before" "rollback at $step"
	echo "ok rollback at $step"
done

i=0
for step in "${steps[@]}"; do
	i=$((i + 1))
	for var in PODLAUNCH_FAULT_KILL PODLAUNCH_FAULT_KILL_BEFORE; do
		in_pod "$n" env "$var=$step" "$PODLAUNCH" setup --state-dir "$STATE_ROOT/$n" "${M[@]}" 2>/dev/null
		rc=$?
		[ "$rc" = 137 ] || fail "$var at $step: exit $rc, want 137"
		[ "$(jq -r .phase "$(pl_cache "$n")")" = in-progress ] || fail "$var at $step: not in-progress"
		if [ $(((i + ${#var}) % 2)) = 0 ]; then
			pl "$n" teardown 2>/dev/null || fail "teardown after $var at $step"
			mq_expect "$n" "$MQ_TMP/before" "teardown after $var at $step"
			echo "ok $var at $step, teardown restores"
			continue
		fi
		pl "$n" setup "${M[@]}" 2>"$MQ_TMP/resume.log" || { cat "$MQ_TMP/resume.log"; fail "resume after $var at $step"; }
		grep -q 'interrupted setup found' "$MQ_TMP/resume.log" || fail "resume after $step not logged"
		[ "$(jq -r .phase "$(pl_cache "$n")")" = "done" ] || fail "after $var at $step: not done"
		in_pod "$n" nft list table inet podlaunch-eth0 >/dev/null || fail "after $var at $step: no table"
		[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/eth0/forwarding)" = 1 ] || fail "after $step: forwarding"
		pl "$n" setup "${M[@]}" 2>&1 | grep -q 'nothing to do' || fail "after resume at $step: not in place"
		pl "$n" teardown 2>/dev/null || fail "teardown after resume at $step"
		mq_expect "$n" "$MQ_TMP/before" "teardown after $var at $step and resume"
		echo "ok $var at $step, setup resumes"
	done
done

# Something removed from a done binding: the next setup puts it back.
pl "$n" setup "${M[@]}" 2>/dev/null || fail "setup"
in_pod "$n" nft delete table inet podlaunch-eth0
pl "$n" setup "${M[@]}" 2>"$MQ_TMP/repair.log" || { cat "$MQ_TMP/repair.log"; fail "setup after the table went"; }
in_pod "$n" nft list table inet podlaunch-eth0 >/dev/null || fail "table not put back"
in_pod "$n" ip link set k6t-eth0 down
pl "$n" setup "${M[@]}" 2>/dev/null || fail "setup after bridge down"
in_pod "$n" ip -j link show dev k6t-eth0 | jq -e '.[0].flags | index("UP")' >/dev/null || fail "bridge not up again"
pl "$n" teardown 2>/dev/null || fail "teardown"
mq_expect "$n" "$MQ_TMP/before" "teardown after repairs"
echo "ok partial binding redone (table deleted, bridge down)"

# A table with our name that is not ours: refused, nothing changed.
in_pod "$n" nft add table inet podlaunch-eth0
mq_state "$n" >"$MQ_TMP/clash"
pl "$n" setup "${M[@]}" 2>"$MQ_TMP/clash.log" && fail "setup over a foreign podlaunch-eth0 table"
grep -q 'nftables table with the binding' "$MQ_TMP/clash.log" || { cat "$MQ_TMP/clash.log"; fail "clash not explained"; }
mq_expect "$n" "$MQ_TMP/clash" "table clash"
in_pod "$n" nft delete table inet podlaunch-eth0
echo "ok foreign table with the binding's name refused"

# A corrupt masq part: an error naming the file, cache untouched.
pl "$n" setup "${M[@]}" 2>/dev/null || fail "setup"
cache=$(pl_cache "$n")
cp "$cache" "$MQ_TMP/good.json"
jq '.binding.masq.ipv4.guest = "not-an-ip"' "$MQ_TMP/good.json" >"$cache"
cp "$cache" "$MQ_TMP/bad.json"
for cmd in setup teardown; do
	pl "$n" "$cmd" 2>"$MQ_TMP/corrupt.log" && fail "$cmd accepted a corrupt cache"
	grep -q "\"file\":\"$cache\"" "$MQ_TMP/corrupt.log" || { cat "$MQ_TMP/corrupt.log"; fail "$cmd: error does not name the file"; }
	cmp -s "$cache" "$MQ_TMP/bad.json" || fail "$cmd rewrote the corrupt cache"
done
cp "$MQ_TMP/good.json" "$cache"
pl "$n" teardown 2>/dev/null || fail "teardown"
mq_expect "$n" "$MQ_TMP/before" "teardown after corrupt cache"
echo "ok corrupt cache refused naming the file"

# IPv6: the pod has a global address.
in_pod "$n" ip -6 addr add fd00:22::5/64 dev eth0 nodad
ns_settle "$n"
mq_state "$n" >"$MQ_TMP/before6"
pl "$n" setup "${M[@]}" 2>"$MQ_TMP/v6.log" || { cat "$MQ_TMP/v6.log"; fail "setup with IPv6, no forwarding"; }
jq -c 'select(.level == "error" and .missing == "net.ipv6.conf.all.forwarding")' "$MQ_TMP/v6.log" | grep -q sysctls ||
	{ cat "$MQ_TMP/v6.log"; fail "no error naming net.ipv6.conf.all.forwarding and the pod-spec sysctl"; }
[ "$(jq -r .binding.masq.ipv6 "$(pl_cache "$n")")" = null ] || fail "IPv6 served without forwarding"
in_pod "$n" nft list table inet podlaunch-eth0 | grep -q ip6 && fail "ip6 rules without forwarding"
pl "$n" teardown 2>/dev/null || fail "teardown"
mq_expect "$n" "$MQ_TMP/before6" "teardown (IPv6 pod)"
echo "ok IPv6 without net.ipv6.conf.all.forwarding: error names it, IPv4 served"
in_pod "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
mq_state "$n" >"$MQ_TMP/before6f"
pl "$n" setup "${M[@]}" 2>"$MQ_TMP/v6f.log" || { cat "$MQ_TMP/v6f.log"; fail "setup with IPv6 forwarding"; }
[ "$(jq -r .binding.masq.ipv6.guest "$(pl_cache "$n")")" = fd10:0:2::2 ] || fail "IPv6 not in the cache"
in_pod "$n" nft list table inet podlaunch-eth0 | grep -q 'ip6 daddr fd00:22::5 meta l4proto tcp dnat ip6 to fd10:0:2::2' ||
	{ in_pod "$n" nft list table inet podlaunch-eth0; fail "no ip6 DNAT"; }
in_pod "$n" ip -6 -o addr show dev k6t-eth0 | grep -q 'fd10:0:2::1/120' || fail "no IPv6 gateway on the bridge"
# A statically configured guest reaches the node as the pod's IPv6 address
# (the DHCPv6/RA path: tests/netns/netsetup-masq-ipv6.sh).
mq_vm "$n" || fail "vm"
in_vm "$n" ip -6 addr add fd10:0:2::2/120 dev vm0 nodad
in_vm "$n" ip -6 route add default via fd10:0:2::1
in_node "$n" ip -6 addr add fd00:22::1/64 dev cni0 nodad
# Ten tries (wait_until 1: one every 0.1 s), each waiting up to a second for its answer.
wait_until 1 in_vm "$n" ping -6 -c 1 -W 1 fd00:22::1 >/dev/null || fail "guest cannot reach the node over IPv6"
in_node "$n" ip -6 neigh show fd00:22::5 | grep -q lladdr || fail "the node did not see the pod's IPv6 address"
echo "ok IPv6 guest -> node fd00:22::1 (as fd00:22::5)"
# What the gate relies on: without conf.all.forwarding IPv6 is not forwarded.
in_pod "$n" sysctl -qw net.ipv6.conf.all.forwarding=0
in_vm "$n" ping -6 -c 2 -W 1 fd00:22::1 >/dev/null && fail "IPv6 forwarded with conf.all.forwarding=0"
in_pod "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
echo "ok IPv6 is not forwarded with net.ipv6.conf.all.forwarding=0"
mq_vm_destroy "$n"
pl "$n" teardown 2>/dev/null || fail "teardown"
mq_expect "$n" "$MQ_TMP/before6f" "teardown (IPv6 served)"
echo "ok IPv6 with net.ipv6.conf.all.forwarding=1: served, teardown exact"
echo PASS
