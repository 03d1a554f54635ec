#!/bin/bash
# `make demo`: podlaunch as the entrypoint of a real OCI container (runc) in a
# Kubernetes-shaped pod network namespace, booting the in-tree test guest,
# which takes over the pod's IP.  Never touches the host's own network
# namespace: everything happens in a "node" namespace and a pod namespace
# made by the CNI ptp + host-local plugins.
#
#   make demo                                   # Linux where KVM runs it, else the test guest
#   DEMO_GUEST=test make demo                   # the in-tree test guest anyway
#   KERNEL=/boot/vmlinuz-X make demo            # this Linux kernel (hardware KVM)
#   make demo BINDING=masquerade                # the guest behind NAT on the pod IP
#
# Which guest: on hardware KVM (kvm_intel or kvm_amd, not kvm_pvm) the demo
# boots Debian's kernel (linux-image-amd64) with a busybox initramfs, both
# from Debian packages (apt-get download, cached in $BUILD/linux/cache as the
# Linux rig does, tests/linux/lib.sh); on a software KVM, where Linux does
# not finish booting, the in-tree test guest.  It says which and why.
#
# Environment: BUILD (build dir, default build), DEMO_GUEST=auto|linux|test,
# KERNEL, INITRD (default: one built by linux-initrd.sh from MODULES_DIR,
# /lib/modules/<version>), CMDLINE,
# DEMO_TIMEOUT (seconds to wait for the lease, default 180), DEMO_KEEP=1 to
# keep the bundle and logs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DEMO_TIMEOUT=${DEMO_TIMEOUT:-180}
KERNEL=${KERNEL:-}
INITRD=${INITRD:-}
DEMO_GUEST=${DEMO_GUEST:-auto}
case $DEMO_GUEST in auto | linux | test) ;; *) printf 'demo: DEMO_GUEST=%s (want auto, linux or test)\n' "$DEMO_GUEST" >&2; exit 2 ;; esac
CMDLINE=${CMDLINE:-console=ttyS0 reboot=k panic=-1}
# podvmm runs as this user (podlaunch run --vmm-user) once its devices are open.
VMM_UID=${VMM_UID:-107}
BINDING=${BINDING:-bridge}
case $BINDING in bridge|masquerade) ;; *) printf 'demo: BINDING=%s: bridge or masquerade\n' "$BINDING" >&2; exit 2 ;; esac
ZERO=0000000000000000

# Check what the user gave before anything is built or created.
for f in ${KERNEL:+"$KERNEL"} ${INITRD:+"$INITRD"}; do
	[ -r "$f" ] || { printf 'demo: %s is not readable (KERNEL=/INITRD=)\n' "$f" >&2; exit 2; }
done

step=0
say() { printf '%s\n' "$*"; }
head_() { step=$((step + 1)); printf '\n[%d] %s\n' "$step" "$*"; }
indent() { sed 's/^/    /'; }
die() { printf 'demo FAILED: %s\n' "$*" >&2; exit 1; }
# The last lines of the container log, JSON log lines shown as
# "component: msg (key=value ...)".
log_tail() {
	tail -n "${2:-15}" "$1" | while IFS= read -r l; do
		if [[ $l == '{'* ]] && j=$(jq -r '"\(.component // "?"): \(.msg // "")" + ([to_entries[]
			| select(.key | IN("time", "level", "component", "msg") | not)
			| "\(.key)=\(.value)"] | if length > 0 then " (" + join(", ") + ")" else "" end)' <<<"$l" 2>/dev/null); then
			printf '%s\n' "$j"
		else
			printf '%s\n' "$l"
		fi
	done | cut -c1-200 | indent
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, runc)"
[ -c /dev/kvm ] || die "no /dev/kvm: needs KVM (modprobe kvm_intel or kvm_amd; nested virtualisation in a VM)"
[ -c /dev/net/tun ] || die "no /dev/net/tun (modprobe tun)"

# --- which guest -----------------------------------------------------------------
# Linux boots where /dev/kvm is hardware virtualisation (kvm_intel/kvm_amd);
# kvm_pvm (the build machines') is a software KVM on which it does not.
kvm_kind=software
for m in kvm_intel kvm_amd; do [ -d /sys/module/$m ] && kvm_kind=$m; done
[ -d /sys/module/kvm_pvm ] && kvm_kind=kvm_pvm
debian_kernel=
if [ -n "$KERNEL" ]; then
	guest_why="KERNEL=$KERNEL given"
