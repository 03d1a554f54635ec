#!/bin/sh
# sysinit of the net and term modes (the power-button modes go on in
# pwrbtn.sh): load the virtio modules, lease with
# each DHCP client named in rig.dhcp=a,b,... (reporting what the kernel then
# has: RIG-LEASE lines), then IPv6 with each in rig.dhcp6= (RIG-LEASE6),
# ping each address in rig.ping=A,B,... (RIG-PING A ok|FAIL ...), then
# serve the node's data transfers:
#   5001  receives a stream, prints RIG-RX <sha256>
#   5002  answers with the client's address as the guest sees it
#   5008  connects out to rig.peer=IP:6000 (the masquerade scenario)
#   5010+ each sends one 4 MiB slice of /tmp/tx (RIG-TX lines give sums;
#         none with rig.notx=1)
#   5003  sends the virtio input-queue interrupt counts
#   5004  sends the negotiated virtio-net features and ethtool -k's offloads
#   5006  (make bench) receives a stream, prints RIG-SINK <bytes>
#   5007  (make bench) sends rig.mib=N MiB of zeros
cmdarg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
[ -z "$(cmdarg rig.verbose)" ] || export RIG_VERBOSE=1
[ "$(cmdarg rig)" = term ] && { echo "RIG-GUEST-READY"; exit 0; }
case $(cmdarg rig) in acpid | pwrbtn-ignore) exec /rig/pwrbtn.sh "$(cmdarg rig)" ;; esac
while read -r m; do insmod "/modules/$m.ko" || echo "RIG-GUEST-ERROR insmod $m"; done </modules/order
ip link set lo up
ip link set eth0 up || { echo "RIG-GUEST-ERROR no eth0"; exit 0; }
mkdir -p /var/lib/dhcp /var/lib/dhcpcd /var/run /run/dhcpcd /etc
last=
for c in $(cmdarg rig.dhcp | tr ',' ' '); do
	[ -n "$last" ] && /rig/dhcp.sh release "$last"
	/rig/dhcp.sh lease "$c" || echo "RIG-GUEST-ERROR $c got no lease"
	last=$c
done
for c in $(cmdarg rig.dhcp6 | tr ',' ' '); do
	/rig/dhcp.sh lease6 "$c" || echo "RIG-GUEST-ERROR $c got no IPv6 lease"
done
for a in $(cmdarg rig.ping | tr ',' ' '); do
	if ping -c 2 -W 5 "$a" >/tmp/ping.log 2>&1; then echo "RIG-PING $a ok"
	else echo "RIG-PING $a FAIL: $(tail -n 2 /tmp/ping.log | tr '\n' ' ')"; fi
done
# rig.notx=1: no 4 MiB slices (a scenario without transfers saves the
# seconds urandom and sha256sum take at nested speed).
i=0
[ -n "$(cmdarg rig.notx)" ] && i=4
while [ $i -lt 4 ]; do
	head -c 4194304 /dev/urandom >/tmp/tx$i
	echo "RIG-TX $i $(sha256sum </tmp/tx$i | cut -d' ' -f1)"
	nc -ll -p $((5010 + i)) -e cat /tmp/tx$i &
	i=$((i + 1))
done
nc -ll -p 5001 -e /rig/rx.sh &
nc -ll -p 5002 -e /rig/who.sh &
nc -ll -p 5003 -e /rig/stats.sh &
nc -ll -p 5004 -e /rig/offloads.sh &
nc -ll -p 5006 -e /rig/sink.sh &
nc -ll -p 5007 -e /rig/src.sh &
[ -z "$(cmdarg rig.peer)" ] || nc -ll -p 5008 -e /rig/dial.sh &
echo "RIG-GUEST-READY"
