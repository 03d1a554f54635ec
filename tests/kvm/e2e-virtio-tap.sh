#!/bin/bash
# podvmm's virtio-net on a tap, without podlaunch: a private namespace with a
# tap and dnsmasq as the DHCP server; the test guest must lease an address
# and print it, answer ping and UDP echo, and power off on SIGTERM (podvmm
# exit 0).  `virtio-tap.sh` runs the userspace backend, `virtio-tap.sh vhost`
# vhost-net (by hand, where /dev/vhost-net exists; make check covers
# vhost-net in the Linux rig, tests/linux/); each also with queues=2 over a
# multi-queue tap and two vCPUs.  The "badring" case has the guest queue a
# descriptor outside its RAM: the device must set DEVICE_NEEDS_RESET, podvmm
# live on, and the guest recover by resetting the device.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
PODVMM=$BUILD/podvmm
GUEST=$BUILD/guest/guest.elf

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces and taps"
[ -c /dev/kvm ] || skip "/dev/kvm missing"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
command -v dnsmasq >/dev/null || skip "dnsmasq (dnsmasq-base) not installed"
{ [ -x "$PODVMM" ] && [ -f "$GUEST" ]; } || { echo "FAIL: build $PODVMM and $GUEST first"; exit 1; }

NS=pvtap$$
work=$(mktemp -d)
dns_pid=
vmm_pid=
cleanup() {
	[ -n "$vmm_pid" ] && kill -9 "$vmm_pid" 2>/dev/null
	[ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
on_fail() { echo "--- serial"; cat "$work/out" 2>/dev/null; echo "--- log"; cat "$work/err" 2>/dev/null; }

ip netns add "$NS" || fail "netns add"
ip -n "$NS" link set lo up

dhcp_start() {
	ip netns exec "$NS" dnsmasq --no-daemon --conf-file=/dev/null --interface=pvt0 \
		--bind-interfaces --port=0 --dhcp-range=10.99.0.10,10.99.0.20,255.255.255.0 \
		--dhcp-option=121,0.0.0.0/0,10.99.0.1,10.96.0.0/12,10.99.0.1 \
		--dhcp-option=26,1500 --dhcp-option=6,10.99.0.53 \
		--dhcp-option=119,svc.cluster.local,cluster.local \
		--dhcp-host=02:00:00:00:00:11,10.99.0.11,pvguest \
		--dhcp-leasefile="$work/leases" >"$work/dnsmasq.log" 2>&1 &
	dns_pid=$!
}

# run_case NAME TAPFLAGS NETSPEC-EXTRA PODVMM-EXTRA...
run_case() {
	local name=$1 tapflags=$2 extra=$3; shift 3
	local rc

	ip -n "$NS" link del pvt0 2>/dev/null
	# shellcheck disable=SC2086
	ip -n "$NS" tuntap add pvt0 mode tap vnet_hdr $tapflags || fail "$name: tuntap add"
	ip -n "$NS" addr add 10.99.0.1/24 dev pvt0
	ip -n "$NS" link set pvt0 up
	[ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null
	dhcp_start
	: >"$work/out"
	# shellcheck disable=SC2086  # PODVMM_EXTRA: e.g. "--seccomp off" for ASan builds
	ip netns exec "$NS" "$PODVMM" --kernel "$GUEST" --cpu-template baseline --console stdio \
		--net "tap=pvt0,mac=02:00:00:00:00:11$extra" "$@" ${PODVMM_EXTRA:-} >"$work/out" 2>"$work/err" &
	vmm_pid=$!
	# The guest writes its console a byte at a time: "net: serving" comes
	# after the LEASE (in badring mode the second one) and msi-x lines, so
	# they are whole once it shows.
	wait_until 120 line_or_gone "$work/out" '^net: serving ' "$vmm_pid"
	grep -q '^LEASE ' "$work/out" || fail "$name: no lease line"
	if [ "$name" = badring ]; then
		grep -q '^net: bad descriptor -> device status .* (DEVICE_NEEDS_RESET)' "$work/out" ||
			fail "$name: device did not set DEVICE_NEEDS_RESET"
		grep -q '"msg":"guest ring malformed; device needs reset"' "$work/err" ||
			fail "$name: the broken ring was not logged"
		grep -q '^net: recovered after device reset' "$work/out" ||
			fail "$name: guest did not recover after resetting the device"
		echo "$name: bad descriptor -> DEVICE_NEEDS_RESET -> reset -> new lease"
	fi
	line=$(grep '^LEASE ' "$work/out" | tail -n 1)
	echo "$name: $line"
	for want in "ip=10.99.0.11/24" "gw=" "routes=0.0.0.0/0via10.99.0.1,10.96.0.0/12via10.99.0.1" \
		"mtu=1500" "dns=10.99.0.53" "search=svc.cluster.local,cluster.local" "hostname=pvguest"; do
		[[ $line == *"$want"* ]] || fail "$name: lease line lacks $want"
	done
	grep -q '"backend":"userspace"\|"backend":"vhost-net"' "$work/err" || fail "$name: backend not logged"
	# The guest takes MRG_RXBUF and EVENT_IDX as Linux does: those paths ran.
	grep -q '"msg":"driver ok".*"mrg_rxbuf":true,"event_idx":true,"msix":true' "$work/err" ||
		fail "$name: driver did not negotiate MRG_RXBUF and EVENT_IDX with MSI-X on"
	grep -q '^net: msi-x interrupt delivered to the LAPIC' "$work/out" ||
		fail "$name: the receive queue's MSI-X message did not reach the guest LAPIC"
	ip netns exec "$NS" ping -c 3 -i 0.3 -W 10 10.99.0.11 >"$work/ping" || { cat "$work/ping"; fail "$name: ping"; }
	echo "$name: ping ok"
	ip netns exec "$NS" python3 - <<'PY' || fail "$name: udp echo"
import socket, sys
# 16 flows (source ports), so a multi-queue tap spreads them over its queues.
for i in range(16):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    msg = b"podvmm-udp-echo-%d-" % i + bytes(range(48, 112))
    s.sendto(msg, ("10.99.0.11", 7))
    data, peer = s.recvfrom(2048)
    if data != msg or peer != ("10.99.0.11", 7):
        sys.exit(1)
PY
	echo "$name: udp echo ok"
	kill -TERM "$vmm_pid"
	wait "$vmm_pid"
	rc=$?
	vmm_pid=
	[ "$rc" = 0 ] || fail "$name: podvmm exit $rc after SIGTERM"
	grep -q "powering off" "$work/out" || fail "$name: guest did not power off"
	if [[ $extra == *queues=2* ]]; then
		grep -q '^net: 2 queue pairs (ctrl ack 0)' "$work/out" || fail "$name: guest did not get 2 queue pairs"
		grep -q '"msg":"queue pairs in use","tap":"pvt0","pairs":2' "$work/err" || fail "$name: device did not switch to 2 pairs"
		if [[ $extra == *vhost=off* ]]; then
			grep -q '"msg":"queue pair stopped","pair":1,"rx_packets":[1-9]' "$work/err" ||
				fail "$name: nothing received on the second queue pair"
		fi
	fi
	echo "$name: SIGTERM -> guest power-off -> exit 0"
}

if [ "${1:-}" = vhost ]; then
	run_case vhost "" ",vhost=on"
	run_case vhost-queues2 "multi_queue" ",vhost=on,queues=2" --cpus 2
	grep -q '"msg":"vhost-net started"' "$work/err" || fail "vhost-net did not start"
else
	run_case userspace "" ",vhost=off"
	run_case badring "" ",vhost=off" --cmdline net=badring
	run_case queues2-cpus2 "multi_queue" ",vhost=off,queues=2" --cpus 2
fi
echo "PASS"
