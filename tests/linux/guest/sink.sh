#!/bin/sh
# make bench's receive side (bench/linux): counts a stream, says how much came.
echo "RIG-SINK $(wc -c)" >/dev/console
