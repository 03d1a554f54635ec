#!/bin/bash
# A hostile guest (tests/guest/hostile.c, mode=hostile) against podvmm with
# seccomp on: descriptor loop, buffer outside RAM, overlong length, bad head
# index and an avail index far ahead must each get DEVICE_NEEDS_RESET; a
# 200000-frame transmit flood must complete; random writes of every width
# to every register of the virtio BAR and to all of bus 0's PCI config
# space must leave podvmm running, so that it sees the guest power off
# (exit 0).  Its resident memory, sampled throughout, stays bounded.  Run
# on a single-queue tap, then on a multi-queue tap with queues=4 (nine
# virtqueues, the control queue among them, for the garbage to hit).
# Then mode=hostile-bar (DRIVER_OK/BAR-move/reset loops: ioeventfds, fds,
# log rate limit) and mode=hostile-msix (MSI-X config writes racing resets
# from a second vCPU).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
PODVMM=$BUILD/podvmm
GUEST=$BUILD/guest/guest.elf
MEM_MIB=64
# Guest RAM it may touch (64 MiB) plus podvmm's own: a leak per frame or
# per register write over this run would pass this bound many times over.
RSS_LIMIT_KIB=$(( (MEM_MIB + 48) * 1024 ))

[ "$(id -u)" = 0 ] || skip "needs root for a tap in a scratch namespace"
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then skip "/dev/kvm not usable"; fi
if ! [ -x "$PODVMM" ] || ! [ -f "$GUEST" ]; then skip "podvmm or the test guest not built in $BUILD"; fi

NS=hhs$$
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
on_fail() {
	echo "--- serial"; grep -a '^hostile' "$work/out"
	echo "--- log"; grep -v '"level":"info"' "$work/err" | tail -n 20
}

ip netns add "$NS" || fail "ip netns add"

# hostile_run TAP-FLAGS NET-EXTRA WHAT: one hostile boot on a fresh tap.
hostile_run() {
	local flags=$1 extra=$2 what=$3 t0 r a rc
	ip -n "$NS" link del pvt0 2>/dev/null
	# shellcheck disable=SC2086 # flags are words for ip
	ip -n "$NS" tuntap add pvt0 mode tap vnet_hdr $flags || fail "tuntap add ($what)"
	ip -n "$NS" link set pvt0 up
	t0=$(date +%s)
	ip netns exec "$NS" "$PODVMM" --kernel "$GUEST" --memory $MEM_MIB --shutdown-timeout 2 \
		--cmdline mode=hostile --net "tap=pvt0,mac=02:00:00:00:00:11$extra" </dev/null >"$work/out" 2>"$work/err" &
	pid=$!
	max=0
	while kill -0 "$pid" 2>/dev/null; do
		r=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status 2>/dev/null)
		[ -n "$r" ] && [ "$r" -gt "$max" ] && max=$r
		[ $(( $(date +%s) - t0 )) -lt 240 ] || { kill -KILL "$pid"; fail "still running after 240 s ($what)"; }
		sleep 0.05
	done
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "podvmm exit $rc (159 = killed by seccomp), want 0 after the guest's power-off ($what)"
	grep -aq '^hostile: done, powering off$' "$work/out" || fail "the guest did not get through its attacks ($what)"
	for a in "descriptor loop" "buffer outside guest RAM" "overlong buffer length" \
		"head index past the table" "avail index far ahead"; do
		grep -aq "^hostile: $a -> device status .* (DEVICE_NEEDS_RESET)$" "$work/out" ||
			fail "$a: the device did not ask for a reset ($what)"
	done
	grep -aq '^hostile: flood: 200000 frames sent, 200000 completed' "$work/out" || fail "transmit flood incomplete ($what)"
	grep -aq '^hostile: [0-9]* garbage accesses to the' "$work/out" || fail "BAR garbage not done ($what)"
	grep -aq '^hostile: [0-9]* garbage PCI config writes' "$work/out" || fail "config garbage not done ($what)"
	{ [ "$max" -gt 0 ] && [ "$max" -lt "$RSS_LIMIT_KIB" ]; } || fail "peak RSS $max KiB (limit $RSS_LIMIT_KIB, $what)"
	grep -a '^hostile' "$work/out"
	echo "podvmm survived ($what): exit 0 after $(( $(date +%s) - t0 )) s, peak RSS $((max / 1024)) MiB with $MEM_MIB MiB of guest RAM"
}

