#!/bin/sh
# run-scenarios.sh NAME[#N][:SECONDS],...: each scenario of scenarios.sh
# in turn, in its own session, under a watchdog (default 120 s).  Prints
#   RIG-BEGIN NAME
#   RIG-LOG NAME: ...          (its output, when it did not pass)
#   RIG-WATCHDOG NAME: ...     (the dump, when it overran SECONDS)
#   RIG-BENCH NAME ...         (make bench's figures, node/bench.sh)
#   RIG-RESULT NAME PASS|FAIL|SKIP SECONDS.T [reason]
#   RIG-NODE-WEDGED NAME: why  (instead of its result: the node is of no
#                              further use, the rest is not run here)
# The dump: podvmm's threads (comm, state, wchan, kernel stack), then
# SIGTERM to podvmm (its forced stop logs the vCPU registers), the node's
# kernel log tail, and SIGKILL for what is left of the scenario.
W=/tmp/rig
mkdir -p $W

now_ms() { awk '{printf "%d\n", $1 * 1000}' /proc/uptime; }

dump_threads() {
	for pid in $(pidof podvmm); do
		echo "podvmm pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-200)"
		for t in "/proc/$pid/task/"*; do
			echo "  tid ${t##*/} comm=$(cat "$t/comm") $(grep -E '^State' "$t/status" | tr -s '\t ' ' ') wchan=$(cat "$t/wchan" 2>/dev/null)"
			sed 's/^/    /' "$t/stack" 2>/dev/null
		done
	done
}

watchdog_fire() {	# NAME PGID
	dump_threads | sed "s/^/RIG-WATCHDOG $1: /"
	for pid in $(pidof podvmm); do kill -TERM "$pid"; done
	i=0
	while [ $i -lt 15 ] && [ -n "$(pidof podvmm)" ]; do sleep 1; i=$((i + 1)); done
	dmesg | tail -n 40 | sed "s/^/RIG-WATCHDOG $1: dmesg: /"
	kill -KILL -- "-$2" 2>/dev/null
	for pid in $(pidof podvmm); do kill -KILL "$pid"; done
	# A podvmm that outlives SIGKILL has a vCPU thread stuck in the node's
	# KVM (seen: a soft lockup in kvm_arch_vcpu_ioctl_run at the guest's
	# first instructions, after which KVM_CREATE_VM blocks too): no later
	# scenario can run on this node.
	i=0
	while [ $i -lt 10 ] && [ -n "$(pidof podvmm)" ]; do sleep 1; i=$((i + 1)); done
	if [ -n "$(pidof podvmm)" ]; then
		wedged="podvmm $(pidof podvmm) outlived SIGKILL: $(dmesg | grep -o 'soft lockup - CPU#[0-9]* stuck for [0-9]*s! \[[^]]*\]' | tail -n 1)"
	fi
}

# run_one NAME LIMIT: one run under the watchdog; sets rc (124: overran).
run_one() {
	t0=$(now_ms)
	# NAME#N is scenario NAME once more (repeated boots, by hand).
	setsid /bin/sh /rig/node/scenarios.sh "${1%%#*}" >"$W/$1.log" 2>&1 </dev/null &
	pid=$!
	fired=
	while kill -0 "$pid" 2>/dev/null; do
		if [ $(($(now_ms) - t0)) -gt $(($2 * 1000)) ]; then
			echo "watchdog: $1 overran ${2}s" >>"$W/$1.log"
			watchdog_fire "$1" "$pid"
			fired=1
			break
		fi
		sleep 0.2
	done
	wait "$pid"
	rc=$?
	[ -n "$fired" ] && rc=124
	# Whatever a scenario left behind goes before the next one starts.
	for p in $(pidof podvmm podlaunch); do kill -KILL "$p" 2>/dev/null; done
	# A pod a failed scenario left (no CNI DEL ran): iproute2 by its path
	# (busybox sh runs its own ip applet first, which has no netns), and
	# host-local's reservations for container "rig", which would refuse
	# the next pod's ADD as a duplicate allocation.
	/sbin/ip netns del pod 2>/dev/null
	rm -rf /run/cni
	# vhost-fallback's hidden /dev/vhost-net, if it was killed.
	[ ! -e /dev/.vhost-net ] || mv /dev/.vhost-net /dev/vhost-net
}

for spec in $(echo "$1" | tr ',' ' '); do
	name=${spec%%:*}
	limit=${spec#*:}
	[ "$limit" = "$spec" ] && limit=120
	echo "RIG-BEGIN $name"
	t00=$(now_ms)
	wedged=
	run_one "$name" "$limit"
	retried=
	if [ -z "$wedged" ] && { [ $rc = 75 ] || [ $rc = 124 ]; }; then
		# Once, and said: a guest that died the way only the nested
		# emulation makes it die (75), or a stuck one (124).
		why=$(grep '^FLAKE:' "$W/$name.log" | tail -n 1 | cut -c8-)
		[ $rc = 124 ] && why="watchdog after ${limit}s"
		sed "s/^/RIG-LOG $name: /" "$W/$name.log" | tail -n 150
		echo "RIG-RETRY $name $why"
		mv "$W/$name.log" "$W/$name.log.1"
		retried=" (retried once: $why)"
		run_one "$name" "$limit"
	fi
	if [ -n "$wedged" ]; then
		# No result: the host runs this one and the rest on a new node,
		# and says so (a RETRY line).
		sed "s/^/RIG-LOG $name: /" "$W/$name.log" | tail -n 150
		echo "RIG-NODE-WEDGED $name: $wedged"
		break
	fi
	# make bench's figures (node/bench.sh), whatever the result.
	grep '^bench: ' "$W/$name.log" | sed "s/^bench: /RIG-BENCH $name /"
	ms=$(($(now_ms) - t00))
	t="$((ms / 1000)).$(((ms % 1000) / 100))"
	case $rc in
	0) echo "RIG-RESULT $name PASS $t $(grep '^ok:' "$W/$name.log" | tail -n 1 | cut -c5-)$retried" ;;
	77) echo "RIG-RESULT $name SKIP $t $(grep '^SKIP:' "$W/$name.log" | tail -n 1 | cut -c7-)" ;;
	*)
		sed "s/^/RIG-LOG $name: /" "$W/$name.log" | tail -n 150
		why=$(grep '^FAIL:' "$W/$name.log" | tail -n 1 | cut -c7-)
		[ $rc = 124 ] && why="watchdog: no result after ${limit}s"
		echo "RIG-RESULT $name FAIL $t ${why:-exit $rc}$retried" ;;
	esac
done
