// SPDX-License-Identifier: MIT
/* ACPI table walk and S5 entry, as an OS does it (ACPI 6.4 chapter 5, 7.4.2). */
#include "guest_acpi.h"
#include "guest_io.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static int sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s == 0;
}

static int rsdp_valid(const uint8_t *p)
{
	return !memcmp(p, "RSD PTR ", 8) && sum_ok(p, 20) &&
	       (p[15] < 2 || (rd32(p + 20) >= 36 && sum_ok(p, rd32(p + 20))));
}

uint64_t acpi_scan_rsdp(void)
{
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (rsdp_valid((const uint8_t *)(uintptr_t)a))
			return a;
	return 0;
}

static const uint8_t *table_ok(uint64_t a)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)a;

	if (!a || a >= 0x100000000ULL || rd32(t + 4) < 36 || !sum_ok(t, rd32(t + 4)))
		return 0;
	return t;
}

/* A table from the XSDT (the RSDT when the RSDP is ACPI 1.0). */
static const uint8_t *find_table(uint64_t rsdp, const char *sig)
{
	const uint8_t *r = (const uint8_t *)(uintptr_t)rsdp;
	int x = r[15] >= 2 && rd64(r + 24);
	const uint8_t *root = table_ok(x ? rd64(r + 24) : rd32(r + 16));
	unsigned esz = x ? 8 : 4;

	if (!root)
		return 0;
	for (uint32_t off = 36; off + esz <= rd32(root + 4); off += esz) {
		const uint8_t *t = table_ok(x ? rd64(root + off) : rd32(root + off));

		if (t && !memcmp(t, sig, 4))
			return t;
	}
	return 0;
}

static const uint8_t *fadt_dsdt(const uint8_t *f)
{
	uint64_t a = rd32(f + 4) >= 148 && rd64(f + 140) ? rd64(f + 140) : rd32(f + 40);
	const uint8_t *d = table_ok(a);

	return d && !memcmp(d, "DSDT", 4) ? d : 0;
}

/* PM1a_CNT port: X_PM1a_CNT_BLK when it is a system-I/O GAS, else the 32-bit field. */
static uint16_t fadt_pm1a_cnt(const uint8_t *f)
{
	if (rd32(f + 4) >= 184 && f[172] == 1 && rd64(f + 176))
		return (uint16_t)rd64(f + 176);
	return (uint16_t)rd32(f + 64);
}

/* One AML integer data object (section 20.2.3); -1 if not one. */
static long aml_int(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	long v;

	switch (p[0]) {
	case 0x00:
		v = 0;
		p += 1;
		break; /* ZeroOp */
	case 0x01:
		v = 1;
		p += 1;
		break; /* OneOp */
	case 0x0a:
		v = p[1];
		p += 2;
		break; /* BytePrefix */
	case 0x0b:
		v = p[1] | p[2] << 8;
		p += 3;
		break; /* WordPrefix */
	default:
		return -1;
	}
	*pp = p;
	return v;
}

/* SLP_TYPa of Name (_S5, Package () {...}) in the DSDT, or -1. */
static long dsdt_s5(const uint8_t *d)
{
	uint32_t len = rd32(d + 4);

	for (uint32_t i = 36; i + 8 <= len; i++) {
		const uint8_t *p = d + i;
		unsigned follow;

		if (p[0] != 0x08 || memcmp(p + 1, "_S5_", 4) || p[5] != 0x12)
			continue;
		p += 6;
		follow = p[0] >> 6; /* PkgLength: extra bytes in 7:6 */
		p += 1 + follow;
		if (p[0] < 1) /* NumElements */
			return -1;
		p++;
		return aml_int(&p);
	}
	return -1;
}

void acpi_check(uint64_t rsdp_hint, unsigned long expect_cpus)
{
	uint64_t rsdp = acpi_scan_rsdp();
	const uint8_t *r = (const uint8_t *)(uintptr_t)rsdp, *f, *m, *d;
	unsigned long lapics = 0;

	check(rsdp != 0, "ACPI RSDP found by scanning 0xe0000-0xfffff");
	check(rsdp_hint && rsdp_hint == rsdp, "loader passed the RSDP address");
	if (!rsdp)
		return;
	check(r[15] >= 2 && rd32(r + 20) == 36, "RSDP is ACPI 2.0+ with both checksums");
	check(table_ok(rd64(r + 24)) && !memcmp((const void *)(uintptr_t)rd64(r + 24), "XSDT", 4),
	      "XSDT checksum");
	f = find_table(rsdp, "FACP");
	check(f != 0, "FADT in the XSDT, checksum valid");
	m = find_table(rsdp, "APIC");
	check(m != 0, "MADT in the XSDT, checksum valid");
	if (f) {
		d = fadt_dsdt(f);
		check(d != 0, "DSDT checksum");
		check(d && dsdt_s5(d) >= 0, "DSDT has \\_S5");
		check(fadt_pm1a_cnt(f) != 0 && (inw(fadt_pm1a_cnt(f)) & 1),
		      "PM1a_CNT reads SCI_EN = 1");
	}
	if (m) {
		for (uint32_t off = 44; off + 2 <= rd32(m + 4) && m[off + 1]; off += m[off + 1])
			if (m[off] == 0 && (rd32(m + off + 4) & 1))
				lapics++;
		con_printf("acpi: MADT lists %lu CPUs\n", lapics);
		check(lapics == (expect_cpus ? expect_cpus : 1), "MADT CPU count");
	}
}

void acpi_poweroff(void)
{
	uint64_t rsdp = acpi_scan_rsdp();
	const uint8_t *f = rsdp ? find_table(rsdp, "FACP") : 0, *d = f ? fadt_dsdt(f) : 0;
	long typ = d ? dsdt_s5(d) : -1;
	uint16_t port, v;

	if (typ < 0 || typ > 7 || !(port = fadt_pm1a_cnt(f)))
		return;
	con_printf("guest: ACPI S5: PM1a_CNT 0x%x SLP_TYP %ld\n", port, typ);
	/* As ACPICA's acpi_hw_legacy_sleep: SLP_TYP first, then with SLP_EN. */
	v = inw(port) & ~(0x1c00 | 0x2000);
	v |= (uint16_t)(typ << 10);
	outw(port, v);
	outw(port, v | 0x2000);
	/* Like Linux after acpi_enter_sleep_state(S5): the machine is going away. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

int acpi_fadt_sci(uint16_t *pm1a_evt, uint16_t *sci_int, uint32_t *flags)
{
	uint64_t rsdp = acpi_scan_rsdp();
	const uint8_t *f = rsdp ? find_table(rsdp, "FACP") : 0;

	if (!f)
		return -1;
	*sci_int = (uint16_t)(f[46] | f[47] << 8);
	*flags = rd32(f + 112);
	/* X_PM1a_EVT_BLK when it is a system-I/O GAS, else the 32-bit field. */
	if (rd32(f + 4) >= 160 && f[148] == 1 && rd64(f + 152))
		*pm1a_evt = (uint16_t)rd64(f + 152);
	else
		*pm1a_evt = (uint16_t)rd32(f + 56);
	return *pm1a_evt ? 0 : -1;
}
