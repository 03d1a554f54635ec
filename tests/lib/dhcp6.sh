# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are for the scripts that source this
# Dual-stack variant of tests/lib/dhcp.sh's topology for the IPv6 interop tests:
# a CNI ptp pod (DH6_KIND=bridge: the bridge plugin) with host-local ranges
# 10.244.2.0/24 and fd00:10:244:2::/64 and routes 0.0.0.0/0 and ::/0
# (DH6_KIND=calico / calico-v6: tests/lib/podns.sh's Calico shapes, a /128
# and "default via fe80::1"), the bridge binding by `podlaunch setup`, and
# the veth "VM" carrying the guest MAC.  DH6_POD_HOOK, a function, runs in
# the pod before the binding (extra routes).  Source after tests/lib/dhcp.sh.
# Sets, besides dhcp.sh's: POD_IP6 POD_GW6 NODE_LL (the node side's
# link-local address, which the RAs must come from).
# shellcheck source=tests/lib/test.sh
declare -F fail >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/test.sh"

DH6_SUBNET6=fd00:10:244:2::/64

dh6_pod() {
	local n=$1
	STATE_DIR=$(mktemp -d /tmp/dh6-state.XXXXXX)
	PODNS_SUBNET6=$DH6_SUBNET6 podns_create "$n" "${DH6_KIND:-ptp}" 10.244.2.0/24 >/dev/null || return 1
	POD_IP=$(podns_ip "$n")
	POD_GW=$(podns_gateway "$n")
	POD_PREFIX=$(in_pod "$n" ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[2]; exit}')
	POD_MTU=$DH_MTU
	POD_IP6=$(in_pod "$n" ip -6 -o addr show dev eth0 scope global | awk '{split($4, a, "/"); print a[1]; exit}')
	POD_GW6=$(in_pod "$n" ip -6 route show default | awk '{print $3; exit}')
	# the node-side link holding the gateway address (ptp: the veth; bridge:
	# cni0); a link-local gateway (Calico) is the RAs' source itself
	local gwdev
	case $POD_GW6 in
	fe80:*) NODE_LL=$POD_GW6 ;;
	*)
		gwdev=$(in_node "$n" ip -6 -o addr show to "$POD_GW6" | awk '{print $2; exit}')
		NODE_LL=$(in_node "$n" ip -6 -o addr show dev "$gwdev" scope link | awk '{split($4, a, "/"); print a[1]; exit}') ;;
	esac
	if [ -z "$POD_IP6" ] || [ -z "$POD_GW6" ] || [ -z "$NODE_LL" ]; then
		echo "dual-stack pod incomplete: ip6=$POD_IP6 gw6=$POD_GW6 node_ll=$NODE_LL"
		return 1
	fi
}

dh6_topology() {
	local n=$1
	dh6_pod "$n" || return 1
	if [ -n "${DH6_POD_HOOK:-}" ]; then "$DH6_POD_HOOK" "$n" || return 1; fi
	DH_SETUP=podlaunch
	dh_setup_binding "$n" || return 1
	dh_vm "$n"
}

# What the pod namespace must look like for the guest to own the pod's
# IPv6 address: the placeholder holds it but is down (no NDP answers, no
# DAD defence), the bridge holds no global IPv6 address.
dh6_check_pod_quiet() {
	local n=$1 ph br
	ph=$(in_pod "$n" ip -j addr show dev eth0)
	jq -e --arg a "$POD_IP6" '[.[0].addr_info[] | .local] | index($a)' <<<"$ph" >/dev/null ||
		fail "the placeholder lost $POD_IP6: $ph"
	jq -e '.[0].flags | index("UP") | not' <<<"$ph" >/dev/null || fail "the placeholder is up"
	br=$(in_pod "$n" ip -j -6 addr show dev k6t-eth0 scope global)
	[ "$(jq '[.[].addr_info[]] | length' <<<"$br")" = 0 ] || fail "the bridge holds a global IPv6 address: $br"
	jq -e --arg a "$POD_IP6" '[.pod.ipv6[] | .address] | index($a)' "$STATE_DIR/eth0.json" >/dev/null ||
		fail "the state cache has no pod.ipv6 $POD_IP6"
	jq -e '[.pod.routes[] | select(.family == 6 and .prefix == 0)] | length == 1' \
		"$STATE_DIR/eth0.json" >/dev/null || fail "the state cache has no IPv6 default route"
	echo "ok: placeholder down with $POD_IP6, no global IPv6 on the bridge, cache has IPv6"
}

# ping6 both ways: the node reaches the pod IPv6 (answered by the VM, the
# only holder), the VM reaches the node's gateway address.
dh6_check_ping() {
	local n=$1
	in_node "$n" ping -6 -c 2 -W 2 "$POD_IP6" >/dev/null || fail "node cannot ping6 $POD_IP6"
	# answered by the VM: the node resolved the pod address to the guest MAC
	in_node "$n" ip -6 neigh show "$POD_IP6" | grep -qi "lladdr $GUEST_MAC" ||
		fail "the node's neighbour entry for $POD_IP6 is not the guest MAC: $(in_node "$n" ip -6 neigh show "$POD_IP6")"
	in_vm "$n" ip -6 neigh flush all 2>/dev/null
	# a link-local gateway needs the VM's interface as its zone
	local gw=$POD_GW6
	case $gw in fe80:*) gw=$gw%$VMIF ;; esac
	in_vm "$n" ping -6 -c 2 -W 2 "$gw" >/dev/null || fail "VM cannot ping6 the gateway $gw"
	echo "ok: ping6 node -> $POD_IP6 and VM -> $POD_GW6"
}
