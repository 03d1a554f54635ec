// SPDX-License-Identifier: MIT
/*
 * Modern virtio PCI transport (virtio 1.2 section 4.1).  Register accesses
 * come from vCPU threads (under vp->lock, and so does every device op:
 * driver_ok, reset, notify, msix_changed); interrupts come from I/O threads
 * and only touch the ISR, PBA and MSI-X table under irq_lock, so a reset that
 * joins I/O threads while holding vp->lock cannot deadlock with them.
 */
#include <errno.h>
#include <string.h>

#include "vmm/virtio/virtio_pci.h"

#define PCI_CAP_ID_VNDR	  0x09
#define PCI_CAP_ID_MSIX	  0x11
#define MSIX_ENABLE	  0x8000
#define MSIX_FMASK	  0x4000
#define MSIX_ENTRY_MASKED 1

static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint8_t status_get(struct virtio_pci *vp)
{
	return __atomic_load_n(&vp->status, __ATOMIC_ACQUIRE);
}

static int add_vcap(struct virtio_pci *vp, uint8_t type, uint32_t off, uint32_t len,
		    const void *extra, uint8_t extra_len)
{
	uint8_t b[20] = { 0 };

	/* struct virtio_pci_cap minus vndr/next: cap_len, cfg_type, bar, id,
	 * padding[2], offset, length (section 4.1.4). */
	b[0] = (uint8_t)(16 + extra_len);
	b[1] = type;
	b[2] = VPCI_BAR;
	put32(b + 6, off);
	put32(b + 10, len);
	if (extra_len)
		memcpy(b + 14, extra, extra_len);
	return pci_cap_add(&vp->pci, PCI_CAP_ID_VNDR, b, (uint8_t)(14 + extra_len));
}

int virtio_pci_init(struct virtio_pci *vp, uint16_t device_id, uint8_t class, uint8_t subclass,
		    struct virtq *vqs, int nr_queues, uint16_t max_queue_size)
{
	uint8_t mult[4], msix[10];
	int r, i;

	if (nr_queues < 1 || nr_queues > VPCI_MAX_QUEUES)
		return -EINVAL;
	memset(&vp->pci, 0, sizeof(vp->pci));
	pthread_mutex_init(&vp->lock, NULL);
	vp->vqs = vqs;
	vp->nr_queues = nr_queues;
	vp->max_queue_size = max_queue_size;
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	for (i = 0; i < VPCI_MAX_QUEUES; i++)
		vp->queue_vector[i] = VIRTIO_MSI_NO_VECTOR;
	for (i = 0; i < VPCI_MAX_VECTORS; i++)
		vp->msix[i].ctrl = MSIX_ENTRY_MASKED;
	/* queue_size reads the maximum until the driver writes it (4.1.4.3). */
	for (i = 0; i < nr_queues; i++)
		vqs[i].num = max_queue_size;

	put16(&vp->pci.cfg[0x00], 0x1af4);
	put16(&vp->pci.cfg[0x02], device_id);
	vp->pci.cfg[0x08] = 1; /* revision 1: modern (4.1.2.1) */
	vp->pci.cfg[0x0a] = subclass;
	vp->pci.cfg[0x0b] = class;
	put16(&vp->pci.cfg[0x2c], 0x1af4); /* subsystem vendor */
	put16(&vp->pci.cfg[0x2e], (uint16_t)(device_id - 0x1040));
	vp->pci.bar_size[VPCI_BAR] = VPCI_BAR_SIZE;
	vp->pci.bar_is_64[VPCI_BAR] = true;
	vp->pci.ops = &virtio_pci_ops;
	vp->pci.opaque = vp;

