/* SPDX-License-Identifier: MIT */
#ifndef VMM_ACPI_H
#define VMM_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/x86/layout.h"
#include "vmm/x86/pci_irq.h"

/*
 * ACPI tables (ACPI 6.4) built by pure code: RSDP, XSDT, a fixed-hardware
 * FADT (revision 6) with its FACS and DSDT, and the MADT.  The DSDT holds
 * \_S5, so that Linux's ACPICA can put the machine in S5 through the PM1a
 * control register at ACPI_PM1A_CNT (acpi_pm.h models it), and the PCI
 * host bridge \_SB.PCI0 (with ACPI on, Linux finds PCI root buses only in
 * the namespace): its bus, I/O and memory windows and INTA# routing.
 *
 * Everything sits in one block at ACPI_BASE (in the BIOS area Linux scans
 * for the RSDP, e820 reserved), RSDP first.
 */
#define ACPI_BASE     ((uint32_t)LAYOUT_ACPI)
#define ACPI_MAX_SIZE 0x10000U

/* PM1 register block in port space (QEMU's PC machines use the same). */
#define ACPI_PM1A_EVT	 0x600U
#define ACPI_PM1_EVT_LEN 4
#define ACPI_PM1A_CNT	 0x604U
#define ACPI_PM1_CNT_LEN 2
#define ACPI_SCI_IRQ	 9
#define ACPI_S5_SLP_TYP	 5

struct acpi_cfg {
	int nr_cpus;			      /* LAPIC IDs 0..nr_cpus-1, IOAPIC ID nr_cpus */
	const struct pci_irq_route *pci_irqs; /* _PRT of \_SB.PCI0 */
	int nr_pci_irqs;
};

/* Offsets of each table from ACPI_BASE (for tests and logs). */
struct acpi_layout {
	uint32_t rsdp, xsdt, fadt, facs, dsdt, madt, end;
};

/* Bytes acpi_write needs for cfg. */
size_t acpi_size(const struct acpi_cfg *cfg);

/*
 * Writes every table into buf (len bytes), which the guest sees at gpa
 * (16-byte aligned, below 4 GiB).  0, -EINVAL or -ENOSPC.  *lay may be NULL.
 */
int acpi_write(void *buf, size_t len, uint32_t gpa, const struct acpi_cfg *cfg,
	       struct acpi_layout *lay);

/* Bytes of the DSDT's AML (after the table header) for cfg into buf;
 * its length, or 0 when cap is too small. */
size_t acpi_dsdt_aml(uint8_t *buf, size_t cap, const struct acpi_cfg *cfg);

#endif
