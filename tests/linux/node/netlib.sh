# shellcheck shell=sh
# The pod scenarios' helpers (sourced by scenarios.sh): a pod made by
# Debian's CNI ptp + host-local plugins, as kind's kindnet makes one (the
# node's own namespace is the "node" side), `podlaunch run` in it with a
# Linux guest, and the checks on what the guest got.
CNI=/usr/lib/cni
# busybox sh runs its own applets before PATH: iproute2's ip by its path.
ip() { /sbin/ip "$@"; }
POD_MTU=1450	# not 1500, so a guest that ignores option 26 shows
DNS=10.96.0.10
SEARCH=default.svc.cluster.local,svc.cluster.local,cluster.local

# POD_KIND picks the pod's shape (tests/lib/podns.sh's names): ptp
# (kindnet's IPv4 default), ptp-dual (host-local ranges for IPv4 and an
# IPv6 ULA /64, routes 0.0.0.0/0 and ::/0: a dual-stack kind cluster) or
# ptp-v6 (IPv6 only, route ::/0).
POD_SUBNET6=fd00:10:244:1::/64
DNS6=fd00:10:96::a	# kind's dual-stack cluster DNS service address
pod_cni() {
	r4='[{"subnet":"10.244.1.0/24"}]' r6="[{\"subnet\":\"$POD_SUBNET6\"}]"
	case ${POD_KIND:-ptp} in
	ptp) ranges="[$r4]" routes='[{"dst":"0.0.0.0/0"}]' ;;
	ptp-dual) ranges="[$r4,$r6]" routes='[{"dst":"0.0.0.0/0"},{"dst":"::/0"}]' ;;
	ptp-v6) ranges="[$r6]" routes='[{"dst":"::/0"}]' ;;
	esac
	printf '{"cniVersion":"1.0.0","name":"rig","type":"ptp","ipMasq":false,"mtu":%d,"ipam":{"type":"host-local","dataDir":"/run/cni","ranges":%s,"routes":%s}}' "$POD_MTU" "$ranges" "$routes" |
		CNI_COMMAND=$1 CNI_CONTAINERID=rig CNI_NETNS=/var/run/netns/pod CNI_IFNAME=eth0 \
			CNI_PATH=$CNI $CNI/ptp
}

pod_create() {
	rm -rf "$W/state"	# a new pod: podlaunch run finds no binding cache
	ip netns add pod || fail "ip netns add"
	ip -n pod link set lo up
	pod_cni ADD >"$W/cni.json" || fail "CNI ptp ADD: $(cat "$W/cni.json")"
	POD_IP=$(ip -n pod -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[1]}')
	POD_GW=$(ip -n pod -4 route show default | awk '{print $3}')
	dns=$DNS
	if [ "${POD_KIND:-ptp}" != ptp-v6 ] && { [ -z "$POD_IP" ] || [ -z "$POD_GW" ]; }; then
		fail "the pod has no address or gateway"
	fi
	case ${POD_KIND:-ptp} in ptp-dual | ptp-v6) pod_v6 ;; esac
	[ "${POD_KIND:-ptp}" = ptp-v6 ] && dns=$DNS6
	[ "${POD_KIND:-ptp}" = ptp-dual ] && dns="$DNS $DNS6"
	for d in $dns; do echo "nameserver $d"; done >"$W/resolv.conf"
	printf 'search %s\noptions ndots:5\n' "$(echo "$SEARCH" | tr , ' ')" >>"$W/resolv.conf"
}

