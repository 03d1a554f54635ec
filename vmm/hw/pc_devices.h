/* SPDX-License-Identifier: MIT */
#ifndef VMM_HW_PC_DEVICES_H
#define VMM_HW_PC_DEVICES_H

#include <pthread.h>
#include <stdbool.h>

#include "common/err.h"
#include "vmm/hw/acpi_pm.h"
#include "vmm/hw/i8042.h"
#include "vmm/hw/pci.h"
#include "vmm/hw/rtc.h"
#include "vmm/hw/serial.h"

struct vm;

/*
 * The PC board's devices, wired onto the VM's buses: the PCI host bridge
 * (configuration mechanism #1 at 0xcf8, BARs in the PCI hole), COM1
 * (0x3f8, IRQ 4), the i8042 (0x60/0x64, IRQ 1), the CMOS RTC (0x70/0x71),
 * port 0x80 (POST codes, ignored) and the ACPI PM1a block (0x600-0x605,
 * acpi_pm.h).
 *
 * Power-off: a 16-bit write to PM1a_CNT (0x604, where QEMU's PC machines
 * have it too) with SLP_EN set powers the machine off; the FADT and \_S5
 * (x86/acpi.h) tell Linux so.  The power button is the fixed-feature one
 * in PM1a_EVT, its SCI on ACPI_SCI_IRQ (level, active high).
 */
#define DEV_COM1_BASE 0x3f8
#define DEV_COM1_IRQ  4
#define DEV_I8042_IRQ 1

struct pc_devices {
	struct vm *vm;
	struct pci_bus pci;
	struct serial com1;
	struct i8042 kbd;
	struct rtc rtc;
	struct acpi_pm pm;
	pthread_mutex_t pm_lock; /* pm and sci_level: vCPUs and the main thread */
	bool sci_level;
	int out_fd; /* console output, -1 to discard */
	int rx_efd; /* eventfd poked when COM1 can take input */
};

/* out_fd receives the guest's serial output; rx_efd is signalled when the
 * receive FIFO drains (-1 for none).  0 or -errno (e says what failed). */
int pc_devices_attach(struct pc_devices *d, struct vm *vm, int out_fd, int rx_efd, struct err *e);

/*
 * Presses the ACPI fixed-feature power button (PWRBTN_STS; the SCI fires
 * if the OS enabled PWRBTN_EN).  Returns whether the OS had enabled it,
 * i.e. whether an ACPI OS is listening for the button at all.
 */
bool pc_power_button(struct pc_devices *d);

#endif