elif [ "$DEMO_GUEST" = test ]; then
	guest_why="DEMO_GUEST=test"
elif [ "$DEMO_GUEST" = linux ] || { [ "$kvm_kind" = kvm_intel ] || [ "$kvm_kind" = kvm_amd ]; }; then
	debian_kernel=1
	guest_why="/dev/kvm is hardware KVM ($kvm_kind)"
	[ "$DEMO_GUEST" = linux ] && guest_why="DEMO_GUEST=linux (/dev/kvm: $kvm_kind)"
else
	guest_why="this /dev/kvm is $kvm_kind, a software KVM on which a Linux kernel does not finish booting; a Linux guest needs hardware KVM (kvm_intel or kvm_amd). make check's tests/linux rig boots Linux under nested KVM (QEMU TCG) instead"
fi

# --- tools: install only what is missing ------------------------------------
need_pkgs=()
want() { command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); }
want ip iproute2
want ping iputils-ping
want runc runc
want jq jq
want make build-essential
want cc build-essential
want pkg-config pkg-config
if [ -n "$debian_kernel" ]; then
	want apt-get apt
	want dpkg-deb dpkg
	want python3 python3
	want xz xz-utils
elif [ -n "$KERNEL" ] && [ -z "$INITRD" ]; then
	want busybox busybox-static # linux-initrd.sh
	want python3 python3
	want xz xz-utils
fi
[ -x /usr/lib/cni/ptp ] && [ -x /usr/lib/cni/host-local ] || need_pkgs+=(containernetworking-plugins)
for pc in libnl-3.0:libnl-3-dev libnl-route-3.0:libnl-route-3-dev libmnl:libmnl-dev \
	libcap:libcap-dev jansson:libjansson-dev libseccomp:libseccomp-dev; do
	command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "${pc%%:*}" 2>/dev/null ||
		need_pkgs+=("${pc#*:}")
done

