/* SPDX-License-Identifier: MIT */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include <asm/bootparam.h>

#include "common/err.h"
#include "vmm/kvm/guest_mem.h"

/*
 * Kernel image loaders.  Pure: they parse a file already read into memory
 * and copy it into guest RAM, so every malformed-input path is unit-tested
 * without KVM.  On failure they return a negative errno and e says what is
 * wrong with the file.
 */

enum boot_mode {
	BOOT_LINUX64, /* 64-bit boot protocol: long mode, RSI = zero page */
	BOOT_PVH,     /* PVH: 32-bit protected mode, EBX = hvm_start_info */
};

struct kernel_image {
	uint64_t entry;	    /* 64-bit entry (bzImage: load + 0x200; ELF64: e_entry;
				 * ELF32: 0, none) */
	uint64_t pvh_entry; /* XEN_ELFNOTE_PHYS32_ENTRY, 0 when absent */
	uint64_t load_addr; /* lowest guest address written */
	uint64_t load_end;  /* first byte after the kernel and the room it needs */
	int is_bzimage;
	int is_elf32;		 /* ELF32: PVH only */
	struct setup_header hdr; /* bzImage: the file's header, for the zero page */
	size_t hdr_len;		 /* bytes of hdr taken from the file */
	uint32_t initrd_addr_max;
	uint32_t cmdline_max; /* longest command line the kernel accepts */
};

#define BZIMAGE_MIN_VERSION 0x020c /* 2.12: xloadflags, XLF_KERNEL_64 */

/* Either format, told apart by the magic; fills img. */
int loader_load_kernel(struct guest_mem *mem, const uint8_t *buf, size_t len,
		       struct kernel_image *img, struct err *e);
int loader_load_bzimage(struct guest_mem *mem, const uint8_t *buf, size_t len,
			struct kernel_image *img, struct err *e);
int loader_load_elf(struct guest_mem *mem, const uint8_t *buf, size_t len, struct kernel_image *img,
		    struct err *e);

/*
 * Where the initrd goes: the highest page-aligned address such that it ends
 * below initrd_addr_max and the end of low RAM, and starts at or above
 * img->load_end.  0 or -ENOSPC (e set).
 */
int loader_place_initrd(const struct kernel_image *img, uint64_t low_ram_end, uint64_t size,
			uint64_t *addr, struct err *e);

#endif
