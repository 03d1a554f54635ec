#!/bin/bash
# The console: input from stdin reaches the guest through the UART's
# receive FIFO (more than 16 bytes, so flow control matters), polled and
# by interrupts, output goes out by THRE interrupts, and a
# terminal on stdin is put in raw mode and restored on every exit path.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

msg='hello podvmm, a line longer than the 16-byte receive FIFO'
{ printf '%s\r' "$msg"; sleep 0.3; printf 'tail q'; } |
	timeout -k 5 60 "$PODVMM" --kernel "$GUEST" --cmdline "mode=echo" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "echo guest"
expect_line "$tmp/out" "^$msg\$" "input line did not come back intact"
expect_line "$tmp/out" "^echo: $(( ${#msg} + 1 + 5 )) bytes\$" "guest saw a different byte count"

# The same through interrupts: COM1 RX and THRE interrupts via the
# in-kernel IOAPIC (pin 4), as a Linux console uses them.
{ sleep 1; printf '%s' "$msg"; sleep 0.5; printf 'q'; } |
	timeout -k 5 60 "$PODVMM" --kernel "$GUEST" --cmdline "mode=irq" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "interrupt-driven guest"
expect_line "$tmp/out" '^irq: this line was sent by THRE interrupts$' "THRE-driven output missing"
expect_line "$tmp/out" "^irq: ${#msg} bytes in [1-9][0-9]* interrupts, 0 stray, 43 sent\$" \
	"RX interrupts did not deliver the input"

# Raw mode: run podvmm on a pseudo-terminal (script(1)) and compare the
# terminal settings before, during (raw: no echo, no canonical mode) and
# after: a normal power-off, and a forced stop after SIGTERM.
command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
cat >"$tmp/tty.sh" <<INNER
. "$(realpath "$(dirname "$0")/../lib/test.sh")"
stty -g >"$tmp/before"
"$PODVMM" --kernel "$GUEST" --cmdline mode=poweroff >"$tmp/o1" 2>"$tmp/e1"
echo "rc1=\$?" >"$tmp/rcs"
stty -g >"$tmp/after1"
"$PODVMM" --kernel "$GUEST" --cmdline mode=hang --shutdown-timeout 0 </dev/tty >"$tmp/o2" 2>"$tmp/e2" &
pid=\$!
wait_for "$tmp/o2" '^hang' 10
stty -a >"$tmp/during"
kill -TERM \$pid
wait \$pid
echo "rc2=\$?" >>"$tmp/rcs"
stty -g >"$tmp/after2"
INNER
timeout -k 5 60 script -qec "bash $tmp/tty.sh" /dev/null >/dev/null 2>&1
[ -s "$tmp/rcs" ] || fail "terminal test did not run"
grep -q '^rc1=0$' "$tmp/rcs" || fail "podvmm on a terminal: $(cat "$tmp/rcs")"
grep -q '^rc2=3$' "$tmp/rcs" || fail "forced stop on a terminal: $(cat "$tmp/rcs")"
if ! grep -Eq -- '-icanon' "$tmp/during" || ! grep -Eq -- '-echo ' "$tmp/during"; then
	fail "terminal was not in raw mode while the guest ran"
fi
cmp -s "$tmp/before" "$tmp/after1" || fail "terminal not restored after power-off"
cmp -s "$tmp/before" "$tmp/after2" || fail "terminal not restored after a forced stop"
echo ok
