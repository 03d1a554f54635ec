# shellcheck shell=bash
# Builds pod network namespaces the way a Kubernetes node does: a "node"
# namespace (never the host's own) in which Debian's real CNI plugins are
# invoked to create a pod namespace with eth0.  Source this file.
#
#   podns_create NAME [ptp|bridge] [SUBNET]   -> namespaces NAME-node, NAME-pod
#     (PODNS_SUBNET6=PREFIX in the environment: dual-stack, a second
#     host-local range and a ::/0 route)
#   podns_destroy NAME
#   in_pod NAME CMD...   /   in_node NAME CMD...
#   podns_port_forwarding NAME PORT   /   netns_link_up NETNS DEV
#
# ptp + host-local is the shape of kind's default CNI (kindnet): eth0 with a
# /24, "default via GW", "SUBNET via GW" and an on-link host route to GW.
# shellcheck source=tests/lib/test.sh
declare -F fail >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/test.sh"

CNI_PATH=${CNI_PATH:-/usr/lib/cni}

podns_require() {
	if [ "$(id -u)" != 0 ]; then skip "needs root for network namespaces"; fi
	if [ ! -x "$CNI_PATH/ptp" ]; then
		skip "CNI plugins missing in $CNI_PATH (containernetworking-plugins)"
	fi
}

in_pod() { local n=$1; shift; ip netns exec "$n-pod" "$@"; }
in_node() { local n=$1; shift; ip netns exec "$n-node" "$@"; }

podns_conf() {
	local name=$1 kind=$2 subnet=$3 datadir=$4 ranges routes
	ranges="[{\"subnet\": \"$subnet\"}]"
	routes="{\"dst\": \"0.0.0.0/0\"}"
	if [ -n "${PODNS_SUBNET6:-}" ]; then
		ranges="$ranges, [{\"subnet\": \"$PODNS_SUBNET6\"}]"
		routes="$routes, {\"dst\": \"::/0\"}"
	fi
	local ipam="\"ipam\": {\"type\": \"host-local\", \"dataDir\": \"$datadir\", \"ranges\": [$ranges], \"routes\": [$routes]}"
	case $kind in
	ptp) echo "{\"cniVersion\": \"1.0.0\", \"name\": \"$name\", \"type\": \"ptp\", \"ipMasq\": false, \"mtu\": 1500, $ipam}" ;;
	bridge) echo "{\"cniVersion\": \"1.0.0\", \"name\": \"$name\", \"type\": \"bridge\", \"bridge\": \"cni0\", \"isGateway\": true, \"ipMasq\": false, \"mtu\": 1500, $ipam}" ;;
	*) echo "unknown CNI kind $kind" >&2; return 1 ;;
	esac
}

podns_cni() {
	local name=$1 cmd=$2 kind=$3 subnet=$4
	local datadir=/run/podns-test/$name
	mkdir -p "$datadir"
	podns_conf "$name" "$kind" "$subnet" "$datadir" |
		ip netns exec "$name-node" env CNI_COMMAND="$cmd" CNI_CONTAINERID="$name" \
			CNI_NETNS="/var/run/netns/$name-pod" CNI_IFNAME=eth0 CNI_PATH="$CNI_PATH" \
			"$CNI_PATH/$kind"
}

podns_create() {
	local name=$1 kind=${2:-ptp} subnet=${3:-10.244.1.0/24}
	ip netns add "$name-node" || return 1
	ip netns add "$name-pod" || return 1
	in_node "$name" ip link set lo up
	in_pod "$name" ip link set lo up
	mkdir -p /run/podns-test; echo "$kind $subnet ${PODNS_SUBNET6:-}" >"/run/podns-test/$name.kind"
	podns_cni "$name" ADD "$kind" "$subnet" >"/run/podns-test/$name.result" || return 1
}

podns_destroy() {
	local name=$1 kind subnet subnet6
	if [ -f "/run/podns-test/$name.kind" ]; then
		read -r kind subnet subnet6 <"/run/podns-test/$name.kind"
		PODNS_SUBNET6=$subnet6 podns_cni "$name" DEL "$kind" "$subnet" >/dev/null 2>&1 || true
	fi
	ip netns pids "$name-pod" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids "$name-node" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$name-pod" 2>/dev/null
	ip netns del "$name-node" 2>/dev/null
	rm -rf "/run/podns-test/$name" "/run/podns-test/$name.kind" "/run/podns-test/$name.result"
	return 0
}

# The pod's gateway address (first hop of its default route).
podns_gateway() {
	in_pod "$1" ip -4 route show default | awk '{print $3; exit}'
}

# The pod's IPv4 address without prefix.
podns_ip() {
	in_pod "$1" ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[1]; exit}'
}

# A link change reaches operstate and bridge port state only when the
# kernel's linkwatch runs, which waits for RTNL (an earlier namespace's
# teardown may hold it): until then a port drops frames and a link's qdisc
# drops what it sends.  Each wait gives up after 30 s with status 1.

# podns_port_forwarding NAME PORT: PORT, a bridge port in NAME's pod
# namespace, forwards.
podns_port_forwarding() {
	local _
	for _ in $(seq 300); do
		[ "$(in_pod "$1" ip -d -j link show dev "$2" |
			jq -r '.[0].linkinfo.info_slave_data.state')" = forwarding ] && return 0
		sleep 0.1
	done
	return 1
}

# netns_link_up NETNS DEV: DEV's operstate is UP.
netns_link_up() {
	local _
	for _ in $(seq 300); do
		[ "$(ip -n "$1" -j link show dev "$2" | jq -r '.[0].operstate')" = UP ] && return 0
		sleep 0.1
	done
	return 1
}
