#!/bin/bash
# tests/netns/dhcp6-dhcpcd.sh on a pod of the CNI bridge plugin (dual-stack):
# the gateway is the node bridge cni0's address, the pod /64 on-link, and
# the RAs come from cni0's link-local address with the prefix on-link.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
DH6_KIND=bridge exec tests/netns/dhcp6-dhcpcd.sh
