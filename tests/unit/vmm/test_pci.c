// SPDX-License-Identifier: MIT
/* PCI configuration mechanism #1, BAR placement/sizing, capabilities. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/x86/layout.h"
#include "vmm/hw/pci.h"

static struct iobus pio, mmio;
static struct pci_bus bus;
static int bar_hits, last_bar;
static uint64_t last_addr;

static void bar_access(struct pci_dev *d, int bar, uint64_t addr, uint8_t *data, uint32_t len,
		       bool w)
{
	bar_hits++;
	last_bar = bar;
	last_addr = addr;
	if (!w)
		memset(data, 0x42, len);
}

static const struct pci_dev_ops ops = { .bar_access = bar_access };

static uint32_t cfg_rd(int slot, int reg, int len)
{
	uint32_t a = 0x80000000U | (uint32_t)slot << 11 | (uint32_t)(reg & 0xfc), v = 0;

	iobus_dispatch(&pio, 0xcf8, (uint8_t *)&a, 4, true);
	iobus_dispatch(&pio, 0xcfc + (reg & 3), (uint8_t *)&v, (uint32_t)len, false);
	return v;
}

static void cfg_wr(int slot, int reg, uint32_t v, int len)
{
	uint32_t a = 0x80000000U | (uint32_t)slot << 11 | (uint32_t)(reg & 0xfc);

	iobus_dispatch(&pio, 0xcf8, (uint8_t *)&a, 4, true);
	iobus_dispatch(&pio, 0xcfc + (reg & 3), (uint8_t *)&v, (uint32_t)len, true);
}

static int setup(void **state)
{
	memset(&pio, 0, sizeof(pio));
	memset(&mmio, 0, sizeof(mmio));
	bar_hits = 0;
	return pci_bus_init(&bus, &pio, &mmio, LAYOUT_PCI_HOLE, LAYOUT_PCI_MMIO_SIZE);
}

static void host_bridge(void **state)
{
	uint32_t v = 0;

	assert_int_equal(cfg_rd(0, 0, 4), 0x12378086);
	assert_int_equal(cfg_rd(0, 0x0a, 2), 0x0600);
	assert_int_equal(cfg_rd(0, 2, 2), 0x1237);
	assert_int_equal(cfg_rd(5, 0, 4), 0xffffffff);
	/* Bus 1 and function 1 do not exist. */
	v = 0x80010000;
	iobus_dispatch(&pio, 0xcf8, (uint8_t *)&v, 4, true);
	iobus_dispatch(&pio, 0xcfc, (uint8_t *)&v, 4, false);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(cfg_rd(0, 0x100 | 0, 4), 0x12378086);
	/* Enable bit off: no device. */
	v = 0x00000000;
	iobus_dispatch(&pio, 0xcf8, (uint8_t *)&v, 4, true);
	iobus_dispatch(&pio, 0xcfc, (uint8_t *)&v, 4, false);
	assert_int_equal(v, 0xffffffff);
	/* CONFIG_ADDRESS reads back what was latched. */
	v = 0x80000810;
	iobus_dispatch(&pio, 0xcf8, (uint8_t *)&v, 4, true);
	v = 0;
	iobus_dispatch(&pio, 0xcf8, (uint8_t *)&v, 4, false);
	assert_int_equal(v, 0x80000810);
	/* The header is read-only: vendor ID stays. */
	cfg_wr(0, 0, 0xdeadbeef, 4);
	assert_int_equal(cfg_rd(0, 0, 4), 0x12378086);
}