	put32(mult, VPCI_NOTIFY_MULT);
	if ((r = add_vcap(vp, VIRTIO_PCI_CAP_COMMON_CFG, VPCI_COMMON_OFF, VPCI_COMMON_LEN, NULL,
			  0)) < 0 ||
	    (r = add_vcap(vp, VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR_OFF, 1, NULL, 0)) < 0 ||
	    (r = add_vcap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVICE_OFF, VPCI_DEVICE_LEN, NULL,
			  0)) < 0 ||
	    (r = add_vcap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, VPCI_NOTIFY_OFF,
			  (uint32_t)nr_queues * VPCI_NOTIFY_MULT, mult, 4)) < 0)
		return r;
	/* MSI-X (PCI 3.0 section 6.8.2): table and PBA in our BAR. */
	put16(msix, VPCI_MAX_VECTORS - 1);
	put32(msix + 2, VPCI_MSIX_TABLE_OFF | VPCI_BAR);
	put32(msix + 6, VPCI_MSIX_PBA_OFF | VPCI_BAR);
	if ((r = pci_cap_add(&vp->pci, PCI_CAP_ID_MSIX, msix, 10)) < 0)
		return r;
	vp->msix_cap = r;
	/* pci_cfg access window (4.1.4.8): cap + 4 data bytes. */
	if ((r = add_vcap(vp, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, "\0\0\0\0", 4)) < 0)
		return r;
	vp->pcicfg_cap = r;
	vp->pci.cfg[vp->pcicfg_cap + 4] = 0; /* bar is guest-chosen */
	memcpy(vp->pristine, vp->pci.cfg, sizeof(vp->pristine));
	return 0;
}

uint64_t virtio_pci_notify_addr(const struct virtio_pci *vp, int q)
{
	return vp->pci.bar_addr[VPCI_BAR] + VPCI_NOTIFY_OFF + (uint64_t)q * VPCI_NOTIFY_MULT;
}

bool virtio_pci_msix_enabled(const struct virtio_pci *vp)
{
	return get16(&vp->pci.cfg[vp->msix_cap + 2]) & MSIX_ENABLE;
}

static bool msix_masked(struct virtio_pci *vp, uint16_t vec)
{
	return (get16(&vp->pci.cfg[vp->msix_cap + 2]) & MSIX_FMASK) ||
	       (vp->msix[vec].ctrl & MSIX_ENTRY_MASKED);
}

