#!/bin/bash
# podlaunch dhcp as a process: flag errors (exit 2), a missing cache (exit 1
# with the failed step), l2_only (exit 0, nothing served), privileges after
# binding, SIGHUP reload, SIGUSR1 counters, exit with its parent, and the
# broadcast fallback without CAP_NET_RAW.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
. tests/lib/podns.sh
. tests/lib/dhcp.sh
dh_require
N=dh$$
DH_TMP=$(mktemp -d /tmp/dh-server.XXXXXX)
chmod 755 "$DH_TMP"
trap 'dh_cleanup $N' EXIT

# Flags.
for bad in --bogus "--lease-time 5" "--dhcp-option 53:01" "--dhcp-option 42:0g" "--ready-fd x" "--iface a/b" \
	"--dhcp-option 54:0a000001" "--dhcp-option 61:0102" "--dhcp-option 1:ffff00ff" \
	"--dhcp-option 42:0a000005 --dhcp-option 42:0a000006" "--dhcp-option 58:00000e10 --lease-time 3600" \
	"--dhcp-option 51:00000e10 --lease-time 600"; do
	# shellcheck disable=SC2086
	"$PODLAUNCH" dhcp $bad >/dev/null 2>"$DH_TMP/err"; rc=$?
	[ $rc = 2 ] || fail "$bad: exit $rc, want 2"
	grep -q -- "${bad%% *}" "$DH_TMP/err" || fail "$bad: message does not name the flag: $(cat "$DH_TMP/err")"
done
echo "ok: bad flags exit 2 naming the flag"
"$PODLAUNCH" dhcp --help | grep -q -- --dhcp-option || fail "--help"
"$PODLAUNCH" dhcp --state-dir /nonexistent 2>"$DH_TMP/err"; rc=$?
[ $rc = 1 ] || fail "missing cache: exit $rc"
jq -e 'select(.msg == "cannot load the state cache") | .path' "$DH_TMP/err" >/dev/null ||
	fail "missing cache: no JSON log naming the step: $(cat "$DH_TMP/err")"
echo "ok: missing cache exits 1 with a JSON log line"
mkdir -p "$DH_TMP/l2"
echo '{"version": 1, "iface": "eth0", "pod": {"ipv4": []}, "binding": {"bridge": "k6t-eth0", "guest_mac": "02:00:00:00:00:01", "l2_only": true}}' \
	>"$DH_TMP/l2/eth0.json"
"$PODLAUNCH" dhcp --state-dir "$DH_TMP/l2" 2>"$DH_TMP/err" || fail "l2_only: exit $?"
grep -q 'nothing to serve' "$DH_TMP/err" || fail "l2_only: no log line"
echo "ok: l2_only exits 0 with nothing to serve"

dh_topology $N || fail "topology"
cat >"$DH_TMP/script" <<SH
#!/bin/sh
[ "\$1" = bound ] && env | sort >"$DH_TMP/lease.tmp" && mv "$DH_TMP/lease.tmp" "$DH_TMP/lease.env"
exit 0
SH
chmod +x "$DH_TMP/script"
lease() {
	rm -f "$DH_TMP/lease.env"
	in_vm $N udhcpc -i vm0 -q -n -t 10 -T 1 -s "$DH_TMP/script" >/dev/null 2>&1
	[ -f "$DH_TMP/lease.env" ] || fail "udhcpc got no lease"
}
e() { sed -n "s/^$1=//p" "$DH_TMP/lease.env"; }

dh_server_start $N || fail "server start"
st=/proc/$DH_SERVER_PID/status
check_eq "CapEff" "$(awk '/^CapEff/ {print $2}' $st)" "0000000000000000"
check_eq "CapPrm" "$(awk '/^CapPrm/ {print $2}' $st)" "0000000000000000"
check_eq "NoNewPrivs" "$(awk '/^NoNewPrivs/ {print $2}' $st)" "1"
lease
check_eq "dns" "$(e dns)" "10.96.0.10 10.96.0.11"

# SIGHUP: the cache is read again.
jq '.pod.dns.nameservers = ["10.96.0.99"]' "$STATE_DIR/eth0.json" >"$STATE_DIR/x" && mv "$STATE_DIR/x" "$STATE_DIR/eth0.json"
dh_signal HUP "$DH_RELOADED" || fail "SIGHUP"
lease
check_eq "dns after SIGHUP" "$(e dns)" "10.96.0.99"
# A broken cache keeps the last good configuration.
cp "$STATE_DIR/eth0.json" "$DH_TMP/good.json"
echo '{' >"$STATE_DIR/eth0.json"
dh_signal HUP "$DH_RELOADED" || fail "SIGHUP"
grep -q 'reload failed' "$DH_SERVER_LOG" || fail "no reload failure logged"
lease
check_eq "dns after a bad reload" "$(e dns)" "10.96.0.99"

dh_signal USR1 "$DH_COUNTERS" || fail "SIGUSR1"
jq -e 'select(.msg == "counters") | select(.acks >= 3)' "$DH_SERVER_LOG" >/dev/null || fail "SIGUSR1 counters"
echo "ok: SIGUSR1 counters"
kill "$DH_SERVER_PID"; wait "$DH_SERVER_PID" 2>/dev/null
jq -e 'select(.msg == "counters at exit")' "$DH_SERVER_LOG" >/dev/null || fail "counters at exit"
DH_SERVER_PID=

cp "$DH_TMP/good.json" "$STATE_DIR/eth0.json"

# Exit with the parent (the process that becomes the VMM): PDEATHSIG.
ip netns exec $N-pod bash -c "\"$PODLAUNCH\" dhcp --state-dir \"$STATE_DIR\" 2>\"$DH_TMP/child.log\" &
	echo \$! >\"$DH_TMP/child.pid\"; exec sleep 600" &
PARENT=$!
wait_for "$DH_TMP/child.log" serving 10
CHILD=$(cat "$DH_TMP/child.pid")
kill -0 "$CHILD" || fail "child server not running"
kill -9 $PARENT; wait $PARENT 2>/dev/null
wait_until 10 pid_gone "$CHILD"
kill -0 "$CHILD" 2>/dev/null && fail "server outlived its parent"
grep -q 'stopping' "$DH_TMP/child.log" || fail "no stop log"
echo "ok: the server exits with its parent"

# Without CAP_NET_RAW: replies are broadcast and the client still gets its lease.
dh_server_start $N || fail "server start"
kill "$DH_SERVER_PID"; wait "$DH_SERVER_PID" 2>/dev/null
PODLAUNCH_REAL=$PODLAUNCH
mkfifo "$DH_TMP/ready2"
ip netns exec $N-pod setpriv --bounding-set=-net_raw "$PODLAUNCH_REAL" dhcp --state-dir "$STATE_DIR" \
	--ready-fd 3 3>"$DH_TMP/ready2" 2>"$DH_TMP/noraw.log" &
DH_SERVER_PID=$!
timeout 10 head -c 1 "$DH_TMP/ready2" >/dev/null || fail "no-raw server not ready"
grep -q 'no CAP_NET_RAW' "$DH_TMP/noraw.log" || fail "no fallback warning"
lease
check_eq "ip without CAP_NET_RAW" "$(e ip)" "$POD_IP"
dh_signal USR1 "$DH_COUNTERS" "$DH_TMP/noraw.log" || fail "SIGUSR1"
jq -e 'select(.msg == "counters") | select(.broadcast_fallback >= 1)' "$DH_TMP/noraw.log" >/dev/null ||
	fail "no broadcast fallback counted"
echo "ok: broadcast fallback without CAP_NET_RAW"
echo "PASS"
