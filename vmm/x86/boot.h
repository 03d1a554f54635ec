/* SPDX-License-Identifier: MIT */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdint.h>

#include <asm/bootparam.h>
#include <linux/kvm.h>

#include "vmm/kvm/guest_mem.h"
#include "vmm/x86/loader.h"

/*
 * Boot-time guest structures, written into guest RAM by pure functions:
 * the e820 map, the zero page (struct boot_params), the PVH start info,
 * identity page tables and the GDT.
 */

struct e820_map {
	struct boot_e820_entry e[8];
	int n;
};

#define E820_TYPE_RAM	   1
#define E820_TYPE_RESERVED 2

/* The guest's memory map from its RAM regions; the PCI hole is a gap. */
void boot_e820_build(const struct guest_mem *mem, struct e820_map *map);

struct boot_args {
	uint64_t cmdline_addr;
	uint32_t cmdline_len; /* without the NUL */
	uint64_t initrd_addr, initrd_size;
	uint64_t rsdp_addr; /* ACPI RSDP, 0 for none */
};

/* Fills the zero page at LAYOUT_ZERO_PAGE; 0 or -EFAULT. */
int boot_params_write(struct guest_mem *mem, const struct kernel_image *img,
		      const struct boot_args *args, const struct e820_map *map);

/* hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h). */
#define HVM_START_MAGIC 0x336ec578
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};
struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};
struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

/* Fills the start info at LAYOUT_PVH_INFO; 0 or -EFAULT. */
int boot_pvh_write(struct guest_mem *mem, const struct boot_args *args, const struct e820_map *map);

/* Identity map of the first 4 GiB with 2 MiB pages; returns CR3 or 0. */
uint64_t boot_page_tables_write(struct guest_mem *mem);

/* Flat GDT: 0x10 code (64-bit when long, else 32-bit), 0x18 data, 0x20 TSS. */
int boot_gdt_write(struct guest_mem *mem, int long_mode);
uint64_t boot_gdt_entry(uint16_t flags, uint32_t base, uint32_t limit);

#define BOOT_CS	 0x10
#define BOOT_DS	 0x18
#define BOOT_TSS 0x20

/*
 * The boot CPU's state for mode: writes the GDT (and for the 64-bit boot
 * protocol the page tables) and turns sregs, the vCPU's current segment
 * registers, into flat segments at entry; regs gets the protocol's
 * pointers (RSI = zero page, or EBX = PVH start info).  0 or -errno.
 */
int boot_cpu_regs(struct guest_mem *mem, enum boot_mode mode, uint64_t entry,
		  struct kvm_sregs *sregs, struct kvm_regs *regs);

#endif
