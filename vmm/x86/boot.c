// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "vmm/x86/boot.h"
#include "vmm/x86/layout.h"

static void e820_add(struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size && map->n < (int)(sizeof(map->e) / sizeof(map->e[0])))
		map->e[map->n++] = (struct boot_e820_entry){ addr, size, type };
}

void boot_e820_build(const struct guest_mem *mem, struct e820_map *map)
{
	map->n = 0;
	for (int i = 0; i < mem->nr_regions; i++) {
		const struct guest_mem_region *r = &mem->regions[i];

		if (r->gpa == 0) {
			/* Below 1 MiB: base memory, then EBDA/VGA/BIOS reserved. */
			e820_add(map, 0, LAYOUT_EBDA, E820_TYPE_RAM);
			e820_add(map, LAYOUT_EBDA, LAYOUT_HIGH_RAM - LAYOUT_EBDA,
				 E820_TYPE_RESERVED);
			if (r->size > LAYOUT_HIGH_RAM)
				e820_add(map, LAYOUT_HIGH_RAM, r->size - LAYOUT_HIGH_RAM,
					 E820_TYPE_RAM);
		} else {
			e820_add(map, r->gpa, r->size, E820_TYPE_RAM);
		}
	}
}

int boot_params_write(struct guest_mem *mem, const struct kernel_image *img,
		      const struct boot_args *args, const struct e820_map *map)
{
	struct boot_params *bp = guest_mem_ptr(mem, LAYOUT_ZERO_PAGE, sizeof(*bp));
	struct setup_header *h;

	if (!bp)
		return -EFAULT;
	memset(bp, 0, sizeof(*bp));
	h = &bp->hdr;
	if (img->is_bzimage) {
		memcpy(h, &img->hdr, img->hdr_len);
	} else {
		/* A vmlinux has no header: give it the fields a bzImage would. */
		h->boot_flag = 0xaa55;
		h->header = 0x53726448;
		h->version = 0x020f;
		h->kernel_alignment = 0x1000000;
		h->cmdline_size = args->cmdline_len + 1;
	}
	h->type_of_loader = 0xff; /* undefined loader, boot.rst */
	h->loadflags |= CAN_USE_HEAP;
	h->heap_end_ptr = 0xfe00 - 0x200;
	h->cmd_line_ptr = (uint32_t)args->cmdline_addr;
	bp->ext_cmd_line_ptr = (uint32_t)(args->cmdline_addr >> 32);
	h->ramdisk_image = (uint32_t)args->initrd_addr;
	h->ramdisk_size = (uint32_t)args->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(args->initrd_addr >> 32);
	bp->ext_ramdisk_size = (uint32_t)(args->initrd_size >> 32);
	/* Zero page 0x070 (boot protocol 2.14+); older kernels scan for it. */
	bp->acpi_rsdp_addr = args->rsdp_addr;
	for (int i = 0; i < map->n; i++)
		bp->e820_table[i] = map->e[i];
	bp->e820_entries = map->n;
	return 0;
}

int boot_pvh_write(struct guest_mem *mem, const struct boot_args *args, const struct e820_map *map)
{
	uint64_t mm_addr = LAYOUT_PVH_INFO + 0x40, mod_addr = LAYOUT_PVH_INFO + 0x300;
	struct hvm_start_info *si = guest_mem_ptr(mem, LAYOUT_PVH_INFO, sizeof(*si));
	struct hvm_memmap_table_entry *mm = guest_mem_ptr(mem, mm_addr, sizeof(*mm) * map->n);
	struct hvm_modlist_entry *mod = guest_mem_ptr(mem, mod_addr, sizeof(*mod));

	if (!si || !mm || !mod || mm_addr + sizeof(*mm) * map->n > mod_addr)
		return -EFAULT;
	memset(si, 0, sizeof(*si));
	si->magic = HVM_START_MAGIC;
	si->version = 1;
	si->cmdline_paddr = args->cmdline_addr;
	si->rsdp_paddr = args->rsdp_addr;
	si->memmap_paddr = mm_addr;
	si->memmap_entries = map->n;
	for (int i = 0; i < map->n; i++)
		mm[i] = (struct hvm_memmap_table_entry){
			.addr = map->e[i].addr,
			.size = map->e[i].size,
			.type = map->e[i].type,
		};
	if (args->initrd_size) {
		*mod = (struct hvm_modlist_entry){
			.paddr = args->initrd_addr,
			.size = args->initrd_size,
		};
		si->nr_modules = 1;
		si->modlist_paddr = mod_addr;
	}
	return 0;
}

