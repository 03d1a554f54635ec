#!/bin/bash
# setup builds the bridge binding as specified in CNI ptp and bridge pod
# namespaces; a second setup changes nothing; teardown restores exactly.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
# shellcheck source=tests/lib/netsetup.sh
. "$(dirname "$0")/../lib/netsetup.sh"
ns_require

check_binding() {
	local n=$1 ip=$2 mac=$3 idx=$4 mtu=$5 ip6=$6 j cache
	cache=$(pl_cache "$n")

	j=$(addr_json "$n" k6t-eth0)
	[ "$(jq -r .linkinfo.info_kind <<<"$j")" = bridge ] || fail "$n: k6t-eth0 not a bridge"
	jq -e '.flags | index("UP")' <<<"$j" >/dev/null || fail "$n: k6t-eth0 not up"
	[ "$(jq -c '[.addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"]' <<<"$j")" = '["169.254.75.10/32"]' ] ||
		fail "$n: k6t-eth0 address: $(jq -c .addr_info <<<"$j")"
	[ "$(jq .mtu <<<"$j")" = "$mtu" ] || fail "$n: k6t-eth0 mtu"

	j=$(addr_json "$n" eth0-nic)
	[ "$(jq .ifindex <<<"$j")" = "$idx" ] || fail "$n: eth0-nic is not the pod interface"
	[ "$(jq -r .master <<<"$j")" = k6t-eth0 ] || fail "$n: eth0-nic not enslaved"
	[ "$(jq -r .address <<<"$j")" != "$mac" ] || fail "$n: eth0-nic kept the pod MAC"
	(( 0x$(jq -r .address <<<"$j" | cut -c1-2) & 3 )) || fail "$n: eth0-nic MAC not local"
	[ $(( 0x$(jq -r .address <<<"$j" | cut -c1-2) & 3 )) = 2 ] || fail "$n: eth0-nic MAC not local unicast"
	[ "$(jq '[.addr_info[] | select(.family=="inet")] | length' <<<"$j")" = 0 ] || fail "$n: eth0-nic kept IPv4"
	[ "$(jq '[.addr_info[] | select(.scope=="global")] | length' <<<"$j")" = 0 ] || fail "$n: eth0-nic kept global addresses"
	[ "$(jq .linkinfo.info_slave_data.learning <<<"$j")" = false ] || fail "$n: learning on eth0-nic"
	jq -e '.flags | index("UP")' <<<"$j" >/dev/null || fail "$n: eth0-nic not up"
	[ "$(jq .mtu <<<"$j")" = "$mtu" ] || fail "$n: eth0-nic mtu"

	j=$(link_json "$n" tap0)
	[ "$(jq -r .linkinfo.info_kind <<<"$j")" = tun ] || fail "$n: tap0 not a tun device"
	[ "$(jq -r .linkinfo.info_data.type <<<"$j")" = tap ] || fail "$n: tap0 not a tap"
	[ "$(jq -r .linkinfo.info_data.pi <<<"$j")" = false ] || fail "$n: tap0 has PI"
	[ "$(jq -r .linkinfo.info_data.vnet_hdr <<<"$j")" = true ] || fail "$n: tap0 without vnet_hdr"
	[ "$(jq -r .linkinfo.info_data.persist <<<"$j")" = true ] || fail "$n: tap0 not persistent"
	[ "$(jq -r .master <<<"$j")" = k6t-eth0 ] || fail "$n: tap0 not enslaved"
	jq -e '.flags | index("UP")' <<<"$j" >/dev/null || fail "$n: tap0 not up"
	[ "$(jq .mtu <<<"$j")" = "$mtu" ] || fail "$n: tap0 mtu"

	j=$(addr_json "$n" eth0)
	[ "$(jq .ifindex <<<"$j")" != "$idx" ] || fail "$n: placeholder is the pod interface"
	case $(jq -r .linkinfo.info_kind <<<"$j") in dummy|bridge) ;; *) fail "$n: placeholder kind" ;; esac
	jq -e '.flags | index("UP")' <<<"$j" >/dev/null && fail "$n: placeholder is up"
	[ "$(jq -r .address <<<"$j")" = "$mac" ] || fail "$n: placeholder MAC"
	[ "$(jq .mtu <<<"$j")" = "$(jq .mtu "$STATE_ROOT/$n.eth0")" ] || fail "$n: placeholder MTU"
	[ "$(jq -c '[.addr_info[] | select(.family=="inet") | .local]' <<<"$j")" = "$(jq -c '[.addr_info[] | select(.family=="inet") | .local]' "$STATE_ROOT/$n.eth0")" ] ||
		fail "$n: placeholder addresses $(jq -c .addr_info <<<"$j")"
	if [ -n "$ip6" ]; then
		jq -e --arg a "$ip6" '.addr_info[] | select(.local == $a)' <<<"$j" >/dev/null ||
			fail "$n: placeholder lacks the pod IPv6 $ip6"
	fi

	# Per-device settings on the bridge, set over rtnetlink; conf.all is
	# not touched (ns_snapshot compares it with the original).
	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/k6t-eth0/arp_ignore)" = 1 ] || fail "$n: k6t-eth0 arp_ignore"
	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/k6t-eth0/accept_local)" = 1 ] || fail "$n: k6t-eth0 accept_local"
	[ "$(in_pod "$n" cat /proc/sys/net/ipv4/conf/all/arp_ignore)" = 0 ] || fail "$n: conf.all.arp_ignore changed"
	[ "$(in_pod "$n" ip -j route show dev eth0 | jq length)" = 0 ] || fail "$n: routes left on eth0"
	[ "$(jq -r .phase "$cache")" = "done" ] || fail "$n: cache phase"
	[ "$(jq -r '.pod.ipv4[0].address // ""' "$cache")" = "$ip" ] || fail "$n: cache pod IP"
	[ "$(jq -r .version "$cache")" = 2 ] || fail "$n: cache version"
	[ "$(jq -r .binding.guest_mac "$cache")" = "$mac" ] || fail "$n: cache guest MAC"
}

