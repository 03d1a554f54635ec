// SPDX-License-Identifier: MIT
/*
 * ACPI tables (vmm/x86/acpi.c) read back byte by byte at the offsets ACPI 6.4
 * gives, not through podvmm's own structs, and the PM1a register model.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/x86/acpi.h"
#include "vmm/hw/acpi_pm.h"
#include "vmm/x86/aml.h"
#include "vmm/x86/boot.h"
#include "vmm/x86/layout.h"

static uint8_t buf[ACPI_MAX_SIZE];
static struct acpi_layout lay;

static uint16_t u16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}
static uint32_t u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void build(int cpus)
{
	struct acpi_cfg cfg = { .nr_cpus = cpus };

	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(acpi_write(buf, sizeof(buf), ACPI_BASE, &cfg, &lay), 0);
	assert_int_equal(lay.end, acpi_size(&cfg));
}

/* A table at guest address gpa: its signature, length and checksum. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t;

	assert_true(gpa >= ACPI_BASE && gpa < ACPI_BASE + lay.end);
	t = buf + (gpa - ACPI_BASE);
	assert_memory_equal(t, sig, 4);
	assert_true(gpa + u32(t + 4) <= ACPI_BASE + lay.end);
	assert_int_equal(sum(t, u32(t + 4)), 0);
	return t;
}

static void rsdp(void **state)
{
	build(1);
	const uint8_t *r = buf + lay.rsdp;

	/* Section 5.2.5.1: 16-byte boundary in 0xe0000-0xfffff. */
	assert_int_equal((ACPI_BASE + lay.rsdp) % 16, 0);
	assert_true(ACPI_BASE + lay.rsdp >= 0xe0000 && ACPI_BASE + lay.rsdp + 36 <= 0x100000);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(r[15], 2);	   /* revision: ACPI 2.0+ */
	assert_int_equal(u32(r + 20), 36); /* length */
	assert_int_equal(sum(r, 36), 0);
	assert_int_equal(u64(r + 24), ACPI_BASE + lay.xsdt);
	/* Everything stays in the BIOS area, reserved in the e820 map. */
	assert_true(ACPI_BASE + acpi_size(&(struct acpi_cfg){ .nr_cpus = 254 }) <= LAYOUT_HIGH_RAM);
	assert_true(ACPI_BASE >= LAYOUT_EBDA);
}

static void xsdt(void **state)
{
	build(2);
	const uint8_t *x = table(ACPI_BASE + lay.xsdt, "XSDT");

	assert_int_equal(u32(x + 4), 36 + 2 * 8);
	assert_int_equal(u64(x + 36), ACPI_BASE + lay.fadt);
	assert_int_equal(u64(x + 44), ACPI_BASE + lay.madt);
	table(u64(x + 36), "FACP");
	table(u64(x + 44), "APIC");
}

