// SPDX-License-Identifier: MIT
/*
 * Split virtqueue, device side (virtio 1.2 section 2.7).  The guest may
 * change ring contents concurrently, so every descriptor is copied once into
 * a local before it is validated and used (no double fetch).
 */
#include <errno.h>
#include <string.h>

#include "vmm/virtio/virtq.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio 1.x rings are little-endian; host must be too");

#define DESC_F_NEXT	     1
#define DESC_F_WRITE	     2
#define DESC_F_INDIRECT	     4
#define USED_F_NO_NOTIFY     1
#define AVAIL_F_NO_INTERRUPT 1

/* avail: [0]=flags [1]=idx [2..2+num)=ring [2+num]=used_event */
static inline uint16_t avail_idx_acquire(struct virtq *q)
{
	return __atomic_load_n(&q->avail[1], __ATOMIC_ACQUIRE);
}

static inline volatile uint16_t *used_flags(struct virtq *q)
{
	return (volatile uint16_t *)q->used;
}
static inline volatile uint16_t *used_idx_p(struct virtq *q)
{
	return (volatile uint16_t *)(q->used + 2);
}
static inline volatile uint16_t *avail_event_p(struct virtq *q)
{
	return (volatile uint16_t *)(q->used + 4 + 8ull * q->num);
}

void virtq_reset(struct virtq *q)
{
	const struct guest_mem *mem = q->mem;

	memset(q, 0, sizeof(*q));
	q->mem = mem;
}

int virtq_start(struct virtq *q, const struct guest_mem *mem)
{
	q->mem = mem;
	/* Section 2.7: queue size is a power of 2, at most 32768. */
	if (q->num == 0 || q->num > VIRTQ_MAX_SIZE || (q->num & (q->num - 1)))
		goto bad;
	/* Section 2.7: alignment 16 / 2 / 4. */
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		goto bad;
	q->desc = guest_mem_ptr(mem, q->desc_gpa, virtq_desc_size(q->num));
	q->avail = guest_mem_ptr(mem, q->avail_gpa, virtq_avail_size(q->num));
	q->used = guest_mem_ptr(mem, q->used_gpa, virtq_used_size(q->num));
	if (!q->desc || !q->avail || !q->used)
		goto bad;
	q->last_avail = 0;
	q->avail_shadow = 0;
	q->used_idx = 0;
	q->signalled_valid = false;
	q->broken = false;
	q->ready = true;
	return 0;
bad:
	q->broken = true;
	q->ready = false;
	q->desc = NULL;
	q->avail = NULL;
	q->used = NULL;
	return -EINVAL;
}

int virtq_avail_count(struct virtq *q)
{
	uint16_t idx, n;

	if (!q->ready || q->broken)
		return 0;
	idx = avail_idx_acquire(q);
	n = (uint16_t)(idx - q->last_avail);
	if (n > q->num) {
		/* The driver claims more buffers than the ring holds. */
		q->broken = true;
		return -EINVAL;
	}
	q->avail_shadow = idx;
	return n;
}

/* Chains available per the shadow of avail->idx, refreshed (and checked)
 * only when the shadow says none are left: the driver writes that index
 * on every publish, so reading it per pop would pull its cache line over
 * for every chain.  The shadow is only ever a value the driver published
 * and that passed the check above; last_avail moves towards it (pop) or
 * back by chains taken from below it (unpop), so 0 < n <= num holds for
 * it.  A last_avail set from outside (vhost's GET_VRING_BASE) below the
 * shadow is still inside what the driver published; one past it makes n
 * wrap to at least 65536 - num >= num, so only 0 < n < num is trusted and
 * anything else is read afresh. */
static int avail_pending(struct virtq *q)
{
	uint16_t n = (uint16_t)(q->avail_shadow - q->last_avail);

	if (!q->ready || q->broken)
		return 0;
	if (n && n < q->num)
		return n;
	return virtq_avail_count(q);
}

static struct virtq_desc_raw desc_read(volatile struct virtq_desc_raw *d)
{
	struct virtq_desc_raw r;

	r.addr = d->addr;
	r.len = d->len;
	r.flags = d->flags;
	r.next = d->next;
	return r;
}

/* Adds one buffer to the chain, enforcing readable-before-writable
 * (section 2.7.4.2: the device MUST treat the reverse as an error). */
static int chain_add(struct virtq *q, const struct virtq_desc_raw *d, struct iovec *iov,
		     unsigned int max, struct virtq_chain *c)
{
	void *p;
	bool w = d->flags & DESC_F_WRITE;

	if (!w && c->n_in)
		return -EINVAL;
	if (d->len == 0)
		return 0;
	p = guest_mem_ptr(q->mem, d->addr, d->len);
	if (!p)
		return -EFAULT;
	if (c->n_out + c->n_in >= max)
		return -E2BIG;
	iov[c->n_out + c->n_in].iov_base = p;
	iov[c->n_out + c->n_in].iov_len = d->len;
	if (w) {
		c->n_in++;
		c->in_len += d->len;
	} else {
		c->n_out++;
		c->out_len += d->len;
	}
	return 0;
}

