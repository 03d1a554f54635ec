# shellcheck shell=bash
# Builds pod network namespaces the way a Kubernetes node does: a "node"
# namespace (never the host's own) in which Debian's real CNI plugins are
# invoked to create a pod namespace with eth0.  Source this file.
#
#   podns_create NAME [KIND] [SUBNET]   -> namespaces NAME-node, NAME-pod
#     (PODNS_SUBNET6=PREFIX in the environment: a ptp or bridge pod gets a
#     second host-local range and a ::/0 route: dual-stack with that prefix)
#   podns_destroy NAME
#   podns_ip NAME / podns_ip6 NAME / podns_gateway NAME / podns_gateway6 NAME
#   in_pod NAME CMD...   /   in_node NAME CMD...
#   podns_port_forwarding NAME PORT   /   netns_link_up NETNS DEV
#
# ptp + host-local is the shape of kind's default CNI (kindnet): eth0 with a
# /24, "default via GW", "SUBNET via GW" and an on-link host route to GW.
#
# KIND (SUBNET is the IPv4 /24, default 10.244.1.0/24; its third octet X
# names the IPv6 /64 fd00:10:244:X::/64 of the kinds with IPv6):
#   ptp         kindnet's IPv4 shape (above)
#   bridge      the CNI bridge plugin (cni0 on the node, gateway .1)
#   ptp-dual    ptp with host-local ranges [[SUBNET],[fd00:10:244:X::/64]]
#               and routes 0.0.0.0/0 and ::/0 (a dual-stack kind cluster)
#   ptp-v6      ptp, IPv6 only: ranges [[fd00:10:244:X::/64]], route ::/0
#   ptp-metric  ptp-dual, then what Cilium-like CNIs add after CNI ADD:
#               default routes with metrics (mtu/advmss/initcwnd, IPv6
#               mtu/hoplimit and pref high), a route with src and metric
#               100, a policy-routing table 100, a labelled secondary
#               IPv4 /32, and an IPv6 address with finite lifetimes and
#               noprefixroute
#   calico      Calico's shape, made by hand (no Calico plugin here): a
#               veth whose node end answers by proxy ARP, the pod with
#               10.244.X.5/32, "169.254.1.1 dev eth0 scope link" and
#               "default via 169.254.1.1", and fd00:10:244:X::5/128 with
#               "default via fe80::1" (the node end's link-local)
#   calico-v6   the same, IPv6 only: fd00:10:244:X::5/128 and "default
#               via fe80::1 dev eth0"; the node end holds fe80::1 (nodad)
#               beside its kernel link-local, so it answers the pod's
#               neighbour solicitations for the gateway itself
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

# podns_v6 SUBNET: the IPv6 /64 that goes with an IPv4 /24.
podns_v6() {
	local x
	x=$(cut -d. -f3 <<<"$1")
	echo "fd00:10:244:$x::/64"
}

podns_conf() {
	local name=$1 kind=$2 subnet=$3 datadir=$4 ranges routes v6
	v6=$(podns_v6 "$subnet")
	case $kind in
	ptp-dual|ptp-metric)
		ranges="[[{\"subnet\": \"$subnet\"}], [{\"subnet\": \"$v6\"}]]"
		routes='[{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]' ;;
	ptp-v6)
		ranges="[[{\"subnet\": \"$v6\"}]]"
		routes='[{"dst": "::/0"}]' ;;
	*)
		ranges="[[{\"subnet\": \"$subnet\"}]]"
		routes='[{"dst": "0.0.0.0/0"}]'
		if [ -n "${PODNS_SUBNET6:-}" ]; then
			ranges="[[{\"subnet\": \"$subnet\"}], [{\"subnet\": \"$PODNS_SUBNET6\"}]]"
			routes='[{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]'
		fi ;;
	esac
	local ipam="\"ipam\": {\"type\": \"host-local\", \"dataDir\": \"$datadir\", \"ranges\": $ranges, \"routes\": $routes}"
	case $kind in
	ptp|ptp-dual|ptp-v6|ptp-metric) echo "{\"cniVersion\": \"1.0.0\", \"name\": \"$name\", \"type\": \"ptp\", \"ipMasq\": false, \"mtu\": 1500, $ipam}" ;;
	bridge) echo "{\"cniVersion\": \"1.0.0\", \"name\": \"$name\", \"type\": \"bridge\", \"bridge\": \"cni0\", \"isGateway\": true, \"ipMasq\": false, \"mtu\": 1500, $ipam}" ;;
	*) echo "unknown CNI kind $kind" >&2; return 1 ;;
	esac
}

podns_cni() {
	local name=$1 cmd=$2 kind=$3 subnet=$4 plugin
	local datadir=/run/podns-test/$name
	case $kind in ptp*) plugin=ptp ;; *) plugin=$kind ;; esac
	mkdir -p "$datadir"
	podns_conf "$name" "$kind" "$subnet" "$datadir" |
		ip netns exec "$name-node" env CNI_COMMAND="$cmd" CNI_CONTAINERID="$name" \
			CNI_NETNS="/var/run/netns/$name-pod" CNI_IFNAME=eth0 CNI_PATH="$CNI_PATH" \
			"$CNI_PATH/$plugin"
}

# podns_dad_wait NAME: no IPv6 address of the pod's eth0 is tentative (30 s).
podns_dad_wait() {
	wait_until 30 no_output in_pod "$1" ip -6 addr show dev eth0 tentative
}

