/* SPDX-License-Identifier: MIT */
#ifndef VMM_PCI_H
#define VMM_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/kvm/iobus.h"

/*
 * PCI bus 0 behind a host bridge with configuration mechanism #1
 * (0xcf8/0xcfc).  Devices own a 256-byte configuration space; the bus
 * handles BAR sizing and placement and forwards BAR accesses to the device.
 */

#define PCI_MAX_DEVICES 32
#define PCI_NUM_BARS	6

struct pci_dev;

struct pci_dev_ops {
	/* Called after a config write the generic code did not consume
	 * (anything but BARs/command/status), e.g. MSI-X enable bits. */
	void (*cfg_write)(struct pci_dev *dev, uint32_t off, uint32_t val, int len);
	/* Optional: override config reads (e.g. virtio pci_cfg window). */
	bool (*cfg_read)(struct pci_dev *dev, uint32_t off, uint32_t *val, int len);
	/* BAR n accessed at offset addr. */
	void (*bar_access)(struct pci_dev *dev, int bar, uint64_t addr, uint8_t *data, uint32_t len,
			   bool is_write);
	/* Optional: BAR n moved (a guest write changed bar_addr[n]); called
	 * without the bus lock, on the vCPU thread that wrote it. */
	void (*bar_moved)(struct pci_dev *dev, int bar);
};

struct pci_dev {
	uint8_t cfg[256];		 /* vendor/device/class/caps filled by the device */
	uint64_t bar_size[PCI_NUM_BARS]; /* 0 = unused; power of two */
	bool bar_is_io[PCI_NUM_BARS];
	bool bar_is_64[PCI_NUM_BARS];	 /* 64-bit memory BAR uses n and n+1 */
	uint64_t bar_addr[PCI_NUM_BARS]; /* assigned by pci_dev_add */
	const struct pci_dev_ops *ops;
	void *opaque; /* the device's own state */
	int slot;     /* assigned by pci_dev_add */
	uint32_t gsi; /* INTx line (IOAPIC pin), assigned by pci_dev_add */
	struct pci_bus *bus;
	uint8_t cap_end; /* first free config byte for pci_cap_add */
};

struct pci_bus {
	struct pci_dev *devs[PCI_MAX_DEVICES];
	uint32_t cf8;		      /* latched CONFIG_ADDRESS */
	uint64_t mmio_next, mmio_end; /* allocator inside the PCI hole */
	uint64_t mmio_base;	      /* start of the MMIO window */
	uint32_t pio_next;
	struct iobus *pio, *mmio;
	/* Held for reading while a BAR access is dispatched, for writing
	 * while a config write moves a BAR. */
	pthread_rwlock_t lock;
	struct pci_dev host_bridge;
};

/* Sets up the host bridge at slot 0 and claims 0xcf8..0xcff on pio. */
int pci_bus_init(struct pci_bus *bus, struct iobus *pio, struct iobus *mmio, uint64_t mmio_base,
		 uint64_t mmio_size);

/* Adds a device: assigns slot, places its BARs (guest BIOS-less: the VMM
 * programs them, as firmware would), claims them on the buses, and sets the
 * interrupt line/pin registers.  0 or a negative errno. */
int pci_dev_add(struct pci_bus *bus, struct pci_dev *dev);

/* Add a capability (cap_id, body of len bytes after the 2-byte header) to
 * the device's list; returns its config offset or a negative errno. */
int pci_cap_add(struct pci_dev *dev, uint8_t cap_id, const void *body, uint8_t len);

#endif
