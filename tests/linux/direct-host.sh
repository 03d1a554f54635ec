#!/bin/bash
# The Linux rig's direct mode, the path tests/linux/run.sh takes where
# /dev/kvm is hardware KVM (no node: the node's root unpacked and chrooted
# into in new mount, network and PID namespaces by node/direct.sh), run on
# this host whatever its KVM with bad-kernel, the one scenario that runs no
# guest instruction: podvmm opens this host's /dev/kvm through the /dev
# direct.sh made, creates the VM and refuses a truncated bzImage.  The node's
# `direct` scenario boots a Linux guest through the same script on the
# node's KVM.  Also: the host's links, network namespaces and mounts are
# what they were.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
need_kvm
need_cmd unshare util-linux

snap() { ip -o link | sed 's/^[0-9]*: //'; ip netns list; grep -c . /proc/self/mountinfo; }
before=$(snap)
out=$(RIG_ACCEL=direct RIG_SCENARIOS=bad-kernel tests/linux/run.sh 2>&1)
rc=$?
# Its lines, not as results of this test's own (run-tests.sh counts
# SUBTEST lines and lists NOTE and RETRY lines in the summary).
sed -E 's/^(SUBTEST|NOTE|RETRY): /  run.sh \1 /' <<<"$out"
[ $rc = 77 ] && exit 77
log=$BUILD/linux/node-a.log
grep -q '^RIG-NODE-UP direct kvm=yes .* pid=1$' "$log" ||
	fail "direct mode did not start as PID 1 of its namespace with /dev/kvm: $(grep '^RIG-NODE-UP' "$log")"
grep -q '^SUBTEST: linux/bad-kernel PASS ' <<<"$out" || fail "bad-kernel did not pass in direct mode"
grep -q '^NOTE: Linux scenarios ran .*directly on this host' <<<"$out" || fail "run.sh did not say it ran directly"
[ $rc = 0 ] || fail "run.sh exit $rc"
wait_until 5 test "$(snap)" = "$before" ||
	fail "the host changed: $(diff <(echo "$before") <(snap))"
grep -q "$BUILD/linux/direct-root" /proc/self/mountinfo && fail "a mount under $BUILD/linux/direct-root is left"
echo "ok: direct mode: bad-kernel passed chrooted in namespaces of its own (PID 1, its own /dev/kvm node), the host unchanged"
