// SPDX-License-Identifier: MIT
/*
 * ACPI tables (vmm/acpi.c) read back byte by byte at the offsets ACPI 6.4
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

#include "vmm/acpi.h"
#include "vmm/acpi_pm.h"
#include "vmm/boot.h"
#include "vmm/layout.h"

static uint8_t buf[ACPI_MAX_SIZE];
static struct acpi_layout lay;

static uint16_t u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

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
	assert_int_equal(r[15], 2);		/* revision: ACPI 2.0+ */
	assert_int_equal(u32(r + 20), 36);	/* length */
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
	assert_int_equal(f[8], 6);				/* revision */
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

	assert_int_equal(u16(f + 46), 9);			/* SCI_INT */
	assert_int_equal(u32(f + 48), 0);			/* SMI_CMD: ACPI mode */
	assert_int_equal(u32(f + 56), 0x600);			/* PM1a_EVT_BLK */
	assert_int_equal(u32(f + 64), 0x604);			/* PM1a_CNT_BLK */
	assert_int_equal(u32(f + 60) | u32(f + 68), 0);		/* no PM1b */
	assert_int_equal(u32(f + 76), 0);			/* no PM timer */
	assert_int_equal(f[88], 4);				/* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);				/* PM1_CNT_LEN */
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
	assert_int_equal(f[116], 1);				/* RESET_REG: I/O */
	assert_int_equal(u64(f + 120), 0x64);
	assert_int_equal(f[128], 0xfe);
	assert_int_equal(u16(f + 109) & 0x3, 0x3);		/* legacy devices, 8042 */
	/* Fixed hardware: no SLEEP_CONTROL/STATUS registers. */
	for (int i = 244; i < 268; i++)
		assert_int_equal(f[i], 0);
}

static void dsdt(void **state)
{
	static const uint8_t s5[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 5, 0x0a, 5, 0x00, 0x00,
	};
	build(1);
	const uint8_t *d = table(ACPI_BASE + lay.dsdt, "DSDT");

	assert_int_equal(u32(d + 4), 36 + sizeof(s5));
	assert_int_equal(d[8], 2);		/* 64-bit AML integers */
	assert_memory_equal(d + 36, s5, sizeof(s5));
}

static void madt_check(int cpus)
{
	build(cpus);
	const uint8_t *m = table(ACPI_BASE + lay.madt, "APIC");
	uint32_t len = u32(m + 4);
	int lapics = 0, ioapics = 0, isos = 0, nmis = 0;

	assert_int_equal(u32(m + 36), 0xfee00000);
	assert_int_equal(u32(m + 40) & 1, 1);			/* PCAT_COMPAT */
	assert_int_equal(len, 44 + cpus * 8 + 12 + 10 + 6);
	for (uint32_t off = 44; off < len; off += m[off + 1]) {
		const uint8_t *e = m + off;

		assert_true(e[1] >= 2 && off + e[1] <= len);
		switch (e[0]) {
		case 0:		/* processor local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], lapics);		/* UID */
			assert_int_equal(e[3], lapics);		/* APIC ID */
			assert_int_equal(u32(e + 4), 1);	/* enabled */
			lapics++;
			break;
		case 1:		/* IOAPIC: the MP table's ID and address */
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], cpus);
			assert_int_equal(u32(e + 4), 0xfec00000);
			assert_int_equal(u32(e + 8), 0);
			ioapics++;
			break;
		case 2:		/* SCI: ISA IRQ 9 -> GSI 9, level, active high */
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);
			assert_int_equal(e[3], 9);
			assert_int_equal(u32(e + 4), 9);
			assert_int_equal(u16(e + 8), 0xd);
			isos++;
			break;
		case 4:		/* NMI on LINT1 of every processor */
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
	assert_int_equal(pm_read16(&pm, 0), 0);			/* PM1a_STS */
	assert_false(pm_write16(&pm, 0, 0xffff));		/* write-1-to-clear */
	assert_int_equal(pm_read16(&pm, 0), 0);
	assert_false(pm_write16(&pm, 2, 0x0121));		/* PM1a_EN */
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
	assert_false(acpi_pm_io(&pm, 4, &b, 1, true));		/* low byte: no SLP_EN */
	/* 32-bit access over EVT: status then enable. */
	uint8_t d[4];
	assert_false(acpi_pm_io(&pm, 0, d, 4, false));
	assert_int_equal(u32(d), 0);
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
	assert_int_equal(((struct hvm_start_info *)(ram + LAYOUT_PVH_INFO))->rsdp_paddr,
			 ACPI_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsdp),
		cmocka_unit_test(xsdt),
		cmocka_unit_test(fadt),
		cmocka_unit_test(dsdt),
		cmocka_unit_test(madt),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(pm1_registers),
		cmocka_unit_test(boot_structures_point_at_rsdp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