static void fadt(void **state)
{
	build(1);
	const uint8_t *f = table(ACPI_BASE + lay.fadt, "FACP");
	const uint8_t *facs;

	assert_int_equal(u32(f + 4), 276);
	assert_int_equal(f[8], 6); /* revision */
	/* DSDT and FACS: 32- and 64-bit fields agree (ACPICA warns otherwise). */
	assert_int_equal(u32(f + 40), ACPI_BASE + lay.dsdt);
	assert_int_equal(u64(f + 140), ACPI_BASE + lay.dsdt);
	table(u64(f + 140), "DSDT");
	assert_int_equal(u32(f + 36), ACPI_BASE + lay.facs);
	assert_int_equal(u64(f + 132), ACPI_BASE + lay.facs);
	assert_int_equal(u64(f + 132) % 64, 0);
	facs = buf + lay.facs;
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(u32(facs + 4), 64);

	assert_int_equal(u16(f + 46), 9);		/* SCI_INT */
	assert_int_equal(u32(f + 48), 0);		/* SMI_CMD: ACPI mode */
	assert_int_equal(u32(f + 56), 0x600);		/* PM1a_EVT_BLK */
	assert_int_equal(u32(f + 64), 0x604);		/* PM1a_CNT_BLK */
	assert_int_equal(u32(f + 60) | u32(f + 68), 0); /* no PM1b */
	assert_int_equal(u32(f + 76), 0);		/* no PM timer */
	assert_int_equal(f[88], 4);			/* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);			/* PM1_CNT_LEN */
	/* X_PM1a_EVT_BLK, X_PM1a_CNT_BLK: system I/O, widths as the lengths. */
	assert_int_equal(f[148], 1);
	assert_int_equal(f[149], 32);
	assert_int_equal(u64(f + 152), 0x600);
	assert_int_equal(f[172], 1);
	assert_int_equal(f[173], 16);
	assert_int_equal(u64(f + 176), 0x604);
	/* Flags: not HW-reduced (bit 20), reset register supported (bit 10). */
	assert_int_equal(u32(f + 112) & (1u << 20), 0);
	assert_int_not_equal(u32(f + 112) & (1u << 10), 0);
	/* Fixed-feature power button (PWR_BUTTON clear), no sleep button. */
	assert_int_equal(u32(f + 112) & (1u << 4), 0);
	assert_int_not_equal(u32(f + 112) & (1u << 5), 0);
	assert_int_equal(f[116], 1); /* RESET_REG: I/O */
	assert_int_equal(u64(f + 120), 0x64);
	assert_int_equal(f[128], 0xfe);
	assert_int_equal(u16(f + 109) & 0x3, 0x3); /* legacy devices, 8042 */
	/* Fixed hardware: no SLEEP_CONTROL/STATUS registers. */
	for (int i = 244; i < 268; i++)
		assert_int_equal(f[i], 0);
}

/* Offset of needle in hay, or -1. */
static long find(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return (long)i;
	return -1;
}

