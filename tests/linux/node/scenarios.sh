#!/bin/sh
# scenarios.sh NAME: one scenario of the rig, run inside the node by
# run-scenarios.sh.  Exit 0 pass, 77 skip ("SKIP: why"), else fail
# ("FAIL: why"); the last "ok: ..." line is the summary of a pass.
W=/tmp/rig
K=/rig/kernel/vmlinuz
ELF=/rig/kernel/vmlinux
G=/rig/guest.cpio
BASE="console=ttyS0 quiet rdinit=/init panic=-1"
# shellcheck source=tests/linux/node/vmlib.sh
. /rig/node/vmlib.sh
# shellcheck source=tests/linux/node/netlib.sh
. /rig/node/netlib.sh
name=$1

case $name in
boot-1cpu | boot-2cpu)
	n=${name#boot-}; n=${n%cpu}
	vm "$name" --kernel $K --initrd $G --cpus "$n" --cmdline "$BASE rig=boot"
	guest_init "cpus=$n online=0$([ "$n" = 2 ] && echo -1)"'$'
	expect_rc 0 "ACPI power-off"
	expect_stop power-off
	ok "bzImage, $n vCPU(s) seen by the guest, ACPI power-off, exit 0" ;;
boot-loud | boot-loud1)
	# The issue's shape: 2 vCPUs (boot-loud1: 1), 512 MiB, the whole
	# kernel log on the serial port (every byte a port-I/O exit), no quiet.
	n=2; [ "$name" = boot-loud1 ] && n=1
	vm "$name" --kernel $K --initrd $G --cpus "$n" --memory 512 \
		--cmdline "console=ttyS0 reboot=k panic=-1 rdinit=/init rig=boot${RIG_LOUD_ARGS:+ $RIG_LOUD_ARGS}"
	guest_init "cpus=$n"
	expect_rc 0 "ACPI power-off"
	expect_stop power-off
	ok "bzImage, $n vCPU(s), full kernel log on ttyS0 ($(wc -l <"$W/$cur.out") lines), power-off" ;;
reboot-k)
	vm "$name" --kernel $K --initrd $G --cmdline "$BASE rig=reboot reboot=k"
	guest_init
	expect_rc 0 "reboot=k"
	expect_stop reset '"reason":"i8042 reset"'
	ok "reboot=k: i8042 reset, exit 0" ;;
panic)
	vm "$name" --kernel $K --initrd $G --cmdline "$BASE rig=panic"
	guest_init
	expect_out 'Kernel panic - not syncing' "the guest did not panic"
	expect_rc 0 "panic=-1"
	expect_stop 'reset\|triple-fault'
	ok "kernel panic, panic=-1: $(stop_line) exit 0" ;;
bad-kernel)
	head -c 65536 $K >$W/truncated
	vm "$name" --kernel $W/truncated --initrd $G --cmdline "$BASE rig=boot"
	expect_rc 1 "truncated bzImage"
	expect_err '"msg":"cannot boot this kernel".*"error":"[^"]' "no reason logged"
	ok "truncated bzImage: exit 1, $(grep -o '"error":"[^"]*"' "$W/$name.err" | head -n 1)" ;;
vmlinux | pvh)
	boot=linux; [ "$name" = pvh ] && boot=pvh
	vm "$name" --kernel $ELF --boot $boot --initrd $G --cpus 2 --cmdline "$BASE rig=boot"
	guest_init "cpus=2"
	expect_rc 0 "ACPI power-off"
	expect_stop power-off
	ok "vmlinux ELF, --boot $boot, 2 vCPUs, power-off" ;;
