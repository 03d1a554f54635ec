#!/bin/sh
# scenarios.sh NAME: one scenario of the rig, run inside the node by
# run-scenarios.sh.  Exit 0 pass, 77 skip ("SKIP: why"), else fail
# ("FAIL: why"); the last "ok: ..." line is the summary of a pass.
W=/tmp/rig
K=/rig/kernel/vmlinuz
ELF=/rig/kernel/vmlinux
G=/rig/guest.cpio
BASE="console=ttyS0 quiet rdinit=/init panic=-1"
# The kernel of the scenarios about something else than the boot format
# (networking, stopping, the console): the vmlinux ELF, which skips the
# bzImage's decompression (about 8 s of each boot at emulation speed).
VK=$ELF
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
	# /dev/vhost-net gone from the node: vhost=auto says so and runs the
	# userspace backend; vhost=on refuses to start.  Hidden by a rename
	# (run-scenarios.sh puts it back if this is killed), which works the
	# same in the node's devtmpfs and in direct mode's /dev (direct.sh).
	mv /dev/vhost-net /dev/.vhost-net || fail "cannot hide /dev/vhost-net"
	trap 'mv /dev/.vhost-net /dev/vhost-net' EXIT
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
	vm_bg "$name" --kernel $VK --initrd $G --cpus 2 --shutdown-timeout 20 --cmdline "$BASE rig=term"
	wait_out RIG-GUEST-READY
	sigterm_ok
	ok "SIGTERM -> Ctrl-Alt-Del -> busybox init powers off -> exit 0" ;;
pwrbtn-acpid | pwrbtn-ignored)
	# SIGTERM with --shutdown acpi presses the ACPI fixed-feature power
	# button and nothing else (no Ctrl-Alt-Del).  pwrbtn-acpid: the guest
	# has the button driver and busybox acpid, whose PWRF/00000080 handler
	# prints RIG-ACPID-PWRF and powers off through init; pwrbtn-ignored:
	# the button driver (so PWRBTN_EN is on) and nobody listening, so the
	# press is ignored and podvmm stops it after --shutdown-timeout, exit 3.
	mode=acpid to=20
	[ "$name" = pwrbtn-ignored ] && mode=pwrbtn-ignore to=3
	vm_bg "$name" --kernel $VK --initrd $G --shutdown acpi --shutdown-timeout $to --cmdline "$BASE rig=$mode"
	wait_out RIG-GUEST-READY
	guest_init "mode=$mode "
	grep -aq '^RIG-GUEST-ERROR' "$W/$cur.txt" && fail "$(grep -a '^RIG-GUEST-ERROR' "$W/$cur.txt" | head -n 1)"
	dev=$(grep -a '^RIG-PWRBTN dev=' "$W/$cur.txt" | cut -d= -f2)
	[ -n "$dev" ] || fail "the guest found no Power Button input device"
	[ $mode = acpid ] && { grep -aq '^RIG-ACPID-LISTENING' "$W/$cur.txt" || fail "acpid is not listening"; }
	t0=$(awk '{printf "%d\n", $1 * 1000}' /proc/uptime)
	kill -TERM "$VMPID"
	wait "$VMPID"
	RC=$?
	ms=$(($(awk '{printf "%d\n", $1 * 1000}' /proc/uptime) - t0))
	tr -d '\r' <"$W/$cur.out" >"$W/$cur.txt"
	expect_err '"msg":"signal: pressing the ACPI power button".*"guest_listens":true' \
		"podvmm pressed no button the guest had enabled (PWRBTN_EN)"
	! grep -q 'Ctrl-Alt-Del' "$W/$cur.err" || fail "Ctrl-Alt-Del sent under --shutdown acpi"
	if [ $mode = acpid ]; then
		expect_rc 0 "SIGTERM, acpid's power-button handler"
		# The handler ran, and the power-off came after it (init's shutdown).
		m=$(grep -an '^RIG-ACPID-PWRF' "$W/$cur.txt" | head -n 1 | cut -d: -f1)
		d=$(grep -an '^RIG-GUEST-SHUTDOWN' "$W/$cur.txt" | head -n 1 | cut -d: -f1)
		[ -n "$m" ] || fail "acpid did not run /etc/acpi/PWRF/00000080"
		if [ -z "$d" ] || [ "$d" -lt "$m" ]; then
			fail "init's shutdown did not follow the handler (handler line $m, shutdown line ${d:-none})"
		fi
		expect_stop power-off '"after_sigterm":true'
		ok "SIGTERM -> power button ($dev) -> busybox acpid -> PWRF/00000080 -> clean power-off in ${ms} ms, exit 0, no Ctrl-Alt-Del"
	fi
	expect_rc 3 "SIGTERM, a guest that ignores the button"
	expect_stop forced '"after_sigterm":true'
	expect_err '"msg":"guest did not shut down in time, forcing stop","shutdown_timeout":3' "no forced-stop line"
	! grep -aq 'RIG-GUEST-SHUTDOWN\|RIG-ACPID' "$W/$cur.txt" || fail "the guest acted on the button"
	[ "$ms" -ge $((to * 1000 - 100)) ] || fail "forced stop after ${ms} ms, before the ${to} s timeout"
	ok "SIGTERM -> power button ($dev enabled, nobody listening) ignored -> forced stop after ${ms} ms, exit 3, no Ctrl-Alt-Del" ;;
