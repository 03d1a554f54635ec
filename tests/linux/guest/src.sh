#!/bin/sh
# make bench's send side (bench/linux): rig.mib=N MiB of zeros (default 16).
mib=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^rig.mib=//p')
head -c $((${mib:-16} * 1048576)) /dev/zero