say "podlaunch demo: a VM takes over a pod's network, inside runc"
head_ "tools"
if [ ${#need_pkgs[@]} -gt 0 ]; then
	mapfile -t need_pkgs < <(printf '%s\n' "${need_pkgs[@]}" | sort -u)
	say "    installing: ${need_pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null ||
		die "apt-get install ${need_pkgs[*]} failed"
else
	say "    all present (iproute2, runc, jq, CNI plugins, compiler, -dev libraries)"
fi

# --- build --------------------------------------------------------------------
head_ "build (make BUILD=$BUILD programs guest)"
mkdir -p "$BUILD"
buildlog=$BUILD/demo-build.log
guest=$BUILD/guest/guest.elf
if ! make -s BUILD="$BUILD" programs "$guest" >"$buildlog" 2>&1; then
	tail -n 20 "$buildlog" | indent
	die "build failed (full log: $buildlog)"
fi
for f in "$BUILD/podlaunch" "$BUILD/podvmm"; do [ -x "$f" ] || die "$f was not built"; done
[ -n "$KERNEL$debian_kernel" ] || [ -f "$guest" ] || die "$guest was not built"
say "    $BUILD/podlaunch, $BUILD/podvmm$([ -n "$KERNEL$debian_kernel" ] || echo ", $guest")"

# --- the guest --------------------------------------------------------------------
if [ -n "$debian_kernel" ]; then
	head_ "guest: Linux, Debian's kernel and a busybox initramfs from Debian packages"
	say "    why: $guest_why"
	# The Linux rig's pieces: the kernel package linux-image-amd64 depends
	# on and busybox-static, apt-get download into $BUILD/linux/cache.
	# shellcheck source=tests/linux/lib.sh
	. tests/linux/lib.sh
	kpkg=$(rig_kernel_package) || die "cannot resolve linux-image-amd64 (apt-cache)"
	kdir=$(rig_fetch "$kpkg") || die "apt-get download $kpkg failed"
	kver=$(basename "$(ls -d "$kdir"/lib/modules/*)")
	KERNEL=$kdir/boot/vmlinuz-$kver
	MODULES_DIR=$kdir/lib/modules/$kver
	bb=$(rig_fetch busybox-static) || die "apt-get download busybox-static failed"
	BUSYBOX=$bb/bin/busybox
	export BUSYBOX
	say "    kernel: $kpkg ($KERNEL); busybox: busybox-static; cache: $CACHE"
else
	head_ "guest: $([ -n "$KERNEL" ] && echo "Linux, $KERNEL" || echo "the in-tree test guest ($guest)")"
	say "    why: $guest_why"
fi

# --- cleanup on every exit path ----------------------------------------------
# shellcheck source=tests/lib/podns.sh
. tests/lib/podns.sh
N=pl-demo-$$
CID=$N
work=$(mktemp -d "/tmp/$N.XXXXXX")
runc_pid=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e +o pipefail
	if runc state "$CID" >/dev/null 2>&1; then
		runc kill "$CID" KILL >/dev/null 2>&1 || true
		runc delete -f "$CID" >/dev/null 2>&1 || true
	fi
	[ -z "$runc_pid" ] || { kill "$runc_pid" 2>/dev/null || true; wait "$runc_pid" 2>/dev/null || true; }
	podns_destroy "$N"
	if [ "${DEMO_KEEP:-0}" = 1 ]; then say "kept: $work" >&3; else rm -rf "$work"; fi
	exit "$rc"
}
# fd 3 is the terminal's stdout: a trap can run while a command's output is
# redirected to a file.
exec 3>&1
trap cleanup EXIT
trap 'say "interrupted: cleaning up" >&3; exit 130' INT TERM

# --- pod namespace -------------------------------------------------------------
head_ "pod network namespace ($N-pod, made by CNI ptp + host-local from $N-node)"
podns_create "$N" ptp 10.244.1.0/24 || die "CNI ptp ADD failed"
pod_ip=$(podns_ip "$N")
pod_mac=$(in_pod "$N" cat /sys/class/net/eth0/address)
pod_mtu=$(in_pod "$N" cat /sys/class/net/eth0/mtu)
pod_gw=$(podns_gateway "$N")
pod_prefix=$(in_pod "$N" ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[2]; exit}')
say "    before: the pod interface holds the pod IP"
in_pod "$N" ip -br addr show dev eth0 | awk '{sub(/@.*/, "", $1); print $1, $2, $3}' | indent
in_pod "$N" ip -4 route | indent

# --- OCI bundle -----------------------------------------------------------------
head_ "container: runc bundle, NET_ADMIN + containerd defaults, /dev/kvm /dev/net/tun$([ -c /dev/vhost-net ] && echo ' /dev/vhost-net')"
bundle=$work/bundle
vmargs=(--cpu-template baseline --console stdio)
files=()
if [ -n "$KERNEL" ]; then
	say "    KERNEL=$KERNEL: booting a Linux guest needs hardware-backed KVM"
	say "    (on an emulated /dev/kvm a Linux kernel does not finish booting)"
	[ -r "$KERNEL" ] || die "KERNEL=$KERNEL is not readable"
	if [ -d /sys/module/kvm_pvm ]; then
		say "    warning: this /dev/kvm is kvm_pvm, a software KVM; expect no lease here"
	fi
	if [ -z "$INITRD" ]; then
		# busybox + virtio modules + udhcpc, printing the same LEASE line.
		INITRD=$work/initrd.cpio
		demo/linux-initrd.sh "$INITRD" "$KERNEL" ${MODULES_DIR:+"$MODULES_DIR"} | indent ||
			die "could not build an initramfs for $KERNEL (INITRD=... or MODULES_DIR=...)"
	fi
	files+=(--file "$KERNEL:/vmlinuz" --file "$INITRD:/initrd.img")
	vmargs=(--kernel /vmlinuz --initrd /initrd.img --cmdline "$CMDLINE" "${vmargs[@]}")
else
	files+=(--file "$guest:/guest.elf")
	vmargs=(--kernel /guest.elf "${vmargs[@]}")
fi
# /proc/sys is read-only in the container, as under containerd: podlaunch
# sets what its bridge needs over rtnetlink, with NET_ADMIN only.
demo/bundle.sh --out "$bundle" --netns "/var/run/netns/$N-pod" \
	--bin "$BUILD/podlaunch:/bin/podlaunch" --bin "$BUILD/podvmm:/bin/podvmm" \
	"${files[@]}" --hostname vm1 --nameserver 10.96.0.10 \
	--search default.svc.cluster.local --search svc.cluster.local --search cluster.local \
	--volume "$work/state:/var/run/podlaunch" \
	-- /bin/podlaunch run --binding "$BINDING" --vmm-user "$VMM_UID" -- "${vmargs[@]}" || die "bundle build failed"
say "    rootfs: $(find "$bundle/rootfs" -type f | wc -l) files, $(du -sh "$bundle/rootfs" | cut -f1)"
say "    entrypoint: $(jq -r '.process.args | join(" ")' "$bundle/config.json")"

# The masquerade binding's part: the pod interface untouched, the table,
# the private lease, and a UDP request from the node answered by the guest
# (UDP echo, RFC 862) through the pod IP; then the common tail.
masq_demo() {
	head_ "after: masquerade binding in the pod namespace"
	links | indent
	say "    eth0 is as the CNI made it (its IP, MAC, routes); the guest is on bridge k6t-eth0 (10.0.2.1/24) via tap0"
	say "    nftables, one table of podlaunch's own (installed as one batch through libnftnl):"
	in_pod "$N" nft list table inet podlaunch-eth0 | grep -E 'chain|dnat|masquerade|snat' | sed 's/^[[:space:]]*//' | indent
	pod_holds_ip || die "eth0 lost the pod IP"

	head_ "the guest's lease (serial console, via the container log)"
	declare -A kv=()
	for w in ${lease#LEASE }; do kv[${w%%=*}]=${w#*=}; done
	routes=${kv[routes]:-}
	routes=${routes//via/ via }
	say "    ip=${kv[ip]:-?}  gw=${kv[gw]:-?}  mtu=${kv[mtu]:-?}  hostname=${kv[hostname]:-?}"
	say "    routes (option 121): ${routes//,/, }"
	say "    dns=${kv[dns]:-}  search=${kv[search]:-}"
	[ "${kv[ip]:-}" = 10.0.2.2/24 ] || die "the lease carries ${kv[ip]:-no ip}, not 10.0.2.2/24"
	[ "${kv[gw]:-}" = 10.0.2.1 ] || die "the lease's gateway ${kv[gw]:-none} is not 10.0.2.1"
	[ "${kv[mtu]:-}" = "$pod_mtu" ] || die "the lease's MTU ${kv[mtu]:-none} is not the pod's $pod_mtu"
	[[ ,${kv[dns]:-}, == *,10.96.0.10,* ]] || die "the lease lacks the cluster nameserver 10.96.0.10"
	say "    the guest holds the private 10.0.2.2 behind NAT, the pod's MTU, DNS and hostname"

	head_ "a request from the node namespace to the pod IP, answered by the guest"
	reply=$(in_node "$N" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for _ in range(5):
    s.sendto(b"hello guest", (sys.argv[1], 7))
    try:
        data, peer = s.recvfrom(100)
        print("%s from %s:%d" % (data.decode(), peer[0], peer[1]))
        break
    except socket.timeout:
        pass
' "$pod_ip")
	[ -n "$reply" ] || die "no answer from $pod_ip:7"
	say "    udp $pod_ip:7 <- 'hello guest'; reply: '$reply'"
	say "    DNAT'ed by the pod to 10.0.2.2, echoed by the guest (RFC 862), un-NAT'ed back to the pod IP"
	[[ $reply == "hello guest from $pod_ip:7" ]] || die "unexpected reply: $reply"

	head_ "graceful stop: runc kill $CID TERM"
	runc kill "$CID" TERM || die "runc kill failed"
	status=0
	for _ in $(seq 1 90); do kill -0 "$runc_pid" 2>/dev/null || break; sleep 0.5; done
	if kill -0 "$runc_pid" 2>/dev/null; then die "the container did not stop within 45s of SIGTERM"; fi
	wait "$runc_pid" || status=$?
	runc_pid=
	say "    container exited with status $status"
	runc delete "$CID" >/dev/null 2>&1 || runc delete -f "$CID" >/dev/null 2>&1 || true
	[ "$status" = 0 ] || { log_tail "$log" 10; die "podlaunch exited $status (log above)"; }
	head_ "cleanup"
	podns_destroy "$N"
	say "    container deleted; namespaces $N-node and $N-pod removed"
	say
	say "demo OK (masquerade binding)"
}

# Whether an up link in the pod namespace holds the pod IP (before the
# binding, eth0 does; after it, only the down placeholder has it).
pod_holds_ip() {
	local a
	a=$(in_pod "$N" ip -4 -o addr show up)
	[[ $a == *" $pod_ip/"* ]]
}

log=$work/container.log
(cd "$bundle" && exec runc run --pid-file "$work/pid" "$CID") >"$log" 2>&1 </dev/null &
runc_pid=$!

# Wait for the guest's lease line (in-tree guest) or for the pod IP to answer
# (a Linux guest prints no LEASE line).
t0=$(date +%s)
lease=
while :; do
	if ! kill -0 "$runc_pid" 2>/dev/null; then
		log_tail "$log"
		die "the container exited before the guest got its lease (log above)"
	fi
	# Only complete lines: the guest writes its console a byte at a time.
	lease=$(head -n "$(wc -l <"$log")" "$log" | grep -a -m1 -o 'LEASE .*' | tr -d '\r' || true)
	[ -z "$lease" ] || break
	# A Linux guest with its own initrd may print no LEASE line: wait for
	# the binding (no up link in the pod holds the IP) and an answer.
	if [ -n "$KERNEL" ] && ! pod_holds_ip && in_node "$N" ping -c 1 -W 1 "$pod_ip" >/dev/null 2>&1; then
		break
	fi
	[ $(($(date +%s) - t0)) -lt "$DEMO_TIMEOUT" ] || {
		log_tail "$log"
		die "no lease after ${DEMO_TIMEOUT}s"
	}
	sleep 0.5
done
say "    running: container pid $(cat "$work/pid" 2>/dev/null || echo '?'), guest up after $(($(date +%s) - t0))s"

links() {
	in_pod "$N" ip -j addr | jq -r '.[] | select(.ifname != "lo") |
		[.ifname, .operstate, (.master // "-"), .address,
		 ([.addr_info[]? | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(","))] | @tsv' |
		awk -F'\t' '{printf "%-12s %-8s %-17s %-18s %s\n", $1, $2, ($3 == "-" ? "" : "master " $3), $4, $5}'
}
if [ "$BINDING" = masquerade ]; then
	masq_demo
	exit 0	# the privileges, stop and cleanup sections follow in masq_demo
fi
# --- bridge binding ----------------------------------------------------------------
head_ "after: bridge binding in the pod namespace"
links | indent
say "    eth0 is now a placeholder: down, with the pod's MAC, MTU and IP for kubelet and CNI CHECK;"
say "    eth0-nic (new MAC) and tap0 are ports of bridge k6t-eth0; the guest's NIC has the pod MAC"

# --- lease ---------------------------------------------------------------------------
head_ "the guest's lease (serial console, via the container log)"
if [ -n "$lease" ]; then
	# One key=value per word; show it in three short lines.
	declare -A kv=()
	for w in ${lease#LEASE }; do kv[${w%%=*}]=${w#*=}; done
	say "    ip=${kv[ip]:-?}  gw=${kv[gw]:-?}  mtu=${kv[mtu]:-?}  hostname=${kv[hostname]:-?}"
	routes=${kv[routes]:-}
	routes=${routes//via/ via }
	say "    routes (option 121): ${routes//,/, }"
	say "    dns=${kv[dns]:-}  search=${kv[search]:-}"
	[ "${kv[ip]:-}" = "$pod_ip/$pod_prefix" ] || die "the lease carries ${kv[ip]:-no ip}, not the pod's $pod_ip/$pod_prefix"
	[ "${kv[gw]:-}" = "$pod_gw" ] || die "the lease's gateway ${kv[gw]:-none} is not the pod's $pod_gw"
	[ "${kv[mtu]:-}" = "$pod_mtu" ] || die "the lease's MTU ${kv[mtu]:-none} is not the pod's $pod_mtu"
	[[ ${routes:-} == *"0.0.0.0/0 via $pod_gw"* ]] || die "the lease has no default route via $pod_gw"
	[[ ,${kv[dns]:-}, == *,10.96.0.10,* ]] || die "the lease lacks the cluster nameserver 10.96.0.10"
	[ "${kv[hostname]:-}" = vm1 ] || die "the lease's hostname is ${kv[hostname]:-none}, not vm1"
	say "    the guest holds the pod's IP, prefix, gateway, MTU, DNS and hostname"
else
	say "    (this guest's initrd prints no LEASE line; the pod IP answers, see below)"
fi

# --- ping from the node ------------------------------------------------------------
head_ "ping the pod IP from the node namespace"
if ! in_node "$N" ping -c 3 -i 0.3 -W 2 "$pod_ip" >"$work/ping" 2>&1; then
	indent <"$work/ping"
	die "ping $pod_ip from the node namespace failed"
fi
say "    $(grep -E 'packets transmitted' "$work/ping")"
neigh_mac=$(in_node "$N" ip neigh show "$pod_ip" | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2 || true)
say "    answered by MAC $neigh_mac (the pod's original eth0 MAC $pod_mac, now the guest's)"
[ "$neigh_mac" = "$pod_mac" ] || die "the answer came from $neigh_mac, not the guest's $pod_mac"
! pod_holds_ip || die "an up interface in the pod still holds $pod_ip: the pod answered, not the guest"
say "    no up interface in the pod holds $pod_ip: the guest answered"

# --- privileges ----------------------------------------------------------------------
head_ "privileges of the processes in the container"
vmm_pid=$(cat "$work/pid" 2>/dev/null || true)
{ [ -n "$vmm_pid" ] && [ "$(cat "/proc/$vmm_pid/comm" 2>/dev/null)" = podvmm ]; } ||
	die "the container's first process is not podvmm"
st_line() {
	awk '$1 == "Uid:" {u = $2} $1 == "Gid:" {g = $2} $1 == "CapEff:" {e = $2}
	     $1 == "CapPrm:" {p = $2} $1 == "CapBnd:" {b = $2} $1 == "NoNewPrivs:" {n = $2}
	     $1 == "Seccomp:" {s = $2}
	     END {printf "uid %s gid %s CapEff %s CapPrm %s CapBnd %s NoNewPrivs %s Seccomp %s", u, g, e, p, b, n, s}' "$1"
}
vmm_st=$(st_line "/proc/$vmm_pid/status")
say "    podvmm      (pid $vmm_pid): $vmm_st"
for k in $(pgrep -P "$vmm_pid" || true); do
	say "    dhcp server (pid $k): $(st_line "/proc/$k/status")"
done
[ "$vmm_st" = "uid $VMM_UID gid $VMM_UID CapEff $ZERO CapPrm $ZERO CapBnd $ZERO NoNewPrivs 1 Seccomp 2" ] ||
	die "podvmm is not unprivileged: $vmm_st"
say "    podvmm (--vmm-user $VMM_UID) holds no capability, is not root and runs under seccomp"

# --- graceful stop -------------------------------------------------------------------
head_ "graceful stop: runc kill $CID TERM"
t0=$(date +%s%N)
runc kill "$CID" TERM || die "runc kill failed"
status=0
for _ in $(seq 1 90); do kill -0 "$runc_pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$runc_pid" 2>/dev/null; then die "the container did not stop within 45s of SIGTERM"; fi
wait "$runc_pid" || status=$?
runc_pid=
ms=$((($(date +%s%N) - t0) / 1000000))
say "    container exited with status $status after $((ms / 1000)).$((ms % 1000 / 100))s"
# What the VMM logged about the stop and what the guest said, one line each.
grep -a -o '{"time".*}' "$log" | jq -r 'select(.component == "podvmm" or .component == "vmm")
	| select(.msg | test("signal|stopping|exit|timeout"))
	| "\(.component): \(.msg)\(if .reason then " (\(.reason))" else "" end)"' 2>/dev/null | indent || true
grep -a -m1 -o 'guest: power[a-z ]*' "$log" | indent || true
runc delete "$CID" >/dev/null 2>&1 || runc delete -f "$CID" >/dev/null 2>&1 || true
[ "$status" = 0 ] || { log_tail "$log" 10; die "podlaunch exited $status (log above)"; }

# --- cleanup -----------------------------------------------------------------------------
head_ "cleanup"
podns_destroy "$N"
left=$(ip netns list | grep -c "^$N-" || true)
[ "$left" = 0 ] || die "namespaces $N-* still exist"
runc state "$CID" >/dev/null 2>&1 && die "container $CID still exists"
say "    container deleted; namespaces $N-node and $N-pod removed"
say
say "demo OK"