# pod_v6: the pod's IPv6 facts once its DAD is done (the binding moves the
# address only after CNI ADD settled it, as kubelet would start the VM):
# POD_IP6, POD_GW6 (ptp: the node veth's global address), NODE_LL (that
# veth's link-local address, which podlaunch's RAs must come from) and
# GUEST_MAC (the pod interface's MAC, which the binding gives the guest).
pod_v6() {
	i=0
	while ip -n pod -6 addr show dev eth0 tentative | grep -q inet6; do
		[ $i -lt 100 ] || fail "the pod's IPv6 address is still tentative after 10 s"
		sleep 0.1; i=$((i + 1))
	done
	POD_IP6=$(ip -n pod -6 -o addr show dev eth0 scope global | awk '{split($4, a, "/"); print a[1]; exit}')
	POD_GW6=$(ip -n pod -6 route show default | awk '{print $3; exit}')
	gwdev=$(ip -6 -o addr show to "$POD_GW6" | awk '{print $2; exit}')
	NODE_LL=$(ip -6 -o addr show dev "${gwdev:-none}" scope link | awk '{split($4, a, "/"); print a[1]; exit}')
	GUEST_MAC=$(ip -n pod -o link show dev eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	if [ -z "$POD_IP6" ] || [ -z "$POD_GW6" ] || [ -z "$NODE_LL" ] || [ -z "$GUEST_MAC" ]; then
		fail "the pod's IPv6 is incomplete: ip6=$POD_IP6 gw6=$POD_GW6 node_ll=$NODE_LL mac=$GUEST_MAC"
	fi
	echo "pod IPv6: $POD_IP6 gateway $POD_GW6 (node link-local $NODE_LL), guest MAC $GUEST_MAC"
}

pod_destroy() {
	pod_cni DEL >/dev/null 2>&1
	ip netns del pod 2>/dev/null
}

# pod_run NAME CLIENTS PODLAUNCH-FLAGS... [-- PODVMM-FLAGS...]: podlaunch
# run in the pod (podvmm as uid 107, seccomp on), guest in rig=net mode
# leasing with each of CLIENTS (a,b,...), in the background: $VMPID.
pod_run() {
	cur=$1 clients=$2
	shift 2
	set -- --state-dir "$W/state" --resolv-conf "$W/resolv.conf" --vmm /rig/bin/podvmm \
		--vmm-user 107 "$@"
	case " $* " in *" -- "*) ;; *) set -- "$@" -- ;; esac
	vm_files_new
	# Not through the ip function: $! must be the process that becomes podvmm.
	/sbin/ip netns exec pod /rig/bin/podlaunch run "$@" --kernel "$VK" --initrd "$G" --memory 256 \
		--shutdown-timeout 20 --cmdline "$BASE rig=net rig.dhcp=$clients${RIG_GUEST_ARGS:+ $RIG_GUEST_ARGS}" \
		</dev/null >"$W/$cur.out" 2>"$W/$cur.err" &
	VMPID=$!
}

# guest_ready: the guest printed RIG-GUEST-READY (its leases and servers are up).
guest_ready() {
	i=0
	while ! grep -aq RIG-GUEST-READY "$W/$cur.out"; do
		if ! kill -0 "$VMPID" 2>/dev/null; then
			grep -aq RIG-GUEST-READY "$W/$cur.out" || vm_gone "the guest was ready"
		fi
		# Until the guest's /init speaks, the scenario's watchdog bounds
		# this wait: a guest stalled in its boot (nested emulation,
		# tests/linux/README.md) gets its dump there, and one more run.
		if grep -aq '^RIG-GUEST-INIT' "$W/$cur.out"; then
			[ $i -lt 240 ] || fail "the guest was not ready 120 s after its /init"
			i=$((i + 1))
		fi
		sleep 0.5
	done
	tr -d '\r' <"$W/$cur.out" >"$W/$cur.txt"
	guest_init_in "$W/$cur.txt"
}

guest_init_in() { grep -aq '^RIG-GUEST-INIT' "$1" || fail "the guest never reached its /init"; }

