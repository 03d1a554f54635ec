#!/bin/bash
# The Linux rig (tests/linux/README.md): real Linux guests on podvmm.  Boots
# a throwaway "node" (Debian's kernel under QEMU, tests/linux/build.sh) in
# which podvmm runs Debian's kernel as a guest, once for all scenarios, and
# reports each scenario as a SUBTEST line from the node's serial console.
#
#   RIG_SCENARIOS=boot-2cpu,panic tests/linux/run.sh   # a few by hand
#   RIG_ACCEL=direct|tcg|kvm                           # default: detected
#   RIG_LIST=bench      make bench's list instead (bench/linux; QEMU in the node)
#
# Where /dev/kvm is hardware virtualisation (kvm_intel or kvm_amd) the
# scenarios run directly on it, without a node ("hardware KVM"): the node's
# root unpacked, chrooted into in namespaces of its own (node/direct.sh).
# Everywhere else a node boots under TCG with -cpu max, whose emulated AMD
# SVM gives the node a real KVM ("nested KVM under TCG").  RIG_ACCEL=kvm
# boots the node under KVM instead (nested virtualisation must be on).
# test-timeout: 1200
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
RIG=$BUILD/linux
# The whole rig ends by itself before tests/run-tests.sh's limit for it
# (1200 s, the line above: a slow machine and a node to boot again must not
# fail it; a run here takes 350-440 s, and 620-790 s on a day the machine
# ran at 40% of its speed) would kill it silently: what is left then
# fails, named.
RIG_DEADLINE=${RIG_DEADLINE:-1140}

# name:watchdog seconds, in the order they run.
ALL="boot-1cpu:90 boot-2cpu:90 reboot-k:90 panic:90 bad-kernel:30 vmlinux:90 pvh:90
net-vhost-q1:180 net-vhost-q2:150 net-user-q1:150 net-user-q2:150 vhost-fallback:150
net-dual:150 net-v6:150
net-masq:150 sigterm-busybox:90 pwrbtn-acpid:90 pwrbtn-ignored:90 console:90 direct:150"
# make bench's list (bench/linux, never make check's): a node with QEMU in
# it; rig.bench=BOOTS:MIB:ROUNDS from RIG_BENCH_ARGS.
initrd=$RIG/node.cpio
if [ "${RIG_LIST:-}" = bench ]; then
	# One podvmm and one QEMU boot per bench-boot#N (each under the
	# watchdog, so a node that stops loses one pair), then one pod per backend.
	b=${RIG_BENCH_ARGS:-5}
	ALL="$(seq -f 'bench-boot#%g:200' "${b%%:*}" | tr '\n' ' ')bench-net-vhost:240 bench-net-user:240"
	export RIG_BENCH=1
	initrd=$RIG/node-bench.cpio
fi
scen=${RIG_SCENARIOS:-$ALL}
scen=$(for s in ${scen//,/ }; do
	[[ $s == *:* ]] && { echo "$s"; continue; }
	# NAME#N (a repeat) takes NAME's watchdog seconds (bench's own
	# bench-boot#N are names of their own).
	for a in $ALL; do
		if [ "${a%%:*}" = "$s" ] || [ "${a%%:*}" = "${s%%#*}" ]; then echo "$s:${a#*:}"; fi
	done
done)

# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
need_cmd qemu-system-x86_64 qemu-system-x86
for c in cpio dpkg-deb apt-get depmod xz; do need_cmd "$c"; done
if [ ! -x "$BUILD/podvmm" ] || [ ! -x "$BUILD/podlaunch" ]; then
	echo "FAIL: build podvmm and podlaunch first (make BUILD=$BUILD)"; exit 1
fi

# kvm_pvm (the build machines') is a software KVM on which Linux does not
# finish booting.
kvm_kind=none
for k in kvm_intel kvm_amd kvm_pvm; do [ -d "/sys/module/$k" ] && kvm_kind=$k; done
accel=${RIG_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if [ -w /dev/kvm ] && { [ $kvm_kind = kvm_intel ] || [ $kvm_kind = kvm_amd ]; }; then
		accel=direct
	fi
fi
case $accel in
direct)
	how="directly on this host's /dev/kvm ($kvm_kind), no node"
	case $kvm_kind in kvm_intel | kvm_amd) how="on hardware KVM, $how" ;; esac ;;