/* Caller holds irq_lock. */
static void msix_fire(struct virtio_pci *vp, uint16_t vec)
{
	struct msix_entry *e;

	if (vec >= VPCI_MAX_VECTORS)
		return;
	if (msix_masked(vp, vec)) {
		vp->msix_pba |= 1ull << vec; /* delivered at unmask */
		return;
	}
	e = &vp->msix[vec];
	if (vp->signal_msi)
		vp->signal_msi(vp->irq_ctx, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

static void intx_raise(struct virtio_pci *vp, uint8_t bit)
{
	vp->isr |= bit;
	if (vp->irq_line)
		vp->irq_line(vp->irq_ctx, vp->pci.gsi, 1);
}

void virtio_pci_queue_interrupt(struct virtio_pci *vp, int q)
{
	pthread_mutex_lock(&irq_lock);
	if (virtio_pci_msix_enabled(vp)) {
		if (q >= 0 && q < vp->nr_queues)
			msix_fire(vp, vp->queue_vector[q]);
	} else {
		intx_raise(vp, 1);
	}
	pthread_mutex_unlock(&irq_lock);
}

void virtio_pci_config_interrupt(struct virtio_pci *vp)
{
	pthread_mutex_lock(&irq_lock);
	__atomic_add_fetch(&vp->config_gen, 1, __ATOMIC_RELEASE);
	if (virtio_pci_msix_enabled(vp))
		msix_fire(vp, vp->config_vector);
	else
		intx_raise(vp, 2);
	pthread_mutex_unlock(&irq_lock);
}

void virtio_pci_needs_reset(struct virtio_pci *vp)
{
	uint8_t old = __atomic_fetch_or(&vp->status, VIRTIO_CONFIG_S_NEEDS_RESET, __ATOMIC_ACQ_REL);

	/* Section 2.1.2: notify the driver only once it is running. */
	if ((old & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_NEEDS_RESET))
		virtio_pci_config_interrupt(vp);
}

bool virtio_pci_queue_msi(struct virtio_pci *vp, int q, uint64_t *addr, uint32_t *data)
{
	uint16_t vec;
	bool ok = false;

	pthread_mutex_lock(&irq_lock);
	if (q >= 0 && q < vp->nr_queues && virtio_pci_msix_enabled(vp)) {
		vec = vp->queue_vector[q];
		/* A masked vector must latch its PBA bit, which only the
		 * userspace path does. */
		if (vec < VPCI_MAX_VECTORS && !msix_masked(vp, vec)) {
			*addr = (uint64_t)vp->msix[vec].addr_hi << 32 | vp->msix[vec].addr_lo;
			*data = vp->msix[vec].data;
			ok = true;
		}
	}
	pthread_mutex_unlock(&irq_lock);
	return ok;
}

static void device_reset(struct virtio_pci *vp)
{
	int i;

	if (vp->ops->reset)
		vp->ops->reset(vp);
	for (i = 0; i < vp->nr_queues; i++) {
		virtq_reset(&vp->vqs[i]);
		vp->vqs[i].mem = vp->mem;
		vp->vqs[i].num = vp->max_queue_size;
		vp->queue_vector[i] = VIRTIO_MSI_NO_VECTOR;
		vp->queue_enabled[i] = false;
	}
	vp->driver_features = 0;
	vp->dfselect = vp->gfselect = 0;
	vp->queue_sel = 0;
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	pthread_mutex_lock(&irq_lock);
	vp->isr = 0;
	if (vp->irq_line)
		vp->irq_line(vp->irq_ctx, vp->pci.gsi, 0);
	pthread_mutex_unlock(&irq_lock);
	__atomic_store_n(&vp->status, 0, __ATOMIC_RELEASE);
}

/* The bits the driver owns (2.1); DEVICE_NEEDS_RESET is the device's. */
#define STATUS_DRIVER_BITS                                                                    \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | \
	 VIRTIO_CONFIG_S_DRIVER_OK | VIRTIO_CONFIG_S_FAILED)

static void status_write(struct virtio_pci *vp, uint8_t val)
{
	uint8_t old = status_get(vp);

	if (val == 0) {
		device_reset(vp);
		return;
	}
	/*
	 * Virtio 1.2 section 2.1.1: "The driver MUST NOT clear a device
	 * status bit."  Only writing 0 resets (4.1.4.3.1), so a write that
	 * clears FEATURES_OK or DRIVER_OK is not a reset, and honouring it
	 * would let the driver renegotiate features and run DRIVER_OK again
	 * under backends (and vhost) still running with the old ones.  Such
	 * a write is ignored as a whole: status, features and backends stay
	 * as they were, and the device sets DEVICE_NEEDS_RESET ("the device
	 * has experienced an error from which it can't recover", 2.1), so
	 * the driver's only way on is a reset.
	 */
	if (old & STATUS_DRIVER_BITS & (uint8_t)~val) {
		virtio_pci_needs_reset(vp);
		return;
	}
	/* A device that needs a reset starts nothing until it gets one. */
	if ((old & VIRTIO_CONFIG_S_NEEDS_RESET) && !(old & VIRTIO_CONFIG_S_DRIVER_OK))
		val &= (uint8_t)~VIRTIO_CONFIG_S_DRIVER_OK;
	/* FEATURES_OK sticks only if the device accepts (section 2.2.2). */
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    vp->ops->features_ok(vp, vp->driver_features))
		val &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
	if ((val & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK)) {
		if (!(val & VIRTIO_CONFIG_S_FEATURES_OK)) {
			val |= VIRTIO_CONFIG_S_NEEDS_RESET;
		} else {
			for (int i = 0; i < vp->nr_queues; i++) {
				struct virtq *q = &vp->vqs[i];

				q->event_idx = vp->driver_features & (1ull << 29);
				q->indirect = vp->driver_features & (1ull << 28);
			}
			__atomic_store_n(&vp->status, val, __ATOMIC_RELEASE);
			if (vp->ops->driver_ok(vp))
				virtio_pci_needs_reset(vp);
			return;
		}
	}
	/* The device keeps NEEDS_RESET until reset. */
	val |= old & VIRTIO_CONFIG_S_NEEDS_RESET;
	__atomic_store_n(&vp->status, val, __ATOMIC_RELEASE);
}

