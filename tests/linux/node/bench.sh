# shellcheck shell=sh
# shellcheck disable=SC2154  # name (scenarios.sh), cur (netlib.sh)
# make bench's scenarios (bench/linux), sourced by scenarios.sh in a node
# built with QEMU in it (build.sh, RIG_BENCH=1).  Each prints
#   bench: KEY WHO VALUE...
# which run-scenarios.sh passes on as RIG-BENCH lines; bench/linux takes
# medians and ratios.  Nested numbers: the node's CPU is QEMU TCG, so the
# absolute values mean nothing; only the ratios are indicative.
# rig.bench=BOOTS:MIB:ROUNDS on the node's command line (BOOTS is used by
# run.sh, which lists bench-boot#1..#BOOTS).
# shellcheck disable=SC2046  # split on purpose
set -- $(tr ' ' '\n' </proc/cmdline | sed -n 's/^rig.bench=//p' | tr : ' ')
MIB=${2:-16} ROUNDS=${3:-3}
now_ms() { awk '{printf "%d\n", $1 * 1000}' /proc/uptime; }

# boot_time WHO: one boot of the guest (1 vCPU, 256 MiB, rig=boot: /init
# prints its line and powers off) by podvmm or by QEMU microvm; prints
# "SECONDS-TO-INIT SECONDS-TO-EXIT" from the VMM's start, or fails.
boot_time() {
	who=$1
	case $who in
	podvmm) set -- podvmm --memory 256 --cpus 1 --kernel "$K" --initrd "$G" --cmdline "$BASE rig=boot" ;;
	qemu) set -- qemu-system-x86_64 -M microvm -enable-kvm -cpu host -m 256 -smp 1 -nodefaults \
		-no-user-config -display none -serial stdio -no-reboot \
		-kernel "$K" -initrd "$G" -append "$BASE rig=boot" ;;
	esac
	t0=$(now_ms)
	timeout -s KILL 90 "$@" </dev/null 2>"$W/bench-$who.err" |
		awk '/RIG-GUEST-INIT/ && !d { getline u <"/proc/uptime"; split(u, a, " "); print a[1]; d = 1 }' >"$W/bench.init"
	t1=$(now_ms)
	[ -s "$W/bench.init" ] || return 1
	awk -v t0="$t0" -v t1="$t1" '{ printf "%.2f %.2f\n", $1 - t0 / 1000, (t1 - t0) / 1000 }' "$W/bench.init"
}

# mibps MS: MIB MiB in MS milliseconds, in MiB/s.
mibps() { awk -v m="$MIB" -v ms="$1" 'BEGIN { printf "%.1f\n", m * 1000 / ms }'; }

case $name in
bench-boot)
	# One boot each, podvmm first; bench/linux runs it BOOTS times
	# (bench-boot#N, each under the node's watchdog) and takes medians.
	for who in podvmm qemu; do
		if r=$(boot_time $who); then
			eval "r_$who=\${r%% *}"
			echo "bench: init $who ${r% *}"
			echo "bench: exit $who ${r#* }"
		else
			fail "$who: the guest did not reach /init: $(tail -n 3 "$W/bench-$who.err" | tr '\n' ' ' | cut -c1-300)"
		fi
	done
	ok "to /init: podvmm ${r_podvmm}s, QEMU microvm ${r_qemu}s (nested: the ratio only)" ;;
bench-net-vhost | bench-net-user)
	bytes=$((MIB * 1048576))
	vh=on bk=vhost-net
	[ "$name" = bench-net-user ] && vh=off bk=userspace
	pod_create
	RIG_GUEST_ARGS=rig.mib=$MIB pod_run "$name" udhcpc --vhost $vh -- --cpus 1
	guest_ready
	expect_err "\"backend\":\"$bk\"" "backend is not $bk"
	ping_ok
	tx='' rx='' r=0
	while [ $r -lt "$ROUNDS" ]; do
		# node -> guest: until the guest has counted every byte.
		n=$(grep -ac 'RIG-SINK' "$W/$cur.out")
		t0=$(now_ms)
		nc "$POD_IP" 5006 -e head -c $bytes /dev/zero
		j=0
		until [ "$(grep -ac 'RIG-SINK' "$W/$cur.out")" -gt "$n" ]; do
			[ $j -lt 600 ] || fail "$bk: the guest did not count the stream in 60 s"
			sleep 0.1; j=$((j + 1))
		done
		t1=$(now_ms)
		got=$(tr -d '\r' <"$W/$cur.out" | grep -a 'RIG-SINK' | tail -n 1 | cut -d' ' -f2)
		[ "$got" = $bytes ] || fail "$bk: the guest received $got bytes of $bytes"
		tx="$tx $(mibps $((t1 - t0)))"
		# guest -> node
		t0=$(now_ms)
		got=$(nc "$POD_IP" 5007 </dev/null | wc -c)
		t1=$(now_ms)
		[ "$got" = $bytes ] || fail "$bk: received $got bytes of $bytes from the guest"
		rx="$rx $(mibps $((t1 - t0)))"
		r=$((r + 1))
	done
	echo "bench: to-guest $bk$tx"
	echo "bench: from-guest $bk$rx"
	sigterm_ok
	pod_destroy
	ok "$bk: $ROUNDS x $MIB MiB each way, MiB/s to the guest$tx, from it$rx" ;;
*)
	echo "FAIL: unknown bench scenario $name"; exit 1 ;;
esac
