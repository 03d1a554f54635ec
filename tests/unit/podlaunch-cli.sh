#!/bin/bash
# podlaunch's command line: --help everywhere, bad flags exit 2 naming the
# flag, unknown commands exit 2.  Needs no root.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
BUILD=${BUILD:-build}
P=$BUILD/podlaunch
[ -x "$P" ] || skip "$P not built"

for c in discover setup teardown run; do
	"$P" "$c" --help >/dev/null || fail "$c --help"
	"$P" "$c" --help | grep -q -- --iface || fail "$c --help lists no --iface"
done
"$P" --help | grep -q teardown || fail "top-level help"

expect2() {
	local flag=$1; shift
	"$P" "$@" >/dev/null 2>/tmp/netsetup-cli.$$
	rc=$?
	[ "$rc" = 2 ] || fail "$*: exit $rc, want 2"
	grep -q -- "$flag" /tmp/netsetup-cli.$$ || fail "$*: message does not name $flag"
}
trap 'rm -f /tmp/netsetup-cli.$$' EXIT
expect2 --bogus setup --bogus
expect2 --queues setup --queues 0
expect2 --queues discover --queues 2
expect2 --mtu run --mtu 9999999
expect2 --tap-owner setup --tap-owner root
expect2 --iface teardown --iface
expect2 --dhcp-option run --dhcp-option 300:00
expect2 --lease-time run --lease-time never
expect2 --vmm setup --vmm /bin/true
# The masquerade binding's flags, in the binary (test_masq.c has every value).
expect2 --binding setup --binding passt
expect2 --binding run --binding ""
expect2 --guest-cidr setup --binding masquerade --guest-cidr 10.0.2.1/24
expect2 --guest-cidr6 run --binding masquerade --guest-cidr6 fd10::/127
expect2 --ports setup --binding masquerade --ports tcp:0
expect2 --ports run --binding masquerade --ports icmp:1
expect2 --guest-mac setup --guest-mac 01:00:5e:00:00:01
expect2 --guest-mac run --binding masquerade --guest-mac 02:00:00:00:00
expect2 --binding setup --ports tcp:80
expect2 --binding teardown --binding masquerade
expect2 --bridge-addr setup --binding masquerade --bridge-addr 169.254.1.1
expect2 frobnicate frobnicate
"$P" >/dev/null 2>&1; [ $? = 2 ] || fail "no command should exit 2"
echo PASS