static void common_read(struct virtio_pci *vp, uint32_t off, uint8_t *data, uint32_t len)
{
	uint8_t img[VPCI_COMMON_LEN] = { 0 };
	uint16_t qs = vp->queue_sel;
	struct virtq *q = qs < vp->nr_queues ? &vp->vqs[qs] : NULL;

	put32(img + 0x00, vp->dfselect);
	if (vp->dfselect < 2)
		put32(img + 0x04, (uint32_t)(vp->device_features >> (32 * vp->dfselect)));
	put32(img + 0x08, vp->gfselect);
	if (vp->gfselect < 2)
		put32(img + 0x0c, (uint32_t)(vp->driver_features >> (32 * vp->gfselect)));
	put16(img + 0x10, vp->config_vector);
	put16(img + 0x12, (uint16_t)vp->nr_queues);
	img[0x14] = status_get(vp);
	img[0x15] = __atomic_load_n(&vp->config_gen, __ATOMIC_ACQUIRE);
	put16(img + 0x16, qs);
	if (q) {
		/* Section 4.1.4.3.2: a nonexistent queue reads size 0. */
		put16(img + 0x18, q->num);
		put16(img + 0x1a, vp->queue_vector[qs]);
		put16(img + 0x1c, vp->queue_enabled[qs]);
		put16(img + 0x1e, qs);
		put32(img + 0x20, (uint32_t)q->desc_gpa);
		put32(img + 0x24, (uint32_t)(q->desc_gpa >> 32));
		put32(img + 0x28, (uint32_t)q->avail_gpa);
		put32(img + 0x2c, (uint32_t)(q->avail_gpa >> 32));
		put32(img + 0x30, (uint32_t)q->used_gpa);
		put32(img + 0x34, (uint32_t)(q->used_gpa >> 32));
	}
	if (off >= VPCI_COMMON_LEN || len > VPCI_COMMON_LEN - off) {
		memset(data, 0, len);
		return;
	}
	memcpy(data, img + off, len);
}

static void set_addr_half(uint64_t *a, uint32_t off_in, uint32_t len, uint64_t v)
{
	if (len == 8)
		*a = v;
	else if (off_in == 0)
		*a = (*a & ~0xffffffffull) | (uint32_t)v;
	else
		*a = (*a & 0xffffffffull) | v << 32;
}

static uint16_t vector_check(struct virtio_pci *vp, uint16_t v)
{
	/* Section 4.1.5.1.2: an unusable vector reads back as NO_VECTOR. */
	return v < VPCI_MAX_VECTORS ? v : VIRTIO_MSI_NO_VECTOR;
}

