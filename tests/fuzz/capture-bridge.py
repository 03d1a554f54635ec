#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The capture both seed scripts run in the pod (capture-lib.sh): every
# frame on the bridge k6t-eth0 that belongs to the family's server, saved
# as one file, until SECONDS pass or OUT/stop appears.
#   capture-bridge.py OUT v4 SECONDS: UDP to or from port 67, the DHCP
#     payload, as OUT/req-NNN (to the server) or OUT/rep-NNN
#   capture-bridge.py OUT v6 SECONDS: UDP to or from port 547, the DHCPv6
#     payload, as OUT/NNN.req or OUT/NNN.rep; echo, RS, RA, NS and NA as
#     OUT/NNN.icmpTYPE, the hop limit first, then the ICMPv6 message
import os
import socket
import struct
import sys
import time

out, family, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
os.makedirs(out, exist_ok=True)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd if family == "v6" else 3))
s.bind(("k6t-eth0", 0))
s.settimeout(0.5)


def v4(f):
    if len(f) < 42 or f[12:14] != b"\x08\x00" or f[23] != 17:
        return None
    u = 14 + (f[14] & 15) * 4
    sport, dport = struct.unpack("!HH", f[u:u + 4])
    if 67 not in (sport, dport):
        return None
    return ("req" if dport == 67 else "rep"), f[u + 8:]


def v6(f):
    ip = f[14:]
    if len(ip) < 48:
        return None
    nh, hop, plen = ip[6], ip[7], int.from_bytes(ip[4:6], "big")
    l4 = ip[40:40 + plen]
    if nh == 17 and len(l4) > 8:
        sport, dport = int.from_bytes(l4[0:2], "big"), int.from_bytes(l4[2:4], "big")
        if 547 not in (sport, dport):
            return None
        return ("req" if dport == 547 else "rep"), l4[8:]
    if nh == 58 and l4 and l4[0] in (128, 129, 133, 134, 135, 136):
        return "icmp%d" % l4[0], bytes([hop]) + l4
    return None


n = 0
end = time.time() + secs
while time.time() < end and not os.path.exists(out + "/stop"):
    try:
        f = s.recv(65535)
    except socket.timeout:
        continue
    got = v6(f) if family == "v6" else v4(f)
    if not got:
        continue
    kind, data = got
    name = "%03d.%s" % (n, kind) if family == "v6" else "%s-%03d" % (kind, n)
    with open(os.path.join(out, name), "wb") as w:
        w.write(data)
    n += 1
