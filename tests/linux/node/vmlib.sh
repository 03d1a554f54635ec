# shellcheck shell=sh
# Helpers of the node's scenarios (sourced by scenarios.sh): run podvmm,
# check what it and the guest said.  $W/NAME.out is the guest console,
# $W/NAME.err podvmm's JSON log.

fail() {
	echo "FAIL: $*"
	for f in "$W/$cur.out" "$W/$cur.err"; do
		[ -f "$f" ] || continue
		echo "--- $f (last 40 lines)"
		tail -n 40 "$f"
	done
	exit "${RC_FAIL:-1}"
}
ok() { echo "ok: $*"; exit 0; }

# vm NAME PODVMM-ARGS...: podvmm in the foreground (the watchdog bounds it).
vm() {
	cur=$1
	shift
	t0=$(awk '{print $1}' /proc/uptime)
	podvmm --memory 256 "$@" </dev/null >"$W/$cur.out" 2>"$W/$cur.err"
	RC=$?
	# The serial line ends lines with CR LF.
	tr -d '\r' <"$W/$cur.out" >"$W/$cur.tmp" && mv "$W/$cur.tmp" "$W/$cur.out"
	echo "podvmm $* -> exit $RC after $(awk -v t="$t0" '{printf "%.1f", $1 - t}' /proc/uptime)s"
}

expect_rc() { [ "$RC" = "$1" ] || fail "$2: exit $RC, want $1"; }
expect_out() { grep -aq -- "$1" "$W/$cur.out" || fail "$2"; }
expect_err() { grep -aq -- "$1" "$W/$cur.err" || fail "$2"; }
stop_line() { grep -o '"stop":"[^"]*","reason":"[^"]*"' "$W/$cur.err" | tail -n 1; }

# flake WHY: the guest died in a way seen only under nested emulation
# (tests/linux/README.md, "Known flake"): exit 75, which run-scenarios.sh
# retries once and reports as a retry.
flake() { echo "FLAKE: $*"; RC_FAIL=75 fail "$@"; }

# guest_init [REGEX]: the guest's /init ran (and its line matches REGEX).
guest_init() {
	if ! grep -aq '^RIG-GUEST-INIT' "$W/$cur.out"; then
		stopped_as triple-fault && flake "the guest triple-faulted before its /init"
		fail "the guest never reached its /init"
	fi
	[ -z "${1:-}" ] || grep -aq "^RIG-GUEST-INIT.*$1" "$W/$cur.out" ||
		fail "guest init line $(grep -a '^RIG-GUEST-INIT' "$W/$cur.out") does not match '$1'"
}

# stopped_as KIND: podvmm's "guest stopped" line says stop=KIND (a BRE
# alternative such as 'triple-fault\|reset' allowed).
stopped_as() { grep -q "\"msg\":\"guest stopped\",\"stop\":\"\($1\)\"" "$W/$cur.err"; }

# expect_stop KIND [REGEX]: podvmm's "guest stopped" line says stop=KIND.
expect_stop() {
	stopped_as "$1" ||
		fail "stop is not $1: $(grep '"guest stopped"' "$W/$cur.err")"
	[ -z "${2:-}" ] || grep '"guest stopped"' "$W/$cur.err" | grep -q -- "$2" ||
		fail "stop line lacks $2"
}

# vm_bg NAME PODVMM-ARGS...: podvmm in the background ($VMPID).
vm_bg() {
	cur=$1
	shift
	vm_files_new
	podvmm --memory 256 "$@" </dev/null >"$W/$cur.out" 2>"$W/$cur.err" &
	VMPID=$!
}

# vm_files_new: empty $cur's console and log files before a background
# start: the child's own redirection truncates them only once it runs, and
# until then a wait would read the last run's (seen: a retried scenario
# found its first run's RIG-GUEST-READY, then failed on an empty console).
vm_files_new() { rm -f "$W/$cur.txt" && : >"$W/$cur.out" && : >"$W/$cur.err"; }

# vm_gone WHAT: podvmm (background, $VMPID) ended before WHAT; fails with
# how (its exit status, its "guest stopped" line, the console's last line).
# A guest that triple-faulted or reset itself unasked is the nested
# emulation's flake (tests/linux/README.md, "Known flake"): retried once and
# said; a power-off, an error stop or a podvmm that died without its stop
# line (a sanitizer report) fails.
vm_gone() {
	wait "$VMPID"
	RC=$?
	how="exit $RC, $(stop_line | tr -d '"'), console: $(tr -d '\r' <"$W/$cur.out" | grep -av '^$' | tail -n 1 | cut -c1-100)"
	stopped_as 'triple-fault\|reset' && flake "the guest stopped itself before $1 ($how)"
	fail "podvmm exited before $1 ($how)"
}

# wait_out STRING: the guest console shows STRING (podvmm still running).
wait_out() {
	i=0
	until tr -d '\r' <"$W/$cur.out" | grep -aq -- "$1"; do
		# Gone: one more look, it may have printed STRING on its way out.
		kill -0 "$VMPID" 2>/dev/null ||
			tr -d '\r' <"$W/$cur.out" | grep -aq -- "$1" || vm_gone "the guest printed $1"
		[ $i -lt 240 ] || fail "no $1 from the guest after 120 s"
		sleep 0.5
		i=$((i + 1))
	done
	tr -d '\r' <"$W/$cur.out" >"$W/$cur.txt"
}
