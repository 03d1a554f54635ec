/* SPDX-License-Identifier: MIT */
#ifndef GUEST_NET_VRING_DRV_H
#define GUEST_NET_VRING_DRV_H

/*
 * Driver side of a split virtqueue (virtio 1.2 section 2.7), header-only and
 * freestanding: the test guest's NIC driver uses it over its identity-mapped
 * RAM, and bench/net and the unit tests use the very same code over fake
 * guest memory on the host.  Each descriptor is a one-buffer chain; the
 * caller owns the buffers.  With EVENT_IDX the driver keeps used_event at
 * its consumption point, so the device interrupts at most once per batch;
 * a polling driver sets avail flag 1 (NO_INTERRUPT), which here also means
 * used_event is left where the driver put it.
 */
#include <stdbool.h>
#include <stdint.h>

struct vdrv_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vring_drv {
	uint16_t num;
	bool event_idx;
	volatile struct vdrv_desc *desc;
	volatile uint16_t *avail; /* flags idx ring[num] used_event */
	volatile uint8_t *used;	  /* flags idx {id,len}[num] avail_event */
	uint16_t avail_idx;	  /* driver's shadow */
	uint16_t last_kick_idx;
	uint16_t last_used;
	uint16_t free_head, num_free;
	uint64_t desc_gpa, avail_gpa, used_gpa;
};

/* Bytes a ring of num entries needs at mem (16-aligned), laid out as
 * desc | avail | pad to 4 | used. */
static inline uint64_t vdrv_bytes(uint16_t num)
{
	return 16ull * num + ((6ull + 2 * num + 3) & ~3ull) + 6ull + 8ull * num;
}

/* mem is the host/guest pointer to the ring area, gpa its guest address. */
static inline void vdrv_init(struct vring_drv *d, uint16_t num, void *mem, uint64_t gpa,
			     bool event_idx)
{
	uint8_t *p = mem;
	uint64_t i, n = vdrv_bytes(num);

	for (i = 0; i < n; i++)
		p[i] = 0;
	d->num = num;
	d->event_idx = event_idx;
	d->desc = (volatile struct vdrv_desc *)p;
	d->avail = (volatile uint16_t *)(p + 16ull * num);
	d->used = p + 16ull * num + ((6ull + 2 * num + 3) & ~3ull);
	d->desc_gpa = gpa;
	d->avail_gpa = gpa + 16ull * num;
	d->used_gpa = gpa + 16ull * num + ((6ull + 2 * num + 3) & ~3ull);
	d->avail_idx = d->last_kick_idx = d->last_used = 0;
	for (i = 0; i < num; i++)
		d->desc[i].next = (uint16_t)(i + 1);
	d->free_head = 0;
	d->num_free = num;
}

#define VDRV_F_WRITE	2
#define VDRV_F_INDIRECT 4

/* Queues one descriptor (a buffer, or with VDRV_F_INDIRECT a table of
 * len / 16 descriptors the caller filled); returns its id or -1 when the
 * ring is full.  Not visible to the device until vdrv_publish. */
static inline int vdrv_add_flags(struct vring_drv *d, uint64_t gpa, uint32_t len, uint16_t flags)
{
	uint16_t id;

	if (!d->num_free)
		return -1;
	id = d->free_head;
	d->free_head = d->desc[id].next;
	d->num_free--;
	d->desc[id].addr = gpa;
	d->desc[id].len = len;
	d->desc[id].flags = flags;
	d->avail[2 + (d->avail_idx & (d->num - 1))] = id;
	d->avail_idx++;
	return id;
}

static inline int vdrv_add(struct vring_drv *d, uint64_t gpa, uint32_t len, bool device_writes)
{
	return vdrv_add_flags(d, gpa, len, device_writes ? VDRV_F_WRITE : 0);
}

/* Makes queued buffers visible; returns true when the device asked to be
 * notified (avail_event / NO_NOTIFY, section 2.7.7.2). */
static inline bool vdrv_publish(struct vring_drv *d)
{
	uint16_t old = d->last_kick_idx, ev;

	__atomic_store_n(&d->avail[1], d->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	d->last_kick_idx = d->avail_idx;
	if (d->event_idx) {
		ev = *(volatile uint16_t *)(d->used + 4 + 8ull * d->num);
		return (uint16_t)(d->avail_idx - ev - 1) < (uint16_t)(d->avail_idx - old);
	}
	return !(*(volatile uint16_t *)d->used & 1);
}

/* Takes one used buffer; returns its id (and *len) or -1 when none. */
static inline int vdrv_get_used(struct vring_drv *d, uint32_t *len)
{
	uint16_t uidx = __atomic_load_n((volatile uint16_t *)(d->used + 2), __ATOMIC_ACQUIRE);
	volatile uint32_t *e;
	uint32_t id;

	if (uidx == d->last_used)
		return -1;
	e = (volatile uint32_t *)(d->used + 4 + 8ull * (d->last_used & (d->num - 1)));
	id = e[0];
	if (len)
		*len = e[1];
	if (id >= d->num)
		return -1;
	d->last_used++;
	d->desc[id].next = d->free_head;
	d->free_head = (uint16_t)id;
	d->num_free++;
	if (d->event_idx && !(d->avail[0] & 1))
		d->avail[2 + d->num] = d->last_used;
	return (int)id;
}

#endif
