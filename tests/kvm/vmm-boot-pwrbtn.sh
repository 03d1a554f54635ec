#!/bin/bash
# The ACPI power button: SIGTERM presses the fixed-feature button
# (PWRBTN_STS); a guest that enabled PWRBTN_EN and routed the SCI takes the
# interrupt, sees the status bit and powers off (exit 0).  A guest that
# enables the button but ignores it is stopped after --shutdown-timeout
# (exit 3), with Ctrl-Alt-Del sent at half the timeout under --shutdown
# both.  --shutdown ctrl-alt-del never touches the button.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

# start NAME ARGS...: podvmm in the background, $pid
start() {
	local name=$1
	shift
	"$PODVMM" --kernel "$GUEST" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
}

stop_and_wait() {	# NAME READY-REGEX
	wait_for "$tmp/$1.out" "$2" 30 || { kill -9 "$pid"; cat "$tmp/$1.out" "$tmp/$1.err"; fail "$1: guest never got ready"; }
	start_ns=$(date +%s%N)
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
	cp "$tmp/$1.out" "$tmp/out"; cp "$tmp/$1.err" "$tmp/err"
}

# 1. --shutdown acpi, a guest that handles the button: status bit, enable and SCI.
start acpi --cmdline mode=pwrbtn --shutdown acpi --shutdown-timeout 20
stop_and_wait acpi '^pwrbtn: waiting for the power button$'
expect_rc 0 "--shutdown acpi with a guest that handles the button"
expect_line "$tmp/out" '^pwrbtn: PM1a_EVT 0x600 SCI_INT 9 fixed button present$' "FADT"
expect_line "$tmp/out" '^pwrbtn: pressed \(PM1a_STS 0x100 in [1-9][0-9]* SCIs, 0 stray\), status now 0x0$' \
	"the SCI did not report PWRBTN_STS or it was not cleared"
no_line "$tmp/out" 'FAIL' "guest reported a failure"
expect_line "$tmp/err" '"msg":"signal: pressing the ACPI power button".*"guest_listens":true' "no button log"
no_line "$tmp/err" 'Ctrl-Alt-Del' "Ctrl-Alt-Del sent with --shutdown acpi"
expect_line "$tmp/err" '"reason":"power-off port"' "no power-off"
echo "ok: power button -> SCI -> PWRBTN_STS -> power-off in ${ms} ms"

# 2. The default (both) with the same guest: the button alone does it, no Ctrl-Alt-Del.
start both --cmdline mode=pwrbtn --shutdown-timeout 20
stop_and_wait both '^pwrbtn: waiting for the power button$'
expect_rc 0 "default --shutdown with a guest that handles the button"
no_line "$tmp/err" 'Ctrl-Alt-Del' "Ctrl-Alt-Del sent although the guest took the button"

# 3. A guest that enables the button but ignores it: forced stop, exit 3;
#    --shutdown acpi sends nothing else.
start ign --cmdline mode=pwrbtn-ignore --shutdown acpi --shutdown-timeout 2
stop_and_wait ign '^pwrbtn: enabled, ignoring it$'
expect_rc 3 "--shutdown acpi with a guest that ignores the button"
expect_line "$tmp/err" 'forcing stop' "no forced-stop log"
no_line "$tmp/err" 'Ctrl-Alt-Del' "Ctrl-Alt-Del sent with --shutdown acpi"
[ "$ms" -ge 1900 ] || fail "forced stop after ${ms} ms, before the 2 s timeout"

# 4. The same guest under the default: Ctrl-Alt-Del follows at half the
#    timeout, then the forced stop.
start ign2 --cmdline mode=pwrbtn-ignore --shutdown-timeout 2
stop_and_wait ign2 '^pwrbtn: enabled, ignoring it$'
expect_rc 3 "default --shutdown with a guest that ignores the button"
expect_line "$tmp/err" '"msg":"signal: sending Ctrl-Alt-Del to the guest".*"why":"the guest did not act on the power button"' \
	"no Ctrl-Alt-Del fallback"

# 5. A guest without an ACPI button driver (mode=cad never enables it): the
#    default sends Ctrl-Alt-Del at once; --shutdown ctrl-alt-del skips the button.
start cad --cmdline mode=cad --shutdown-timeout 20
stop_and_wait cad '^cad: waiting for ctrl-alt-del$'
expect_rc 0 "default --shutdown with a guest that only knows Ctrl-Alt-Del"
expect_line "$tmp/err" '"guest_listens":false' "button press not logged as unheeded"
expect_line "$tmp/err" '"why":"the guest did not enable the ACPI power button"' "no immediate Ctrl-Alt-Del"
start cad2 --cmdline mode=cad --shutdown ctrl-alt-del --shutdown-timeout 20
stop_and_wait cad2 '^cad: waiting for ctrl-alt-del$'
expect_rc 0 "--shutdown ctrl-alt-del"
no_line "$tmp/err" 'power button' "button pressed with --shutdown ctrl-alt-del"
echo "ok: --shutdown acpi, both and ctrl-alt-del"