static void common_write(struct virtio_pci *vp, uint32_t off, const uint8_t *data, uint32_t len)
{
	uint64_t v = 0;
	uint16_t qs = vp->queue_sel;
	struct virtq *q = qs < vp->nr_queues ? &vp->vqs[qs] : NULL;
	bool qlocked;

	memcpy(&v, data, len > 8 ? 8 : len);
	/* Queue fields are frozen once the queue is enabled (4.1.4.3.2). */
	qlocked = !q || vp->queue_enabled[qs] || (status_get(vp) & VIRTIO_CONFIG_S_DRIVER_OK);
	switch (off) {
	case 0x00:
		if (len == 4)
			vp->dfselect = (uint32_t)v;
		break;
	case 0x08:
		if (len == 4)
			vp->gfselect = (uint32_t)v;
		break;
	case 0x0c:
		if (len == 4 && vp->gfselect < 2 &&
		    !(status_get(vp) & VIRTIO_CONFIG_S_FEATURES_OK)) {
			int sh = 32 * (int)vp->gfselect;

			vp->driver_features = (vp->driver_features & ~(0xffffffffull << sh)) |
					      (v & 0xffffffffull) << sh;
		}
		break;
	case 0x10:
		if (len == 2) {
			vp->config_vector = vector_check(vp, (uint16_t)v);
			if (vp->ops->msix_changed)
				vp->ops->msix_changed(vp);
		}
		break;
	case 0x14:
		if (len == 1)
			status_write(vp, (uint8_t)v);
		break;
	case 0x16:
		if (len == 2)
			vp->queue_sel = (uint16_t)v;
		break;
	case 0x18:
		if (len == 2 && !qlocked)
			q->num = (uint16_t)v;
		break;
	case 0x1a:
		if (len == 2 && q) {
			vp->queue_vector[qs] = vector_check(vp, (uint16_t)v);
			if (vp->ops->msix_changed)
				vp->ops->msix_changed(vp);
		}
		break;
	case 0x1c:
		/* Only 1 may be written (4.1.4.3.2); the rings are checked
		 * now so a bad placement is caught before use. */
		if (len == 2 && v == 1 && !qlocked) {
			if (q->num > vp->max_queue_size || virtq_start(q, vp->mem))
				virtio_pci_needs_reset(vp);
			else
				vp->queue_enabled[qs] = true;
		}
		break;
	case 0x20:
	case 0x24:
		if (!qlocked && (len == 4 || (len == 8 && off == 0x20)))
			set_addr_half(&q->desc_gpa, off - 0x20, len, v);
		break;
	case 0x28:
	case 0x2c:
		if (!qlocked && (len == 4 || (len == 8 && off == 0x28)))
			set_addr_half(&q->avail_gpa, off - 0x28, len, v);
		break;
	case 0x30:
	case 0x34:
		if (!qlocked && (len == 4 || (len == 8 && off == 0x30)))
			set_addr_half(&q->used_gpa, off - 0x30, len, v);
		break;
	default:
		break; /* read-only or not a field start: ignored */
	}
}

static void msix_table_access(struct virtio_pci *vp, uint64_t off, uint8_t *data, uint32_t len,
			      bool is_write)
{
	uint32_t vec = (uint32_t)(off / 16), field = (uint32_t)(off % 16) / 4;
	uint32_t *e, v = 0;
	bool was_masked;

	/* PCI 3.0 6.8.2: dword (or qword) aligned accesses only. */
	if (vec >= VPCI_MAX_VECTORS || (off & 3) || (len != 4 && len != 8)) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (len == 8) {
		msix_table_access(vp, off, data, 4, is_write);
		msix_table_access(vp, off + 4, data + 4, 4, is_write);
		return;
	}
	pthread_mutex_lock(&irq_lock);
	e = &vp->msix[vec].addr_lo + field;
	if (!is_write) {
		put32(data, *e);
		pthread_mutex_unlock(&irq_lock);
		return;
	}
	was_masked = msix_masked(vp, (uint16_t)vec);
	v = get32(data);
	*e = field == 3 ? (v & MSIX_ENTRY_MASKED) : v;
	if (was_masked && !msix_masked(vp, (uint16_t)vec) && (vp->msix_pba & (1ull << vec))) {
		vp->msix_pba &= ~(1ull << vec);
		msix_fire(vp, (uint16_t)vec);
	}
	pthread_mutex_unlock(&irq_lock);
	if (vp->ops->msix_changed)
		vp->ops->msix_changed(vp);
}

