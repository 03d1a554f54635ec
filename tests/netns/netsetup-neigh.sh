#!/bin/bash
# The placeholder keeps the pod's addresses (down), and nothing in the pod
# namespace may answer for them: the guest owns them.  From a port of
# k6t-eth0 (the guest's side), ARP for the pod IPv4 address and neighbour
# discovery for its IPv6 address stay unanswered, with the namespace's
# conf.all.arp_ignore at 0: k6t-eth0's own arp_ignore=1 (set by netsetup
# over rtnetlink) is what keeps the bridge quiet, which the control (the
# bridge's value back at 0) shows; IPv6 needs no setting on the bridge or
# the placeholder, since ND only answers for addresses of the receiving link.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

n=nsN$$
p=$n-peer
ns_new "$n" bridge
in_pod "$n" ip -6 addr add fd00:22::5/64 dev eth0 nodad
ip=$(podns_ip "$n")
[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/all/arp_ignore)" = 0 ] || fail "conf.all.arp_ignore is not 0"
pl "$n" setup 2>/dev/null || fail "setup"
in_pod "$n" ip -j addr show dev eth0 | jq -e --arg ip "$ip" \
	'[.[0].addr_info[] | .local] | index($ip) and index("fd00:22::5")' >/dev/null ||
	fail "the placeholder does not hold $ip and fd00:22::5"

cleanup_peer() { ip netns del "$p" 2>/dev/null; ns_cleanup; }
trap cleanup_peer EXIT
ip netns add "$p"
in_pod "$n" ip link add pport type veth peer name peth netns "$p"
in_pod "$n" ip link set pport master k6t-eth0 up
ip -n "$p" addr add 10.244.1.99/24 dev peth
ip -n "$p" addr add fd00:22::99/64 dev peth nodad
ip -n "$p" link set peth up
podns_port_forwarding "$n" pport || fail "pport not forwarding"
netns_link_up "$p" peth || fail "peth not up"
brmac=$(link_json "$n" k6t-eth0 | jq -r .address)

# lladdr_of ADDR: the MAC the peer resolved ADDR to, "" when unanswered.
lladdr_of() {
	ip netns exec "$p" ping -c1 -W1 "$1" >/dev/null 2>&1
	ip -n "$p" -j neigh show "$1" dev peth | jq -r '.[0].lladdr // ""'
}
got=$(lladdr_of "$ip")
[ -z "$got" ] || fail "ARP for $ip answered by $got (the bridge is $brmac)"
echo "ok: ARP for $ip unanswered"
got=$(lladdr_of fd00:22::5)
[ -z "$got" ] || fail "ND for fd00:22::5 answered by $got"
echo "ok: ND for fd00:22::5 unanswered"

# Control: the bridge's own arp_ignore back at 0 makes it answer.
echo 0 | in_pod "$n" tee /proc/sys/net/ipv4/conf/k6t-eth0/arp_ignore >/dev/null
ip -n "$p" neigh flush dev peth
for _ in 1 2 3 4 5; do
	got=$(lladdr_of "$ip")
	[ "$got" = "$brmac" ] && break
done
[ "$got" = "$brmac" ] || fail "control: with k6t-eth0 arp_ignore=0 ARP got '$got', want the bridge $brmac"
echo "ok: control: with k6t-eth0 arp_ignore=0 the bridge answers for $ip"
echo PASS