round_trip() {
	local n=$1 kind=$2 mtu=$3 ip ip6 mac idx t0; shift 3
	ns_new "$n" "$kind" "10.244.$((RANDOM % 200 + 20)).0/24"
	ip=$(podns_ip "$n")
	ip6=$(podns_ip6 "$n")
	addr_json "$n" eth0 >"$STATE_ROOT/$n.eth0"
	mac=$(jq -r .address "$STATE_ROOT/$n.eth0")
	idx=$(jq .ifindex "$STATE_ROOT/$n.eth0")
	ns_snapshot "$n" >"$STATE_ROOT/$n.before"
	in_pod "$n" ip -j addr >"$STATE_ROOT/$n.lft"
	t0=$(date +%s)

	pl "$n" setup "$@" 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: setup"; }
	check_binding "$n" "$ip" "$mac" "$idx" "$mtu" "$ip6"
	ns_settle "$n"
	ns_snapshot "$n" >"$STATE_ROOT/$n.after"
	cp "$(pl_cache "$n")" "$STATE_ROOT/$n.cache"

	pl "$n" setup "$@" 2>"$STATE_ROOT/$n.log2" || fail "$n: second setup"
	grep -q 'nothing to do' "$STATE_ROOT/$n.log2" || fail "$n: second setup did not say it was a no-op"
	expect_same "$n" "$STATE_ROOT/$n.after" "$n second setup"
	cmp -s "$STATE_ROOT/$n.cache" "$(pl_cache "$n")" || fail "$n: second setup rewrote the cache"

	pl "$n" teardown 2>"$STATE_ROOT/$n.log3" || { cat "$STATE_ROOT/$n.log3"; fail "$n: teardown"; }
	expect_same "$n" "$STATE_ROOT/$n.before" "$n teardown"
	expect_lifetimes "$n" "$STATE_ROOT/$n.lft" $(( $(date +%s) - t0 ))
	[ ! -e "$(pl_cache "$n")" ] || fail "$n: cache left after teardown"
	pl "$n" teardown 2>/dev/null || fail "$n: teardown without a cache should be a no-op"
	echo "ok $n $kind $*"
}

