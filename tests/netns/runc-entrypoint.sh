#!/bin/bash
# podlaunch as a real container entrypoint: builds the demo's OCI bundle
# (containerd's default capabilities + NET_ADMIN, /dev/kvm and /dev/net/tun,
# read-only /proc/sys) and runs it with runc in a CNI ptp pod namespace.
#  1. the container gets exactly the capability set a pod with
#     capabilities.add: [NET_ADMIN] gets, and sees the pod's eth0;
#  2. `podlaunch discover` inside it reports the pod's IP, MAC, routes, DNS
#     and hostname;
#  3. with the fake VMM (when built), `podlaunch run` inside it does the
#     bridge binding and execs the VMM with the tap fd and no capabilities;
#     run again in a new container (a restart) resumes from the state cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
BUILD=${BUILD:-build}
# shellcheck source=tests/lib/podns.sh
. tests/lib/podns.sh
podns_require
for t in runc jq; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || skip "busybox-static is not installed"
busybox=$(command -v busybox)

N=rce$$
work=$(mktemp -d)
cids=()
cleanup() {
	set +e +o pipefail
	for c in "${cids[@]+"${cids[@]}"}"; do runc delete -f "$c" >/dev/null 2>&1; done
	podns_destroy "$N"
	rm -rf "$work"
}
trap cleanup EXIT

podns_create "$N" ptp 10.244.3.0/24 || fail "CNI ptp ADD"
pod_ip=$(podns_ip "$N")
pod_mac=$(in_pod "$N" cat /sys/class/net/eth0/address)
gw=$(podns_gateway "$N")

# Runs ARGS as the entrypoint of a fresh container with the demo bundle
# (plus busybox and whatever BINS holds); stdout+stderr to $work/out.
bins=(--bin "$busybox:/bin/busybox")
in_container() {
	local cid=$N-$#-$RANDOM
	demo/bundle.sh --out "$work/bundle" --netns "/var/run/netns/$N-pod" "${bins[@]}" \
		--hostname vm1 --nameserver 10.96.0.10 --search default.svc.cluster.local \
		--search svc.cluster.local \
		--volume "$work/state:/var/run/podlaunch" -- "$@" >/dev/null
	cids+=("$cid")
	(cd "$work/bundle" && timeout 120 runc run "$cid") >"$work/out" 2>&1 </dev/null
}

# 1. capability set and network namespace
in_container /bin/busybox sh -c 'grep ^Cap /proc/self/status; ip -4 -o addr show dev eth0
	echo 1 2>/dev/null >/proc/sys/net/ipv4/conf/all/accept_local && echo PROCSYS-WRITABLE; true' ||
	{ cat "$work/out"; fail "runc could not run busybox in the pod namespace"; }
# containerd's default set (0xa80425fb) plus CAP_NET_ADMIN (bit 12).
want=00000000a80435fb
for f in CapPrm CapEff CapBnd; do
	got=$(awk -v f="$f:" '$1 == f {print $2}' "$work/out")
	[ "$got" = "$want" ] || { cat "$work/out"; fail "$f is $got, want $want"; }
done
for f in CapInh CapAmb; do
	got=$(awk -v f="$f:" '$1 == f {print $2}' "$work/out")
	[ "$got" = 0000000000000000 ] || fail "$f is $got, want none"
done
grep -q "inet $pod_ip/24" "$work/out" || { cat "$work/out"; fail "eth0 in the container lacks $pod_ip/24"; }
grep -q PROCSYS-WRITABLE "$work/out" && fail "/proc/sys is writable in the container (containerd mounts it read-only)"
echo "ok: runc container in the pod namespace, capabilities exactly defaults + NET_ADMIN, /proc/sys read-only"

