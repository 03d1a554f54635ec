/* SPDX-License-Identifier: MIT */
#ifndef VMM_HW_PC_BOOT_H
#define VMM_HW_PC_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "vmm/hw/pci.h"
#include "vmm/kvm/vm_core.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/loader.h"

struct vm;

/*
 * The PC board's part of vm_create's configuration: its memory map
 * (x86/layout.h: RAM below the PCI hole, the rest from 4 GiB, KVM's TSS
 * and identity map page) and the CPUID template *tmpl, which must live as
 * long as the VM (the vCPUs apply it as they are created).
 */
void pc_vm_config(struct vm_config *cfg, const enum cpu_template *tmpl);

struct boot_files {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd; /* NULL for none */
	size_t initrd_len;
	const char *cmdline;
	enum boot_mode mode;
};

/*
 * Loads the kernel, initrd and command line into the guest, writes the
 * e820 map, the zero page or PVH start info, the MP table and the ACPI
 * tables (after the PCI devices are attached to pci, so that their
 * interrupts are in both), and sets up the boot vCPU.  0 or -errno with
 * e saying what is wrong.
 */
int pc_boot_setup(struct vm *vm, const struct pci_bus *pci, const struct boot_files *f,
		  struct err *e);

#endif
