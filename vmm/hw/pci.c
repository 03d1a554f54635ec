// SPDX-License-Identifier: MIT
/*
 * PCI bus 0 with configuration mechanism #1 (PCI Local Bus spec 3.0,
 * 3.2.2.3.2): CONFIG_ADDRESS at 0xcf8 (enable bit 31, bus 23:16, device
 * 15:11, function 10:8, register 7:2), CONFIG_DATA at 0xcfc..0xcff.  There
 * is no firmware, so the VMM places BARs as a BIOS would; the guest may
 * size and move them.  BAR accesses reach devices through one claim over
 * the whole MMIO window and one over the port window, looked up by the
 * BAR addresses current at the time of the access.
 */
#include <errno.h>
#include <string.h>

#include "vmm/x86/layout.h"
#include "vmm/hw/pci.h"

#define PCI_COMMAND	    0x04
#define PCI_COMMAND_IO	    0x1
#define PCI_COMMAND_MEMORY  0x2
#define PCI_STATUS	    0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_BAR0	    0x10
#define PCI_CAP_PTR	    0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d
#define PCI_CAP_START	    0x40
#define PCI_GSI_BASE	    16 /* IOAPIC pins 16..23 are free of ISA */
#define PCI_GSI_COUNT	    8

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}
static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t bar_flags(const struct pci_dev *d, int n)
{
	if (d->bar_is_io[n])
		return 0x1;
	return d->bar_is_64[n] ? 0x4 : 0x0;
}

/* Re-reads bar_addr[n] from the config space after a write. */
static void bar_sync(struct pci_dev *d, int n)
{
	uint64_t mask = ~(d->bar_size[n] - 1);
	uint64_t v = get32(&d->cfg[PCI_BAR0 + 4 * n]) & (d->bar_is_io[n] ? ~3U : ~0xfU);

	if (d->bar_is_64[n])
		v |= (uint64_t)get32(&d->cfg[PCI_BAR0 + 4 * (n + 1)]) << 32;
	d->bar_addr[n] = v & mask;
}

/* Which BAR (and whether it is the upper half of a 64-bit one) owns the
 * config dword at off; -1 when none. */
static int bar_of(const struct pci_dev *d, uint32_t off, bool *upper)
{
	int idx = (int)(off - PCI_BAR0) / 4;

	*upper = false;
	if (off < PCI_BAR0 || off >= PCI_BAR0 + 4 * PCI_NUM_BARS)
		return -1;
	if (idx > 0 && d->bar_is_64[idx - 1] && d->bar_size[idx - 1]) {
		*upper = true;
		return idx - 1;
	}
	return d->bar_size[idx] ? idx : -1;
}

static bool cap_header(const struct pci_dev *d, uint32_t off)
{
	uint32_t p = d->cfg[PCI_CAP_PTR];

	for (int guard = 0; p >= PCI_CAP_START && guard < 48; guard++) {
		if (off == p || off == p + 1)
			return true;
		p = d->cfg[p + 1];
	}
	return false;
}

static void cfg_write(struct pci_bus *bus, struct pci_dev *d, uint32_t off, uint32_t val, int len)
{
	bool upper;
	int n = bar_of(d, off & ~3U, &upper);

	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		uint32_t keep, v;

		if (n < 0 || len != 4)
			return; /* unused BARs read 0; sub-dword BAR writes ignored */
		if (upper) {
			keep = 0;
			v = val & (uint32_t)(~(d->bar_size[n] - 1) >> 32);
		} else {
			keep = bar_flags(d, n);
			v = (val & (uint32_t) ~(d->bar_size[n] - 1) & ~0xfU) | keep;
		}
		uint64_t before;

		pthread_rwlock_wrlock(&bus->lock);
		before = d->bar_addr[n];
		put32(&d->cfg[off], v);
		bar_sync(d, n);
		pthread_rwlock_unlock(&bus->lock);
		/* PCI lets software move a BAR at any time; what the device
		 * registered at the old address (ioeventfds) must follow. */
		if (d->bar_addr[n] != before && d->ops && d->ops->bar_moved)
			d->ops->bar_moved(d, n);
		return;
	}
	if (off < PCI_STATUS && off + len > PCI_COMMAND) {
		/* Command register, any width; status (RW1C) is not modelled. */
		for (uint32_t i = off; i < off + (uint32_t)len && i < PCI_STATUS; i++)
			if (i >= PCI_COMMAND)
				d->cfg[i] = (uint8_t)((val >> (8 * (i - off))) &
						      (i == PCI_COMMAND ? 0x47 : 0x05));
		return;
	}
	if (off == PCI_INTERRUPT_LINE && len == 1) {
		d->cfg[off] = val;
		return;
	}
	if (off < PCI_CAP_START)
		return; /* the rest of the header is read-only here */
	for (int i = 0; i < len && off + i < sizeof(d->cfg); i++)
		if (!cap_header(d, off + i))
			d->cfg[off + i] = val >> (8 * i);
	if (d->ops && d->ops->cfg_write)
		d->ops->cfg_write(d, off, val, len);
}