# 2. podlaunch discover
[ -x "$BUILD/podlaunch" ] || skip "$BUILD/podlaunch is not built yet (capability check passed)"
bins+=(--bin "$BUILD/podlaunch:/bin/podlaunch")
in_container /bin/podlaunch discover || { cat "$work/out"; fail "podlaunch discover exited non-zero"; }
json=$(grep -v '^{"level"' "$work/out" | grep -v '"component"' || true)
jq -e . >/dev/null <<<"$json" || { cat "$work/out"; fail "discover did not print one JSON object"; }
# Field names belong to netsetup; check the values are all there.
has() { jq -e --arg v "$1" '[.. | strings | ascii_downcase | select(. == $v or startswith($v + "/"))] | length > 0' >/dev/null <<<"$json"; }
for v in "$pod_ip" "$pod_mac" "$gw" eth0 10.96.0.10 default.svc.cluster.local svc.cluster.local vm1; do
	has "$v" || { echo "$json"; fail "discover output lacks $v"; }
done
echo "ok: podlaunch discover inside runc reports IP, MAC, gateway, DNS and hostname"

# 3. podlaunch run with the fake VMM
fake=$BUILD/tests/fakevmm/fakevmm
[ -x "$fake" ] || skip "$fake is not built; discover passed"
bins+=(--bin "$fake:/bin/fakevmm")
in_container /bin/podlaunch run --vmm /bin/fakevmm -- --kernel /none ||
	{ cat "$work/out"; fail "podlaunch run with the fake VMM exited non-zero"; }
grep -q '^argv [0-9]* --net$' "$work/out" || { cat "$work/out"; fail "the fake VMM did not get a --net argument"; }
grep -qi "^argv [0-9]* fd=[0-9:]*,mac=$pod_mac" "$work/out" || { cat "$work/out"; fail "the fake VMM did not get the tap fd and the pod MAC"; }
grep -q '^fd [0-9]* tap tap0 tap=1 no_pi=1 vnet_hdr=1' "$work/out" || { cat "$work/out"; fail "the fd passed is not tap0 with IFF_TAP|IFF_NO_PI|IFF_VNET_HDR"; }
for f in CapPrm CapEff CapAmb; do
	got=$(awk -v f="$f:" '$1 == f {print $2}' "$work/out")
	[ "$got" = 0000000000000000 ] || { cat "$work/out"; fail "the VMM runs with $f $got, want none"; }
done
grep -q '^NoNewPrivs:[[:space:]]*1' "$work/out" || fail "the VMM runs without no_new_privs"
links=$(in_pod "$N" ip -o link show)
grep -q 'k6t-eth0' <<<"$links" || fail "no bridge k6t-eth0 in the pod after run"
addrs=$(in_pod "$N" ip -4 -o addr show up)
if grep -q " $pod_ip/" <<<"$addrs"; then fail "an up link in the pod still holds $pod_ip after run"; fi
# With /proc/sys read-only, the bridge's settings came over rtnetlink and
# the namespace-wide ones are untouched.
for k in arp_ignore accept_local; do
	[ "$(in_pod "$N" cat "/proc/sys/net/ipv4/conf/k6t-eth0/$k")" = 1 ] || fail "k6t-eth0 $k is not 1 after run"
	[ "$(in_pod "$N" cat "/proc/sys/net/ipv4/conf/all/$k")" = 0 ] || fail "conf.all.$k changed by run"
done
# 4. a container restart (new container, same pod, the state cache on an
#    emptyDir-like volume): run resumes from the cache with the same identity.
in_container /bin/podlaunch run --vmm /bin/fakevmm -- --kernel /none ||
	{ cat "$work/out"; fail "podlaunch run after a container restart exited non-zero"; }
grep -qi "^argv [0-9]* fd=[0-9:]*,mac=$pod_mac" "$work/out" || { cat "$work/out"; fail "after a restart the VMM did not get the pod MAC"; }
grep -q '^fd [0-9]* tap tap0 ' "$work/out" || { cat "$work/out"; fail "after a restart the VMM did not get tap0"; }
echo "ok: podlaunch run inside runc bound the pod interface and exec'd the VMM with the tap fd and no capabilities, and resumed after a container restart"
