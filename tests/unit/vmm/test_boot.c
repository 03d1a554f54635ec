// SPDX-License-Identifier: MIT
/* Boot structures: e820, zero page, PVH start info, page tables, GDT, MP table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/x86/boot.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/mptable.h"

#define RAM (16u << 20)

static uint8_t *ram;
static struct guest_mem mem;

static int setup(void **state)
{
	ram = calloc(1, RAM);
	memset(&mem, 0, sizeof(mem));
	guest_mem_add(&mem, 0, RAM, ram);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static void e820_small(void **state)
{
	struct e820_map map;

	boot_e820_build(&mem, &map);
	assert_int_equal(map.n, 3);
	assert_int_equal(map.e[0].addr, 0);
	assert_int_equal(map.e[0].size, 0x9fc00);
	assert_int_equal(map.e[0].type, E820_TYPE_RAM);
	assert_int_equal(map.e[1].addr, 0x9fc00);
	assert_int_equal(map.e[1].type, E820_TYPE_RESERVED);
	assert_int_equal(map.e[1].addr + map.e[1].size, 0x100000);
	assert_int_equal(map.e[2].addr, 0x100000);
	assert_int_equal(map.e[2].addr + map.e[2].size, RAM);
}

static void e820_hole(void **state)
{
	struct guest_mem big = { 0 };
	struct e820_map map;
	static uint8_t fake;

	/* 6 GiB: 3 GiB below the hole, 3 GiB from 4 GiB (no access needed). */
	assert_int_equal(guest_mem_add(&big, 0, LAYOUT_PCI_HOLE, &fake), 0);
	assert_int_equal(guest_mem_add(&big, LAYOUT_4G, 3ULL << 30, &fake), 0);
	assert_int_equal(big.ram_size, 6ULL << 30);
	boot_e820_build(&big, &map);
	assert_int_equal(map.n, 4);
	assert_int_equal(map.e[2].addr + map.e[2].size, LAYOUT_PCI_HOLE);
	assert_int_equal(map.e[3].addr, LAYOUT_4G);
	assert_int_equal(map.e[3].size, 3ULL << 30);
	for (int i = 0; i < map.n; i++)
		assert_false(map.e[i].addr < LAYOUT_4G &&
			     map.e[i].addr + map.e[i].size > LAYOUT_PCI_HOLE);
}

static void guest_mem_bounds(void **state)
{
	struct guest_mem m = { 0 };
	static uint8_t buf[8192];

	assert_int_equal(guest_mem_add(&m, 0x1000, 4096, buf), 0);
	assert_int_equal(guest_mem_add(&m, 0x1800, 4096, buf), -EINVAL); /* overlap */
	assert_int_equal(guest_mem_add(&m, UINT64_MAX - 10, 4096, buf), -EINVAL);
	assert_ptr_equal(guest_mem_ptr(&m, 0x1000, 4096), buf);
	assert_null(guest_mem_ptr(&m, 0x1000, 4097));
	assert_null(guest_mem_ptr(&m, 0xfff, 2));
	assert_null(guest_mem_ptr(&m, 0x1ffe, UINT64_MAX));
	assert_null(guest_mem_ptr(&m, UINT64_MAX, 1));
	assert_ptr_equal(guest_mem_ptr(&m, 0x1fff, 1), buf + 4095);
}

static void zero_page_bzimage(void **state)
{
	struct kernel_image img = { .is_bzimage = 1, .hdr_len = 0x7b };
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE,
				  .cmdline_len = 11,
				  .initrd_addr = 0x800000,
				  .initrd_size = 12345 };
	struct e820_map map;
	struct boot_params *bp = (struct boot_params *)(ram + LAYOUT_ZERO_PAGE);

	img.hdr.version = 0x020f;
	img.hdr.boot_flag = 0xaa55;
	img.hdr.setup_sects = 27;
	img.hdr.cmdline_size = 2047;
	boot_e820_build(&mem, &map);
	memset(bp, 0x5a, sizeof(*bp));
	assert_int_equal(boot_params_write(&mem, &img, &args, &map), 0);
	/* Layout as boot.rst gives it. */
	assert_int_equal(offsetof(struct boot_params, hdr), 0x1f1);
	assert_int_equal(offsetof(struct boot_params, e820_entries), 0x1e8);
	assert_int_equal(offsetof(struct boot_params, e820_table), 0x2d0);
	assert_int_equal(ram[LAYOUT_ZERO_PAGE + 0x1e8], 3);
	assert_int_equal(bp->hdr.setup_sects, 27); /* copied from the file */
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.cmd_line_ptr, LAYOUT_CMDLINE);
	assert_int_equal(bp->hdr.cmdline_size, 2047); /* the kernel's limit stays */
	assert_int_equal(bp->hdr.ramdisk_image, 0x800000);
	assert_int_equal(bp->hdr.ramdisk_size, 12345);
	assert_true(bp->hdr.loadflags & CAN_USE_HEAP);
	assert_int_equal(bp->e820_table[2].addr, 0x100000);
	assert_int_equal(bp->ext_ramdisk_image, 0);
	assert_int_equal(bp->_pad2[0], 0); /* everything else cleared */
}

static void zero_page_vmlinux(void **state)
{
	struct kernel_image img = { .is_bzimage = 0 };
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE };
	struct e820_map map;
	struct boot_params *bp = (struct boot_params *)(ram + LAYOUT_ZERO_PAGE);

	boot_e820_build(&mem, &map);
	assert_int_equal(boot_params_write(&mem, &img, &args, &map), 0);
	assert_int_equal(bp->hdr.boot_flag, 0xaa55);
	assert_int_equal(bp->hdr.header, 0x53726448);
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.ramdisk_size, 0);
}

static void pvh_info(void **state)
{
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE,
				  .initrd_addr = 0x400000,
				  .initrd_size = 100 };
	struct e820_map map;
	struct hvm_start_info *si = (struct hvm_start_info *)(ram + LAYOUT_PVH_INFO);
	struct hvm_memmap_table_entry *mm;
	struct hvm_modlist_entry *mod;

	assert_int_equal(sizeof(*si), 56);
	boot_e820_build(&mem, &map);
	assert_int_equal(boot_pvh_write(&mem, &args, &map), 0);
	assert_int_equal(si->magic, HVM_START_MAGIC);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->cmdline_paddr, LAYOUT_CMDLINE);
	assert_int_equal(si->memmap_entries, 3);
	mm = (struct hvm_memmap_table_entry *)(ram + si->memmap_paddr);
	assert_int_equal(mm[2].addr, 0x100000);
	assert_int_equal(mm[1].type, 2);
	assert_int_equal(si->nr_modules, 1);
	mod = (struct hvm_modlist_entry *)(ram + si->modlist_paddr);
	assert_int_equal(mod->paddr, 0x400000);
	assert_int_equal(mod->size, 100);
}

static void page_tables(void **state)
{
	uint64_t *pml4 = (uint64_t *)(ram + LAYOUT_PML4);
	uint64_t *pdpt = (uint64_t *)(ram + LAYOUT_PDPT);
	uint64_t *pd = (uint64_t *)(ram + LAYOUT_PD);

	assert_int_equal(boot_page_tables_write(&mem), LAYOUT_PML4);
	assert_int_equal(pml4[0], LAYOUT_PDPT | 3);
	assert_int_equal(pml4[1], 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pdpt[i], (LAYOUT_PD + 4096 * i) | 3);
	assert_int_equal(pdpt[4], 0);
	assert_int_equal(pd[0], 0x83);
	assert_int_equal(pd[1], 0x200000 | 0x83);
	/* The last 2 MiB page of 4 GiB maps the LAPIC/IOAPIC area 1:1. */
	assert_int_equal(pd[2047], 0xffe00000ULL | 0x83);
}