static void bar_access(struct virtio_pci *vp, uint64_t addr, uint8_t *data, uint32_t len,
		       bool is_write)
{
	if (addr < VPCI_COMMON_OFF + VPCI_COMMON_LEN) {
		if (is_write)
			common_write(vp, (uint32_t)addr, data, len);
		else
			common_read(vp, (uint32_t)addr, data, len);
	} else if (addr == VPCI_ISR_OFF) {
		if (is_write)
			return;
		/* Reading the ISR clears it and deasserts INTx (4.1.4.5). */
		pthread_mutex_lock(&irq_lock);
		data[0] = vp->isr;
		memset(data + 1, 0, len - 1);
		vp->isr = 0;
		if (vp->irq_line)
			vp->irq_line(vp->irq_ctx, vp->pci.gsi, 0);
		pthread_mutex_unlock(&irq_lock);
	} else if (addr >= VPCI_DEVICE_OFF && addr < VPCI_DEVICE_OFF + VPCI_DEVICE_LEN) {
		uint32_t off = (uint32_t)(addr - VPCI_DEVICE_OFF);

		if (off + len > VPCI_DEVICE_LEN) {
			if (!is_write)
				memset(data, 0, len);
			return;
		}
		vp->ops->cfg_access(vp, off, data, len, is_write);
	} else if (addr >= VPCI_NOTIFY_OFF &&
		   addr < VPCI_NOTIFY_OFF + (uint64_t)vp->nr_queues * VPCI_NOTIFY_MULT) {
		if (is_write && vp->ops->notify && (status_get(vp) & VIRTIO_CONFIG_S_DRIVER_OK))
			vp->ops->notify(vp, (int)((addr - VPCI_NOTIFY_OFF) / VPCI_NOTIFY_MULT));
		else if (!is_write)
			memset(data, 0, len);
	} else if (addr >= VPCI_MSIX_TABLE_OFF &&
		   addr < VPCI_MSIX_TABLE_OFF + 16 * VPCI_MAX_VECTORS) {
		msix_table_access(vp, addr - VPCI_MSIX_TABLE_OFF, data, len, is_write);
	} else if (addr >= VPCI_MSIX_PBA_OFF && addr < VPCI_MSIX_PBA_OFF + 8) {
		uint64_t pba;

		if (is_write)
			return; /* PBA is read-only */
		pthread_mutex_lock(&irq_lock);
		pba = vp->msix_pba;
		pthread_mutex_unlock(&irq_lock);
		for (uint32_t i = 0; i < len; i++) {
			uint64_t b = addr - VPCI_MSIX_PBA_OFF + i;

			data[i] = b < 8 ? (uint8_t)(pba >> (8 * b)) : 0;
		}
	} else if (!is_write) {
		memset(data, 0, len);
	}
}

static void vp_bar_access(struct pci_dev *dev, int bar, uint64_t addr, uint8_t *data, uint32_t len,
			  bool is_write)
{
	struct virtio_pci *vp = dev->opaque;

	if (bar != VPCI_BAR || len == 0 || len > 8) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&vp->lock);
	bar_access(vp, addr, data, len, is_write);
	pthread_mutex_unlock(&vp->lock);
}

/* The pci_cfg window: bar/offset/length chosen by the guest, data moved
 * through the BAR handlers (section 4.1.4.8). */
static bool pcicfg_window(struct virtio_pci *vp, uint32_t off, int len, uint32_t *val,
			  bool is_write)
{
	uint32_t data_off = (uint32_t)vp->pcicfg_cap + 16;
	uint8_t *c = &vp->pci.cfg[vp->pcicfg_cap];
	uint32_t boff, blen;
	uint8_t buf[4];

	if (off != data_off || vp->pcicfg_cap == 0)
		return false;
	boff = get32(c + 8);
	blen = get32(c + 12);
	if (c[4] != VPCI_BAR || (blen != 1 && blen != 2 && blen != 4) || (int)blen > len ||
	    boff >= VPCI_BAR_SIZE || blen > VPCI_BAR_SIZE - boff || (boff & (blen - 1)))
		return is_write ? true : (*val = 0, true);
	if (is_write) {
		put32(buf, *val);
		bar_access(vp, boff, buf, blen, true);
	} else {
		memset(buf, 0, sizeof(buf));
		bar_access(vp, boff, buf, blen, false);
		*val = get32(buf);
	}
	return true;
}

