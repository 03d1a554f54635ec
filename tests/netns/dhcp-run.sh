#!/bin/bash
# The production path: `podlaunch run` builds the binding, starts the DHCP
# server (waiting on --ready-fd) and execs the VMM (a stand-in that just
# sleeps).  The veth "VM" on the bridge gets the pod lease from that server
# and pings the gateway; when the VMM process dies, the server exits too
# (PR_SET_PDEATHSIG).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
"$PODLAUNCH" run --help >/dev/null 2>&1 || skip "podlaunch run not built"
N=dh$$
DH_TMP=$(mktemp -d /tmp/dh-run.XXXXXX)
chmod 755 "$DH_TMP"
RUNPID=
trap '[ -n "$RUNPID" ] && kill -9 $RUNPID 2>/dev/null; dh_cleanup $N' EXIT
dh_pod $N || fail "pod"
printf 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local\n' >"$DH_TMP/resolv.conf"
printf '#!/bin/sh\ntouch %s/vmm.started\nexec sleep 600\n' "$DH_TMP" >"$DH_TMP/vmm"
chmod 755 "$DH_TMP/vmm"

ip netns exec $N-pod "$PODLAUNCH" run --state-dir "$STATE_DIR" --resolv-conf "$DH_TMP/resolv.conf" \
	--mtu "$DH_MTU" --lease-time 3600 --vmm "$DH_TMP/vmm" 2>"$DH_TMP/run.log" &
RUNPID=$!
wait_until 10 test -f "$DH_TMP/vmm.started"
[ -f "$DH_TMP/vmm.started" ] || { cat "$DH_TMP/run.log"; fail "the VMM was not started"; }
grep -q 'DHCP server ready' "$DH_TMP/run.log" || fail "run did not wait for the DHCP server"
SERVER=$(ps -o pid= --ppid "$RUNPID" | tr -d ' ' | head -n 1)
{ [ -n "$SERVER" ] && grep -q dhcp "/proc/$SERVER/cmdline"; } || fail "no DHCP server under the VMM process"
echo "ok: server $SERVER runs under the VMM process $RUNPID"
dh_vm $N || fail "vm"

cat >"$DH_TMP/script" <<SH
#!/bin/sh
case \$1 in bound)
	env | sort >"$DH_TMP/lease.tmp" && mv "$DH_TMP/lease.tmp" "$DH_TMP/lease.env"
	ip addr add "\$ip/\$mask" dev "\$interface"
	ip route add default via "\$router" dev "\$interface" onlink ;;
esac
exit 0
SH
chmod +x "$DH_TMP/script"
in_vm $N udhcpc -i "$VMIF" -q -n -t 10 -T 1 -s "$DH_TMP/script" >/dev/null 2>&1
[ -f "$DH_TMP/lease.env" ] || { cat "$DH_TMP/run.log"; fail "no lease from the server run started"; }
e() { sed -n "s/^$1=//p" "$DH_TMP/lease.env"; }
check_eq "ip" "$(e ip)" "$POD_IP"
check_eq "router" "$(e router)" "$POD_GW"
check_eq "mtu" "$(e mtu)" "$DH_MTU"
check_eq "lease (run --lease-time)" "$(e lease)" "3600"
check_eq "search" "$(e search)" "default.svc.cluster.local svc.cluster.local"
in_vm $N ping -c 2 -W 2 "$POD_GW" >/dev/null || fail "cannot ping the gateway"
echo "ok: ping $POD_GW"

kill -9 "$RUNPID"; wait "$RUNPID" 2>/dev/null; RUNPID=
wait_until 10 pid_gone "$SERVER"
kill -0 "$SERVER" 2>/dev/null && fail "the DHCP server outlived the VMM"
grep -q '"counters at exit"' "$DH_TMP/run.log" || fail "no counters at exit"
echo "ok: the DHCP server exited with the VMM"
echo "PASS"