/* PkgLength at p (section 20.2.4): value, and its size in *nb. */
static uint32_t pkglen(const uint8_t *p, int *nb)
{
	int n = p[0] >> 6;
	uint32_t v = n ? p[0] & 0xf : p[0] & 0x3f;

	for (int i = 0; i < n; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*nb = 1 + n;
	return v;
}

static void dsdt(void **state)
{
	static const uint8_t s5[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 5, 0x0a, 5, 0x00, 0x00,
	};
	static const uint8_t hid[] = { '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
	static const uint8_t uid[] = { 0x08, '_', 'U', 'I', 'D', 0x00 };
	static const uint8_t bus[] = { 0x88, 13, 0, 2, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t cfgio[] = { 0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08 };
	static const uint8_t io_lo[] = { 0x88, 13,   0,	   1,	 0x0c, 3, 0,	0,
					 0x00, 0x00, 0xf7, 0x0c, 0,    0, 0xf8, 0x0c };
	static const uint8_t io_hi[] = { 0x88, 13,   0,	   1,	 0x0c, 3, 0,	0,
					 0x00, 0x0d, 0xff, 0xff, 0,    0, 0x00, 0xf3 };
	static const uint8_t mem[] = { 0x87, 23,   0,	 0,    0x0c, 1,	   0,	 0,    0,
				       0,    0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xbf, 0xfe,
				       0,    0,	   0,	 0,    0x00, 0x00, 0xc0, 0x3e };
	static const uint8_t prt1[] = { 0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff,
					0x01, 0x00, 0x00, 0x00, 0x0a, 16 };
	static const uint8_t prt2[] = { 0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff,
					0x02, 0x00, 0x00, 0x00, 0x0a, 17 };
	static const struct pci_irq_route irqs[] = { { 1, 16 }, { 2, 17 } };
	struct acpi_cfg cfg = { .nr_cpus = 1, .pci_irqs = irqs, .nr_pci_irqs = 2 };
	const uint8_t *d, *p;
	uint32_t len, n;
	long o;
	int nb;

	assert_int_equal(acpi_write(buf, sizeof(buf), ACPI_BASE, &cfg, &lay), 0);
	d = table(ACPI_BASE + lay.dsdt, "DSDT");
	len = u32(d + 4);
	assert_int_equal(d[8], 2); /* 64-bit AML integers */
	assert_memory_equal(d + 36, s5, sizeof(s5));

	/* Device (\_SB.PCI0) spans the rest of the table. */
	p = d + 36 + sizeof(s5);
	assert_int_equal(p[0], 0x5b);
	assert_int_equal(p[1], 0x82);
	n = pkglen(p + 2, &nb);
	assert_int_equal(2 + n, len - 36 - sizeof(s5));
	assert_memory_equal(p + 2 + nb, "\\\x2e_SB_PCI0", 10);
	assert_true(find(p, len - 50, hid, sizeof(hid)) > 0);
	assert_true(find(p, len - 50, uid, sizeof(uid)) > 0);

	/* _CRS: Buffer (84) { bus 0, 0xcf8/8, I/O 0-0xcf7, 0xd00-0xffff, BAR window, EndTag } */
	o = find(p, len - 50, "_CRS\x11", 5);
	assert_true(o > 0);
	const uint8_t *c = p + o + 5;
	n = pkglen(c, &nb);
	c += nb;
	assert_int_equal(c[0], 0x0a);
	assert_int_equal(c[1], 84);
	assert_int_equal(n, nb + 2 + 84);
	c += 2;
	assert_memory_equal(c, bus, 16);
	assert_memory_equal(c + 16, cfgio, 8);
	assert_memory_equal(c + 24, io_lo, 16);
	assert_memory_equal(c + 40, io_hi, 16);
	assert_memory_equal(c + 56, mem, 26);
	assert_int_equal(c[82], 0x79);

	/* _PRT: slot 1 INTA# -> GSI 16, slot 2 -> 17. */
	o = find(p, len - 50, "_PRT\x12", 5);
	assert_true(o > 0);
	c = p + o + 5;
	n = pkglen(c, &nb);
	assert_int_equal(n, nb + 1 + 2 * 12);
	assert_int_equal(c[nb], 2);
	assert_memory_equal(c + nb + 1, prt1, 12);
	assert_memory_equal(c + nb + 13, prt2, 12);
	assert_int_equal(o + 5 + n, len - 50); /* last object in the device */
}

static void aml_encoding(void **state)
{
	uint8_t b[5000];
	struct aml a;
	size_t pos;
	int nb;

	assert_int_equal(aml_eisaid("PNP0A03"), 0x030ad041);
	aml_init(&a, b, sizeof(b));
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 0x12);
	aml_integer(&a, 0x1234);
	aml_integer(&a, 0x12345678);
	aml_integer(&a, 0x123456789aULL);
	assert_int_equal(a.len, 1 + 1 + 2 + 3 + 5 + 9);
	assert_memory_equal(b, "\x00\x01\x0a\x12\x0b\x34\x12\x0c\x78\x56\x34\x12\x0e\x9a\x78", 15);
	/* PkgLength sizes: 1 byte up to 63, 2 up to 4095, then 3. */
	for (size_t body = 0; body < 4200; body += 61) {
		aml_init(&a, b, sizeof(b));
		pos = aml_pkg_open(&a);
		for (size_t i = 0; i < body; i++)
			aml_byte(&a, 0xcc);
		aml_pkg_close(&a, pos);
		assert_false(a.overflow);
		assert_int_equal(pkglen(b, &nb), a.len);
		assert_int_equal(nb, body + 1 <= 63 ? 1 : body + 2 <= 4095 ? 2 : 3);
		assert_int_equal(b[nb], body ? 0xcc : b[nb]);
	}
	aml_init(&a, b, 4);
	aml_bytes(&a, "12345", 5);
	assert_true(a.overflow);
}

static void madt_check(int cpus)
{
	build(cpus);
	const uint8_t *m = table(ACPI_BASE + lay.madt, "APIC");
	uint32_t len = u32(m + 4);
	int lapics = 0, ioapics = 0, isos = 0, nmis = 0;

	assert_int_equal(u32(m + 36), 0xfee00000);
	assert_int_equal(u32(m + 40) & 1, 1); /* PCAT_COMPAT */
	assert_int_equal(len, 44 + cpus * 8 + 12 + 10 + 6);
	for (uint32_t off = 44; off < len; off += m[off + 1]) {
		const uint8_t *e = m + off;

		assert_true(e[1] >= 2 && off + e[1] <= len);
		switch (e[0]) {
		case 0: /* processor local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], lapics);	 /* UID */
			assert_int_equal(e[3], lapics);	 /* APIC ID */
			assert_int_equal(u32(e + 4), 1); /* enabled */
			lapics++;
			break;
		case 1: /* IOAPIC: the MP table's ID and address */
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], cpus);
			assert_int_equal(u32(e + 4), 0xfec00000);
			assert_int_equal(u32(e + 8), 0);
			ioapics++;
			break;
		case 2: /* SCI: ISA IRQ 9 -> GSI 9, level, active high */
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);
			assert_int_equal(e[3], 9);
			assert_int_equal(u32(e + 4), 9);
			assert_int_equal(u16(e + 8), 0xd);
			isos++;
			break;
		case 4: /* NMI on LINT1 of every processor */
			assert_int_equal(e[1], 6);
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1);
			nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	assert_int_equal(lapics, cpus);
	assert_int_equal(ioapics, 1);
	assert_int_equal(isos, 1);
	assert_int_equal(nmis, 1);
}

