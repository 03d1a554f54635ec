#!/bin/bash
# `make demo` as a test: the whole story (runc container in a CNI pod
# namespace, bridge binding, the test guest's lease, ping answered by the
# guest, SIGTERM through runc, cleanup) must succeed.  Skips instead of
# installing packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
BUILD=${BUILD:-build}
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces and runc"
[ -c /dev/kvm ] || skip "no /dev/kvm"
for t in runc jq ping; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
[ -x /usr/lib/cni/ptp ] || skip "CNI plugins missing (containernetworking-plugins)"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
BUILD=$BUILD DEMO_TIMEOUT=${DEMO_TIMEOUT:-120} demo/demo.sh >"$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" = 0 ] || { echo "FAIL: make demo exited $rc"; exit 1; }
tail -n 1 "$out" | grep -qx 'demo OK' || { echo "FAIL: make demo did not end with 'demo OK'"; exit 1; }
grep -q 'installing:' "$out" && { echo "FAIL: the demo installed packages inside make check"; exit 1; }
exit 0
