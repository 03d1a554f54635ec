// SPDX-License-Identifier: MIT
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "vmm/x86/acpi.h"
#include "vmm/x86/layout.h"
#include "vmm/hw/pc_devices.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_core.h"

static void com1_tx(void *opaque, uint8_t b)
{
	struct pc_devices *d = opaque;

	if (d->out_fd < 0)
		return;
	/* A console that went away must not stop the guest. */
	while (write(d->out_fd, &b, 1) < 0 && errno == EINTR)
		;
}

static void com1_irq(void *opaque, int level)
{
	struct pc_devices *d = opaque;

	vm_irq_line(d->vm, DEV_COM1_IRQ, level);
}

static void com1_rx_ready(void *opaque)
{
	struct pc_devices *d = opaque;
	uint64_t one = 1;

	if (d->rx_efd >= 0 && write(d->rx_efd, &one, sizeof(one)) < 0)
		log_debug("vmm", "rx eventfd write failed", NULL);
}

static const struct serial_ops com1_ops = {
	.tx = com1_tx,
	.irq = com1_irq,
	.rx_ready = com1_rx_ready,
};

static void kbd_reset(void *opaque)
{
	struct pc_devices *d = opaque;

	vm_request_exit(d->vm, VM_EXIT_RESET, "i8042 reset");
}

static void kbd_irq(void *opaque, int level)
{
	struct pc_devices *d = opaque;

	vm_irq_line(d->vm, DEV_I8042_IRQ, level);
}

static const struct i8042_ops kbd_ops = { .reset = kbd_reset, .irq = kbd_irq };

static void com1_io(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct pc_devices *d = opaque;

	serial_io(&d->com1, addr, data, len, is_write);
}

static void kbd_io(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct pc_devices *d = opaque;

	if (len != 1 || (addr != 0 && addr != 4)) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	i8042_io(&d->kbd, (uint16_t)(I8042_DATA_PORT + addr), data, is_write);
}

static void rtc_port(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct pc_devices *d = opaque;

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	rtc_io(&d->rtc, addr, data, is_write);
}

static void post_port(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	/* POST codes and the classic I/O delay: nothing to do. */
	if (!is_write)
		memset(data, 0xff, len);
}

/* Drives the SCI to the PM1 block's level; called with pm_lock held, so
 * that the line follows the register state in order. */
static void pm_sci_update(struct pc_devices *d)
{
	bool level = acpi_pm_sci(&d->pm);

	if (level == d->sci_level)
		return;
	d->sci_level = level;
	/* Active high, level (the MADT's override for ACPI_SCI_IRQ). */
	vm_irq_line(d->vm, ACPI_SCI_IRQ, level);
}

static void pm_port(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct pc_devices *d = opaque;
	bool off;

	pthread_mutex_lock(&d->pm_lock);
	off = acpi_pm_io(&d->pm, addr, data, len, is_write);
	if (is_write)
		pm_sci_update(d);
	pthread_mutex_unlock(&d->pm_lock);
	if (off)
		vm_request_exit(d->vm, VM_EXIT_POWEROFF, "power-off port");
}

bool pc_power_button(struct pc_devices *d)
{
	bool listening;

	pthread_mutex_lock(&d->pm_lock);
	acpi_pm_press(&d->pm);
	pm_sci_update(d);
	listening = acpi_pm_button_enabled(&d->pm);
	pthread_mutex_unlock(&d->pm_lock);
	return listening;
}

int pc_devices_attach(struct pc_devices *d, struct vm *vm, int out_fd, int rx_efd, struct err *e)
{
	struct iobus *pio = &vm->pio;
	int ret;

	d->vm = vm;
	d->out_fd = out_fd;
	d->rx_efd = rx_efd;
	serial_init(&d->com1, &com1_ops, d);
	i8042_init(&d->kbd, &kbd_ops, d);
	rtc_init(&d->rtc);
	acpi_pm_init(&d->pm);
	pthread_mutex_init(&d->pm_lock, NULL);
	d->sci_level = false;
	if ((ret = pci_bus_init(&d->pci, &vm->pio, &vm->mmio, LAYOUT_PCI_HOLE,
				LAYOUT_PCI_MMIO_SIZE)))
		return err_sys(e, -ret, "PCI host bridge");
	if ((ret = iobus_register(pio, DEV_COM1_BASE, 8, com1_io, d)) ||
	    (ret = iobus_register(pio, I8042_DATA_PORT, 5, kbd_io, d)) ||
	    (ret = iobus_register(pio, 0x70, 2, rtc_port, d)) ||
	    (ret = iobus_register(pio, 0x80, 1, post_port, d)) ||
	    (ret = iobus_register(pio, ACPI_PM1A_EVT, ACPI_PM_PORTS, pm_port, d)))
		return err_sys(e, -ret, "legacy devices on the port bus");
	return 0;
}