static void madt(void **state)
{
	madt_check(1);
	madt_check(4);
	madt_check(254);
}

static void bad_input(void **state)
{
	struct acpi_cfg one = { .nr_cpus = 1 }, none = { .nr_cpus = 0 }, many = { .nr_cpus = 255 };

	assert_int_equal(acpi_write(buf, sizeof(buf), ACPI_BASE, &none, NULL), -EINVAL);
	assert_int_equal(acpi_write(buf, sizeof(buf), ACPI_BASE, &many, NULL), -EINVAL);
	assert_int_equal(acpi_write(buf, sizeof(buf), ACPI_BASE + 8, &one, NULL), -EINVAL);
	assert_int_equal(acpi_write(buf, acpi_size(&one) - 1, ACPI_BASE, &one, NULL), -ENOSPC);
}

static uint16_t pm_read16(struct acpi_pm *pm, uint64_t off)
{
	uint8_t d[2];

	assert_false(acpi_pm_io(pm, off, d, 2, false));
	return u16(d);
}

static bool pm_write16(struct acpi_pm *pm, uint64_t off, uint16_t v)
{
	return acpi_pm_io(pm, off, (uint8_t *)&v, 2, true);
}

static void pm1_registers(void **state)
{
	struct acpi_pm pm;
	uint8_t b;

	acpi_pm_init(&pm);
	assert_int_equal(pm_read16(&pm, 0), 0);	  /* PM1a_STS */
	assert_false(pm_write16(&pm, 0, 0xffff)); /* write-1-to-clear */
	assert_int_equal(pm_read16(&pm, 0), 0);
	assert_false(pm_write16(&pm, 2, 0x0121)); /* PM1a_EN */
	assert_int_equal(pm_read16(&pm, 2), 0x0121);
	/* PM1a_CNT: SCI_EN always reads 1, SLP_EN never. */
	assert_int_equal(pm_read16(&pm, 4), ACPI_PM1_SCI_EN);
	/* ACPICA's two writes: SLP_TYP alone, then SLP_TYP | SLP_EN. */
	assert_false(pm_write16(&pm, 4, ACPI_PM1_SCI_EN | 5 << ACPI_PM1_SLP_TYP_SHIFT));
	assert_int_equal(pm_read16(&pm, 4), ACPI_PM1_SCI_EN | 5 << ACPI_PM1_SLP_TYP_SHIFT);
	assert_true(pm_write16(&pm, 4, ACPI_PM1_SCI_EN | 5 << 10 | ACPI_PM1_SLP_EN));
	assert_int_equal(pm_read16(&pm, 4) & ACPI_PM1_SLP_EN, 0);
	/* The ACPI-less guests' write. */
	acpi_pm_init(&pm);
	assert_true(pm_write16(&pm, 4, 0x3400));
	/* Byte accesses: the high byte carries SLP_EN. */
	acpi_pm_init(&pm);
	b = 0x14;
	assert_false(acpi_pm_io(&pm, 5, &b, 1, true));
	b = 0x34;
	assert_true(acpi_pm_io(&pm, 5, &b, 1, true));
	b = 0x20;
	assert_false(acpi_pm_io(&pm, 4, &b, 1, true)); /* low byte: no SLP_EN */
	/* 32-bit access over EVT: status then enable. */
	uint8_t d[4];
	assert_false(acpi_pm_io(&pm, 0, d, 4, false));
	assert_int_equal(u32(d), 0);
}

