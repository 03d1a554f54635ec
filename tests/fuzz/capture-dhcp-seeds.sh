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
# shellcheck source=tests/fuzz/capture-lib.sh
. tests/fuzz/capture-lib.sh
cap_begin dhs$$ dh_topology
cap_start v4 40
sleep 0.5
cat >"$DH_TMP/nop" <<'SH'
#!/bin/sh
exit 0
SH
chmod +x "$DH_TMP/nop"
in_vm "$N" udhcpc -i vm0 -q -n -t 3 -T 1 -s "$DH_TMP/nop" -O 121 -O 119 -x hostname:guest >/dev/null 2>&1
printf 'lease {\n interface "vm0";\n fixed-address 10.244.1.99;\n option dhcp-server-identifier 169.254.75.10;\n expire 6 2037/12/31 00:00:00;\n}\n' >"$DH_TMP/leases"
in_vm "$N" timeout 15 dhclient -4 -1 -d -lf "$DH_TMP/leases" -pf "$DH_TMP/dhc.pid" -sf "$DH_TMP/nop" vm0 >/dev/null 2>&1 &
sleep 4; kill %2 2>/dev/null
in_vm "$N" timeout 10 dhcpcd -f /dev/null -c "$DH_TMP/nop" -B -1 -4 -t 5 --noipv4ll -o classless_static_routes vm0 >/dev/null 2>&1 &
sleep 4; in_vm "$N" dhcpcd -4 -x vm0 >/dev/null 2>&1
cap_stop
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
