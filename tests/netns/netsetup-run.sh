#!/bin/bash
# podlaunch run with a fake VMM (tests/fakevmm): the VMM gets --net
# fd=...,mac=<pod MAC>,mtu=... before the user's arguments, the fds are the
# tap's queues and the only fds besides stdio, and it runs with every
# capability set empty and no_new_privs.  With DHCP (when the server is
# built) run waits for the server to be ready and the server dies with the VMM.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require
[ -x "$FAKEVMM" ] || skip "$FAKEVMM not built"

ZERO=0000000000000000
check_vmm_out() {
	local out=$1 mac=$2 queues=$3 mtu=$4 extra=${5:-} f fds
	grep -q "^argv 1 --net$" "$out" || fail "no --net first: $(cat "$out")"
	fds=$(sed -n 's/^argv 2 fd=\([0-9:]*\),mac=.*/\1/p' "$out")
	grep -q "^argv 2 fd=$fds,mac=$mac,mtu=$mtu$extra$" "$out" || fail "--net value: $(grep '^argv 2' "$out")"
	grep -q '^argv 3 --user-arg$' "$out" || fail "user VMM args not passed after --net"
	grep -q '^argv 4 two words$' "$out" || fail "user VMM args split"
	[ "$(tr ':' '\n' <<<"$fds" | wc -l)" = "$queues" ] || fail "want $queues fds, got $fds"
	for f in ${fds//:/ }; do
		grep -q "^fd $f tap tap0 tap=1 no_pi=1 vnet_hdr=1 multi_queue=$([ "$queues" -gt 1 ] && echo 1 || echo 0)$" "$out" ||
			fail "fd $f is not the tap as expected: $(grep "^fd $f" "$out")"
	done
	[ "$(grep '^openfd' "$out" | awk '{print $2}' | sort -n | tr '\n' ' ')" = \
	  "$(printf '%s\n' 0 1 2 "${fds//:/$'\n'}" | sort -n | tr '\n' ' ')" ] ||
		fail "fds leaked into the VMM: $(grep '^openfd' "$out" | tr '\n' ' ')"
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		grep -q "^$c:[[:space:]]*$ZERO$" "$out" || fail "$c not empty: $(grep "^$c" "$out")"
	done
	grep -q '^NoNewPrivs:[[:space:]]*1$' "$out" || fail "NoNewPrivs not set"
}

n=nsV$$
ns_new "$n" ptp
mac=$(link_json "$n" eth0 | jq -r .address)
ns_snapshot "$n" >"$STATE_ROOT/$n.before"

# 1. --no-dhcp, one queue.
pl "$n" run --no-dhcp --vmm "$FAKEVMM" -- --user-arg "two words" >"$STATE_ROOT/out1" 2>"$STATE_ROOT/log1" ||
	{ cat "$STATE_ROOT/log1"; fail "run --no-dhcp"; }
check_vmm_out "$STATE_ROOT/out1" "$mac" 1 1500
grep -q 'disabled by --no-dhcp' "$STATE_ROOT/log1" || fail "--no-dhcp not logged"
[ "$(jq -r .phase "$(pl_cache "$n")")" = "done" ] || fail "cache not done after run"
echo "ok run --no-dhcp"

# 1b. --vmm-user: "--user UID:GID" after --net, and exactly CAP_SETUID and
# CAP_SETGID (bits 7, 6) in the effective, permitted and ambient sets for
# podvmm's own switch (which clears them); the bounding set empty.
pl "$n" run --no-dhcp --vmm "$FAKEVMM" --vmm-user 107:36 -- --x >"$STATE_ROOT/out1b" 2>"$STATE_ROOT/log1b" ||
	{ cat "$STATE_ROOT/log1b"; fail "run --vmm-user"; }
{ grep -q '^argv 3 --user$' "$STATE_ROOT/out1b" && grep -q '^argv 4 107:36$' "$STATE_ROOT/out1b" &&
	grep -q '^argv 5 --x$' "$STATE_ROOT/out1b"; } || fail "--user not passed before the user's args: $(grep ^argv "$STATE_ROOT/out1b")"
for c in CapPrm CapEff CapAmb; do
	grep -q "^$c:[[:space:]]*00000000000000c0$" "$STATE_ROOT/out1b" || fail "--vmm-user: $(grep "^$c" "$STATE_ROOT/out1b")"
done
grep -q "^CapBnd:[[:space:]]*$ZERO$" "$STATE_ROOT/out1b" || fail "--vmm-user: $(grep "^CapBnd" "$STATE_ROOT/out1b")"
grep -q '^NoNewPrivs:[[:space:]]*1$' "$STATE_ROOT/out1b" || fail "--vmm-user: NoNewPrivs not set"
echo "ok run --vmm-user: --user passed, only CAP_SETUID and CAP_SETGID handed on"

# 2. A second run resumes from the cache (no new setup).
pl "$n" run --no-dhcp --vmm "$FAKEVMM" -- --user-arg "two words" >"$STATE_ROOT/out2" 2>"$STATE_ROOT/log2" ||
	fail "second run"
grep -q 'nothing to do' "$STATE_ROOT/log2" || fail "second run did not resume from the cache"
check_vmm_out "$STATE_ROOT/out2" "$mac" 1 1500
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after run"
echo "ok second run resumes"

# 3. Three queues, another MTU, the default VMM path (podvmm next to
# podlaunch), and the backend choice passed on in --net.
bindir=$STATE_ROOT/bin
mkdir -p "$bindir"
cp "$PODLAUNCH" "$bindir/podlaunch"
cp "$FAKEVMM" "$bindir/podvmm"
in_pod "$n" "$bindir/podlaunch" run --state-dir "$STATE_ROOT/$n" --no-dhcp --queues 3 --mtu 1400 \
	--vhost off -- --user-arg "two words" >"$STATE_ROOT/out3" 2>"$STATE_ROOT/log3" || { cat "$STATE_ROOT/log3"; fail "run --queues 3"; }
check_vmm_out "$STATE_ROOT/out3" "$mac" 3 1400 ,vhost=off
grep -q "^argv 0 $bindir/podvmm$" "$STATE_ROOT/out3" || fail "default VMM path not used"
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after multi-queue run"
echo "ok run --queues 3 with the default VMM"

# 3b. run after a setup killed halfway rolls it back and retries.
in_pod "$n" env PODLAUNCH_FAULT_KILL=nic_enslave "$PODLAUNCH" run --state-dir "$STATE_ROOT/$n" \
	--no-dhcp --vmm "$FAKEVMM" >/dev/null 2>&1
[ $? = 137 ] || fail "PODLAUNCH_FAULT_KILL did not kill run"
pl "$n" run --no-dhcp --vmm "$FAKEVMM" -- --user-arg "two words" >"$STATE_ROOT/out3b" 2>"$STATE_ROOT/log3b" ||
	{ cat "$STATE_ROOT/log3b"; fail "run after a killed setup"; }
grep -q 'interrupted setup found' "$STATE_ROOT/log3b" || fail "run did not recover the killed setup"
check_vmm_out "$STATE_ROOT/out3b" "$mac" 1 1500
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after the recovered run"
echo "ok run recovers a killed setup"

# 4. A missing VMM fails before touching anything.
pl "$n" run --no-dhcp --vmm /nonexistent/vmm 2>"$STATE_ROOT/log4"
[ $? = 1 ] || fail "missing VMM: want exit 1"
grep -q '"step":"vmm"' "$STATE_ROOT/log4" || fail "missing VMM: step not logged"
expect_same "$n" "$STATE_ROOT/$n.before" "missing VMM"
echo "ok missing VMM"

# 4b. L2-only (no IPv4): no DHCP server is started, and run says so.
n2=nsV$$l2
ns_new "$n2" ptp
in_pod "$n2" ip -4 addr flush dev eth0
mac2=$(link_json "$n2" eth0 | jq -r .address)
pl "$n2" run --vmm "$FAKEVMM" -- --user-arg "two words" >"$STATE_ROOT/outl2" 2>"$STATE_ROOT/logl2" ||
	{ cat "$STATE_ROOT/logl2"; fail "L2-only run"; }
grep -q 'L2-only binding (no IPv4 and no global IPv6 on the pod interface): no DHCP server' "$STATE_ROOT/logl2" ||
	fail "L2-only run did not say it skips DHCP"
grep -q 'DHCP server ready' "$STATE_ROOT/logl2" && fail "L2-only run started a DHCP server"
check_vmm_out "$STATE_ROOT/outl2" "$mac2" 1 1500
echo "ok L2-only run without DHCP"

# 5. DHCP: only when the server is built into podlaunch.
if [ ! -f cmd/podlaunch/cmd_dhcp.c ] || "$PODLAUNCH" dhcp --help 2>&1 | grep -q 'not built'; then
	echo "SKIP: DHCP case: cmd/podlaunch/cmd_dhcp.c not built in (ran the --no-dhcp cases)"
	# A server that is missing must make run fail clearly, binding kept.
	pl "$n" run --vmm "$FAKEVMM" >/dev/null 2>"$STATE_ROOT/log5"
	[ $? = 1 ] || fail "run without a DHCP server should exit 1"
	grep -q 'exited before it was ready' "$STATE_ROOT/log5" || fail "missing DHCP server not explained"
	pl "$n" teardown 2>/dev/null
	echo PASS
	exit 0
fi

# The server is up while the VMM runs and dies with it (PR_SET_PDEATHSIG).
FAKEVMM_HOLD=3 pl "$n" run --vmm "$FAKEVMM" --lease-time 600 -- --user-arg "two words" \
	>"$STATE_ROOT/out5" 2>"$STATE_ROOT/log5" &
runpid=$!
wait_for "$STATE_ROOT/out5" '^NoNewPrivs' 10
dhcp_pids=$(ip netns pids "$n-pod" | while read -r p; do
	tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^podlaunch dhcp ' && echo "$p"; done)
wait "$runpid" || { cat "$STATE_ROOT/log5"; fail "run with DHCP"; }
grep -q 'DHCP server ready' "$STATE_ROOT/log5" || { cat "$STATE_ROOT/log5"; fail "run did not wait for DHCP readiness"; }
check_vmm_out "$STATE_ROOT/out5" "$mac" 1 1500
[ -n "$dhcp_pids" ] || fail "no DHCP server running beside the VMM"
for p in $dhcp_pids; do
	wait_until 10 test ! -e "/proc/$p"
	[ -e "/proc/$p" ] && fail "DHCP server $p outlived the VMM"
done
echo "ok run with DHCP"

# A DHCP server that fails before it is ready fails run; the binding stays.
pl "$n" run --vmm "$FAKEVMM" --dhcp-no-such-flag >/dev/null 2>"$STATE_ROOT/log6"
[ $? = 1 ] || fail "run with a failing DHCP server should exit 1"
grep -q '"step":"dhcp_start"' "$STATE_ROOT/log6" || { cat "$STATE_ROOT/log6"; fail "DHCP failure not logged"; }
[ "$(jq -r .phase "$(pl_cache "$n")")" = "done" ] || fail "binding lost after the DHCP failure"
pl "$n" teardown 2>/dev/null || fail "teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "teardown after the DHCP runs"
echo "ok DHCP failure keeps the binding"
echo PASS
