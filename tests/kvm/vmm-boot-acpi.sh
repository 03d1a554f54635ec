#!/bin/bash
# ACPI: the test guest finds podvmm's RSDP (by the loader's pointer and by
# scanning the BIOS area) on every boot path, checks the table checksums
# and the MADT's CPUs, and powers off the way Linux's ACPICA does: the
# PM1a_CNT port from the FADT and SLP_TYPa from \_S5 in the DSDT.
# shellcheck source=tests/lib/vmm.sh
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
. "$(dirname "$0")/../lib/vmm.sh"
require_kvm

acpi_checks() {	# FILE WHAT
	for c in 'ACPI RSDP found by scanning 0xe0000-0xfffff' 'loader passed the RSDP address' \
		'RSDP is ACPI 2.0\+ with both checksums' 'XSDT checksum' \
		'FADT in the XSDT, checksum valid' 'MADT in the XSDT, checksum valid' \
		'DSDT checksum' 'DSDT has \\_S5' 'PM1a_CNT reads SCI_EN = 1' 'MADT CPU count'; do
		expect_line "$1" "^PASS: $c\$" "$2: ACPI check '$c' missing"
	done
	no_line "$1" '^FAIL' "$2: a guest check failed"
}

run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --cpus 4 --cmdline "expect_cpus=4"
expect_rc 0 "vmlinux boot, 4 CPUs"
acpi_checks "$tmp/out" vmlinux
expect_line "$tmp/out" '^acpi: MADT lists 4 CPUs$' "MADT CPU count not printed"

run_vm "$tmp/out" "$tmp/err" --kernel "$BUILD/guest/guest.bzImage" --cmdline "expect_bzimage=1"
expect_rc 0 "bzImage boot"
acpi_checks "$tmp/out" bzImage

run_vm "$tmp/out" "$tmp/err" --kernel "$GUEST" --boot pvh --cmdline "via pvh"
expect_rc 0 "PVH boot"
expect_line "$tmp/out" '^PASS: hvm_start_info rsdp_paddr$' "PVH rsdp_paddr check missing"
no_line "$tmp/out" '^FAIL' "a PVH check failed"

for path in vmlinux pvh; do
	args=(--kernel "$GUEST")
	[ $path = pvh ] && args+=(--boot pvh)
	run_vm "$tmp/out" "$tmp/err" "${args[@]}" --cmdline "mode=poweroff"
	expect_rc 0 "$path: ACPI power-off"
	expect_line "$tmp/out" '^guest: ACPI S5: PM1a_CNT 0x604 SLP_TYP 5$' \
		"$path: guest did not take PM1a_CNT and SLP_TYP from FADT and \\_S5"
	no_line "$tmp/out" 'no ACPI S5' "$path: guest fell back to the fixed port"
	expect_line "$tmp/err" '"reason":"power-off port"' "$path: podvmm did not see the power-off"
done
echo "ok: ACPI tables on vmlinux, bzImage and PVH; power-off through FADT + \\_S5"