# lease_ok CLIENT [ADDR GW]: its RIG-LEASE line has the pod's address
# (ADDR: the guest's own behind masquerade), prefix, MTU, default route
# via the pod's gateway (GW) from option 121, DNS server and search list.
lease_ok() {
	l=$(grep -a "^RIG-LEASE client=$1 " "$W/$cur.txt")
	[ -n "$l" ] || fail "$1: no lease line"
	echo "$l"
	la=${2:-$POD_IP} lg=${3:-$POD_GW}
	# dhcpcd applies option 26 to its routes, not to the link.
	mtu="mtu=$POD_MTU "
	[ "$1" = dhcpcd ] && mtu="default via $lg src $la mtu $POD_MTU;"
	for want in "addr=$la/24 " "$mtu" "default via $lg " "dns=$DNS " "search=$SEARCH"; do
		case "$l " in *"$want"*) ;; *) fail "$1: lease lacks '$want'" ;; esac
	done
}

# priv_ok: the running VMM ($VMPID, which `ip netns exec` and podlaunch
# exec'ed into podvmm) is uid/gid 107 with no capability, no_new_privs and
# a seccomp filter, as the kernel says (/proc/PID/status), not only its log.
priv_ok() {
	st=/proc/$VMPID/status
	[ "$(cat "/proc/$VMPID/comm" 2>/dev/null)" = podvmm ] || fail "pid $VMPID is not podvmm: $(cat "/proc/$VMPID/comm" 2>/dev/null)"
	for want in 'Uid:	107	107	107	107' 'Gid:	107	107	107	107' 'CapInh:	0000000000000000' \
		'CapPrm:	0000000000000000' 'CapEff:	0000000000000000' 'CapBnd:	0000000000000000' \
		'CapAmb:	0000000000000000' 'NoNewPrivs:	1' 'Seccomp:	2'; do
		grep -q "^$want\$" "$st" || fail "podvmm's $st lacks '$want': $(grep -E '^(Uid|Gid|Cap|NoNewPrivs|Seccomp)' "$st" | tr '\t\n' ' ;')"
	done
}

ping_ok() { ping -c 3 -W 5 "$POD_IP" >"$W/ping" 2>&1 || fail "ping $POD_IP: $(cat "$W/ping")"; }

# irqs: the guest's interrupt counts per virtio-net input queue ("NAME N" lines).
irqs() { nc "$POD_IP" 5003 </dev/null; }

