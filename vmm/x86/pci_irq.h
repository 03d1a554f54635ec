/* SPDX-License-Identifier: MIT */
#ifndef VMM_X86_PCI_IRQ_H
#define VMM_X86_PCI_IRQ_H

#include <stdint.h>

/*
 * Where a PCI slot's INTA# is wired: the one routing both the MP table
 * (an I/O interrupt entry per slot) and ACPI (\_SB.PCI0._PRT) describe, so
 * that a guest sees the same interrupt whichever table it reads.
 */
struct pci_irq_route {
	uint8_t slot; /* PCI device number on bus 0 */
	uint8_t gsi;  /* IOAPIC pin wired to its INTA# */
};

#endif
