#!/bin/bash
# Lifecycle: SIGTERM -> Ctrl-Alt-Del -> the guest powers off -> exit 0; a
# guest that ignores it is stopped after --shutdown-timeout with exit 3.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

"$PODVMM" --kernel "$GUEST" --cmdline "mode=cad" </dev/null >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for "$tmp/out" '^cad: waiting for ctrl-alt-del$' || { kill -9 $pid; fail "guest never waited"; }
kill -TERM $pid
wait $pid
rc=$?
expect_rc 0 "SIGTERM with a cooperating guest"
expect_line "$tmp/err" '"msg":"signal: sending Ctrl-Alt-Del to the guest"' "no Ctrl-Alt-Del log"
expect_line "$tmp/out" '^cad: got ctrl-alt-del$' "guest did not see Ctrl-Alt-Del"
expect_line "$tmp/out" '^guest: powering off$' "guest did not power off"
expect_line "$tmp/err" '"reason":"power-off port"' "podvmm did not see the power-off"

# SIGINT does the same.
"$PODVMM" --kernel "$GUEST" --cmdline "mode=cad" </dev/null >"$tmp/out2" 2>"$tmp/err2" &
pid=$!
wait_for "$tmp/out2" '^cad: waiting' || { kill -9 $pid; fail "guest never waited"; }
kill -INT $pid
wait $pid
rc=$?
expect_rc 0 "SIGINT with a cooperating guest"

# A guest that ignores Ctrl-Alt-Del: forced stop, distinct exit code 3.
"$PODVMM" --kernel "$GUEST" --cmdline "mode=hang" --shutdown-timeout 1 </dev/null \
	>"$tmp/out3" 2>"$tmp/err3" &
pid=$!
wait_for "$tmp/out3" '^hang: ' || { kill -9 $pid; fail "guest never started"; }
start=$(date +%s%N)
kill -TERM $pid
wait $pid
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 3 "SIGTERM with a guest that ignores it"
expect_line "$tmp/err3" 'forcing stop' "no forced-stop log"
expect_line "$tmp/err3" '"why":"forced stop","regs":"rip=0x' "no register dump on the forced stop"
[ "$ms" -ge 900 ] || fail "forced stop after ${ms} ms, before the 1 s timeout"
echo "ok: forced stop after ${ms} ms"
