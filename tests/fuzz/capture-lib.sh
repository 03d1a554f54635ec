# shellcheck shell=bash
# shellcheck disable=SC2034  # N, VMIF and CAP are for lib/dhcp.sh and the scripts
# What capture-dhcp-seeds.sh and capture-dhcp6-seeds.sh share: the interop
# topology with `podlaunch dhcp` serving, and the bridge captured in the
# pod while the clients run (capture-bridge.py).  Source from the tree's
# root, after tests/lib/test.sh, podns.sh and dhcp.sh (and dhcp6.sh).
#   cap_begin NAME TOPOLOGY   N=NAME, VMIF=vm0 (the seeds were captured on
#                             vm0), DH_TMP; TOPOLOGY NAME (dh_topology or
#                             dh6_topology) built, the server started,
#                             everything removed on exit
#   cap_start v4|v6 SECONDS   the capture into $DH_TMP/cap, in the background
#   cap_stop                  end it and wait until its files are written

cap_begin() {
	dh_require
	N=$1
	VMIF=vm0
	DH_TMP=$(mktemp -d /tmp/dh-seeds.XXXXXX)
	chmod 755 "$DH_TMP"
	trap 'dh_cleanup $N' EXIT
	"$2" "$N" || fail "topology"
	dh_server_start "$N" || fail "server start"
}

cap_start() {
	in_pod "$N" python3 tests/fuzz/capture-bridge.py "$DH_TMP/cap" "$1" "$2" &
	CAP=$!
}

cap_stop() {
	mkdir -p "$DH_TMP/cap"
	touch "$DH_TMP/cap/stop"
	wait "$CAP"
}
