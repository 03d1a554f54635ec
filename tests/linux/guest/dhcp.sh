#!/bin/sh
# dhcp.sh lease|release CLIENT: run one DHCP client on eth0, then print
#   RIG-LEASE client=C addr=A/P mtu=M routes=R dns=D search=S
# from the kernel's state (address, MTU, routes) and the client's answer
# (resolv.conf, written by its hook).
# dhcp.sh lease6 dhcpcd: IPv6 by the RA and DHCPv6 (dhcpcd -6), then
#   RIG-LEASE6 client=C addr=A/P,... dad=ok|tentative|failed routes=R
#     dns6=D search6=S ra_from=LL ra_mtu=M ra_rdnss=D ra_dnssl=S resolv=D,...
# (every global address with its DAD state, the IPv6 routes, the DHCPv6
# and RA options as dhcpcd passed them to its hook, resolv.conf's servers).
c=$2
if [ "$1" = lease6 ]; then
	rm -f /tmp/ra.env /tmp/dhcp6.env
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout 60 dhcpcd -6 -w -f /rig/dhcpcd6.conf -c /rig/hook.sh eth0 >/tmp/dhcpcd6.log 2>&1
	rc=$?
	[ $rc = 0 ] || { echo "RIG-GUEST-ERROR $c -6 exit $rc"; sed "s/^/RIG-LOG $c -6: /" /tmp/dhcpcd6.log; }
	# -w returns with the lease; the address then goes through DAD (one
	# NS, RetransTimer 1 s) and dhcpcd adds the default route of the RA.
	i=0
	while [ $i -lt 100 ]; do
		/rig/ip -6 addr show dev eth0 scope global | grep -q inet6 &&
			! /rig/ip -6 addr show dev eth0 tentative | grep -q inet6 &&
			/rig/ip -6 route show default dev eth0 | grep -q via && break
		sleep 0.1; i=$((i + 1))
	done
	g=$(/rig/ip -6 -o addr show dev eth0 scope global)
	addr=$(echo "$g" | awk '{print $4}' | tr '\n' ',')
	dad=ok
	echo "$g" | grep -q tentative && dad=tentative
	echo "$g" | grep -q dadfailed && dad=failed
	routes=$(/rig/ip -6 route show dev eth0 | grep -v '^fe80::/64\|^multicast\|^ff00::' |
		sed 's/ proto [a-z]*//; s/ metric [0-9]*//; s/ pref [a-z]*//; s/ expires [0-9]*sec//; s/ *$//' | tr '\n' ';')
	# One copy of each (the hook may replace them meanwhile), read from then on.
	cp /tmp/ra.env /tmp/ra.snap 2>/dev/null
	cp /tmp/dhcp6.env /tmp/dhcp6.snap 2>/dev/null
	e() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n 1; }
	dns=$(sed -n 's/^nameserver //p' /etc/resolv.conf | tr '\n' ',')
	[ -n "${RIG_VERBOSE:-}" ] && sed "s/^/RIG-LOG $c -6: /" /tmp/dhcpcd6.log /tmp/ra.snap /tmp/dhcp6.snap
	echo "RIG-LEASE6 client=$c addr=${addr%,} dad=$dad routes=$routes dns6=$(e new_dhcp6_name_servers /tmp/dhcp6.snap | tr ' ' ,)" \
		"search6=$(e new_dhcp6_domain_search /tmp/dhcp6.snap | tr ' ' ,) ra_from=$(e nd1_from /tmp/ra.snap)" \
		"ra_mtu=$(e nd1_mtu /tmp/ra.snap) ra_rdnss=$(e nd1_rdnss1_servers /tmp/ra.snap | tr ' ' ,)" \
		"ra_dnssl=$(e nd1_dnssl1_search /tmp/ra.snap | tr ' ' ,) resolv=${dns%,}" \
		"secs=$(awk -v t="$t0" '{printf "%.1f", $1 - t}' /proc/uptime)"
	[ -n "$addr" ]
	exit
fi
if [ "$1" = release ]; then
	case $c in
	dhclient) dhclient -r -sf /rig/hook.sh -lf /tmp/dhclient.leases -pf /tmp/dhclient.pid eth0 ;;
	dhcpcd) dhcpcd -f /rig/dhcpcd.conf -4 -k eth0 >/dev/null 2>&1; sleep 1
		dhcpcd -f /rig/dhcpcd.conf -4 -x eth0 >/dev/null 2>&1; sleep 1 ;;
	esac
	/rig/ip route flush dev eth0
	ip addr flush dev eth0
	# Below the pod's MTU, so the next client has to set it again.
	ip link set eth0 mtu 1400
	: >/etc/resolv.conf
	exit 0
fi
: >/etc/resolv.conf
case $c in
udhcpc) udhcpc -i eth0 -s /rig/hook.sh -O staticroutes -O search -O mtu -t 20 -T 1 -n -q >/tmp/udhcpc.log 2>&1 ;;
dhclient) timeout 60 dhclient -1 -v -cf /rig/dhclient.conf -sf /rig/hook.sh -lf /tmp/dhclient.leases -pf /tmp/dhclient.pid eth0 >/tmp/dhclient.log 2>&1 ;;
# dhcpcd configures address, routes and MTU itself and keeps them only while
# it runs: -w waits for the lease, then it goes to the background.
dhcpcd) timeout 60 dhcpcd -4 -w -f /rig/dhcpcd.conf -c /rig/hook.sh eth0 >/tmp/dhcpcd.log 2>&1 ;;
esac
rc=$?
[ $rc = 0 ] || { echo "RIG-GUEST-ERROR $c exit $rc"; sed "s/^/RIG-LOG $c: /" "/tmp/$c.log"; }
# dhcpcd adds the routes just after it reports the lease.
i=0
while [ $i -lt 50 ] && ! /rig/ip -4 route show dev eth0 | grep -q ^default; do sleep 0.1; i=$((i + 1)); done
addr=$(/rig/ip -4 -o addr show dev eth0 | awk '{print $4; exit}')
routes=$(/rig/ip -4 route show dev eth0 | sed 's/ proto [a-z]*//; s/ metric [0-9]*//; s/ *$//' | tr '\n' ';')
dns=$(sed -n 's/^nameserver //p' /etc/resolv.conf | tr '\n' ',')
search=$(sed -n 's/^search //p' /etc/resolv.conf | tr ' ' ',')
[ -n "${RIG_VERBOSE:-}" ] && sed "s/^/RIG-LOG $c: /" "/tmp/$c.log"
echo "RIG-LEASE client=$c addr=$addr mtu=$(cat /sys/class/net/eth0/mtu) routes=$routes dns=${dns%,} search=$search"
[ -n "$addr" ]
