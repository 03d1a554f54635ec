#!/usr/bin/env python3
# Writes the seed corpora of the dhcp6_parse, ndp_parse and dhcp6_server
# fuzzers: DHCPv6 client messages of every type (RFC 8415) and RS/RA/NA/
# Echo Reply messages (RFC 4861), in each fuzzer's input layout.
import os, struct, sys

root = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"
duid = bytes([0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79])
sid = bytes([0, 3, 0, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55])
pod = bytes.fromhex("fd000010024400020000000000000002")

def opt(code, val=b""):
    return struct.pack("!HH", code, len(val)) + val

def ia_na(iaid, addr=None):
    v = struct.pack("!III", iaid, 0, 0)
    if addr:
        v += opt(5, addr + struct.pack("!II", 0, 0))
    return opt(3, v)

def msg(t, *opts):
    return bytes([t, 0xab, 0xcd, 0xef]) + b"".join(opts)

oro = opt(6, struct.pack("!HHH", 23, 24, 82))
elapsed = opt(8, b"\0\0")
dhcp6 = {
    "solicit": msg(1, opt(1, duid), elapsed, oro, ia_na(1)),
    "solicit-rapid": msg(1, opt(1, duid), opt(14), elapsed, oro, ia_na(1, pod)),
    "solicit-pd": msg(1, opt(1, duid), opt(25, struct.pack("!III", 7, 0, 0))),
    "request": msg(3, opt(1, duid), opt(2, sid), oro, ia_na(1, pod)),
    "request-foreign": msg(3, opt(1, duid), opt(2, sid), ia_na(1, bytes(15) + b"\x07")),
    "confirm": msg(4, opt(1, duid), ia_na(1, pod)),
    "renew": msg(5, opt(1, duid), opt(2, sid), ia_na(1, pod)),
    "rebind": msg(6, opt(1, duid), ia_na(1, pod), ia_na(2)),
    "release": msg(8, opt(1, duid), opt(2, sid), ia_na(1, pod)),
    "decline": msg(9, opt(1, duid), opt(2, sid), ia_na(1, pod)),
    "inforeq": msg(11, opt(1, duid), oro),
    "relay": bytes([12, 0]) + bytes(32) + opt(9, msg(1, opt(1, duid))),
}
rs = bytes([133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x62, 0xb1, 0xb5, 0x02, 0xff, 0x79])
ra = (bytes([134, 0, 0, 0, 0, 0xc0]) + struct.pack("!HII", 1800, 0, 0) +
      bytes([1, 1, 0xae, 0x97, 0xc8, 0x30, 0xca, 0x1b]) + bytes([5, 1, 0, 0]) + struct.pack("!I", 1500) +
      bytes([3, 4, 64, 0x80]) + struct.pack("!III", 0xffffffff, 0xffffffff, 0) + pod[:8] + bytes(8) +
      bytes([25, 3, 0, 0]) + struct.pack("!I", 1800) + bytes.fromhex("fd000000000000000000000000000010") +
      bytes([31, 3, 0, 0]) + struct.pack("!I", 1800) + b"\3svc\7cluster\5local\0" + bytes(3))
na = bytes([136, 0, 0, 0, 0x60, 0, 0, 0]) + bytes.fromhex("fd000010024400020000000000000001") + \
     bytes([2, 1, 0xae, 0x97, 0xc8, 0x30, 0xca, 0x1b])
echo = bytes([129, 0, 0, 0, 0x12, 0x34, 0, 1])
# RFC 4191 2.3 Route Information: ::/0 (length 1, Prf high), a /48 (length 2,
# Prf low), a /108 (length 3), and a /65 in length 2 (to be ignored)
rio = (bytes([24, 1, 0, 0x08]) + struct.pack("!I", 1800) +
       bytes([24, 2, 48, 0x18]) + struct.pack("!I", 1800) + bytes.fromhex("fd0000970000" + "00" * 2) +
       bytes([24, 3, 108, 0]) + struct.pack("!I", 0xffffffff) + bytes.fromhex("fd000096" + "00" * 12) +
       bytes([24, 2, 65, 0]) + struct.pack("!I", 9) + bytes(8))
icmp = {"rs": rs, "ra": ra, "ra-rio": ra + rio, "na": na, "echo-reply": echo}

def write(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

for n, m in dhcp6.items():
    write("dhcp6_parse", n, m)
    # dhcp6_server: flags (guest MAC, multicast, link-local source, wrapped UDP), clock
    write("dhcp6_server", n, bytes([0x02, 1]) + m)
    write("dhcp6_server", n + "-foreign", bytes([0x00, 1]) + m)
    write("dhcp6_server", n + "-unicast", bytes([0x12, 1]) + m)
for n, m in icmp.items():
    write("ndp_parse", n, bytes([255, 0]) + m)
    write("dhcp6_server", "icmp-" + n, bytes([0x02 | 0x40 | 0x80, 3]) + m)
write("dhcp6_server", "icmp-na-gw", bytes([0x04 | 0x08 | 0x10 | 0x40 | 0x80, 3]) + na)