# What Cilium-like CNIs do to a ptp-dual pod after CNI ADD.
podns_metric_extras() {
	local n=$1 subnet=$2 gw gw6 ip ip6 x
	x=$(cut -d. -f3 <<<"$subnet")
	gw=$(podns_gateway "$n"); gw6=$(podns_gateway6 "$n")
	ip=$(podns_ip "$n"); ip6=$(podns_ip6 "$n")
	podns_dad_wait "$n" || return 1
	in_pod "$n" ip route replace default via "$gw" dev eth0 proto static mtu 1450 advmss 1410 initcwnd 10 &&
	in_pod "$n" ip route add 10.96.0.0/12 via "$gw" dev eth0 metric 100 src "$ip" window 65535 quickack 1 &&
	in_pod "$n" ip route add default via "$gw" dev eth0 table 100 &&
	in_pod "$n" ip addr add "10.250.$x.7/32" dev eth0 label eth0:svc &&
	in_pod "$n" ip -6 route replace default via "$gw6" dev eth0 mtu 1400 hoplimit 63 pref high &&
	in_pod "$n" ip -6 route add fd00:96::/108 via "$gw6" dev eth0 metric 50 advmss 1300 src "$ip6" &&
	in_pod "$n" ip -6 addr add "fd00:10:244:$x::100/64" dev eth0 valid_lft 86400 preferred_lft 43200 noprefixroute nodad
}

# Calico's shape (see above), by hand; FAMILY 6: IPv6 only.
podns_calico() {
	local n=$1 subnet=$2 family=${3:-46} x host
	x=$(cut -d. -f3 <<<"$subnet")
	host=cali${n:0:11}
	in_node "$n" ip link add "$host" type veth peer name eth0 netns "$n-pod" &&
	in_node "$n" ip link set "$host" address ee:ee:ee:ee:ee:ee up &&
	in_node "$n" ip -6 addr add fe80::1/64 dev "$host" nodad &&
	in_node "$n" ip -6 route add "fd00:10:244:$x::5/128" dev "$host" &&
	in_pod "$n" ip link set eth0 mtu 1480 up || return 1
	if [ "$family" != 6 ]; then
		in_node "$n" sysctl -qw "net.ipv4.conf.$host.proxy_arp=1" &&
		in_node "$n" ip route add "10.244.$x.5/32" dev "$host" &&
		in_pod "$n" ip addr add "10.244.$x.5/32" dev eth0 &&
		in_pod "$n" ip route add 169.254.1.1 dev eth0 scope link &&
		in_pod "$n" ip route add default via 169.254.1.1 dev eth0 || return 1
	fi
	in_pod "$n" ip -6 addr add "fd00:10:244:$x::5/128" dev eth0 &&
	in_pod "$n" ip -6 route add default via fe80::1 dev eth0 &&
	podns_dad_wait "$n"
}

podns_create() {
	local name=$1 kind=${2:-ptp} subnet=${3:-10.244.1.0/24}
	ip netns add "$name-node" || return 1
	ip netns add "$name-pod" || return 1
	in_node "$name" ip link set lo up
	in_pod "$name" ip link set lo up
	mkdir -p /run/podns-test; echo "$kind $subnet ${PODNS_SUBNET6:-}" >"/run/podns-test/$name.kind"
	case $kind in
	calico) echo '{}' >"/run/podns-test/$name.result"; podns_calico "$name" "$subnet" ;;
	calico-v6) echo '{}' >"/run/podns-test/$name.result"; podns_calico "$name" "$subnet" 6 ;;
	*)
		podns_cni "$name" ADD "$kind" "$subnet" >"/run/podns-test/$name.result" || return 1
		case $kind in
		ptp-dual|ptp-v6) podns_dad_wait "$name" ;;
		ptp-metric) podns_metric_extras "$name" "$subnet" ;;
		esac ;;
	esac
}

podns_destroy() {
	local name=$1 kind subnet subnet6
	if [ -f "/run/podns-test/$name.kind" ]; then
		read -r kind subnet subnet6 <"/run/podns-test/$name.kind"
		case $kind in
		calico*) ;;
		*) PODNS_SUBNET6=$subnet6 podns_cni "$name" DEL "$kind" "$subnet" >/dev/null 2>&1 || true ;;
		esac
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

# The pod's IPv6 gateway (first hop of its IPv6 default route).
podns_gateway6() {
	in_pod "$1" ip -6 route show default | awk '{print $3; exit}'
}

# The pod's IPv4 address without prefix.
podns_ip() {
	in_pod "$1" ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[1]; exit}'
}

# The pod's first global IPv6 address without prefix.
podns_ip6() {
	in_pod "$1" ip -6 -o addr show dev eth0 scope global | awk '{split($4, a, "/"); print a[1]; exit}'
}

# A link change reaches operstate and bridge port state only when the
# kernel's linkwatch runs, which waits for RTNL (an earlier namespace's
# teardown may hold it): until then a port drops frames and a link's qdisc
# drops what it sends.  Each wait gives up after 30 s with status 1.

# podns_port_forwarding NAME PORT: PORT, a bridge port in NAME's pod
# namespace, forwards.
podns_port_forwarding() {
	wait_until 30 podns_port_state_is forwarding "$1" "$2"
}

# podns_port_state_is STATE NAME DEV: the bridge port DEV is in STATE.
podns_port_state_is() {
	[ "$(in_pod "$2" ip -d -j link show dev "$3" |
		jq -r '.[0].linkinfo.info_slave_data.state')" = "$1" ]
}

# netns_link_up NETNS DEV: DEV's operstate is UP.
netns_link_up() {
	wait_until 30 netns_link_state_is UP "$1" "$2"
}

# netns_link_state_is STATE NETNS DEV: DEV's operstate is STATE.
netns_link_state_is() {
	[ "$(ip -n "$2" -j link show dev "$3" | jq -r '.[0].operstate')" = "$1" ]
}
