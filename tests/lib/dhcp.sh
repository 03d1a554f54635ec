# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are for the scripts that source this
# Shared topology for the dhcp interop tests and bench/dhcp.  Source after
# tests/lib/podns.sh.  dh_topology NAME builds:
#   NAME-node, NAME-pod   a CNI (ptp + host-local) pod, as on a kind node
#   the bridge binding    in NAME-pod: k6t-eth0 (169.254.75.10/32) with the
#                         pod's NIC enslaved; by `podlaunch setup` when it
#                         works, by hand (the same steps) otherwise
#   NAME-vm               the "VM": $VMIF (default vm0), one end of a veth whose other end
#                         (vmport) is a port of k6t-eth0, carrying the
#                         guest MAC (the pod's original MAC)
# and writes the state cache STATE_DIR/eth0.json.  Sets POD_IP POD_PREFIX
# POD_GW GUEST_MAC POD_MTU STATE_DIR DH_SETUP (podlaunch|manual).
# shellcheck source=tests/lib/test.sh
declare -F fail >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/test.sh"

PODLAUNCH=${PODLAUNCH:-${BUILD:-build}/podlaunch}
# dhcpcd keeps pid, socket and lease files per interface name outside the
# namespace: tests using it pick a unique name so parallel runs do not meet.
VMIF=${VMIF:-vm0}
DH_SEARCH_JSON='["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "Bad_Domain!"]'
DH_DNS_JSON='["10.96.0.10", "10.96.0.11", "fd00::10"]'
DH_MTU=1400

in_vm() { local n=$1; shift; ip netns exec "$n-vm" "$@"; }

dh_require() {
	podns_require
	if [ ! -x "$PODLAUNCH" ]; then skip "$PODLAUNCH not built"; fi
}