# offloads_ok: the guest negotiated the checksum and segmentation offloads
# podvmm offers (virtio 1.2 section 5.1.3: CSUM 0, GUEST_CSUM 1,
# CTRL_GUEST_OFFLOADS 2, GUEST_TSO4 7, GUEST_TSO6 8, HOST_TSO4 11,
# HOST_TSO6 12), the same set podvmm logged at DRIVER_OK, and virtio_net
# turned them on (ethtool -k).  Sets OFFLOADS (what was on, for ok:).
offloads_ok() {
	nc "$POD_IP" 5004 </dev/null >"$W/offl"
	bits=$(sed -n 's/^features //p' "$W/offl")
	[ -n "$bits" ] || fail "no virtio-net feature bits from the guest: $(cat "$W/offl")"
	for b in CSUM:0 GUEST_CSUM:1 CTRL_GUEST_OFFLOADS:2 GUEST_TSO4:7 GUEST_TSO6:8 HOST_TSO4:11 HOST_TSO6:12; do
		[ "$(echo "$bits" | cut -c$((${b#*:} + 1)))" = 1 ] ||
			fail "the guest did not negotiate VIRTIO_NET_F_${b%:*} (features $bits)"
	done
	acked=$(grep '"msg":"driver ok"' "$W/$cur.err" | tail -n 1 | grep -o '"features":[0-9]*' | cut -d: -f2)
	guest=$(echo "$bits" | awk '{ n = 0; p = 1; for (i = 1; i <= length($0); i++) { if (substr($0, i, 1) == "1") n += p; p *= 2 } printf "%.0f\n", n }')
	if [ -z "$acked" ] || [ "$acked" != "$guest" ]; then fail "the guest's features $guest are not what podvmm logged at DRIVER_OK (${acked:-none})"; fi
	OFFLOADS=
	for o in tx-checksumming rx-checksumming tcp-segmentation-offload; do
		grep -q "^offload $o on" "$W/offl" || fail "ethtool -k in the guest: $o is not on ($(tr '\n' ' ' <"$W/offl"))"
		OFFLOADS="$OFFLOADS $o"
	done
	OFFLOADS=${OFFLOADS# }
	# Receive coalescing of GUEST_TSO*: rx-gro-hw (large-receive-offload before Linux 4.15).
	o=$(grep -o '^offload \(rx-gro-hw\|large-receive-offload\) on' "$W/offl" | head -n 1 | cut -d' ' -f2)
	[ -n "$o" ] || fail "ethtool -k in the guest: neither rx-gro-hw nor large-receive-offload is on"
	OFFLOADS="$OFFLOADS $o"
	echo "guest offloads: $OFFLOADS (features $bits)"
}

# transfer: 4 flows of 4 MiB each way at once, sha256 compared both ends.
transfer() {
	i=0 pids=
	while [ $i -lt 4 ]; do
		[ -f "$W/d$i" ] || head -c 4194304 /dev/urandom >"$W/d$i"
		nc "$POD_IP" 5001 -e cat "$W/d$i" &
		pids="$pids $!"
		nc "$POD_IP" $((5010 + i)) </dev/null >"$W/r$i" &
		pids="$pids $!"
		i=$((i + 1))
	done
	j=0
	for p in $pids; do
		while kill -0 "$p" 2>/dev/null; do
			[ $j -lt 240 ] || fail "transfers still running after 120 s"
			sleep 0.5; j=$((j + 1))
		done
	done
	i=0
	while [ $i -lt 4 ]; do
		want=$(sha256sum <"$W/d$i" | cut -d' ' -f1)
		j=0
		until tr -d '\r' <"$W/$cur.out" | grep -aq "^RIG-RX $want"; do
			[ $j -lt 40 ] || fail "flow $i to the guest: no RIG-RX $want"
			sleep 0.5; j=$((j + 1))
		done
		got=$(sha256sum <"$W/r$i" | cut -d' ' -f1)
		grep -aq "^RIG-TX $i $got" "$W/$cur.txt" ||
			fail "flow $i from the guest: sha256 $got ($(wc -c <"$W/r$i") bytes) is not the guest's"
		i=$((i + 1))
	done
}

# sigterm_ok: SIGTERM to podvmm -> Ctrl-Alt-Del -> the guest's init powers
# off cleanly -> exit 0.
sigterm_ok() {
	kill -TERM "$VMPID"
	wait "$VMPID"
	# shellcheck disable=SC2034  # read by expect_rc (vmlib.sh)
	RC=$?
	tr -d '\r' <"$W/$cur.out" >"$W/$cur.txt"
	expect_rc 0 "SIGTERM"
	grep -aq RIG-GUEST-SHUTDOWN "$W/$cur.txt" || fail "the guest's init did not run its shutdown"
	expect_stop power-off '"after_sigterm":true'
}

# pod_quiet_ok: the bound pod namespace cannot take the guest's IPv6
# address: the placeholder eth0 holds it for kubelet but is down (no NDP
# answers, no DAD defence) and the bridge has no global IPv6 address.
pod_quiet_ok() {
	ip -n pod -6 -o addr show dev eth0 | grep -q " $POD_IP6/" ||
		fail "the placeholder eth0 lost $POD_IP6: $(ip -n pod -6 -o addr show dev eth0)"
	ip -n pod -o link show dev eth0 | grep -q '[<,]UP[,>]' &&
		fail "the placeholder eth0 is up: $(ip -n pod -o link show dev eth0)"
	b=$(ip -n pod -6 -o addr show dev k6t-eth0 scope global)
	[ -z "$b" ] || fail "the pod bridge holds a global IPv6 address: $b"
}

# lease6_ok CLIENT: its RIG-LEASE6 line (guest/dhcp.sh) has the pod's IPv6
# address with DAD passed, the default route via the node's link-local
# address the RA came from, no on-link pod prefix (ptp: the pod /64 is
# routed via the gateway, so podlaunch advertises no prefix), the RA's MTU,
# RDNSS and DNSSL, DHCPv6's DNS and search list, and the DNS server in
# resolv.conf.  Each fact on its own FAIL line.
lease6_ok() {
	l=$(grep -a "^RIG-LEASE6 client=$1 " "$W/$cur.txt")
	[ -n "$l" ] || fail "$1: no IPv6 lease line"
	echo "$l"
	# KEY=VALUE words; routes= is the one value with spaces (up to dns6=).
	f() { echo "$l" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	rt6=$(echo "$l" | sed -n 's/.* routes=\(.*\) dns6=.*/\1/p')
	case ",$(f addr)," in *",$POD_IP6/"*) ;; *) fail "$1: the guest does not have the pod's IPv6 address $POD_IP6 (it has '$(f addr)')" ;; esac
	[ "$(f dad)" = ok ] || fail "$1: DAD of $POD_IP6 did not pass in the guest: $(f dad)"
	case ";$rt6" in *";default via $NODE_LL "* | *";default via $NODE_LL;"*) ;; *) fail "$1: no IPv6 default route via the node's link-local $NODE_LL (routes '$rt6')" ;; esac
	case ";$rt6" in *";$POD_SUBNET6"*) fail "$1: the pod prefix $POD_SUBNET6 is on-link in the guest (ptp: it is routed via the gateway)" ;; esac
	[ "$(f ra_from)" = "$NODE_LL" ] || fail "$1: the RA came from '$(f ra_from)', not the node's link-local $NODE_LL"
	[ "$(f ra_mtu)" = "$POD_MTU" ] || fail "$1: the RA's MTU is '$(f ra_mtu)', want $POD_MTU"
	[ "$(f ra_rdnss)" = "$DNS6" ] || fail "$1: the RA's RDNSS is '$(f ra_rdnss)', want $DNS6"
	[ "$(f ra_dnssl)" = "$SEARCH" ] || fail "$1: the RA's DNSSL is '$(f ra_dnssl)', want $SEARCH"
	[ "$(f dns6)" = "$DNS6" ] || fail "$1: DHCPv6 DNS servers '$(f dns6)', want $DNS6"
	[ "$(f search6)" = "$SEARCH" ] || fail "$1: DHCPv6 search list '$(f search6)', want $SEARCH"
	case ",$(f resolv)," in *",$DNS6,"*) ;; *) fail "$1: resolv.conf lacks nameserver $DNS6 (has '$(f resolv)')" ;; esac
}

# ping6_ok: the node reaches the pod's IPv6 address and the guest answers
# (the node's neighbour entry for it is the guest MAC: nothing in the pod
# namespace answered instead).
ping6_ok() {
	ping -6 -c 3 -W 5 "$POD_IP6" >"$W/ping6" 2>&1 || fail "ping -6 $POD_IP6: $(cat "$W/ping6")"
	n=$(ip -6 neigh show "$POD_IP6")
	case "$n" in *"lladdr $GUEST_MAC "*) ;; *) fail "the node's neighbour entry for $POD_IP6 is not the guest MAC $GUEST_MAC: $n" ;; esac
}

# guest_ping_ok ADDR: the guest's RIG-PING line for ADDR (rig.ping=) says ok.
guest_ping_ok() {
	l=$(grep -a "^RIG-PING $1 " "$W/$cur.txt")
	[ "$l" = "RIG-PING $1 ok" ] || fail "the guest could not ping $1: ${l:-no RIG-PING line}"
}
