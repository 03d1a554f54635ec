// SPDX-License-Identifier: MIT
/* libFuzzer: kernel images (bzImage, ELF64 and ELF32, PVH notes) into 32 MiB of fake
 * guest RAM, then initrd placement and the zero page for what loaded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/x86/boot.h"
#include "vmm/x86/layout.h"
#include "vmm/x86/loader.h"

#define RAM (32u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	struct guest_mem mem = { 0 };
	struct kernel_image img;
	struct e820_map map;
	struct err e = { 0 };
	uint64_t addr;

	if (!ram)
		ram = calloc(1, RAM);
	guest_mem_add(&mem, 0, RAM, ram);
	if (loader_load_kernel(&mem, data, size, &img, &e)) {
		if (!e.msg[0])
			abort(); /* every failure must say why */
		return 0;
	}
	if (img.load_end > RAM || img.load_addr < LAYOUT_HIGH_RAM)
		abort();
	/* An ELF32 image is accepted only with its PVH entry, never a 64-bit one. */
	if (img.is_elf32 && (!img.pvh_entry || img.entry))
		abort();
	if (!loader_place_initrd(&img, RAM, size, &addr, &e) &&
	    (addr < img.load_end || addr + size > RAM))
		abort();
	boot_e820_build(&mem, &map);
	struct boot_args args = { .cmdline_addr = LAYOUT_CMDLINE };
	boot_params_write(&mem, &img, &args, &map);
	return 0;
}
