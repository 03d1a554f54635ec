/* SPDX-License-Identifier: MIT */
#ifndef VMM_MPTABLE_H
#define VMM_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/x86/pci_irq.h"

/*
 * Intel MultiProcessor Specification 1.4 tables (chapter 4): the floating
 * pointer and the configuration table that tell Linux about every CPU, the
 * IOAPIC, the ISA and PCI buses and their interrupt routing.
 */

struct mptable_cfg {
	int nr_cpus;
	uint32_t cpu_signature; /* CPUID.1 EAX */
	uint32_t cpu_features;	/* CPUID.1 EDX */
	const struct pci_irq_route *pci_irqs;
	int nr_pci_irqs;
};

#define MPTABLE_IOAPIC_PINS 24

/* Size the tables need for cfg. */
size_t mptable_size(const struct mptable_cfg *cfg);

/*
 * Writes the floating pointer followed by the configuration table into buf
 * (len bytes) that the guest sees at guest address gpa.  0 or -ENOSPC.
 */
int mptable_write(void *buf, size_t len, uint32_t gpa, const struct mptable_cfg *cfg);

#endif
