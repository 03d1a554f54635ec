#!/bin/sh
# The virtio-net device's negotiated features (sysfs prints them as a bit
# string: character N+1 is feature bit N) and the offloads virtio_net then
# turned on, as ethtool -k shows them (top-level lines only).
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0001 ] && echo "features $(cat "$d/features")"
done
/rig/ethtool -k eth0 | sed -n 's/^\([a-z0-9-]*\): \(on\|off\).*/offload \1 \2/p'
