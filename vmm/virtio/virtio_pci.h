/* SPDX-License-Identifier: MIT */
#ifndef VMM_VIRTIO_PCI_H
#define VMM_VIRTIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/virtio_config.h> /* device status bits VIRTIO_CONFIG_S_* (2.1) */
#include <linux/virtio_pci.h>

#include "common/limits.h"
#include "vmm/kvm/guest_mem.h"
#include "vmm/hw/pci.h"
#include "vmm/virtio/virtq.h"

/*
 * Modern virtio 1.x PCI transport (virtio 1.2 section 4.1): one 64-bit
 * memory BAR holding the common, ISR, device and notify structures and the
 * MSI-X table and PBA; vendor capabilities pointing at them plus the
 * pci_cfg access window; INTx through the ISR when MSI-X is off.
 */

#define VPCI_BAR	    0
#define VPCI_BAR_SIZE	    0x8000
#define VPCI_COMMON_OFF	    0x0000
#define VPCI_COMMON_LEN	    0x38
#define VPCI_ISR_OFF	    0x1000
#define VPCI_DEVICE_OFF	    0x2000
#define VPCI_DEVICE_LEN	    0x1000
#define VPCI_NOTIFY_OFF	    0x3000
#define VPCI_NOTIFY_MULT    4
#define VPCI_MSIX_TABLE_OFF 0x4000
#define VPCI_MSIX_PBA_OFF   0x6000
#define VPCI_MAX_QUEUES	    (2 * NET_QUEUE_PAIRS_MAX + 1) /* + the control queue */
#define VPCI_MAX_VECTORS    (VPCI_MAX_QUEUES + 1)

struct virtio_pci;

/* Every op runs on a vCPU thread with vp->lock held. */
struct virtio_dev_ops {
	/* Device-specific configuration structure access. */
	void (*cfg_access)(struct virtio_pci *vp, uint32_t off, uint8_t *data, uint32_t len,
			   bool is_write);
	/* FEATURES_OK: 0 to accept the driver's features. */
	int (*features_ok)(struct virtio_pci *vp, uint64_t acked);
	/* DRIVER_OK: start the queues; non-zero marks the device broken. */
	int (*driver_ok)(struct virtio_pci *vp);
	/* Reset (status 0): stop using every queue. */
	void (*reset)(struct virtio_pci *vp);
	/* A notify register write that no ioeventfd caught. */
	void (*notify)(struct virtio_pci *vp, int queue);
	/* MSI-X table or enable state changed (irqfd routes follow). */
	void (*msix_changed)(struct virtio_pci *vp);
	/* The guest moved the BAR (ioeventfds on the notify area follow). */
	void (*bar_moved)(struct virtio_pci *vp);
};

struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct virtio_pci {
	struct pci_dev pci;
	const struct virtio_dev_ops *ops;
	void *dev; /* the device model */
	const struct guest_mem *mem;

	/* Interrupt injection, thread-safe (KVM ioctls in podvmm). */
	int (*signal_msi)(void *ctx, uint64_t addr, uint32_t data);
	int (*irq_line)(void *ctx, uint32_t gsi, int level);
	void *irq_ctx;

	pthread_mutex_t lock;
	uint64_t device_features, driver_features;
	uint32_t dfselect, gfselect;
	uint8_t status, config_gen;
	uint16_t queue_sel, config_vector;
	int nr_queues;
	uint16_t max_queue_size;
	struct virtq *vqs; /* nr_queues entries, owned by the device */
	uint16_t queue_vector[VPCI_MAX_QUEUES];
	bool queue_enabled[VPCI_MAX_QUEUES];
	uint8_t isr;
	struct msix_entry msix[VPCI_MAX_VECTORS];
	uint64_t msix_pba;
	int msix_cap, pcicfg_cap; /* config offsets */
	uint8_t pristine[256];	  /* read-only parts of the caps */
};

/* Fills config space and capabilities for device id (0x1040 + type). */
int virtio_pci_init(struct virtio_pci *vp, uint16_t device_id, uint8_t class, uint8_t subclass,
		    struct virtq *vqs, int nr_queues, uint16_t max_queue_size);

/* Guest address of queue q's notify register (valid once BARs settled). */
uint64_t virtio_pci_notify_addr(const struct virtio_pci *vp, int q);

/* Interrupts: a queue's used ring changed / the device config changed. */
void virtio_pci_queue_interrupt(struct virtio_pci *vp, int q);
void virtio_pci_config_interrupt(struct virtio_pci *vp);

/* A queue went bad: DEVICE_NEEDS_RESET and a config interrupt (2.1.2). */
void virtio_pci_needs_reset(struct virtio_pci *vp);

/* MSI-X message of queue q; false when MSI-X is off, no vector, or masked. */
bool virtio_pci_queue_msi(struct virtio_pci *vp, int q, uint64_t *addr, uint32_t *data);
bool virtio_pci_msix_enabled(const struct virtio_pci *vp);

extern const struct pci_dev_ops virtio_pci_ops;

#endif
