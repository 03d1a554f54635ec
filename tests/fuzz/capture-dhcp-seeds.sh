#!/bin/bash
# Regenerates the dhcp fuzz seed corpora from real clients: udhcpc, dhclient
# (including an INIT-REBOOT for a stale address) and dhcpcd talk to
# `podlaunch dhcp` in the interop topology while every UDP payload to or
# from port 67 on the bridge is saved.  Client requests seed both fuzzers;
# the server's replies (overload, long options) seed the parser too.
# Usage (root): BUILD=build tests/fuzz/capture-dhcp-seeds.sh
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
N=dhs$$
VMIF=vm0  # the seeds were captured on vm0
DH_TMP=$(mktemp -d /tmp/dh-seeds.XXXXXX)
chmod 755 "$DH_TMP"
trap 'dh_cleanup $N' EXIT
dh_topology $N || fail "topology"
dh_server_start $N || fail "server start"

in_pod $N python3 - "$DH_TMP/cap" <<'PY' &
import os, socket, struct, sys, time
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("k6t-eth0", 0)); s.settimeout(0.5)
n = 0; end = time.time() + 40
while time.time() < end and not os.path.exists(out + "/stop"):
    try: f = s.recv(65535)
    except socket.timeout: continue
    if len(f) < 42 or f[12:14] != b"\x08\x00" or f[23] != 17: continue
    ihl = (f[14] & 15) * 4; u = 14 + ihl
    sport, dport = struct.unpack("!HH", f[u:u + 4])
    if 67 not in (sport, dport): continue
    kind = "req" if dport == 67 else "rep"
    open("%s/%s-%03d" % (out, kind, n), "wb").write(f[u + 8:]); n += 1
PY
CAP=$!
sleep 0.5
cat >"$DH_TMP/nop" <<'SH'
#!/bin/sh
exit 0
SH
chmod +x "$DH_TMP/nop"
in_vm $N udhcpc -i vm0 -q -n -t 3 -T 1 -s "$DH_TMP/nop" -O 121 -O 119 -x hostname:guest >/dev/null 2>&1
printf 'lease {\n interface "vm0";\n fixed-address 10.244.1.99;\n option dhcp-server-identifier 169.254.75.10;\n expire 6 2037/12/31 00:00:00;\n}\n' >"$DH_TMP/leases"
in_vm $N timeout 15 dhclient -4 -1 -d -lf "$DH_TMP/leases" -pf "$DH_TMP/dhc.pid" -sf "$DH_TMP/nop" vm0 >/dev/null 2>&1 &
sleep 4; kill %2 2>/dev/null
in_vm $N timeout 10 dhcpcd -f /dev/null -c "$DH_TMP/nop" -B -1 -4 -t 5 --noipv4ll -o classless_static_routes vm0 >/dev/null 2>&1 &
sleep 4; in_vm $N dhcpcd -4 -x vm0 >/dev/null 2>&1
touch "$DH_TMP/cap/stop"; wait $CAP
for f in dhcp_parse dhcp_server; do mkdir -p tests/fuzz/corpus/$f; done
for p in "$DH_TMP"/cap/req-*; do
	h=$(sha1sum "$p" | cut -c1-16)
	cp "$p" "tests/fuzz/corpus/dhcp_parse/client-$h"
	cp "$p" "tests/fuzz/corpus/dhcp_server/client-$h"
done
for p in "$DH_TMP"/cap/rep-*; do
	cp "$p" "tests/fuzz/corpus/dhcp_parse/reply-$(sha1sum "$p" | cut -c1-16)"
done
find tests/fuzz/corpus/dhcp_parse tests/fuzz/corpus/dhcp_server -type f | wc -l