net-vhost-q1 | net-vhost-q2 | net-user-q1 | net-user-q2)
	# net-BACKEND-qN: the whole podlaunch run path; N queue pairs (and
	# vCPUs: Linux uses min(pairs, CPUs)); the first one leases with all
	# three DHCP clients in turn, the others with udhcpc.
	q=${name#net-*-q}; be=${name#net-}; be=${be%-q*}
	vh=on; [ "$be" = user ] && vh=off
	clients=udhcpc
	[ "$name" = net-vhost-q1 ] && clients=dhclient,dhcpcd,udhcpc RIG_GUEST_ARGS=rig.verbose=1
	pod_create
	pod_run "$name" "$clients" --queues "$q" --vhost $vh -- --cpus "$q"
	guest_ready
	for c in $(echo "$clients" | tr , ' '); do lease_ok "$c"; done
	grep -aq "^RIG-GUEST-INIT.*cpus=$q " "$W/$cur.txt" || fail "guest does not see $q CPUs"
	bk=vhost-net; [ $vh = off ] && bk=userspace
	expect_err "\"backend\":\"$bk\"" "backend is not $bk"
	expect_err '"msg":"privileges dropped","uid":107,"gid":107' "podvmm did not become uid 107"
	expect_err '"msg":"allow-lists built","default":"kill_process"' "seccomp is not on"
	ping_ok
	offloads_ok
	irqs >"$W/irq0"
	transfer
	irqs >"$W/irq1"
	echo "input-queue interrupts before: $(tr '\n' ' ' <"$W/irq0") after: $(tr '\n' ' ' <"$W/irq1")"
	moved=$(awk 'NR == FNR { b[$1] = $2; next } $1 ~ /input/ && $2 > b[$1] { n++ } END { print n + 0 }' "$W/irq0" "$W/irq1")
	[ "$moved" -ge "$q" ] || fail "$moved of $q input queues took interrupts during the transfers"
	sigterm_ok
	pod_destroy
	ok "podlaunch run, $bk, $q queue pair(s) all used, leases by $clients, ping, offloads on ($(echo "$OFFLOADS" | tr ' ' ,)), 16 MiB each way sha256-equal, uid 107, seccomp, SIGTERM -> clean power-off" ;;
net-dual | net-v6)
	# IPv6 by podlaunch's RA and DHCPv6 (bridge binding) to a Linux guest:
	# net-dual on a dual-stack ptp pod (IPv4 by udhcpc in the same run),
	# net-v6 on an IPv6-only one.  dhcpcd -6 solicits the router, takes the
	# RA (default router = the node veth's link-local, MTU, RDNSS/DNSSL, no
	# prefix: ptp routes the pod /64 via its gateway) and the DHCPv6 lease
	# (the pod address, DNS, search list); the address passes DAD (nothing
	# in the pod namespace answers NDP for it); ping6 both ways.
	POD_KIND=ptp-dual v4=udhcpc
	[ "$name" = net-v6 ] && POD_KIND=ptp-v6 v4=
	pod_create
	pings=$POD_GW6
	[ -n "$v4" ] && pings="$POD_GW,$POD_GW6"
	t0=$(cut -d' ' -f1 /proc/uptime)
	RIG_GUEST_ARGS="rig.dhcp6=dhcpcd rig.ping=$pings rig.notx=1 rig.verbose=1" pod_run "$name" "$v4" --vhost on
	guest_ready
	echo "guest ready after $(awk -v t="$t0" '{printf "%.1f", $1 - t}' /proc/uptime)s"
	pod_quiet_ok
	[ -z "$v4" ] || lease_ok udhcpc
	# podlaunch serves each family the pod has, and only those.
	want='"dhcp4":true,"dhcp6":true'
	[ -z "$v4" ] && want='"dhcp4":false,"dhcp6":true'
	expect_err "\"msg\":\"serving\".*$want" "podlaunch's DHCP server does not serve $want: $(grep '"msg":"serving"' "$W/$cur.err")"
	lease6_ok dhcpcd
	[ -z "$v4" ] || ping_ok
	ping6_ok
	[ -z "$v4" ] || guest_ping_ok "$POD_GW"
	guest_ping_ok "$POD_GW6"
	t1=$(cut -d' ' -f1 /proc/uptime)
	sigterm_ok
	echo "stopped in $(awk -v t="$t1" '{printf "%.1f", $1 - t}' /proc/uptime)s"
	pod_destroy
	secs=$(grep -a '^RIG-LEASE6 client=dhcpcd ' "$W/$cur.txt" | sed -n 's/.* secs=//p')
	ok "${POD_KIND}: dhcpcd -6 got $POD_IP6 in ${secs}s (DAD passed), default via $NODE_LL from the RA (MTU, RDNSS, DNSSL), DNS and search from DHCPv6, no on-link prefix; ping6 node -> guest (guest MAC) and guest -> $POD_GW6${v4:+; IPv4 by udhcpc, ping both ways}" ;;
