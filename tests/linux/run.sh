#!/bin/bash
# The Linux rig (tests/linux/README.md): real Linux guests on podvmm.  Boots
# a throwaway "node" (Debian's kernel under QEMU, tests/linux/build.sh) in
# which podvmm runs Debian's kernel as a guest, once for all scenarios, and
# reports each scenario as a SUBTEST line from the node's serial console.
#
#   RIG_SCENARIOS=boot-2cpu,panic tests/linux/run.sh   # a few by hand
#   RIG_ACCEL=tcg|kvm                                  # default: detected
#   RIG_LIST=bench      make bench's list instead (bench/linux; QEMU in the node)
#
# The node runs under KVM ("hardware KVM") only where /dev/kvm is hardware
# virtualisation with nested virtualisation on, so the node gets a /dev/kvm
# of its own; everywhere else under TCG with -cpu max, whose emulated AMD
# SVM gives the node a real KVM ("nested KVM under TCG").
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
RIG=$BUILD/linux
# The whole rig ends by itself before tests/run-tests.sh's TEST_TIMEOUT
# (600 s) would kill it silently: what is left then fails, named.
RIG_DEADLINE=${RIG_DEADLINE:-540}

# name:watchdog seconds, in the order they run.
ALL="boot-1cpu:90 boot-2cpu:90 reboot-k:90 panic:90 bad-kernel:30 vmlinux:90 pvh:90
net-vhost-q1:180 net-vhost-q2:150 net-user-q1:150 net-user-q2:150 vhost-fallback:150
net-dual:150 net-v6:150
net-masq:150 sigterm-busybox:90 pwrbtn-acpid:90 pwrbtn-ignored:90 console:90"
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

accel=${RIG_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	nested=$(cat /sys/module/kvm_intel/parameters/nested /sys/module/kvm_amd/parameters/nested 2>/dev/null)
	if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] && [[ $nested == *[Y1]* ]]; then
		accel=kvm
	fi
fi
case $accel in
kvm) how="hardware KVM"; qaccel=(-accel kvm -cpu host) ;;
tcg) how="nested KVM under TCG"; qaccel=(-accel tcg -cpu max) ;;
*) echo "FAIL: RIG_ACCEL=$accel (want tcg or kvm)"; exit 1 ;;
esac

t0=$(date +%s)
if ! tests/linux/build.sh; then
	# Without the packages (no network, no cache) there is nothing to boot.
	skip "cannot build the node from Debian packages (apt-get download failed, no cache in $RIG/cache)"
fi
echo "build: $(($(date +%s) - t0))s"

# limit_of NAME: the watchdog seconds of scenario NAME in $scen.
limit_of() {
	local s
	for s in $scen; do [ "${s%%:*}" = "$1" ] && { echo "${s#*:}"; return; }; done
	echo 120
}

# node_dump: where the node's CPUs are, from QEMU's monitor: a CPU whose
# registers show the podvmm guest's kernel (its own CR3, addresses the node
# does not use) is running the nested guest and has not come back.
node_dump() {
	python3 - "$RIG/monitor.sock" <<'PY'
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

# boot_node LIST LOG: one node run of the scenarios in LIST (name:secs ...).
# The node's own watchdog bounds each scenario; this one bounds the node:
# no RIG-RESULT within twice a scenario's limit + 60 s (the node may retry
# it once), or no first RIG-BEGIN in 180 s, means the node itself stopped (seen here: both QEMU vCPU threads
# busy, not a line on the serial port, the node's watchdog never firing),
# and QEMU is killed.
boot_node() {
	local list=$1 log=$2 qpid last='' line since limit=180 now
	qemu-system-x86_64 "${qaccel[@]}" -smp 2 -m 2048 -nodefaults \
		-display none -serial stdio -no-reboot -kernel "$RIG/vmlinuz" -initrd "$initrd" \
		-monitor "unix:$RIG/monitor.sock,server=on,wait=off" \
		-append "console=ttyS0 quiet panic=-1 rdinit=/init rig.scenarios=$(echo "$list" | tr ' \n' ',,')${RIG_BENCH_ARGS:+ rig.bench=$RIG_BENCH_ARGS}" \
		</dev/null >"$log" 2>&1 &
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
		if [ $((now - t0)) -gt "$RIG_DEADLINE" ]; then
			stuck="the rig's deadline of ${RIG_DEADLINE}s passed during '${line:-the node boot}'"
		elif [ $((now - since)) -gt "$limit" ]; then
			stuck="no progress for ${limit}s after '${line:-the node boot}'"
		fi
		if [ -n "$stuck" ]; then
			node_dump >"$log.stuck" 2>&1
			echo "--- the stuck node's CPUs (QEMU monitor, also in $log.stuck):"
			cat "$log.stuck"
			kill "$qpid"
			break
		fi
	done
	wait "$qpid"
	echo "node exit $? after $(($(date +%s) - t1))s${stuck:+ (killed: $stuck)}: $log"
}

results=$RIG/results
: >"$results"
rm -f "$RIG"/node-*.log "$RIG"/node-*.log.txt
todo=$scen
for attempt in 1 2; do
	log=$RIG/node-$attempt.log
	t1=$(date +%s)
	boot_node "$todo" "$log"
	tr -d '\r' <"$log" >"$log.txt"
	grep -a '^RIG-' "$log.txt" | grep -av '^RIG-LOG\|^RIG-WATCHDOG' | sed 's/^/  /'
	grep -a '^RIG-RESULT ' "$log.txt" >>"$results"
	left=
	for s in $todo; do
		grep -aq "^RIG-RESULT ${s%%:*} " "$log.txt" || left="$left $s"
	done
	[ -z "$left" ] && break
	last=$(grep -a '^RIG-BEGIN ' "$log.txt" | tail -n 1 | cut -d' ' -f2)
	echo "--- node output (the node stopped before$left finished):"
	tail -n 60 "$log.txt"
	[ "$attempt" = 1 ] || break
	# Past the deadline a second node would be killed by run-tests.sh's
	# timeout without a word: report what is left as not run instead.
	[ $(($(date +%s) - t0)) -lt "$RIG_DEADLINE" ] || break
	# The node itself died (QEMU exited or hung): once more for what is left.
	# Its own last words, when its kernel died (seen: a stack guard page
	# hit in exc_page_fault in podvmm's task, then a panic).
	oops=$(grep -a -m 1 'BUG: \|Kernel panic' "$log.txt" | sed 's/^\[[ 0-9.]*\] //' | cut -c1-120)
	echo "RETRY: the node stopped during ${last:-its boot}${stuck:+ ($stuck)}${oops:+ (node kernel: $oops)}; booting a new node for:$left"
	todo=$left
done
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
times >"$RIG/times"	# the shell's own line, then its children's (QEMU)
qemu_cpu=$(tail -n 1 "$RIG/times" | awk '{print $1 " user " $2 " sys"}')
echo "NOTE: Linux scenarios ran under $how ($(qemu-system-x86_64 --version | head -n 1 | cut -d' ' -f4), -smp 2): $(($(date +%s) - t0))s wall, QEMU used $qemu_cpu"
exit $rc
