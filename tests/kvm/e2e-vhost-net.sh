#!/bin/bash
# The tap end-to-end test with the vhost-net backend forced (vhost=on).
cd "$(dirname "$0")/../.." || exit 1
if [ ! -c /dev/vhost-net ]; then
	echo "SKIP: /dev/vhost-net not present"
	exit 77
fi
exec tests/kvm/e2e-virtio-tap.sh vhost