static void gdt(void **state)
{
	uint64_t *g = (uint64_t *)(ram + LAYOUT_GDT);

	assert_int_equal(boot_gdt_entry(0xa09b, 0, 0xfffff), 0x00af9b000000ffffULL);
	assert_int_equal(boot_gdt_entry(0xc093, 0, 0xfffff), 0x00cf93000000ffffULL);
	assert_int_equal(boot_gdt_write(&mem, 1), 0);
	assert_int_equal(g[BOOT_CS / 8], 0x00af9b000000ffffULL);
	assert_int_equal(g[BOOT_DS / 8], 0x00cf93000000ffffULL);
	assert_int_equal(boot_gdt_write(&mem, 0), 0);
	assert_int_equal(g[BOOT_CS / 8], 0x00cf9b000000ffffULL); /* 32-bit for PVH */
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void mptable(void **state)
{
	struct pci_irq_route irqs[] = { { 1, 16 }, { 2, 17 } };
	struct mptable_cfg cfg = {
		.nr_cpus = 4, .cpu_signature = 0x806f0, .pci_irqs = irqs, .nr_pci_irqs = 2
	};
	uint8_t buf[1024];
	const uint8_t *mpc;
	int cpus = 0, ioapics = 0, intsrc = 0, lint = 0, pci = 0;
	uint16_t len, count;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(mptable_write(buf, 10, 0x9fc00, &cfg), -ENOSPC);
	assert_int_equal(mptable_write(buf, sizeof(buf), 0x9fc00, &cfg), 0);
	assert_memory_equal(buf, "_MP_", 4);
	assert_int_equal(sum(buf, 16), 0);
	assert_int_equal(*(uint32_t *)(buf + 4), 0x9fc00 + 16);
	mpc = buf + 16;
	assert_memory_equal(mpc, "PCMP", 4);
	len = *(const uint16_t *)(mpc + 4);
	count = *(const uint16_t *)(mpc + 34);
	assert_int_equal(len + 16, mptable_size(&cfg));
	assert_int_equal(sum(mpc, len), 0);
	assert_int_equal(*(const uint32_t *)(mpc + 36), 0xfee00000);
	for (const uint8_t *q = mpc + 44; count--;) {
		switch (q[0]) {
		case 0:
			assert_int_equal(q[1], cpus);		   /* APIC IDs 0..n-1 */
			assert_int_equal(!!(q[3] & 2), cpus == 0); /* BSP flag */
			cpus++;
			q += 20;
			continue;
		case 2:
			ioapics++;
			assert_int_equal(q[1], 4); /* IOAPIC id after the CPUs */
			assert_int_equal(*(const uint32_t *)(q + 4), 0xfec00000);
			break;
		case 3:
			intsrc++;
			if (q[4] == 0) { /* PCI bus */
				pci++;
				assert_int_equal(q[5] >> 2, irqs[pci - 1].slot);
				assert_int_equal(q[7], irqs[pci - 1].gsi);
				assert_int_equal(*(const uint16_t *)(q + 2), 0xd); /* level, high */
			}
			break;
		case 4:
			assert_int_equal(q[1], lint == 0 ? 3 : 1); /* ExtINT, NMI */
			assert_int_equal(q[7], lint);		   /* LINT0, LINT1 */
			lint++;
			break;
		}
		q += 8;
	}
	assert_int_equal(cpus, 4);
	assert_int_equal(ioapics, 1);
	assert_int_equal(intsrc, 18);
	assert_int_equal(pci, 2);
	assert_int_equal(lint, 2);
	cfg.nr_cpus = 0;
	assert_int_equal(mptable_write(buf, sizeof(buf), 0x9fc00, &cfg), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(e820_small, setup, teardown),
		cmocka_unit_test(e820_hole),
		cmocka_unit_test(guest_mem_bounds),
		cmocka_unit_test_setup_teardown(zero_page_bzimage, setup, teardown),
		cmocka_unit_test_setup_teardown(zero_page_vmlinux, setup, teardown),
		cmocka_unit_test_setup_teardown(pvh_info, setup, teardown),
		cmocka_unit_test_setup_teardown(page_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(gdt, setup, teardown),
		cmocka_unit_test(mptable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
