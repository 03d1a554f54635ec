/* SPDX-License-Identifier: MIT */
#ifndef VMM_SETUP_H
#define VMM_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/x86/loader.h"

struct vm;

struct boot_files {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd;	/* NULL for none */
	size_t initrd_len;
	const char *cmdline;
	enum boot_mode mode;
};

/*
 * Loads the kernel, initrd and command line into the guest, writes the
 * e820 map, the zero page or PVH start info, and the MP table (after the
 * PCI devices are attached, so their interrupts are in it), and sets up
 * the boot vCPU.  0 or -errno with *why saying what is wrong.
 */
int vm_setup_boot(struct vm *vm, const struct boot_files *f, const char **why);

#endif
