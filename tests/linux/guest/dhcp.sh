#!/bin/sh
# dhcp.sh lease|release CLIENT: run one DHCP client on eth0, then print
#   RIG-LEASE client=C addr=A/P mtu=M routes=R dns=D search=S
# from the kernel's state (address, MTU, routes) and the client's answer
# (resolv.conf, written by its hook).
c=$2
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
