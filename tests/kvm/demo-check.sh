#!/bin/bash
# `make demo` as a test: the whole story (runc container in a CNI pod
# namespace, bridge binding, the test guest's lease, ping answered by the
# guest, SIGTERM through runc, cleanup) must succeed.  Skips instead of
# installing packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces and runc"; exit 77; }
[ -c /dev/kvm ] || { echo "SKIP: no /dev/kvm"; exit 77; }
for t in runc jq ping; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
[ -x /usr/lib/cni/ptp ] || { echo "SKIP: CNI plugins missing (containernetworking-plugins)"; exit 77; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
BUILD=$BUILD DEMO_TIMEOUT=${DEMO_TIMEOUT:-120} demo/demo.sh >"$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" = 0 ] || { echo "FAIL: make demo exited $rc"; exit 1; }
tail -n 1 "$out" | grep -qx 'demo OK' || { echo "FAIL: make demo did not end with 'demo OK'"; exit 1; }
grep -q 'installing:' "$out" && { echo "FAIL: the demo installed packages inside make check"; exit 1; }
exit 0
