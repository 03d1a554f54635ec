/* SPDX-License-Identifier: MIT */
#ifndef VMM_VIRTQ_H
#define VMM_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmm/kvm/guest_mem.h"

/*
 * Device side of a split virtqueue (virtio 1.2, section 2.7).  Pure: it only
 * touches guest memory through struct guest_mem, so it runs over fake memory
 * in tests and under the fuzzer.  Every guest-controlled value (ring
 * addresses, indices, descriptor addresses, lengths, chains) is validated;
 * any violation marks the queue broken and the device must then set
 * DEVICE_NEEDS_RESET.  One thread owns a queue at a time.
 */

#define VIRTQ_MAX_SIZE 32768
/* Longest chain (direct + indirect descriptors) the device accepts. */
#define VIRTQ_MAX_CHAIN 1024

struct virtq {
	uint16_t num;
	bool ready;
	bool broken;
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	uint64_t desc_gpa, avail_gpa, used_gpa;

	/* Host views of the rings, resolved once at virtq_start. */
	volatile struct virtq_desc_raw *desc;
	volatile uint16_t *avail; /* flags, idx, ring[num], used_event */
	volatile uint8_t *used;	  /* flags, idx, elems[num], avail_event */
	const struct guest_mem *mem;

	uint16_t last_avail; /* next avail slot the device consumes */
	/* avail->idx as last read and validated: pops run from this shadow
	 * and re-read the driver's cache line only once it is used up. */
	uint16_t avail_shadow;
	uint16_t used_idx;	 /* device's shadow of used->idx */
	uint16_t signalled_used; /* used idx at the last interrupt */
	bool signalled_valid;
};

struct virtq_desc_raw {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One popped chain: iov[0..n_out) is device-readable, then n_in writable. */
struct virtq_chain {
	uint16_t head;
	unsigned int n_out, n_in;
	uint64_t out_len, in_len;
};

/* Validates num and the ring placement in guest memory and resolves host
 * pointers; 0 or -EINVAL (the queue is then broken). */
int virtq_start(struct virtq *q, const struct guest_mem *mem);
void virtq_reset(struct virtq *q);

/* Pops the next available chain into iov (max entries).  Returns 1 when a
 * chain was popped, 0 when the ring is empty, or a negative errno when the
 * guest's ring is malformed (the queue is marked broken), except -E2BIG:
 * the chain needs more than max entries and stays available. */
int virtq_pop(struct virtq *q, struct iovec *iov, unsigned int max, struct virtq_chain *chain);
/* Gives back the last n popped chains unused (RX with too few buffers). */
void virtq_unpop(struct virtq *q, uint16_t n);
/* Number of chains the driver has made available and not yet popped. */
int virtq_avail_count(struct virtq *q);

/* Writes a used element; it becomes visible to the guest at publish. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);
void virtq_publish(struct virtq *q);
/* Whether the driver wants an interrupt for what was published since the
 * last call that returned true (used_event / NO_INTERRUPT, section 2.7.10). */
bool virtq_need_interrupt(struct virtq *q);

/* Ask the driver not to kick (ring being drained) or to kick again.
 * virtq_notify_enable returns true when buffers arrived meanwhile, so the
 * caller must keep processing instead of sleeping. */
void virtq_notify_disable(struct virtq *q);
bool virtq_notify_enable(struct virtq *q);
/* Same, but the `have` chains already seen are not enough: kick only once
 * more arrive; returns true when more than `have` are available now. */
bool virtq_notify_wait_more(struct virtq *q, uint16_t have);

/* Ring sizes in bytes for a queue of num entries. */
static inline uint64_t virtq_desc_size(uint16_t num)
{
	return 16ull * num;
}
static inline uint64_t virtq_avail_size(uint16_t num)
{
	return 6ull + 2ull * num;
}
static inline uint64_t virtq_used_size(uint16_t num)
{
	return 6ull + 8ull * num;
}

/* vring_need_event from the spec: has new_idx passed event since old? */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif
