#!/bin/bash
# The test guest's default mode through the vmlinux (64-bit boot protocol)
# path with an initrd: every check it prints must PASS, then it resets
# through the i8042 and podvmm exits 0.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

printf 'PODVMM-INITRD and some payload\n' >"$tmp/initrd"
size=$(stat -c %s "$tmp/initrd")
cmdline="console=ttyS0 expect_mem=256 expect_initrd=$size"
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --initrd "$tmp/initrd" --cmdline "$cmdline"
expect_rc 0 "default boot"
expect_line "$tmp/out" "^guest: boot=linux cmdline=\"$cmdline\"$" "command line not echoed"
expect_line "$tmp/out" '^e820: 0000000000100000-000000000fffffff type 1$' "e820 RAM at 1 MiB missing"
expect_line "$tmp/out" '^PASS: initrd contents$' "initrd check missing"
expect_line "$tmp/out" '^PASS: uart loopback data through the FIFO$' "uart check missing"
expect_line "$tmp/out" '^PASS: keyboard identifies as MF2$' "i8042 check missing"
no_line "$tmp/out" '^FAIL' "a guest check failed"
expect_line "$tmp/out" '^summary: [0-9]+ passed, 0 failed$' "no summary"
n=$(grep -c '^PASS' "$tmp/out")
[ "$n" -ge 35 ] || fail "only $n checks ran"
expect_line "$tmp/out" '^guest: resetting through the i8042$' "guest did not reset"
expect_line "$tmp/err" '"reason":"i8042 reset"' "podvmm did not log the reset"
echo "ok: $n checks passed"

# The same guest wrapped as a bzImage: the bzImage loader path.
run_vm "$tmp/out" "$tmp/err" --kernel "$BUILD/guest/guest.bzImage" --initrd "$tmp/initrd" \
	--cmdline "$cmdline expect_bzimage=1"
expect_rc 0 "bzImage boot"
expect_line "$tmp/out" '^PASS: setup header copied from the bzImage$' "bzImage header check missing"
expect_line "$tmp/out" '^PASS: initrd placement$' "initrd check missing"
no_line "$tmp/out" '^FAIL' "a guest check failed (bzImage)"
echo "ok: bzImage path"
