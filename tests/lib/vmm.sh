#!/bin/bash
# Shared helpers for the podvmm boot tests: locate the binaries, skip
# cleanly where /dev/kvm is unusable, run podvmm with a time limit.
# shellcheck source=tests/lib/test.sh
declare -F fail >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/test.sh"
set -u
BUILD=${BUILD:-build}
PODVMM=$BUILD/podvmm
GUEST=$BUILD/guest/guest.elf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/podvmm-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

require_kvm() {
	need_kvm
	[ -x "$PODVMM" ] || fail "$PODVMM not built"
	[ -f "$GUEST" ] || fail "$GUEST not built"
}

# run_vm OUT ERR ARGS...: podvmm with stdin closed; sets $rc.
run_vm() {
	local out=$1 err=$2
	shift 2
	timeout -k 5 60 "$PODVMM" "$@" </dev/null >"$out" 2>"$err"
	rc=$?
}

expect_line() {	# FILE REGEX WHAT
	grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$3"; }
}

no_line() {	# FILE REGEX WHAT
	if grep -Eq -- "$2" "$1"; then echo "--- $1:"; cat "$1"; fail "$3"; fi
}

expect_rc() {	# EXPECTED WHAT
	if [ "$rc" -ne "$1" ]; then
		echo "--- stdout:"; cat "$tmp/out" 2>/dev/null
		echo "--- stderr:"; cat "$tmp/err" 2>/dev/null
		fail "$2: exit $rc, expected $1"
	fi
}