kvm) how="hardware KVM, in a node under QEMU -accel kvm ($kvm_kind)"; qaccel=(-accel kvm -cpu host) ;;
tcg) how="nested KVM under TCG"; qaccel=(-accel tcg -cpu max) ;;
*) echo "FAIL: RIG_ACCEL=$accel (want direct, tcg or kvm)"; exit 1 ;;
esac
[ "$accel" = direct ] && [ "${RIG_LIST:-}" = bench ] &&
	{ echo "FAIL: RIG_LIST=bench needs a node (QEMU inside it): RIG_ACCEL=tcg or kvm"; exit 1; }

t0=$(date +%s)
if ! tests/linux/build.sh; then
	# Without the packages (no network, no cache) there is nothing to boot.
	skip "cannot build the node from Debian packages (apt-get download failed, no cache in $RIG/cache)"
fi
echo "build: $(($(date +%s) - t0))s"
if [ "$accel" = direct ]; then
	need_cmd unshare util-linux
	# What the node insmods, from the host's own kernel here.
	nomod=
	for m in tun vhost_net bridge veth nf_tables nft_chain_nat nft_nat nft_masq; do
		[ -d "/sys/module/$m" ] || modprobe -q "$m" 2>/dev/null || nomod="$nomod $m"
	done
	# Built in, or missing (then the scenarios that need one fail, named).
	[ -z "$nomod" ] || echo "direct mode: modprobe failed for$nomod"
fi

# limit_of NAME: the watchdog seconds of scenario NAME in $scen.
limit_of() {
	local s
	for s in $scen; do [ "${s%%:*}" = "$1" ] && { echo "${s#*:}"; return; }; done
	echo 120
}

