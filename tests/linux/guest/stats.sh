#!/bin/sh
# One line per virtio-net input queue: its name and interrupts summed over CPUs.
grep -- '-input\.' /proc/interrupts | awk '{n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; print $NF, n}'
cat /sys/class/net/eth0/queues/rx-*/rps_cpus >/dev/null 2>&1
set -- /sys/class/net/eth0/queues/rx-*
echo "queues $#"