uint64_t boot_page_tables_write(struct guest_mem *mem)
{
	uint64_t *pml4 = guest_mem_ptr(mem, LAYOUT_PML4, 4096);
	uint64_t *pdpt = guest_mem_ptr(mem, LAYOUT_PDPT, 4096);
	uint64_t *pd = guest_mem_ptr(mem, LAYOUT_PD, 4 * 4096);

	if (!pml4 || !pdpt || !pd)
		return 0;
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	/* Present | writable; PS marks 2 MiB pages in the PDs. */
	pml4[0] = LAYOUT_PDPT | 0x3;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (LAYOUT_PD + i * 4096ULL) | 0x3;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;
	return LAYOUT_PML4;
}

uint64_t boot_gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
	return ((uint64_t)(base & 0xff000000) << 32) | ((uint64_t)(flags & 0xf0ff) << 40) |
	       ((uint64_t)(limit & 0x000f0000) << 32) | ((uint64_t)(base & 0x00ffffff) << 16) |
	       (limit & 0x0000ffff);
}

int boot_gdt_write(struct guest_mem *mem, int long_mode)
{
	uint64_t *gdt = guest_mem_ptr(mem, LAYOUT_GDT, 5 * 8);
	uint64_t *idt = guest_mem_ptr(mem, LAYOUT_IDT, 8);

	if (!gdt || !idt)
		return -EFAULT;
	gdt[0] = gdt[1] = 0;
	/* G, (L or D/B), P, S, code exec/read accessed */
	gdt[2] = boot_gdt_entry(long_mode ? 0xa09b : 0xc09b, 0, 0xfffff);
	gdt[3] = boot_gdt_entry(0xc093, 0, 0xfffff);
	gdt[4] = boot_gdt_entry(0x808b, 0, 0xfffff);
	*idt = 0;
	return 0;
}

static void seg_flat(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code64)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code64 ? 0 : 1,
		.s = 1,
		.l = code64,
		.g = 1,
	};
}

int boot_cpu_regs(struct guest_mem *mem, enum boot_mode mode, uint64_t entry,
		  struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	bool lm = mode == BOOT_LINUX64;
	struct kvm_sregs s = *sregs;
	struct kvm_regs r = { .rflags = 2, .rip = entry };
	int ret;

	if ((ret = boot_gdt_write(mem, lm)))
		return ret;
	s.gdt.base = LAYOUT_GDT;
	s.gdt.limit = 5 * 8 - 1;
	s.idt.base = LAYOUT_IDT;
	s.idt.limit = 0;
	seg_flat(&s.cs, BOOT_CS, 0xb, lm);
	seg_flat(&s.ds, BOOT_DS, 0x3, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct kvm_segment){
		.selector = BOOT_TSS,
		.limit = 0xfffff,
		.type = 0xb,
		.present = 1,
	};
	if (lm) {
		uint64_t cr3 = boot_page_tables_write(mem);

		if (!cr3)
			return -EFAULT;
		s.cr3 = cr3;
		s.cr4 = 0x20;	    /* PAE */
		s.cr0 = 0x80000031; /* PG | NE | ET | PE */
		s.efer = 0x500;	    /* LMA | LME */
		r.rsi = LAYOUT_ZERO_PAGE;
		r.rsp = r.rbp = LAYOUT_BOOT_STACK;
	} else {
		/* PVH (xen/include/public/arch-x86/hvm/start_info.h): 32-bit
		 * protected mode, paging off, EBX = start info. */
		s.cr0 = 0x31; /* NE | ET | PE */
		s.cr4 = 0;
		s.efer = 0;
		r.rbx = LAYOUT_PVH_INFO;
	}
	*sregs = s;
	*regs = r;
	return 0;
}