/* The fixed power button: status, enable, SCI level, write-1-to-clear. */
static void pm1_power_button(void **state)
{
	struct acpi_pm pm;

	acpi_pm_init(&pm);
	assert_false(acpi_pm_sci(&pm));
	assert_false(acpi_pm_button_enabled(&pm));
	/* Pressed before the OS enabled it: status set, no SCI. */
	acpi_pm_press(&pm);
	assert_int_equal(pm_read16(&pm, 0), ACPI_PM1_PWRBTN);
	assert_false(acpi_pm_sci(&pm));
	/* Enabling a pending event raises the SCI (level: status AND enable). */
	assert_false(pm_write16(&pm, 2, ACPI_PM1_PWRBTN));
	assert_true(acpi_pm_button_enabled(&pm));
	assert_true(acpi_pm_sci(&pm));
	/* Writing 0 to the status changes nothing: write-1-to-clear. */
	assert_false(pm_write16(&pm, 0, 0));
	assert_true(acpi_pm_sci(&pm));
	/* A byte write of the high status byte clears bit 8. */
	uint8_t b = 0x01;
	assert_false(acpi_pm_io(&pm, 1, &b, 1, true));
	assert_int_equal(pm_read16(&pm, 0), 0);
	assert_false(acpi_pm_sci(&pm));
	/* Pressed again while enabled: SCI; cleared by a 32-bit EVT write
	 * that also keeps the enable (ACPICA writes status and enable). */
	acpi_pm_press(&pm);
	assert_true(acpi_pm_sci(&pm));
	uint8_t d[4] = { 0x00, 0x01, 0x00, 0x01 };
	assert_false(acpi_pm_io(&pm, 0, d, 4, true));
	assert_false(acpi_pm_sci(&pm));
	assert_true(acpi_pm_button_enabled(&pm));
	/* Disabling masks a pending press. */
	acpi_pm_press(&pm);
	assert_false(pm_write16(&pm, 2, 0));
	assert_false(acpi_pm_sci(&pm));
	assert_int_equal(pm_read16(&pm, 0), ACPI_PM1_PWRBTN);
}

static void boot_structures_point_at_rsdp(void **state)
{
	static uint8_t ram[2 << 20] __attribute__((aligned(4096)));
	struct guest_mem mem = { 0 };
	struct kernel_image img = { 0 };
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE, .rsdp_addr = ACPI_BASE };
	struct e820_map map;
	int reserved = 0;

	assert_int_equal(guest_mem_add(&mem, 0, sizeof(ram), ram), 0);
	boot_e820_build(&mem, &map);
	for (int i = 0; i < map.n; i++)
		if (map.e[i].type == E820_TYPE_RESERVED && map.e[i].addr <= ACPI_BASE &&
		    map.e[i].addr + map.e[i].size >= ACPI_BASE + ACPI_MAX_SIZE)
			reserved = 1;
	assert_true(reserved);
	assert_int_equal(boot_params_write(&mem, &img, &args, &map), 0);
	assert_int_equal(((struct boot_params *)(ram + LAYOUT_ZERO_PAGE))->acpi_rsdp_addr,
			 ACPI_BASE);
	assert_int_equal(boot_pvh_write(&mem, &args, &map), 0);
	assert_int_equal(((struct hvm_start_info *)(ram + LAYOUT_PVH_INFO))->rsdp_paddr, ACPI_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsdp),
		cmocka_unit_test(xsdt),
		cmocka_unit_test(fadt),
		cmocka_unit_test(dsdt),
		cmocka_unit_test(aml_encoding),
		cmocka_unit_test(madt),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(pm1_registers),
		cmocka_unit_test(pm1_power_button),
		cmocka_unit_test(boot_structures_point_at_rsdp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