net-masq)
	# podlaunch run --binding masquerade: the pod interface keeps the pod
	# IP; the guest leases 10.0.2.2/24 from the k6t-eth0 side (gateway
	# 10.0.2.1); the node's TCP to the pod IP is DNAT'ed to the guest with
	# its own source kept, and the guest's to the node leaves as the pod IP.
	pod_create
	# The pod interface as the CNI made it (address and routes).
	pod_if() { ip -n pod -4 -o addr show dev eth0; ip -n pod -4 route show dev eth0; }
	before=$(pod_if)
	node_ip=$(ip route get "$POD_IP" | sed -n 's/.* src \([0-9.]*\).*/\1/p')
	[ -n "$node_ip" ] || fail "no node address towards $POD_IP"
	RIG_GUEST_ARGS="rig.notx=1 rig.peer=$node_ip" pod_run "$name" udhcpc --binding masquerade
	guest_ready
	lease_ok udhcpc 10.0.2.2 10.0.2.1
	[ "$(pod_if)" = "$before" ] || fail "the pod interface changed: was '$before', now '$(pod_if)'"
	expect_err '"msg":"privileges dropped","uid":107,"gid":107' "podvmm did not become uid 107"
	expect_err '"msg":"allow-lists built","default":"kill_process"' "seccomp is not on"
	priv_ok
	# node -> pod IP:5001 -> the guest (one small transfer, sha256 compared).
	head -c 262144 /dev/urandom >"$W/m0"
	want=$(sha256sum <"$W/m0" | cut -d' ' -f1)
	nc "$POD_IP" 5001 -e cat "$W/m0"
	j=0
	until tr -d '\r' <"$W/$cur.out" | grep -aq "^RIG-RX $want"; do
		[ $j -lt 40 ] || fail "256 KiB to $POD_IP:5001: no RIG-RX $want from the guest"
		sleep 0.5; j=$((j + 1))
	done
	# The guest saw the node's own address as the client (DNAT only).
	seen=$(nc "$POD_IP" 5002 </dev/null | sed -n 's/^peer //p')
	[ "${seen%:*}" = "$node_ip" ] || fail "the guest saw the client as '$seen', want $node_ip"
	# guest -> node: the node sees the pod IP as the source (masquerade).
	# The listener's side records its peer as who.sh does in the guest.
	printf '#!/bin/sh\nnetstat -tn | awk %s >%s\nhead -n 1 >%s\n' \
		"'\$4 ~ /:6000\$/ { a = \$5; sub(/^::ffff:/, \"\", a); print a; exit }'" "$W/masq.peer" "$W/masq.hello" >"$W/peer.sh"
	chmod +x "$W/peer.sh"
	rm -f "$W/masq.peer" "$W/masq.hello"
	nc -l -p 6000 -e "$W/peer.sh" &
	lpid=$!
	j=0
	until netstat -ltn | grep -q ':6000 '; do
		[ $j -lt 40 ] || fail "the node's listener on port 6000 did not start"
		sleep 0.1; j=$((j + 1))
	done
	dial=$(nc "$POD_IP" 5008 </dev/null)
	case $dial in "RIG-DIAL $node_ip:6000 ok"*) ;; *) kill "$lpid" 2>/dev/null; fail "the guest's connection to the node: '$dial'" ;; esac
	j=0
	while kill -0 "$lpid" 2>/dev/null; do
		[ $j -lt 40 ] || { kill "$lpid"; fail "the node's listener did not finish"; }
		sleep 0.25; j=$((j + 1))
	done
	from=$(cat "$W/masq.peer" 2>/dev/null)
	[ "${from%:*}" = "$POD_IP" ] || fail "the node saw the guest's connection from '$from', want the pod IP $POD_IP"
	[ "$(cat "$W/masq.hello" 2>/dev/null)" = RIG-FROM-GUEST ] || fail "the node got '$(cat "$W/masq.hello" 2>/dev/null)' from the guest"
	sigterm_ok
	pod_destroy
	ok "podlaunch run --binding masquerade: guest 10.0.2.2/24 via 10.0.2.1 by udhcpc, pod interface unchanged, node -> $POD_IP:5001 256 KiB sha256-equal with the client's address $node_ip kept, guest -> node seen from $from, uid 107, no capability, no_new_privs, seccomp, SIGTERM -> clean power-off" ;;
