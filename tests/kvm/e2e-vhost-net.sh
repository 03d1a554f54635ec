#!/bin/bash
# The tap end-to-end test with the vhost-net backend forced (vhost=on).
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
[ -c /dev/vhost-net ] || skip "/dev/vhost-net not present"
exec tests/kvm/e2e-virtio-tap.sh vhost
