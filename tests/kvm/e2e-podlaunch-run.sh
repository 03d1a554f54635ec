#!/bin/bash
# The whole path, as on a Kubernetes node: a "node" namespace, a pod
# namespace wired by the CNI ptp plugin with host-local IPAM, and inside it
# `podlaunch run -- --kernel <test guest> --cpu-template baseline`.  The
# guest's virtio-net NIC must lease the pod's own address over DHCP from
# podlaunch's server and answer on it from the node namespace; SIGTERM must
# power the guest off, end podvmm with 0 and take the DHCP child with it.
# Then again with two queue pairs and two vCPUs.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
# shellcheck source=tests/lib/podns.sh
. tests/lib/podns.sh
ROOT=$PWD
PODLAUNCH=$ROOT/$BUILD/podlaunch
PODVMM=$ROOT/$BUILD/podvmm
GUEST=$ROOT/$BUILD/guest/guest.elf

podns_require
[ -c /dev/kvm ] || skip "/dev/kvm missing"
for f in "$PODLAUNCH" "$PODVMM"; do
	[ -x "$f" ] || skip "$f not built (make BUILD=$BUILD)"
done
[ -f "$GUEST" ] || skip "test guest $GUEST not built"
[ -f cmd/podlaunch/cmd_dhcp.c ] || skip "podlaunch has no DHCP server yet (cmd/podlaunch/cmd_dhcp.c missing)"
command -v python3 >/dev/null || skip "python3 missing (UDP echo client)"

work=$(mktemp -d)
NAME=
vmm_pid=
cleanup() {
	[ -n "$vmm_pid" ] && kill -KILL "$vmm_pid" 2>/dev/null
	[ -n "$NAME" ] && podns_destroy "$NAME"
	rm -rf "$work"
}
trap cleanup EXIT
on_fail() {
	echo "--- serial"; grep -av '^PASS: ' "$work/out" 2>/dev/null | tail -n 30
	echo "--- log"; tail -n 40 "$work/err" 2>/dev/null
}

