// SPDX-License-Identifier: MIT
#include <string.h>

#include "vmm/hw/acpi_pm.h"

void acpi_pm_init(struct acpi_pm *pm)
{
	memset(pm, 0, sizeof(*pm));
}

static uint8_t *reg_byte(struct acpi_pm *pm, uint16_t *cnt, uint64_t i)
{
	if (i == 2 || i == 3)
		return (uint8_t *)&pm->enable + (i - 2);
	if (i == 4 || i == 5)
		return (uint8_t *)cnt + (i - 4);
	return NULL;
}

bool acpi_pm_io(struct acpi_pm *pm, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	uint16_t cnt = pm->control, clear = 0;
	bool cnt_hi = false;

	if (!is_write)
		cnt |= ACPI_PM1_SCI_EN;
	for (uint32_t k = 0; k < len; k++) {
		uint64_t i = off + k;
		uint8_t *r = i < ACPI_PM_PORTS ? reg_byte(pm, &cnt, i) : NULL;

		if (i < 2) {
			/* PM1_STS bits are write-1-to-clear (section 4.8.3.1). */
			if (is_write)
				clear |= (uint16_t)(data[k] << (8 * i));
			else
				data[k] = (uint8_t)(pm->status >> (8 * i));
			continue;
		}
		if (!is_write) {
			data[k] = r ? *r : 0xff;
			continue;
		}
		if (r)
			*r = data[k];
		if (i == 5)
			cnt_hi = true;
	}
	if (!is_write)
		return false;
	pm->status &= (uint16_t)~clear;
	pm->control = cnt & ~(ACPI_PM1_SCI_EN | ACPI_PM1_SLP_EN);
	return cnt_hi && (cnt & ACPI_PM1_SLP_EN);
}

void acpi_pm_press(struct acpi_pm *pm)
{
	pm->status |= ACPI_PM1_PWRBTN;
}

bool acpi_pm_sci(const struct acpi_pm *pm)
{
	/* SCI_EN is always 1 (no SMI_CMD): events go to the OS as SCIs. */
	return (pm->status & pm->enable) != 0;
}

bool acpi_pm_button_enabled(const struct acpi_pm *pm)
{
	return (pm->enable & ACPI_PM1_PWRBTN) != 0;
}