vhost-fallback)
	# /dev/vhost-net gone from the node (module unloaded): vhost=auto
	# says so and runs the userspace backend; vhost=on refuses to start.
	rmmod vhost_net || fail "rmmod vhost_net"
	trap 'insmod /modules/vhost_net.ko' EXIT
	[ ! -e /dev/vhost-net ] || fail "/dev/vhost-net still there"
	pod_create
	pod_run "$name" udhcpc --vhost auto
	guest_ready
	lease_ok udhcpc
	expect_err '"msg":"vhost-net unavailable, using the userspace backend","device":"/dev/vhost-net"' \
		"vhost=auto did not say it fell back"
	expect_err '"backend":"userspace"' "backend is not userspace"
	ping_ok
	sigterm_ok
	cur=vhost-on
	pod_run "$cur" udhcpc --vhost on
	wait "$VMPID"
	RC=$?
	expect_rc 1 "vhost=on without /dev/vhost-net"
	expect_err '"error":"tap tap0: vhost=on but /dev/vhost-net is unusable: No such file or directory"' \
		"vhost=on did not fail clearly"
	pod_destroy
	ok "no /dev/vhost-net: vhost=auto falls back to userspace (logged), vhost=on exits 1 naming the device" ;;
sigterm-busybox)
	# Graceful stop without a network: busybox init's ctrlaltdel entry.
	vm_bg "$name" --kernel $K --initrd $G --cpus 2 --shutdown-timeout 20 --cmdline "$BASE rig=term"
	wait_out RIG-GUEST-READY
	sigterm_ok
	ok "SIGTERM -> Ctrl-Alt-Del -> busybox init powers off -> exit 0" ;;
console)
	# A shell on the guest's ttyS0: a command typed on podvmm's stdin runs
	# there ($((6 * 7)) is expanded only by a shell, never by the echo of
	# the line), then poweroff -f from the same prompt.
	mkfifo $W/in
	podvmm --memory 256 --kernel $K --initrd $G --cmdline "$BASE rig=console" <"$W/in" >"$W/$name.out" 2>"$W/$name.err" &
	VMPID=$!
	cur=$name
	exec 3>$W/in
	wait_out RIG-SHELL-READY
	sleep 1
	# shellcheck disable=SC2016  # expanded by the guest's shell
	echo 'echo "RIG-ANSWER-$((6 * 7))"' >&3
	wait_out RIG-ANSWER-42
	echo 'poweroff -f' >&3
	wait "$VMPID"
	RC=$?
	exec 3>&-
	expect_rc 0 "poweroff -f typed on the console"
	expect_stop power-off
	ok "a shell on ttyS0 ran a command typed on podvmm's stdin (RIG-ANSWER-42), then poweroff" ;;
bench-*)
	# make bench (bench/linux): only in a node built with RIG_BENCH=1.
	[ -f /rig/node/bench.sh ] || { echo "FAIL: $name: this node has no bench.sh (RIG_BENCH=1)"; exit 1; }
	# shellcheck source=tests/linux/node/bench.sh
	. /rig/node/bench.sh ;;
*)
	echo "FAIL: unknown scenario $name"; exit 1 ;;
esac