# run_case LABEL QUEUES CPUS PODLAUNCH-FLAGS -- VMM-EXTRA...
run_case() {
	local label=$1 want_queues=$2 want_cpus=$3 rc ip gw prefix mtu line dhcp_kids guest_mac alive; shift 3
	local -a pl_flags=() vm_extra=()

	while [ $# -gt 0 ] && [ "$1" != -- ]; do pl_flags+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	vm_extra=("$@")

	NAME=pve$$$label
	NAME=${NAME:0:12}
	podns_create "$NAME" ptp 10.244.1.0/24 || fail "$label: CNI ptp pod namespace"
	ip=$(podns_ip "$NAME")
	gw=$(podns_gateway "$NAME")
	prefix=$(in_pod "$NAME" ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[2]; exit}')
	mtu=$(in_pod "$NAME" cat /sys/class/net/eth0/mtu)
	{ [ -n "$ip" ] && [ -n "$gw" ]; } || fail "$label: pod has no address/gateway"
	printf 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n' >"$work/resolv.conf"
	rm -rf "$work/state"

	: >"$work/out"
	# Not through in_pod: $! must be the process that becomes podvmm.
	ip netns exec "$NAME-pod" "$PODLAUNCH" run --state-dir "$work/state" --resolv-conf "$work/resolv.conf" \
		"${pl_flags[@]}" -- --kernel "$GUEST" --cpu-template baseline --console stdio \
		"${vm_extra[@]}" >"$work/out" 2>"$work/err" </dev/null &
	vmm_pid=$!
	# The guest writes its console a byte at a time: "net: serving" comes
	# after the LEASE and msi-x lines, so they are whole once it shows.
	wait_until 120 line_or_gone "$work/out" '^net: serving ' "$vmm_pid"
	line=$(grep -a '^LEASE ' "$work/out")
	[ -n "$line" ] || fail "$label: no lease line on the guest console"
	echo "$label: pod $ip/$prefix gw $gw mtu $mtu"
	echo "$label: $line"
	for want in "ip=$ip/$prefix " "gw=$gw " "0.0.0.0/0via$gw" "mtu=$mtu " "dns=10.96.0.10" \
		"search=default.svc.cluster.local,svc.cluster.local,cluster.local"; do
		[[ $line == *"$want"* ]] || fail "$label: lease line lacks '$want'"
	done
	grep -q '"backend":"' "$work/err" || fail "$label: backend choice not logged"
	grep -aq '^net: msi-x interrupt delivered to the LAPIC' "$work/out" ||
		fail "$label: the receive queue's MSI-X message did not reach the guest LAPIC"
	grep -q "\"queues\":$want_queues," "$work/err" || fail "$label: virtio-net not created with $want_queues queue pairs"
	grep -aq "^mptable: $want_cpus cpus" "$work/out" || fail "$label: guest does not see $want_cpus CPUs"
	if in_pod "$NAME" ip -4 -o addr show up | grep -q " $ip/"; then
		fail "$label: an up interface in the pod still holds $ip (the guest would not be the one answering)"
	fi
	guest_mac=$(grep -a '^net: virtio-net at' "$work/out" | awk '{for (i = 1; i < NF; i++) if ($i == "mac") print $(i + 1)}')
	in_node "$NAME" ping -c 3 -i 0.3 -W 10 "$ip" >"$work/ping" || { cat "$work/ping"; fail "$label: ping $ip from the node namespace"; }
	# The node resolved the pod IP to the guest's NIC: the guest answered.
	in_node "$NAME" ip neigh show "$ip" | grep -qi "lladdr $guest_mac" ||
		fail "$label: node's neighbour entry for $ip is not the guest MAC $guest_mac: $(in_node "$NAME" ip neigh show "$ip")"
	echo "$label: ping from node answered by the guest ($guest_mac)"
	in_node "$NAME" python3 - "$ip" <<'PY' || fail "$label: UDP echo"
import socket, sys
for i in range(16):	# 16 flows: spread over the queues of a multi-queue tap
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    msg = b"podlaunch-e2e-%d-" % i + bytes(range(65, 91)) * 8
    s.sendto(msg, (sys.argv[1], 7))
    data, peer = s.recvfrom(4096)
    if data != msg or peer[0] != sys.argv[1]:
        sys.exit(1)
PY
	echo "$label: UDP echo from node ok"
	dhcp_kids=$(pgrep -P "$vmm_pid")
	[ -n "$dhcp_kids" ] || fail "$label: no DHCP child under podvmm"
	kill -TERM "$vmm_pid"
	wait "$vmm_pid"
	rc=$?
	vmm_pid=
	[ "$rc" = 0 ] || fail "$label: podvmm exit $rc after SIGTERM (want 0)"
	grep -aq "powering off" "$work/out" || fail "$label: guest did not power off"
	if [ "$want_queues" -gt 1 ]; then
		grep -aq "^net: $want_queues queue pairs (ctrl ack 0)" "$work/out" || fail "$label: guest did not get $want_queues queue pairs"
		grep -q "\"msg\":\"queue pairs in use\".*\"pairs\":$want_queues," "$work/err" || fail "$label: device did not switch to $want_queues pairs"
	fi
	alive=
	# shellcheck disable=SC2086 # one PID a word
	wait_until 30 pid_gone $dhcp_kids || for k in $dhcp_kids; do kill -0 "$k" 2>/dev/null && alive=$k; done
	[ -z "$alive" ] || fail "$label: DHCP child $alive still running after podvmm exit"
	echo "$label: SIGTERM -> guest power-off, podvmm exit 0, DHCP child gone"
	podns_destroy "$NAME"
	NAME=
}

run_case q1 1 1
run_case q2 2 2 --queues 2 -- --cpus 2
[ -c /dev/vhost-net ] || echo "note: /dev/vhost-net not present: the userspace backend ran"
echo PASS
