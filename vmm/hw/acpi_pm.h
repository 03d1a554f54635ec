/* SPDX-License-Identifier: MIT */
#ifndef VMM_ACPI_PM_H
#define VMM_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The ACPI fixed-hardware PM1a register block the FADT describes
 * (ACPI 6.4 section 4.8.3): PM1a_EVT at ACPI_PM1A_EVT (status word, then
 * enable word) and PM1a_CNT at ACPI_PM1A_CNT, six ports in all.
 *
 * The one fixed event is the power button (section 4.8.3.1, table 4.11):
 * acpi_pm_press() sets PWRBTN_STS (bit 8 of PM1_STS, write 1 to clear);
 * with PWRBTN_EN (bit 8 of PM1_EN) set the SCI is asserted, a level
 * interrupt held until the OS clears the status bit or the enable
 * (section 4.8.3.1.1: "the SCI is active while status AND enable").
 *
 * PM1a_CNT reads back SCI_EN = 1 (the FADT has no SMI_CMD, the machine is
 * always in ACPI mode) and never SLP_EN (write-only).  A write that sets
 * SLP_EN (bit 13) asks for the sleep state in SLP_TYP (bits 10-12); the
 * only one podvmm offers (\_S5) is power-off, and any SLP_EN write powers
 * off, which also keeps the plain 0x3400 write to port 0x604 of ACPI-less
 * guests working.
 */
#define ACPI_PM1_SCI_EN	       0x0001
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK  0x1c00
#define ACPI_PM1_SLP_EN	       0x2000
#define ACPI_PM1_PWRBTN	       0x0100 /* PWRBTN_STS / PWRBTN_EN */
#define ACPI_PM_PORTS	       6

struct acpi_pm {
	uint16_t status; /* PM1a_STS: PWRBTN_STS only */
	uint16_t enable;
	uint16_t control; /* without SCI_EN and SLP_EN */
};

void acpi_pm_init(struct acpi_pm *pm);

/*
 * An access of len bytes at off (0..5) into the block.  Reads fill data;
 * returns true when a write asked for S5 (power off).
 */
bool acpi_pm_io(struct acpi_pm *pm, uint64_t off, uint8_t *data, uint32_t len, bool is_write);

/* The power button was pressed: PWRBTN_STS set. */
void acpi_pm_press(struct acpi_pm *pm);

/* The SCI's level: some enabled fixed event is pending. */
bool acpi_pm_sci(const struct acpi_pm *pm);

/* Whether the OS enabled the power button event (an ACPI OS listens). */
bool acpi_pm_button_enabled(const struct acpi_pm *pm);

#endif