# node_dump LANE: where the node's CPUs are, from QEMU's monitor: a CPU whose
# registers show the podvmm guest's kernel (its own CR3, addresses the node
# does not use) is running the nested guest and has not come back.
node_dump() {
	if [ "$accel" = direct ]; then
		echo "direct mode: no QEMU monitor; each scenario's own watchdog dumps podvmm's threads"
		return
	fi
	python3 - "$RIG/monitor-$1.sock" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(3)
s.sendall(b"info cpus\ninfo registers -a\n")
out, end = b"", time.time() + 5
while time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        break
    if not d:
        break
    out += d
# The monitor echoes with line-editing escapes: keep the text.
print(re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", out.decode(errors="replace")))
PY
}

# boot_node LANE LIST LOG: one node run of the scenarios in LIST (name:secs ...).
# The node's own watchdog bounds each scenario; this one bounds the node:
# no RIG-RESULT within twice a scenario's limit + 60 s (the node may retry
# it once), or no first RIG-BEGIN in 180 s, means the node itself stopped (seen here: both QEMU vCPU threads
# busy, not a line on the serial port, the node's watchdog never firing),
# and QEMU is killed.
boot_node() {
	local lane=$1 list=$2 log=$3 qpid last='' line since limit=180 now done_at=''
	local n_lock seen_lock=0 lock_at='' lock_line='' n_alive seen_alive=0 alive_at=0
	if [ "$accel" = direct ]; then
		# The node's root as the node would unpack it, fresh each time.
		local root=$RIG/direct-root-$lane
		rm -rf "$root"
		mkdir -p "$root"
		(cd "$root" && cpio -idm --quiet) <"$initrd" || { echo "FAIL: cannot unpack $initrd"; exit 1; }
		tests/linux/node/direct.sh "$root" "$(echo "$list" | tr ' \n' ',,')" </dev/null >"$log" 2>&1 &
	else
		qemu-system-x86_64 "${qaccel[@]}" -smp 2 -m 2048 -nodefaults \
			-display none -serial stdio -no-reboot -kernel "$RIG/vmlinuz" -initrd "$initrd" \
			-monitor "unix:$RIG/monitor-$lane.sock,server=on,wait=off" \
			-append "console=ttyS0 quiet panic=-1 rdinit=/init rig.scenarios=$(echo "$list" | tr ' \n' ',,')${RIG_BENCH_ARGS:+ rig.bench=$RIG_BENCH_ARGS}" \
			</dev/null >"$log" 2>&1 &
	fi
	qpid=$!
	since=$(date +%s)
	stuck=
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 2
		now=$(date +%s)
		line=$(tr -d '\r' <"$log" | grep -a '^RIG-BEGIN \|^RIG-RESULT ' | tail -n 1)
		if [ "$line" != "$last" ]; then
			last=$line since=$now limit=60
			[[ $line == RIG-BEGIN* ]] && limit=$((2 * $(limit_of "${line#RIG-BEGIN }") + 60))
		fi
		# Done (or wedged, node/run-scenarios.sh) but not gone: a power-off
		# that hangs on a vCPU thread stuck in the node's KVM.
		if [ -z "$done_at" ] && tr -d '\r' <"$log" | grep -aq '^RIG-NODE-DONE'; then done_at=$now; fi
		if [ -n "$done_at" ] && [ $((now - done_at)) -gt 20 ]; then
			echo "node $lane finished its list but did not power off in 20 s: killed"
			kill "$qpid"
			break
		fi
		# The node's kernel says one of its CPUs is stuck (a soft lockup,
		# an RCU stall): the nested emulation wedged it (tests/linux/README.md,
		# "Known flake").  30 s for it to go on, then it is killed and the
		# rest of its list runs on a new node.
		n_lock=$(tr -d '\r' <"$log" | grep -ac 'soft lockup - CPU#\|detected stalls on CPUs\|self-detected stall on CPU')
		if [ "$n_lock" -gt "$seen_lock" ]; then seen_lock=$n_lock lock_at=$now lock_line=$line; fi
		[ "$line" = "$lock_line" ] || lock_at=
		# The node's heartbeat (node/init, every 10 s): none for 60 s
		# means the node stopped running anything.
		n_alive=$(tr -d '\r' <"$log" | grep -ac '^RIG-ALIVE')
		if [ "$n_alive" -gt "$seen_alive" ]; then seen_alive=$n_alive alive_at=$now; fi
		if [ $((now - t0)) -gt "$RIG_DEADLINE" ]; then
			stuck="the rig's deadline of ${RIG_DEADLINE}s passed during '${line:-the node boot}'"
		elif [ $((now - since)) -gt "$limit" ]; then
			stuck="no progress for ${limit}s after '${line:-the node boot}'"
		elif [ "$seen_alive" -gt 0 ] && [ $((now - alive_at)) -gt 60 ]; then
			stuck="no heartbeat from the node for 60 s during '${line:-the node boot}'"
		elif [ -n "$lock_at" ] && [ $((now - lock_at)) -gt 30 ]; then
			stuck="its kernel reported a stuck CPU ($(tr -d '\r' <"$log" | grep -a -m 1 -o 'soft lockup - CPU#[0-9]* stuck for [0-9]*s! \[[^]]*\]\|rcu: INFO: [a-z_]* [a-z-]* stalls* on CPUs*')) during '${line:-the node boot}', and no progress in 30 s"
		fi
		if [ -n "$stuck" ]; then
			node_dump "$lane" >"$log.stuck" 2>&1
			echo "--- the stuck node's CPUs (QEMU monitor, also in $log.stuck):"
			cat "$log.stuck"
			# direct: its first child is the namespaces' PID 1, whose end ends them all.
			[ "$accel" = direct ] && pkill -KILL -P "$qpid"
			kill "$qpid"
			break
		fi
	done
	wait "$qpid"
	echo "node $lane exit $? after $(($(date +%s) - t1))s${stuck:+ (killed: $stuck)}: $log"
}

# run_lane LANE LIST: the scenarios of LIST on one node, and once more on a
# new node for what is left if that node stopped; RIG-RESULT lines to
# $RIG/results-LANE.
run_lane() {
	local lane=$1 pending=$2 attempt log left last oops wedge
	: >"$RIG/results-$lane"
	for attempt in 1 2; do
		log=$RIG/node-$lane.log
		[ "$attempt" = 2 ] && log=$RIG/node-$lane-retry.log
		t1=$(date +%s)
		boot_node "$lane" "$pending" "$log"
		tr -d '\r' <"$log" >"$log.txt"
		grep -a '^RIG-' "$log.txt" | grep -av '^RIG-LOG\|^RIG-WATCHDOG\|^RIG-ALIVE' | sed 's/^/  /'
		grep -a '^RIG-RESULT ' "$log.txt" >>"$RIG/results-$lane"
		left=
		for s in $pending; do
			grep -aq "^RIG-RESULT ${s%%:*} " "$log.txt" || left="$left $s"
		done
		[ -z "$left" ] && break
		last=$(grep -a '^RIG-BEGIN ' "$log.txt" | tail -n 1 | cut -d' ' -f2)
		echo "--- node $lane output (the node stopped before$left finished):"
		tail -n 60 "$log.txt"
		[ "$attempt" = 1 ] || break
		# Past the deadline a second node would be killed by run-tests.sh's
		# timeout without a word: report what is left as not run instead.
		[ $(($(date +%s) - t0)) -lt "$RIG_DEADLINE" ] || break
		# The node itself died (QEMU exited or hung): once more for what is left.
		# Its own last words, when its kernel died (seen: a stack guard page
		# hit in exc_page_fault in podvmm's task, then a panic).
		oops=$(grep -a -m 1 'BUG: \|Kernel panic' "$log.txt" | sed 's/^\[[ 0-9.]*\] //' | cut -c1-120)
		# Or it stopped itself, its KVM wedged (node/run-scenarios.sh).
		wedge=$(grep -a -m 1 '^RIG-NODE-WEDGED ' "$log.txt" | cut -d: -f2- | cut -c2-160)
		echo "RETRY: node $lane stopped during ${last:-its boot}${stuck:+ ($stuck)}${wedge:+ (its KVM wedged: $wedge)}${oops:+ (node kernel: $oops)}; booting a new node for:$left"
		pending=$left
	done
}

# Lanes: the scenarios split over RIG_LANES nodes (default 2) that run side
# by side.  One node mostly keeps one host core busy (its guest's one busy
# vCPU, emulated), so two nodes use both cores of the build machines: each
# scenario runs up to half again as long, the list in 60-75% of the time
# (tests/linux/README.md).  The
# split is greedy on the watchdog seconds, the order kept within a lane.
# make bench's list runs in one lane (its figures must not share the CPUs).
lanes=${RIG_LANES:-2}
[[ $lanes =~ ^[1-8]$ ]] || { echo "FAIL: RIG_LANES=$lanes (want 1 to 8)"; exit 1; }
[ "${RIG_LIST:-}" = bench ] && lanes=1
declare -a lane_list lane_sum
for ((l = 0; l < lanes; l++)); do lane_list[l]='' lane_sum[l]=0; done
for s in $scen; do
	m=0
	for ((l = 1; l < lanes; l++)); do [ "${lane_sum[l]}" -lt "${lane_sum[m]}" ] && m=$l; done
	lane_list[m]="${lane_list[m]} $s"
	lane_sum[m]=$((lane_sum[m] + ${s#*:}))
done
rm -f "$RIG"/node-*.log "$RIG"/node-*.log.txt "$RIG"/results-*
names=(a b c d e f g h)
for ((l = 0; l < lanes; l++)); do
	[ -n "${lane_list[l]}" ] || continue
	run_lane "${names[l]}" "${lane_list[l]}" >"$RIG/lane-${names[l]}.out" 2>&1 &
done
wait
for ((l = 0; l < lanes; l++)); do
	[ -n "${lane_list[l]}" ] || continue
	echo "node ${names[l]}:${lane_list[l]}"
	cat "$RIG/lane-${names[l]}.out"
done
results=$RIG/results
cat "$RIG"/results-* >"$results" 2>/dev/null
grep -a '^RIG-LOG \|^RIG-WATCHDOG ' "$RIG"/node-*.log.txt 2>/dev/null | cut -d: -f2-
# A scenario the node retried (tests/linux/README.md, "Known flake").
grep -ah '^RIG-RETRY ' "$RIG"/node-*.log.txt 2>/dev/null | while read -r _ n why; do
	echo "RETRY: linux/$n: $why"
done

rc=0
for s in $scen; do
	n=${s%%:*}
	line=$(grep -a "^RIG-RESULT $n " "$results" | tail -n 1)
	if [ -z "$line" ]; then
		echo "SUBTEST: linux/$n FAIL no result: the node stopped before it finished"
		rc=1
		continue
	fi
	read -r _ _ res secs why <<<"$line"
	echo "SUBTEST: linux/$n $res ${secs}s $why"
	[ "$res" = FAIL ] && rc=1
done
times >"$RIG/times"	# the shell's own line, then its children's (QEMU, or the direct run)
cpu=$(tail -n 1 "$RIG/times" | awk '{print $1 " user " $2 " sys"}')
if [ "$accel" = direct ]; then
	echo "NOTE: Linux scenarios ran $how: $(($(date +%s) - t0))s wall, they used $cpu"
else
	echo "NOTE: Linux scenarios ran under $how ($(qemu-system-x86_64 --version | head -n 1 | cut -d' ' -f4), -smp 2): $(($(date +%s) - t0))s wall, QEMU used $cpu"
fi
exit $rc
