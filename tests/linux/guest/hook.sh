#!/bin/sh
# The hook of all three clients: udhcpc (bound/renew; $ip $mask $mtu
# $staticroutes $dns $search), dhclient (BOUND/REBOOT; new_* variables)
# and dhcpcd (BOUND/REBOOT; new_* variables; it sets address, routes and
# MTU itself).  Applies what the client got, writes /etc/resolv.conf.
# dhcpcd -6 (ROUTERADVERT: nd1_* variables; BOUND6...: new_dhcp6_*): the RA
# and DHCPv6 answers are kept in /tmp/ra.env and /tmp/dhcp6.env for
# dhcp.sh's RIG-LEASE6 line, and the DHCPv6 nameservers and search list
# are added to what resolv.conf already has (an IPv4 lease's).
# The clients set the variables: shellcheck cannot see them.
# shellcheck disable=SC2154
rt() {	# DST GW: one route, on-link when GW is 0.0.0.0
	if [ "$2" = 0.0.0.0 ]; then ip route replace "$1" dev "$interface"
	else ip route replace "$1" via "$2" dev "$interface" onlink; fi
}
case ${1:-$reason} in
bound | renew)	# udhcpc
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -z "$mtu" ] || ip link set "$interface" mtu "$mtu"
	# shellcheck disable=SC2086  # "dst/len gw" pairs, split on purpose
	set -- $staticroutes
	while [ $# -ge 2 ]; do rt "$1" "$2"; shift 2; done
	dns_list=$dns search_list=${search:-$domain} ;;
BOUND | REBOOT | RENEW | REBIND)
	dns_list=$new_domain_name_servers search_list=${new_domain_search:-$new_domain_name}
	# dhclient leaves applying to its script; dhcpcd (which also passes
	# new_subnet_cidr) has applied everything already.
	if [ -z "$new_subnet_cidr" ]; then
		prefix=$(ipcalc -p "$new_ip_address" "$new_subnet_mask" | cut -d= -f2)
		ip addr flush dev "$interface"
		ip addr add "$new_ip_address/$prefix" dev "$interface"
		[ -z "$new_interface_mtu" ] || ip link set "$interface" mtu "$new_interface_mtu"
		# RFC 3442 as dhclient passes it: width, significant octets, router.
		# shellcheck disable=SC2046  # octets, split on purpose
		set -- $(echo "$new_rfc3442_classless_static_routes" | tr , " ")
		while [ $# -gt 0 ]; do
			w=$1; shift; dst=0.0.0.0; n=$(((w + 7) / 8)); i=0; d=
			while [ $i -lt 4 ]; do
				if [ $i -lt $n ]; then d="$d${d:+.}$1"; shift; else d="$d${d:+.}0"; fi
				i=$((i + 1))
			done
			dst=$d
			rt "$dst/$w" "$1.$2.$3.$4"; shift 4
		done
	fi ;;
ROUTERADVERT)
	# Written whole, then renamed: dhcpcd runs this again for each RA,
	# possibly while dhcp.sh reads the last one.
	env | grep '^nd[0-9]' >/tmp/ra.env.$$ && mv /tmp/ra.env.$$ /tmp/ra.env
	exit 0 ;;
BOUND6 | REBOOT6 | RENEW6 | REBIND6)
	env | grep '^new_dhcp6_' >/tmp/dhcp6.env.$$ && mv /tmp/dhcp6.env.$$ /tmp/dhcp6.env
	touch /etc/resolv.conf
	for d in $new_dhcp6_name_servers; do
		grep -qx "nameserver $d" /etc/resolv.conf || echo "nameserver $d" >>/etc/resolv.conf
	done
	grep -q '^search ' /etc/resolv.conf || [ -z "$new_dhcp6_domain_search" ] ||
		echo "search $new_dhcp6_domain_search" >>/etc/resolv.conf
	exit 0 ;;
*) exit 0 ;;
esac
: >/etc/resolv.conf
for d in $dns_list; do echo "nameserver $d" >>/etc/resolv.conf; done
# dhclient writes the names of option 119 as FQDNs ("cluster.local.").
search_list=$(echo "$search_list" | sed 's/\. / /g; s/\.$//')
[ -z "$search_list" ] || echo "search $search_list" >>/etc/resolv.conf
exit 0
