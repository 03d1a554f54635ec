#!/bin/sh
# Port 5008: the guest connects out to rig.peer=IP port 6000 (the node),
# sends one line and says how that went, on this connection and the console.
peer=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^rig.peer=//p')
if echo "RIG-FROM-GUEST" | nc -w 10 "$peer" 6000 >/dev/null 2>/tmp/dial.err; then r=ok; else r="failed: $(cat /tmp/dial.err)"; fi
echo "RIG-DIAL $peer:6000 $r" | tee /dev/console
