#!/bin/bash
# Other boot paths: the PVH entry (ELF64 and ELF32 images), RAM above the PCI hole (--memory 4096,
# RAM remapped at 4 GiB), the baseline CPU template, console to a file.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --boot pvh --cmdline "via pvh"
expect_rc 0 "PVH boot"
expect_line "$tmp/out" '^guest: boot=pvh cmdline="via pvh"$' "PVH entry not taken"
expect_line "$tmp/out" '^PASS: hvm_start_info magic$' "hvm_start_info not seen"
expect_line "$tmp/out" '^memmap: 0000000000100000-000000000fffffff type 1$' "PVH memory map wrong"
no_line "$tmp/out" '^FAIL' "a PVH check failed"

# The same guest as an ELF32 (i386) PVH image: boots through PVH; without
# --boot pvh it is refused, naming the flag (it has no 64-bit entry).
GUEST32=$BUILD/guest/guest32.elf
[ -f "$GUEST32" ] || fail "$GUEST32 not built"
od -An -tx1 -j4 -N1 "$GUEST32" | grep -q '01' || fail "$GUEST32 is not ELF32"
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST32" --boot pvh --cmdline "via pvh32"
expect_rc 0 "ELF32 PVH boot"
expect_line "$tmp/out" '^guest: boot=pvh cmdline="via pvh32' "ELF32 PVH entry not taken"
expect_line "$tmp/out" '^PASS: hvm_start_info magic$' "hvm_start_info not seen (ELF32)"
expect_line "$tmp/out" '^memmap: 0000000000100000-000000000fffffff type 1$' "PVH memory map wrong (ELF32)"
no_line "$tmp/out" '^FAIL' "a PVH check failed (ELF32)"
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST32"
expect_rc 1 "ELF32 without --boot pvh"
expect_line "$tmp/err" 'ELF32 kernel has no 64-bit entry: boot it with --boot pvh' "no clear ELF32 error"

run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --memory 4096 --cpu-template baseline \
	--cmdline "expect_mem=4096 expect_baseline=1"
expect_rc 0 "4 GiB boot"
expect_line "$tmp/out" '^e820: 0000000100000000-000000013fffffff type 1$' "RAM not remapped at 4 GiB"
expect_line "$tmp/out" '^PASS: e820 leaves the PCI hole 3G-4G free$' "hole check missing"
expect_line "$tmp/out" '^PASS: baseline hides CMPXCHG16B$' "baseline check missing"
no_line "$tmp/out" '^FAIL' "a guest check failed"

run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --console "file:$tmp/console" --cmdline "mode=poweroff"
expect_rc 0 "console to file"
[ ! -s "$tmp/out" ] || fail "console output leaked to stdout"
expect_line "$tmp/console" '^guest: powering off$' "console file lacks the guest output"
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --console none --cmdline "mode=poweroff"
expect_rc 0 "console none"
[ ! -s "$tmp/out" ] || fail "--console none printed guest output"

# --hugepages: boots when enough 2 MiB pages are free, else fails cleanly
# (exit 1 naming the step), never with a SIGBUS at the first guest touch.
free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --hugepages --memory 64 --cmdline "mode=poweroff"
if [ "${free:-0}" -ge 32 ]; then
	expect_rc 0 "hugepage-backed boot"
else
	expect_rc 1 "hugepages without free hugetlb pages"
	expect_line "$tmp/err" '"error":"guest RAM in 2 MiB hugetlb pages' "no clear hugepage error"
fi
echo ok

# A triple fault resets the machine: exit 0.  An exit KVM cannot handle
# (its instruction emulator has no AES-NI, needed for an MMIO operand):
# registers dumped to the log, exit 1.
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --cmdline "mode=triple"
expect_rc 0 "triple fault"
expect_line "$tmp/err" '"reason":"triple fault"' "triple fault not reported"
run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --cmdline "mode=badexit"
expect_rc 1 "unexpected KVM exit"
expect_line "$tmp/err" '"msg":"unexpected KVM exit".*"exit_reason":17' "no unexpected-exit log"
expect_line "$tmp/err" '"msg":"vCPU register dump".*"regs":"rip=0x' "no register dump"
no_line "$tmp/out" 'badexit: survived' "guest ran past the failed access"
echo ok