# hostile_bar_run: mode=hostile-bar, 200 cycles of DRIVER_OK, BAR0 move,
# reset (over eight addresses), then live moves with traffic.  The kick
# ioeventfds must follow the BAR (no KVM_IOEVENTFD failure: a leaked one
# makes the next registration at its address fail with EEXIST), podvmm's
# fds stay bounded, and the per-cycle log lines are rate-limited: at most
# a burst plus one a second per call site, the rest counted in
# "suppressed".
hostile_bar_run() {
	local t0 rc fds fd0=0 fdmax=0 lines sites=3 secs
	ip -n "$NS" link del pvt0 2>/dev/null
	ip -n "$NS" tuntap add pvt0 mode tap vnet_hdr || fail "tuntap add (bar moves)"
	ip -n "$NS" link set pvt0 up
	t0=$(date +%s)
	ip netns exec "$NS" "$PODVMM" --kernel "$GUEST" --memory $MEM_MIB --shutdown-timeout 2 \
		--cmdline mode=hostile-bar --net "tap=pvt0,mac=02:00:00:00:00:11" </dev/null >"$work/out" 2>"$work/err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		if [ "$fds" -gt 0 ]; then
			[ "$fd0" = 0 ] && grep -aq '^hostile: bar-move: virtio-net' "$work/out" && fd0=$fds
			[ "$fds" -gt "$fdmax" ] && fdmax=$fds
		fi
		[ $(( $(date +%s) - t0 )) -lt 240 ] || { kill -KILL "$pid"; fail "still running after 240 s (bar moves)"; }
		sleep 0.05
	done
	wait "$pid"
	rc=$?
	pid=
	secs=$(( $(date +%s) - t0 + 1 ))
	[ "$rc" = 0 ] || fail "podvmm exit $rc after the BAR-move cycles, want 0"
	grep -aq "^hostile: bar-move: 200 cycles of DRIVER_OK, BAR move, reset$" "$work/out" ||
		fail "the BAR-move cycles did not all run"
	[ "$(grep -ac '^hostile: flood: 2000 frames sent, 2000 completed' "$work/out")" = 2 ] ||
		fail "no traffic after live BAR moves"
	grep -aq '^hostile: bar-move: done, powering off$' "$work/out" || fail "bar-move guest did not finish"
	if grep -aq '^hostile: bar-move: the first frame was not sent' "$work/out"; then
		fail "the first frame at the BAR's new place was not sent in time"
	fi
	grep -aq '^hostile: bar-move: kicks at the old places sent 0 frames$' "$work/out" ||
		fail "a write to a place the BAR had left still kicked the device: ioeventfd left behind"
	grep -aq '^hostile: bar-move: the kick at the BAR sent 1$' "$work/out" ||
		fail "the kick at the BAR's place did not send the frame"
	if grep -aq 'KVM_IOEVENTFD' "$work/err"; then
		fail "KVM_IOEVENTFD failed: ioeventfds leaked across BAR moves"
	fi
	[ "$fdmax" -le $((fd0 + 8)) ] || fail "podvmm's fds grew from $fd0 to $fdmax over the cycles"
	lines=$(grep -Eac '"msg":"(driver ok|queue pairs in use|queue pair stopped)"' "$work/err")
	[ "$lines" -le $(( sites * (10 + secs) )) ] ||
		fail "$lines per-cycle log lines in $secs s: not rate-limited"
	grep -aq '"suppressed":[0-9]' "$work/err" || fail "no suppressed count logged"
	grep -a '^hostile' "$work/out"
	echo "podvmm survived 200 DRIVER_OK/BAR-move/reset cycles: $lines log lines for them in $secs s, fds $fd0..$fdmax"
}

# hostile_msix_run: mode=hostile-msix on 2 vCPUs: the AP writes the MSI-X
# enable/mask bits without pause while the BSP runs DRIVER_OK, a queue
# vector and reset 200 times; podvmm must neither crash nor hang, and the
# device must move frames afterwards.
hostile_msix_run() {
	local t0 rc
	ip -n "$NS" link del pvt0 2>/dev/null
	ip -n "$NS" tuntap add pvt0 mode tap vnet_hdr || fail "tuntap add (msix)"
	ip -n "$NS" link set pvt0 up
	t0=$(date +%s)
	timeout -k 5 240 ip netns exec "$NS" "$PODVMM" --kernel "$GUEST" --cpus 2 --memory $MEM_MIB \
		--shutdown-timeout 2 --cmdline mode=hostile-msix --net "tap=pvt0,mac=02:00:00:00:00:11" \
		</dev/null >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" = 0 ] || fail "podvmm exit $rc under the two-vCPU MSI-X/reset race (124: hung)"
	grep -aEq '^hostile: msix: 200 cycles of DRIVER_OK, vector, reset against [1-9][0-9]{3,} MSI-X control writes$' "$work/out" ||
		fail "the MSI-X race did not run (cycles or AP writes missing)"
	grep -aq '^hostile: flood: 2000 frames sent, 2000 completed' "$work/out" || fail "no traffic after the MSI-X race"
	grep -a '^hostile' "$work/out"
	echo "podvmm survived the two-vCPU MSI-X/reset race in $(( $(date +%s) - t0 )) s"
}

hostile_run "" "" "one queue pair"
hostile_bar_run
hostile_msix_run
# Multi-queue: more queues (and the control queue) for the garbage to hit.
hostile_run multi_queue ",queues=4" "four queue pairs"
echo PASS