static int walk_indirect(struct virtq *q, const struct virtq_desc_raw *ind, struct iovec *iov,
			 unsigned int max, struct virtq_chain *c, unsigned int *total)
{
	volatile struct virtq_desc_raw *table;
	uint32_t n, i, seen = 0;
	int r;

	/* Section 2.7.5.3: len is a multiple of 16; NEXT with INDIRECT is a
	 * driver error. */
	if (!q->indirect || (ind->flags & DESC_F_NEXT) || ind->len == 0 || (ind->len % 16) ||
	    (ind->addr & 15))
		return -EINVAL;
	n = ind->len / 16;
	if (n > VIRTQ_MAX_CHAIN)
		return -E2BIG;
	table = guest_mem_ptr(q->mem, ind->addr, ind->len);
	if (!table)
		return -EFAULT;
	i = 0;
	for (;;) {
		struct virtq_desc_raw d = desc_read(&table[i]);

		/* Nested indirection is forbidden (2.7.5.3.1); a chain longer
		 * than the table must contain a loop. */
		if (d.flags & DESC_F_INDIRECT)
			return -EINVAL;
		if (++seen > n || ++*total > VIRTQ_MAX_CHAIN)
			return -ELOOP;
		r = chain_add(q, &d, iov, max, c);
		if (r)
			return r;
		if (!(d.flags & DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return -EINVAL;
		i = d.next;
	}
}

int virtq_pop(struct virtq *q, struct iovec *iov, unsigned int max, struct virtq_chain *c)
{
	unsigned int total = 0, seen = 0;
	uint16_t idx;
	int avail, r;

	memset(c, 0, sizeof(*c));
	avail = avail_pending(q);
	if (avail <= 0)
		return avail;
	/* The acquire load of the index (this pop's or the one that set the
	 * shadow) orders the ring read after it. */
	c->head = q->avail[2 + (q->last_avail & (q->num - 1))];
	if (c->head >= q->num) {
		r = -EINVAL;
		goto bad;
	}
	idx = c->head;
	for (;;) {
		struct virtq_desc_raw d = desc_read(&q->desc[idx]);

		if (++seen > q->num) {
			r = -ELOOP;
			goto bad;
		}
		if (d.flags & DESC_F_INDIRECT) {
			/* An indirect descriptor must be the only one in
			 * its chain part; its own NEXT is checked inside. */
			r = walk_indirect(q, &d, iov, max, c, &total);
			if (r)
				goto bad;
			break;
		}
		if (++total > VIRTQ_MAX_CHAIN) {
			r = -ELOOP;
			goto bad;
		}
		r = chain_add(q, &d, iov, max, c);
		if (r)
			goto bad;
		if (!(d.flags & DESC_F_NEXT))
			break;
		if (d.next >= q->num) {
			r = -EINVAL;
			goto bad;
		}
		idx = d.next;
	}
	q->last_avail++;
	return 1;
bad:
	/* -E2BIG only means the caller's iovec array is full: the chain is
	 * left in place so it can retry with room (or give up on it). */
	if (r != -E2BIG)
		q->broken = true;
	return r;
}

void virtq_unpop(struct virtq *q, uint16_t n)
{
	q->last_avail -= n;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	volatile uint32_t *e;

	if (!q->ready || q->broken)
		return;
	e = (volatile uint32_t *)(q->used + 4 + 8ull * (q->used_idx & (q->num - 1)));
	e[0] = head;
	e[1] = len;
	q->used_idx++;
}

void virtq_publish(struct virtq *q)
{
	if (!q->ready || q->broken)
		return;
	/* Elements before the index (section 2.7.8.2). */
	__atomic_store_n(used_idx_p(q), q->used_idx, __ATOMIC_RELEASE);
}

bool virtq_need_interrupt(struct virtq *q)
{
	uint16_t old, event;
	bool need;

	if (!q->ready || q->broken)
		return false;
	/* Order the used idx store before reading the driver's event field. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(q->avail[0] & AVAIL_F_NO_INTERRUPT);
	old = q->signalled_used;
	event = q->avail[2 + q->num];
	need = !q->signalled_valid || virtq_need_event(event, q->used_idx, old);
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	return need;
}

void virtq_notify_disable(struct virtq *q)
{
	if (!q->ready || q->broken || q->event_idx)
		return; /* with EVENT_IDX, not updating avail_event suffices */
	*used_flags(q) |= USED_F_NO_NOTIFY;
}

bool virtq_notify_enable(struct virtq *q)
{
	return virtq_notify_wait_more(q, 0);
}

bool virtq_notify_wait_more(struct virtq *q, uint16_t have)
{
	if (!q->ready || q->broken)
		return false;
	if (q->event_idx)
		*avail_event_p(q) = (uint16_t)(q->last_avail + have);
	else
		*used_flags(q) &= (uint16_t)~USED_F_NO_NOTIFY;
	/* The flag store must be visible before re-reading avail idx, or a
	 * kick could be lost (section 2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint16_t)(avail_idx_acquire(q) - q->last_avail) > have;
}