static uint32_t cfg_read(struct pci_dev *d, uint32_t off, int len)
{
	uint32_t v = 0;

	if (d->ops && d->ops->cfg_read && d->ops->cfg_read(d, off, &v, len))
		return v;
	for (int i = 0; i < len && off + i < sizeof(d->cfg); i++)
		v |= (uint32_t)d->cfg[off + i] << (8 * i);
	return v;
}

static void pci_cfg_io(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct pci_bus *bus = opaque;
	struct pci_dev *d = NULL;
	uint32_t val = 0, off;

	if (addr < 4) {
		/* CONFIG_ADDRESS is only latched by dword accesses. */
		if (len != 4 || addr != 0) {
			if (!is_write)
				memset(data, 0xff, len);
			return;
		}
		if (is_write)
			memcpy(&bus->cf8, data, 4);
		else
			memcpy(data, &bus->cf8, 4);
		return;
	}
	off = (bus->cf8 & 0xfc) + (uint32_t)(addr - 4);
	if ((bus->cf8 & 0x80000000) && ((bus->cf8 >> 16) & 0xff) == 0 && ((bus->cf8 >> 8) & 7) == 0)
		d = bus->devs[(bus->cf8 >> 11) & 0x1f];
	if (is_write) {
		if (!d)
			return;
		memcpy(&val, data, len);
		cfg_write(bus, d, off, val, (int)len);
		return;
	}
	val = d ? cfg_read(d, off, (int)len) : 0xffffffff;
	memcpy(data, &val, len);
}