demo-guest)
	# make demo's Linux guest (demo/linux-initrd.sh: busybox, the virtio
	# modules, udhcpc and its own LEASE line) with demo.sh's command line,
	# by podlaunch run in the CNI pod: where demo.sh boots Linux (hardware
	# KVM) this is what the demo's checks read.  SIGTERM: Ctrl-Alt-Del,
	# which that init turns into reboot -f, and reboot=k ends podvmm, exit 0.
	VK=$K G=/rig/demo.cpio BASE="console=ttyS0 reboot=k panic=-1"
	pod_create
	pod_run "$name" udhcpc --vhost on
	wait_out 'net: serving icmp echo'
	l=$(grep -a '^LEASE ' "$W/$cur.txt")
	echo "$l"
	for want in "ip=$POD_IP/24 " "gw=$POD_GW " "0.0.0.0/0via$POD_GW" "mtu=$POD_MTU " "dns=$DNS " "search=$SEARCH "; do
		case "$l " in *"$want"*) ;; *) fail "the demo guest's lease lacks '$want'" ;; esac
	done
	expect_err '"backend":"vhost-net"' "backend is not vhost-net"
	ping_ok
	kill -TERM "$VMPID"
	wait "$VMPID"
	RC=$?
	tr -d '\r' <"$W/$cur.out" >"$W/$cur.txt"
	expect_rc 0 "SIGTERM to the demo guest"
	grep -aq '^guest: powering off' "$W/$cur.txt" || fail "the demo guest's init did not see Ctrl-Alt-Del"
	expect_stop reset '"reason":"i8042 reset"'
	pod_destroy
	ok "make demo's Linux guest: $l; ping; SIGTERM -> reboot -f -> i8042 reset, exit 0" ;;
direct)
	# Direct mode (tests/linux/run.sh on a hardware-KVM host runs the
	# scenarios through node/direct.sh instead of booting a node), checked
	# on this node's own KVM with its own root: demo-guest chrooted in new
	# mount, network and PID namespaces, with /dev made by direct.sh.
	before=$(ip -o link; ip netns list; ls /run)
	/rig/node/direct.sh / demo-guest:120 >"$W/direct.out" 2>&1
	RC=$?
	sed 's/^/direct: /' "$W/direct.out" | grep -v '^direct: RIG-LOG' | head -n 20
	grep -q '^RIG-NODE-UP direct kvm=yes vhost_net=yes .* pid=1$' "$W/direct.out" ||
		fail "direct mode did not start as PID 1 with /dev/kvm and /dev/vhost-net: $(grep '^RIG-NODE-UP' "$W/direct.out")"
	grep -q '^RIG-RESULT demo-guest PASS ' "$W/direct.out" || {
		grep '^RIG-LOG' "$W/direct.out" | tail -n 60
		fail "demo-guest in direct mode: $(grep '^RIG-RESULT' "$W/direct.out")"
	}
	grep -q '^RIG-NODE-DONE' "$W/direct.out" || fail "direct mode did not finish its list"
	expect_rc 0 "direct.sh"
	[ "$(ip -o link; ip netns list; ls /run)" = "$before" ] ||
		fail "direct mode changed the node's links, namespaces or /run"
	ok "direct mode (chroot, new mount/net/PID namespaces, its own /dev): $(grep '^RIG-RESULT demo-guest' "$W/direct.out" | cut -d' ' -f3-)" ;;
console)
	# A shell on the guest's ttyS0: a command typed on podvmm's stdin runs
	# there ($((6 * 7)) is expanded only by a shell, never by the echo of
	# the line), then poweroff -f from the same prompt.
	cur=$name
	vm_files_new
	rm -f $W/in && mkfifo $W/in
	podvmm --memory 256 --kernel $VK --initrd $G --cmdline "$BASE rig=console" <"$W/in" >"$W/$name.out" 2>"$W/$name.err" &
	VMPID=$!
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