static void device_bars(void **state)
{
	static struct pci_dev d, e;
	uint8_t data[4];

	memset(&d, 0, sizeof(d));
	d.cfg[0] = 0xf4;
	d.cfg[1] = 0x1a;
	d.bar_size[0] = 0x4000;
	d.bar_size[2] = 0x100000;
	d.bar_is_64[2] = true;
	d.bar_size[5] = 0x40;
	d.bar_is_io[5] = true;
	d.ops = &ops;
	assert_int_equal(pci_dev_add(&bus, &d), 0);
	assert_int_equal(d.slot, 1);
	assert_int_equal(d.gsi, 16);
	assert_int_equal(cfg_rd(1, 0x3c, 1), 16);
	assert_int_equal(cfg_rd(1, 0x3d, 1), 1);
	assert_int_equal(d.bar_addr[0], LAYOUT_PCI_HOLE);
	assert_int_equal(d.bar_addr[2] % 0x100000, 0);
	assert_int_equal(cfg_rd(1, 0x18, 4) & 0xf, 0x4); /* 64-bit memory */
	assert_int_equal(cfg_rd(1, 0x1c, 4), 0);	 /* upper half */
	assert_int_equal(cfg_rd(1, 0x24, 4), LAYOUT_PCI_PIO_BASE | 1);

	/* BAR access through the window reaches the device at its offset. */
	assert_true(iobus_dispatch(&mmio, d.bar_addr[2] + 0x10, data, 4, false));
	assert_int_equal(bar_hits, 1);
	assert_int_equal(last_bar, 2);
	assert_int_equal(last_addr, 0x10);
	assert_int_equal(data[0], 0x42);
	iobus_dispatch(&pio, LAYOUT_PCI_PIO_BASE + 3, data, 1, true);
	assert_int_equal(last_bar, 5);
	assert_int_equal(last_addr, 3);

	/* Sizing: all-ones reads back the size mask, then restore. */
	cfg_wr(1, 0x10, 0xffffffff, 4);
	assert_int_equal(cfg_rd(1, 0x10, 4), 0xffffc000);
	cfg_wr(1, 0x24, 0xffffffff, 4);
	assert_int_equal(cfg_rd(1, 0x24, 4), 0xffffffc1);
	cfg_wr(1, 0x10, (uint32_t)LAYOUT_PCI_HOLE + 0x100000, 4);
	assert_int_equal(d.bar_addr[0], LAYOUT_PCI_HOLE + 0x100000);
	bar_hits = 0;
	iobus_dispatch(&mmio, LAYOUT_PCI_HOLE + 0x100004, data, 4, false);
	assert_int_equal(bar_hits, 1);
	assert_int_equal(last_addr, 4);
	/* Memory decoding off: the BAR no longer answers. */
	cfg_wr(1, 0x04, 0x0001, 2);
	data[0] = 0;
	iobus_dispatch(&mmio, LAYOUT_PCI_HOLE + 0x100004, data, 4, false);
	assert_int_equal(bar_hits, 1);
	assert_int_equal(data[0], 0xff);
	/* Byte writes to the command register count too. */
	cfg_wr(1, 0x04, 0x07, 1);
	assert_int_equal(cfg_rd(1, 0x04, 2), 0x0007);
	cfg_wr(1, 0x05, 0x04, 1);
	assert_int_equal(cfg_rd(1, 0x04, 2), 0x0407);
	cfg_wr(1, 0x04, 0x00000003, 4);
	assert_int_equal(cfg_rd(1, 0x04, 2), 0x0003);
	/* Unused BARs read 0 and ignore writes. */
	cfg_wr(1, 0x14, 0xffffffff, 4);
	assert_int_equal(cfg_rd(1, 0x14, 4), 0);

	/* Bad BARs are refused. */
	memset(&e, 0, sizeof(e));
	e.bar_size[0] = 0x3000;
	assert_int_equal(pci_dev_add(&bus, &e), -EINVAL);
	e.bar_size[0] = 0x1000;
	e.bar_is_64[5] = true;
	e.bar_size[5] = 0x1000;
	assert_int_equal(pci_dev_add(&bus, &e), -EINVAL);
}

static void capabilities(void **state)
{
	static struct pci_dev d;
	uint8_t msix[10] = { 0x03, 0x00 };
	uint8_t vnd[14] = { 16, 1 };
	int a, b;

	memset(&d, 0, sizeof(d));
	a = pci_cap_add(&d, 0x11, msix, sizeof(msix));
	b = pci_cap_add(&d, 0x09, vnd, sizeof(vnd));
	assert_int_equal(a, 0x40);
	assert_int_equal(b, 0x4c);
	assert_int_equal(pci_dev_add(&bus, &d), 0);
	assert_int_equal(cfg_rd(1, 0x34, 1), 0x40);
	assert_int_equal(cfg_rd(1, 0x06, 2) & 0x10, 0x10);
	assert_int_equal(cfg_rd(1, 0x40, 2), 0x4c11);
	assert_int_equal(cfg_rd(1, 0x4c, 2), 0x0009);
	/* Control words are writable; the list header is not. */
	cfg_wr(1, 0x42, 0x8003, 2);
	assert_int_equal(cfg_rd(1, 0x40, 4), 0x80034c11);
	cfg_wr(1, 0x40, 0xffffffff, 4);
	assert_int_equal(cfg_rd(1, 0x40, 2), 0x4c11);
	for (int i = 0; i < 20; i++)
		pci_cap_add(&d, 0x09, vnd, sizeof(vnd));
	assert_int_equal(pci_cap_add(&d, 0x09, vnd, sizeof(vnd)), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(host_bridge, setup),
		cmocka_unit_test_setup(device_bars, setup),
		cmocka_unit_test_setup(capabilities, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