round_trip nsS$$a ptp 1500
round_trip nsS$$b bridge 1500
round_trip nsS$$c ptp 1400 --mtu 1400
# Dual-stack, IPv6-only, routes with metrics and more tables, Calico's /32
# (dual-stack) and its IPv6-only /128 with the fe80::1 gateway.
round_trip nsS$$g ptp-dual 1500
round_trip nsS$$h ptp-v6 1500
round_trip nsS$$i ptp-metric 1500
round_trip nsS$$j calico 1480
round_trip nsS$$m calico-v6 1480

# Multi-queue tap with an owner, custom bridge address.
n=nsS$$d
ns_new "$n" ptp
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
pl "$n" setup --queues 3 --tap-owner 4242:4343 --bridge-addr 169.254.9.9 2>/dev/null || fail "$n: setup"
j=$(link_json "$n" tap0)
[ "$(jq -r .linkinfo.info_data.multi_queue <<<"$j")" = true ] || fail "$n: tap not multi-queue"
[ "$(jq -r .linkinfo.info_data.user <<<"$j")" = 4242 ] || fail "$n: tap owner $(jq -c .linkinfo.info_data <<<"$j")"
[ "$(jq -r .linkinfo.info_data.group <<<"$j")" = 4343 ] || fail "$n: tap group"
addr_json "$n" k6t-eth0 | jq -e '.addr_info[] | select(.local=="169.254.9.9" and .prefixlen==32)' >/dev/null ||
	fail "$n: --bridge-addr not applied"
pl "$n" teardown 2>/dev/null || fail "$n: teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "$n teardown"
echo "ok $n multi-queue"

# No IPv4 on the pod interface: L2-only binding, said in the log and cache.
n=nsS$$e
ns_new "$n" ptp
in_pod "$n" ip -4 addr flush dev eth0
ns_settle "$n"
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
pl "$n" setup 2>"$STATE_ROOT/$n.log" || fail "$n: L2-only setup"
grep -q 'L2-only' "$STATE_ROOT/$n.log" || fail "$n: L2-only not logged"
[ "$(jq .binding.l2_only "$(pl_cache "$n")")" = true ] || fail "$n: cache l2_only"
pl "$n" teardown 2>/dev/null || fail "$n: teardown"
expect_same "$n" "$STATE_ROOT/$n.before" "$n teardown"
echo "ok $n l2-only"

# A journal written by an older podlaunch starts with an "arp_ignore" step
# (conf.all through /proc/sys): teardown still undoes the whole binding.
n=nsS$$f
ns_new "$n" ptp
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
pl "$n" setup 2>/dev/null || fail "$n: setup"
c=$(pl_cache "$n")
jq '.undo = [{"step": "arp_ignore", "old": "0"}] + .undo' "$c" >"$c.tmp" && mv "$c.tmp" "$c"
pl "$n" teardown 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: teardown of a legacy journal"; }
expect_same "$n" "$STATE_ROOT/$n.before" "$n legacy teardown"
echo "ok $n legacy journal"

# A version 1 cache (an older podlaunch's: no route metrics, lifetimes or
# other tables) is still read: teardown undoes the binding it describes.
n=nsS$$k
ns_new "$n" ptp-dual 10.244.77.0/24
ns_snapshot "$n" >"$STATE_ROOT/$n.before"
pl "$n" setup 2>/dev/null || fail "$n: setup"
c=$(pl_cache "$n")
jq '.version = 1 | del(.pod.route_tables)
	| .pod.routes |= map(del(.metrics, .nexthops, .pref, .from, .from_prefix, .realms))
	| .pod.ipv4 |= map(del(.label, .peer, .valid_lft, .preferred_lft, .lft_at, .metric, .proto))
	| .pod.ipv6 |= map(del(.peer, .valid_lft, .preferred_lft, .lft_at, .metric, .proto))' "$c" >"$c.tmp" && mv "$c.tmp" "$c"
pl "$n" teardown 2>"$STATE_ROOT/$n.log" || { cat "$STATE_ROOT/$n.log"; fail "$n: teardown of a version 1 cache"; }
expect_same "$n" "$STATE_ROOT/$n.before" "$n version 1 teardown"
echo "ok $n version 1 cache"
echo PASS
