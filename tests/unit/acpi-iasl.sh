#!/bin/bash
# podvmm's ACPI tables read by a second, independent parser: ACPICA's
# disassembler (iasl -d, package acpica-tools) must decode every table
# without complaint and show the values podvmm means.  No KVM needed.
set -u
# shellcheck source=tests/lib/test.sh
. "$(dirname "$0")/../lib/test.sh"
BUILD=${BUILD:-build}
DUMP="$BUILD/tests/unit/vmm/acpi_dump"
command -v iasl >/dev/null || skip "iasl (acpica-tools) not installed"
[ -x "$DUMP" ] || fail "$DUMP not built"
tmp=$(mktemp -d /tmp/podvmm-iasl.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$DUMP" "$tmp" 4 1:16 2:17 || fail "acpi_dump failed"
(cd "$tmp" && for t in xsdt facp facs dsdt apic; do
	iasl -d "$t.dat" >"$t.log" 2>&1 || { cat "$t.log"; exit 1; }
done) || fail "iasl could not disassemble a table"
grep -il 'incorrect\|invalid\|error\|warning' "$tmp"/*.dsl "$tmp"/*.log &&
	fail "iasl reported a problem (files listed above)"

has() {	# FILE FIXED-STRING WHAT
	grep -qF -- "$2" "$tmp/$1" || fail "$3: '$2' not in $1"
}
has facp.dsl 'PM1A Control Block Address : 00000604' "PM1a_CNT"
has facp.dsl 'PM1A Event Block Address : 00000600' "PM1a_EVT"
has facp.dsl 'SCI Interrupt : 0009' "SCI"
has facp.dsl 'SMI Command Port : 00000000' "SMI_CMD"
has facp.dsl 'Hardware Reduced (V5) : 0' "fixed hardware"
has facp.dsl 'Reset Register Supported (V2) : 1' "reset register"
has facp.dsl 'Control Method Power Button (V1) : 0' "fixed-feature power button"
has facp.dsl 'Control Method Sleep Button (V1) : 1' "no fixed sleep button"
has dsdt.dsl 'Name (_S5, Package (0x04)' "\\_S5"
has dsdt.dsl 'Device (\_SB.PCI0)' "host bridge"
has dsdt.dsl 'EisaId ("PNP0A03")' "host bridge _HID"
has dsdt.dsl '0x0002FFFF,' "_PRT slot 2"
has dsdt.dsl '0xFEBFFFFF,         // Range Maximum' "BAR window"
has apic.dsl 'Local Apic ID : 03' "fourth CPU"
has apic.dsl 'I/O Apic ID : 04' "IOAPIC ID"
has apic.dsl 'Source : 09' "SCI override"
has xsdt.dsl 'ACPI Table Address   0 : 00000000000E' "XSDT entry"
[ "$(grep -c 'Subtable Type : 00 \[Processor Local APIC\]' "$tmp/apic.dsl")" = 4 ] ||
	fail "MADT does not list 4 local APICs"
echo "ok: iasl $(iasl -v 2>/dev/null | grep -o 'version [0-9]*' | head -1) reads every table"