dh_manual_binding() {
	local n=$1 nicmac
	nicmac=$(printf '02:00:00:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
	in_pod "$n" ip link add k6t-eth0 type bridge || return 1
	in_pod "$n" ip addr add 169.254.75.10/32 dev k6t-eth0
	in_pod "$n" ip link set eth0 down
	in_pod "$n" ip addr flush dev eth0
	in_pod "$n" ip link set eth0 name eth0-nic
	in_pod "$n" ip link set eth0-nic address "$nicmac"
	in_pod "$n" ip link set eth0-nic master k6t-eth0
	in_pod "$n" ip link set eth0-nic up
	in_pod "$n" ip link set k6t-eth0 up
	python3 - "$STATE_DIR/eth0.json" "$n" "$nicmac" <<'PY'
import json, subprocess, sys
path, n, nicmac = sys.argv[1:4]
def ipj(*a):
    return json.loads(subprocess.check_output(["ip", "netns", "exec", n + "-pod", "ip", "-j"] + list(a)) or "[]")
state = json.load(open(path + ".pod"))
state["phase"] = "done"
state["binding"] = {"bridge": "k6t-eth0", "bridge_addr": "169.254.75.10", "nic": "eth0-nic",
                    "nic_mac": nicmac, "placeholder": "", "placeholder_kind": "none",
                    "tap": "", "queues": 1, "mtu": state["pod"]["mtu"],
                    "guest_mac": state["pod"]["mac"], "l2_only": False}
json.dump(state, open(path, "w"), indent=1)
PY
}

# The pod as discovery sees it, in the state-cache format.
dh_discover() {
	local n=$1
	python3 - "$STATE_DIR/eth0.json.pod" "$n" "$DH_DNS_JSON" "$DH_SEARCH_JSON" "$DH_MTU" <<'PY'
import json, subprocess, sys
path, n, dns, search, mtu = sys.argv[1:6]
def ipj(*a):
    return json.loads(subprocess.check_output(["ip", "netns", "exec", n + "-pod", "ip", "-j"] + list(a)) or "[]")
link = ipj("link", "show", "dev", "eth0")[0]
addrs = [a for a in ipj("-4", "addr", "show", "dev", "eth0")[0]["addr_info"]]
routes = []
for r in ipj("-4", "route", "show", "dev", "eth0"):
    dst = r["dst"]
    if dst == "default":
        dst, prefix = "0.0.0.0", 0
    elif "/" in dst:
        dst, prefix = dst.split("/")[0], int(dst.split("/")[1])
    else:
        prefix = 32
    routes.append({"family": 4, "dst": dst, "prefix": prefix, "gateway": r.get("gateway"),
                   "scope": r.get("scope", "universe"), "src": r.get("prefsrc"), "metric": r.get("metric", 0),
                   "protocol": r.get("protocol", "boot"), "table": 254})
state = {"version": 1, "phase": "discovered", "iface": "eth0",
         "pod": {"ifindex": link["ifindex"], "mac": link["address"], "mtu": int(mtu),
                 "ipv4": [{"address": a["local"], "prefix": a["prefixlen"]} for a in addrs],
                 "ipv6": [], "routes": routes,
                 "dns": {"nameservers": json.loads(dns), "search": json.loads(search), "options": ["ndots:5"]},
                 "hostname": "VM1_test"}}
json.dump(state, open(path, "w"), indent=1)
PY
}

# The real binding: `podlaunch setup` (netsetup) rewires the pod; the veth
# "VM" is attached to its bridge next to the (unused) tap.
dh_setup_binding() {
	local n=$1
	printf 'nameserver 10.96.0.10\nnameserver 10.96.0.11\nnameserver fd00::10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n' \
		>"$STATE_DIR/resolv.conf"
	in_pod "$n" "$PODLAUNCH" setup --state-dir "$STATE_DIR" --resolv-conf "$STATE_DIR/resolv.conf" \
		--mtu "$DH_MTU" >"$STATE_DIR/setup.log" 2>&1 || { cat "$STATE_DIR/setup.log"; return 1; }
	# discovery already drops invalid search domains; the server must not
	# trust the file either, so slip one in.
	jq '.pod.dns.search += ["Bad_Domain!"]' "$STATE_DIR/eth0.json" >"$STATE_DIR/eth0.json.tmp" &&
		mv "$STATE_DIR/eth0.json.tmp" "$STATE_DIR/eth0.json"
}

# The CNI pod alone; sets STATE_DIR POD_IP POD_GW POD_PREFIX POD_MTU.
dh_pod() {
	local n=$1
	STATE_DIR=$(mktemp -d /tmp/dh-state.XXXXXX)
	podns_create "$n" ptp 10.244.1.0/24 >/dev/null || return 1
	POD_IP=$(podns_ip "$n")
	POD_GW=$(podns_gateway "$n")
	POD_PREFIX=$(in_pod "$n" ip -4 -o addr show dev eth0 | awk '{split($4, a, "/"); print a[2]; exit}')
	POD_MTU=$DH_MTU
}

# The veth "VM" on the bridge, with the guest MAC from the cache.
dh_vm() {
	local n=$1
	GUEST_MAC=$(jq -r .binding.guest_mac "$STATE_DIR/eth0.json")
	POD_HOSTNAME=$(jq -r .pod.hostname "$STATE_DIR/eth0.json" | tr 'A-Z_' 'a-z-')
	ip netns add "$n-vm" || return 1
	in_vm "$n" ip link set lo up
	in_pod "$n" ip link add vmport mtu "$DH_MTU" type veth peer name "$VMIF" netns "$n-vm" || return 1
	in_pod "$n" ip link set vmport master k6t-eth0
	in_pod "$n" ip link set vmport up
	in_vm "$n" ip link set "$VMIF" address "$GUEST_MAC"
	in_vm "$n" ip link set "$VMIF" up
	podns_port_forwarding "$n" vmport || { echo "vmport not forwarding after 30 s" >&2; return 1; }
	netns_link_up "$n-vm" "$VMIF" || { echo "$VMIF not up after 30 s" >&2; return 1; }
}

dh_topology() {
	local n=$1
	dh_pod "$n" || return 1
	if [ -z "${DH_MANUAL:-}" ] && "$PODLAUNCH" setup --help >/dev/null 2>&1; then
		DH_SETUP=podlaunch
		dh_setup_binding "$n" || return 1
	else
		DH_SETUP=manual
		dh_discover "$n" || return 1
		dh_manual_binding "$n" || return 1
	fi
	echo "binding built by: $DH_SETUP"
	dh_vm "$n"
}

dh_cleanup() {
	local n=$1
	[ -n "${DH_SERVER_PID:-}" ] && kill "$DH_SERVER_PID" 2>/dev/null && wait "$DH_SERVER_PID" 2>/dev/null
	ip netns pids "$n-vm" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$n-vm" 2>/dev/null
	podns_destroy "$n"
	[ -n "${STATE_DIR:-}" ] && rm -rf "$STATE_DIR"
	[ -n "${DH_TMP:-}" ] && rm -rf "$DH_TMP"
	rm -f "/var/lib/dhcpcd/$VMIF.lease" "/var/lib/dhcpcd/$VMIF"-*.lease 2>/dev/null
	return 0
}

# Start `podlaunch dhcp` in the pod namespace; returns once it is serving.
dh_server_start() {
	local n=$1; shift
	DH_SERVER_LOG=$DH_TMP/server.log
	local fifo=$DH_TMP/ready
	rm -f "$fifo"
	mkfifo "$fifo"
	# Not through a shell function: $! must be the server itself (ip
	# netns exec execs it), whose parent is this shell.
	ip netns exec "$n-pod" "$PODLAUNCH" dhcp --state-dir "$STATE_DIR" --ready-fd 3 "$@" \
		3>"$fifo" 2>"$DH_SERVER_LOG" &
	DH_SERVER_PID=$!
	if ! timeout 10 head -c 1 "$fifo" >/dev/null; then
		echo "server did not become ready"; cat "$DH_SERVER_LOG"; return 1
	fi
}

# The server's address as the guest must see it in option 54.
DH_SERVER_ID=169.254.75.10

# dh_event_hook: the lines of a client hook script (sh) that save the
# hook's environment, once per event, as $DH_TMP/ev.N.REASON (first_file
# finds them: "$DH_TMP"/ev.*.BOUND).
dh_event_hook() {
	cat <<SH
n=\$(ls $DH_TMP/ev.* 2>/dev/null | wc -l)
env | sort >"$DH_TMP/tmp.\$n" && mv "$DH_TMP/tmp.\$n" "$DH_TMP/ev.\$n.\$reason"
SH
}

# dh_dhcpcd_stop 4|6: the VM's dhcpcd on $VMIF (started with
# $DH_TMP/dhcpcd.conf, pid CLIENT) released and gone: it writes its lease
# file on the way out, so it is let finish first.
dh_dhcpcd_stop() {
	in_vm "$N" dhcpcd -f "$DH_TMP/dhcpcd.conf" -"$1" -x "$VMIF" >/dev/null 2>&1
	wait_until 10 pid_gone "${CLIENT:-0}"
	kill "${CLIENT:-}" 2>/dev/null
}

# first_file GLOB-RESULTS...: the first argument that names an existing
# file (an unmatched glob stays literal), or nothing.
first_file() {
	local f
	for f in "$@"; do [ -e "$f" ] && { echo "$f"; return 0; }; done
	return 0
}

# dh_signal SIG PATTERN [LOG]: send SIG to the server and wait (up to 10 s,
# a loaded machine) until LOG has one more line matching PATTERN, written
# out to its newline: a reader can see a line's first part before the
# rest is in the file, and jq then fails on the cut last line.
dh_signal() {
	local sig=$1 pat=$2 log=${3:-$DH_SERVER_LOG} n0
	n0=$(grep -c -- "$pat" "$log")
	kill -"$sig" "$DH_SERVER_PID"
	wait_until 10 dh_log_grew "$log" "$pat" "$n0" && return 0
	echo "server did not answer SIG$sig with a line matching $pat" >&2
	return 1
}
# dh_log_grew LOG PATTERN N: more than N lines match, the last one whole.
dh_log_grew() {
	[ "$(grep -c -- "$2" "$1")" -gt "$3" ] && [ -z "$(tail -c 1 "$1")" ]
}
DH_RELOADED='"msg":"configuration loaded"\|"msg":"reload failed'
DH_COUNTERS='"msg":"counters"'

on_fail() { [ -n "${DH_SERVER_LOG:-}" ] && tail -n 30 "$DH_SERVER_LOG"; }
check_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; echo "ok: $1 = $2"; }
