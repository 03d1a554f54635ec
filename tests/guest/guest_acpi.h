/* SPDX-License-Identifier: MIT */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H

#include <stdint.h>

/*
 * The guest's view of podvmm's ACPI tables: find the RSDP, check the
 * tables, and power off the way Linux's ACPICA does (FADT PM1a_CNT and
 * the SLP_TYPa value of \_S5 in the DSDT).
 */

/* The RSDP found by scanning 0xe0000-0xfffff (ACPI 6.4 5.2.5.1), or 0. */
uint64_t acpi_scan_rsdp(void);

/* PASS/FAIL checks of the tables; rsdp_hint is what the loader passed. */
void acpi_check(uint64_t rsdp_hint, unsigned long expect_cpus);

/* Writes SLP_TYPa(S5) then SLP_TYPa | SLP_EN to PM1a_CNT and halts;
 * returns only when the tables do not describe how. */
void acpi_poweroff(void);

/* From the FADT: the PM1a event block port, SCI_INT and the flags; 0, or
 * -1 without a usable FADT. */
int acpi_fadt_sci(uint16_t *pm1a_evt, uint16_t *sci_int, uint32_t *flags);

#endif