static void pci_bar_dispatch(struct pci_bus *bus, uint64_t gaddr, uint8_t *data, uint32_t len,
			     bool is_write, bool io)
{
	pthread_rwlock_rdlock(&bus->lock);
	for (int s = 1; s < PCI_MAX_DEVICES; s++) {
		struct pci_dev *d = bus->devs[s];

		if (!d || !(d->cfg[PCI_COMMAND] & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
			continue;
		for (int n = 0; n < PCI_NUM_BARS; n++) {
			if (!d->bar_size[n] || d->bar_is_io[n] != io || gaddr < d->bar_addr[n] ||
			    gaddr - d->bar_addr[n] >= d->bar_size[n] ||
			    len > d->bar_size[n] - (gaddr - d->bar_addr[n]))
				continue;
			if (d->ops && d->ops->bar_access)
				d->ops->bar_access(d, n, gaddr - d->bar_addr[n], data, len,
						   is_write);
			else if (!is_write)
				memset(data, 0xff, len);
			pthread_rwlock_unlock(&bus->lock);
			return;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
	if (!is_write)
		memset(data, 0xff, len);
}

static void pci_mmio_window(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct pci_bus *bus = opaque;

	pci_bar_dispatch(bus, bus->mmio_base + addr, data, len, is_write, false);
}

static void pci_pio_window(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	pci_bar_dispatch(opaque, LAYOUT_PCI_PIO_BASE + addr, data, len, is_write, true);
}

static void host_bridge_init(struct pci_dev *d)
{
	memset(d, 0, sizeof(*d));
	/* Intel 440FX host bridge IDs: every guest knows them as harmless. */
	put16(&d->cfg[0x00], 0x8086);
	put16(&d->cfg[0x02], 0x1237);
	d->cfg[0x0b] = 0x06; /* class: bridge */
	d->cfg[0x0a] = 0x00; /* subclass: host bridge */
	d->cfg[0x0e] = 0x00; /* header type 0 */
}

int pci_bus_init(struct pci_bus *bus, struct iobus *pio, struct iobus *mmio, uint64_t mmio_base,
		 uint64_t mmio_size)
{
	int ret;

	memset(bus, 0, sizeof(*bus));
	bus->pio = pio;
	bus->mmio = mmio;
	bus->mmio_base = bus->mmio_next = mmio_base;
	bus->mmio_end = mmio_base + mmio_size;
	bus->pio_next = LAYOUT_PCI_PIO_BASE;
	pthread_rwlock_init(&bus->lock, NULL);
	host_bridge_init(&bus->host_bridge);
	bus->host_bridge.bus = bus;
	bus->devs[0] = &bus->host_bridge;
	if ((ret = iobus_register(pio, 0xcf8, 8, pci_cfg_io, bus)) ||
	    (ret = iobus_register(pio, LAYOUT_PCI_PIO_BASE, LAYOUT_PCI_PIO_SIZE, pci_pio_window,
				  bus)))
		return ret;
	if (mmio_size)
		return iobus_register(mmio, mmio_base, mmio_size, pci_mmio_window, bus);
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int pci_dev_add(struct pci_bus *bus, struct pci_dev *dev)
{
	int slot;

	for (slot = 1; slot < PCI_MAX_DEVICES && bus->devs[slot]; slot++)
		;
	if (slot == PCI_MAX_DEVICES)
		return -ENOSPC;
	for (int n = 0; n < PCI_NUM_BARS; n++) {
		uint64_t size = dev->bar_size[n], addr;

		if (!size)
			continue;
		if (size & (size - 1) ||
		    (dev->bar_is_64[n] && (n == PCI_NUM_BARS - 1 || dev->bar_is_io[n])))
			return -EINVAL;
		if (dev->bar_is_io[n]) {
			if (size < 4 || size > 256)
				return -EINVAL;
			addr = align_up(bus->pio_next, size);
			if (addr + size > LAYOUT_PCI_PIO_BASE + LAYOUT_PCI_PIO_SIZE)
				return -ENOSPC;
			bus->pio_next = (uint32_t)(addr + size);
		} else {
			/* Page-align memory BARs so each can be mapped on its own. */
			addr = align_up(bus->mmio_next, size < 4096 ? 4096 : size);
			if (addr + size > bus->mmio_end)
				return -ENOSPC;
			bus->mmio_next = addr + (size < 4096 ? 4096 : size);
		}
		put32(&dev->cfg[PCI_BAR0 + 4 * n], (uint32_t)addr | bar_flags(dev, n));
		if (dev->bar_is_64[n]) {
			put32(&dev->cfg[PCI_BAR0 + 4 * (n + 1)], (uint32_t)(addr >> 32));
			n++;
			dev->bar_addr[n - 1] = addr;
			continue;
		}
		dev->bar_addr[n] = addr;
	}
	dev->slot = slot;
	dev->bus = bus;
	dev->gsi = PCI_GSI_BASE + (slot - 1) % PCI_GSI_COUNT;
	dev->cfg[PCI_INTERRUPT_LINE] = (uint8_t)dev->gsi;
	dev->cfg[PCI_INTERRUPT_PIN] = 1; /* INTA# */
	dev->cfg[PCI_COMMAND] |= PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
	pthread_rwlock_wrlock(&bus->lock);
	bus->devs[slot] = dev;
	pthread_rwlock_unlock(&bus->lock);
	return 0;
}

int pci_cap_add(struct pci_dev *dev, uint8_t cap_id, const void *body, uint8_t len)
{
	uint32_t off = dev->cap_end ? dev->cap_end : PCI_CAP_START;
	uint32_t p;

	if (off + 2 + len > sizeof(dev->cfg))
		return -ENOSPC;
	dev->cfg[off] = cap_id;
	dev->cfg[off + 1] = 0;
	memcpy(&dev->cfg[off + 2], body, len);
	if (!dev->cfg[PCI_CAP_PTR]) {
		dev->cfg[PCI_CAP_PTR] = (uint8_t)off;
	} else {
		for (p = dev->cfg[PCI_CAP_PTR]; dev->cfg[p + 1]; p = dev->cfg[p + 1])
			;
		dev->cfg[p + 1] = (uint8_t)off;
	}
	dev->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	dev->cap_end = (uint8_t)((off + 2 + len + 3) & ~3U);
	if (off + 2 + len + 3 >= sizeof(dev->cfg))
		dev->cap_end = 0xff;
	return (int)off;
}
