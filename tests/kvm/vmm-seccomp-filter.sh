#!/bin/bash
# podvmm's seccomp allow-lists are installed on every thread and enforced:
# a running VM shows a filter on each thread in /proc; the test-only hook
# PODVMM_SECCOMP_TEST makes a forbidden syscall (socket) right after a
# thread installed its filter, which must kill the process with SIGSYS
# (exit status 128+31 from the shell); --seccomp=trap logs the syscall;
# --seccomp=off lets it through and says so loudly.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

# 1. A running guest (2 vCPUs, waiting for Ctrl-Alt-Del): every thread is
# in seccomp mode 2 with exactly one filter, and no_new_privs is set.
"$PODVMM" --kernel "$GUEST" --cpus 2 --cmdline "mode=cad" </dev/null >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for "$tmp/out" '^cad: waiting for ctrl-alt-del$' || { kill -9 $pid; fail "guest never waited"; }
threads=0
for st in /proc/"$pid"/task/*/status; do
	# KVM's own worker (kvm-nx-lpage-recovery) is a kernel thread that
	# never runs user code; it shows up as a task of ours on new kernels.
	case $(cat "${st%status}comm") in kvm-*) continue ;; esac
	mode=$(awk '/^Seccomp:/ {print $2}' "$st")
	nf=$(awk '/^Seccomp_filters:/ {print $2}' "$st")
	nnp=$(awk '/^NoNewPrivs:/ {print $2}' "$st")
	[ "$mode" = 2 ] || { kill -9 $pid; fail "$st: Seccomp $mode, expected 2 (filter)"; }
	[ -z "$nf" ] || [ "$nf" = 1 ] || { kill -9 $pid; fail "$st: $nf filters, expected 1"; }
	[ "$nnp" = 1 ] || { kill -9 $pid; fail "$st: NoNewPrivs $nnp"; }
	threads=$((threads + 1))
done
[ "$threads" -eq 3 ] || { kill -9 $pid; fail "expected 3 threads (main + 2 vCPUs), saw $threads"; }
kill -TERM $pid
wait $pid
rc=$?
expect_rc 0 "SIGTERM shutdown under the filter"
expect_line "$tmp/err" '"msg":"allow-lists built"' "filters not reported"
expect_line "$tmp/out" '^guest: powering off$' "guest did not power off under the filter"

# 2. A forbidden syscall on a vCPU thread and on the main thread kills
# the whole process with SIGSYS before the guest runs / serves.
for kind in vcpu main; do
	PODVMM_SECCOMP_TEST=forbidden-syscall:$kind run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST"
	expect_rc 159 "forbidden syscall on the $kind thread (SIGSYS = 128+31)"
	expect_line "$tmp/err" "\"msg\":\"test hook: making a forbidden syscall\".*\"thread\":\"$kind\"" \
		"hook did not run on the $kind thread"
	no_line "$tmp/err" 'forbidden syscall was allowed' "socket() got through on $kind"
done
# Killed before the first KVM_RUN: the guest printed nothing.
PODVMM_SECCOMP_TEST=forbidden-syscall run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST"
expect_rc 159 "forbidden syscall on the vCPU thread (default hook kind)"
[ ! -s "$tmp/out" ] || fail "guest ran although its vCPU thread was killed"

# With a NIC (root: a tap in a scratch namespace), the I/O thread the
# guest's DRIVER_OK starts installs its own, narrower filter: the hook on
# it kills the process too, once the guest brought the NIC up.
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	NS=hsf$$
	ip netns add "$NS" || fail "ip netns add"
	trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$tmp"' EXIT
	ip -n "$NS" tuntap add pvt0 mode tap vnet_hdr || fail "tuntap add"
	ip -n "$NS" link set pvt0 up
	PODVMM_SECCOMP_TEST=forbidden-syscall:io timeout -k 5 60 ip netns exec "$NS" "$PODVMM" \
		--kernel "$GUEST" --net tap=pvt0,mac=02:00:00:00:00:11 </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	expect_rc 159 "forbidden syscall on the I/O thread"
	expect_line "$tmp/err" '"msg":"test hook: making a forbidden syscall".*"thread":"io"' \
		"hook did not run on the I/O thread"
	# The I/O thread starts at the guest's DRIVER_OK, so the guest ran.
	expect_line "$tmp/out" '^summary: ' "guest did not run before the kill"
	io_case=", io"
else
	echo "note: not root, the I/O thread case needs a tap"
fi

# 3. trap mode names the syscall (socket = 41 on x86-64) and the thread.
PODVMM_SECCOMP_TEST=forbidden-syscall run_vm "$tmp/out" "$tmp/err" --seccomp=trap --kernel "$GUEST"
expect_rc 1 "trap mode"
expect_line "$tmp/err" '"msg":"forbidden syscall, stopping","syscall":41,.*"thread":"vcpu"' \
	"trap mode did not log the syscall"

# 4. off: the same hook is let through (so the checks above can fail), and
# podvmm warns.
PODVMM_SECCOMP_TEST=forbidden-syscall run_vm "$tmp/out" "$tmp/err" --seccomp=off --kernel "$GUEST"
expect_rc 0 "seccomp off"
expect_line "$tmp/err" 'SECCOMP IS OFF' "no loud warning with --seccomp=off"
expect_line "$tmp/err" 'forbidden syscall was allowed' "hook did not run with the filter off"

# 5. Flags.
run_vm "$tmp/out" "$tmp/err" --seccomp=maybe --kernel "$GUEST"
expect_rc 2 "bad --seccomp value"
expect_line "$tmp/err" '"error":"--seccomp: ' "bad value not named"
PODVMM_SECCOMP_TEST=bogus run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST"
expect_rc 1 "bad PODVMM_SECCOMP_TEST"
echo "ok: filter on every thread ($threads), SIGSYS kill on vcpu, main${io_case:-}; trap and off modes"