static void vp_cfg_write(struct pci_dev *dev, uint32_t off, uint32_t val, int len)
{
	struct virtio_pci *vp = dev->opaque;
	uint32_t mc = (uint32_t)vp->msix_cap + 2;
	uint16_t old_ctrl, new_ctrl;

	pthread_mutex_lock(&vp->lock);
	/* The generic code stored the bytes; keep read-only fields intact
	 * and only the guest-writable ones changed. */
	old_ctrl = get16(&vp->pristine[mc]);
	new_ctrl = (uint16_t)((get16(&dev->cfg[mc]) & (MSIX_ENABLE | MSIX_FMASK)) |
			      (old_ctrl & ~(MSIX_ENABLE | MSIX_FMASK)));
	for (uint32_t i = 0x40; i < sizeof(dev->cfg); i++) {
		bool rw = (vp->pcicfg_cap && i >= (uint32_t)vp->pcicfg_cap + 4 &&
			   i < (uint32_t)vp->pcicfg_cap + 20 && i != (uint32_t)vp->pcicfg_cap + 5 &&
			   i != (uint32_t)vp->pcicfg_cap + 6 && i != (uint32_t)vp->pcicfg_cap + 7);

		if (!rw && i != mc && i != mc + 1)
			dev->cfg[i] = vp->pristine[i];
	}
	pthread_mutex_lock(&irq_lock);
	old_ctrl = get16(&vp->pristine[mc]);
	put16(&dev->cfg[mc], new_ctrl);
	put16(&vp->pristine[mc], new_ctrl);
	/* Unmasking the function delivers pending vectors. */
	if ((old_ctrl & MSIX_FMASK) && !(new_ctrl & MSIX_FMASK) && (new_ctrl & MSIX_ENABLE)) {
		for (uint16_t v = 0; v < VPCI_MAX_VECTORS; v++)
			if ((vp->msix_pba & (1ull << v)) && !msix_masked(vp, v)) {
				vp->msix_pba &= ~(1ull << v);
				msix_fire(vp, v);
			}
	}
	pthread_mutex_unlock(&irq_lock);
	if (off >= (uint32_t)vp->pcicfg_cap + 16 && off < (uint32_t)vp->pcicfg_cap + 20)
		pcicfg_window(vp, (uint32_t)vp->pcicfg_cap + 16, len, &val, true);
	memset(&dev->cfg[vp->pcicfg_cap + 16], 0, 4);
	/*
	 * Under the device lock, like every other msix_changed call: the
	 * device (vhost's irqfd routes) must not be updated while another
	 * vCPU resets or starts it (a status write holds this lock).
	 */
	if (old_ctrl != new_ctrl && vp->ops->msix_changed)
		vp->ops->msix_changed(vp);
	pthread_mutex_unlock(&vp->lock);
}

static bool vp_cfg_read(struct pci_dev *dev, uint32_t off, uint32_t *val, int len)
{
	struct virtio_pci *vp = dev->opaque;
	bool r;

	pthread_mutex_lock(&vp->lock);
	r = pcicfg_window(vp, off, len, val, false);
	pthread_mutex_unlock(&vp->lock);
	return r;
}

static void vp_bar_moved(struct pci_dev *dev, int bar)
{
	struct virtio_pci *vp = dev->opaque;

	if (bar != VPCI_BAR || !vp->ops->bar_moved)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->ops->bar_moved(vp);
	pthread_mutex_unlock(&vp->lock);
}

const struct pci_dev_ops virtio_pci_ops = {
	.cfg_write = vp_cfg_write,
	.cfg_read = vp_cfg_read,
	.bar_access = vp_bar_access,
	.bar_moved = vp_bar_moved,
};
