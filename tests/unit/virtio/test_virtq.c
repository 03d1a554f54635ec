// SPDX-License-Identifier: MIT
/* The device-side walker against the driver-side ring code over fake guest
 * memory, plus hand-crafted malformed rings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/guest/net/vring_drv.h"
#include "vmm/virtio/virtq.h"

#define MEM_GPA	 0x100000ull
#define MEM_SIZE (1u << 20)
#define RING_GPA MEM_GPA
#define BUF_GPA	 (MEM_GPA + 0x10000)

struct fx {
	uint8_t *ram;
	struct guest_mem mem;
	struct vring_drv drv;
	struct virtq q;
};

static uint8_t *hva(struct fx *f, uint64_t gpa)
{
	return f->ram + (gpa - MEM_GPA);
}

static int setup_n(void **state, uint16_t num, bool event_idx)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->ram = aligned_alloc(4096, MEM_SIZE);
	memset(f->ram, 0, MEM_SIZE);
	assert_int_equal(guest_mem_add(&f->mem, MEM_GPA, MEM_SIZE, f->ram), 0);
	vdrv_init(&f->drv, num, hva(f, RING_GPA), RING_GPA, event_idx);
	f->q.num = num;
	f->q.desc_gpa = f->drv.desc_gpa;
	f->q.avail_gpa = f->drv.avail_gpa;
	f->q.used_gpa = f->drv.used_gpa;
	f->q.event_idx = event_idx;
	f->q.indirect = true;
	assert_int_equal(virtq_start(&f->q, &f->mem), 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_n(state, 8, false);
}
static int setup_ev(void **state)
{
	return setup_n(state, 8, true);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->ram);
	free(f);
	return 0;
}

static void t_roundtrip(void **state)
{
	struct fx *f = *state;
	struct iovec iov[4];
	struct virtq_chain c;
	uint32_t len;

	memcpy(hva(f, BUF_GPA), "hello", 5);
	assert_int_equal(vdrv_add(&f->drv, BUF_GPA, 5, false), 0);
	assert_int_equal(vdrv_add(&f->drv, BUF_GPA + 100, 64, true), 1);
	assert_int_equal(virtq_pop(&f->q, iov, 4, &c), 0); /* not published */
	vdrv_publish(&f->drv);
	assert_int_equal(virtq_avail_count(&f->q), 2);
	assert_int_equal(virtq_pop(&f->q, iov, 4, &c), 1);
	assert_int_equal(c.head, 0);
	assert_int_equal(c.n_out, 1);
	assert_int_equal(c.n_in, 0);
	assert_memory_equal(iov[0].iov_base, "hello", 5);
	assert_int_equal(virtq_pop(&f->q, iov, 4, &c), 1);
	assert_int_equal(c.n_in, 1);
	assert_int_equal(c.in_len, 64);
	assert_ptr_equal(iov[0].iov_base, hva(f, BUF_GPA + 100));
	virtq_push(&f->q, 1, 33);
	virtq_push(&f->q, 0, 0);
	assert_int_equal(vdrv_get_used(&f->drv, &len), -1); /* not published */
	virtq_publish(&f->q);
	assert_int_equal(vdrv_get_used(&f->drv, &len), 1);
	assert_int_equal(len, 33);
	assert_int_equal(vdrv_get_used(&f->drv, &len), 0);
	assert_false(f->q.broken);
}

/* Builds a chain by hand in the descriptor table. */
static void put_desc(struct fx *f, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	f->drv.desc[i].addr = addr;
	f->drv.desc[i].len = len;
	f->drv.desc[i].flags = flags;
	f->drv.desc[i].next = next;
}

static void offer(struct fx *f, uint16_t head)
{
	f->drv.avail[2 + (f->drv.avail_idx & (f->drv.num - 1))] = head;
	f->drv.avail_idx++;
	vdrv_publish(&f->drv);
}

static void t_chain_and_unpop(void **state)
{
	struct fx *f = *state;
	struct iovec iov[8];
	struct virtq_chain c;

	put_desc(f, 3, BUF_GPA, 12, 1, 5);
	put_desc(f, 5, BUF_GPA + 12, 100, 1 | 2, 6);
	put_desc(f, 6, BUF_GPA + 200, 100, 2, 0);
	offer(f, 3);
	assert_int_equal(virtq_pop(&f->q, iov, 8, &c), 1);
	assert_int_equal(c.n_out, 1);
	assert_int_equal(c.n_in, 2);
	assert_int_equal(c.in_len, 200);
	virtq_unpop(&f->q, 1);
	assert_int_equal(virtq_pop(&f->q, iov, 8, &c), 1);
	assert_int_equal(c.head, 3);
}

static void expect_broken(struct fx *f, int err)
{
	struct iovec iov[8];
	struct virtq_chain c;

	assert_int_equal(virtq_pop(&f->q, iov, 8, &c), err);
	assert_true(f->q.broken);
	/* A broken queue stays quiet. */
	assert_int_equal(virtq_pop(&f->q, iov, 8, &c), 0);
}

static void t_loop(void **state)
{
	struct fx *f = *state;

	put_desc(f, 0, BUF_GPA, 4, 1, 1);
	put_desc(f, 1, BUF_GPA, 4, 1, 0);
	offer(f, 0);
	expect_broken(f, -ELOOP);
}

static void t_out_of_range(void **state)
{
	struct fx *f = *state;

	put_desc(f, 0, MEM_GPA + MEM_SIZE - 4, 8, 0, 0);
	offer(f, 0);
	expect_broken(f, -EFAULT);
}

static void t_addr_wrap(void **state)
{
	struct fx *f = *state;

	put_desc(f, 0, UINT64_MAX - 2, 16, 0, 0);
	offer(f, 0);
	expect_broken(f, -EFAULT);
}

static void t_bad_next(void **state)
{
	struct fx *f = *state;

	put_desc(f, 0, BUF_GPA, 4, 1, 8);
	offer(f, 0);
	expect_broken(f, -EINVAL);
}

static void t_bad_head(void **state)
{
	struct fx *f = *state;

	offer(f, 200);
	expect_broken(f, -EINVAL);
}

static void t_avail_idx_jump(void **state)
{
	struct fx *f = *state;
	struct iovec iov[2];
	struct virtq_chain c;

	f->drv.avail[1] = 9; /* 9 buffers in a ring of 8 */
	assert_true(virtq_pop(&f->q, iov, 2, &c) < 0);
	assert_true(f->q.broken);
}

/* The device pops from a shadow of avail->idx; a driver that then jumps
 * the index past the ring is still caught once the shadow is used up, and
 * a last_avail set from outside (vhost's base) is not taken on trust. */
static void t_avail_idx_jump_after_shadow(void **state)
{
	struct fx *f = *state;
	struct iovec iov[2];
	struct virtq_chain c;

	assert_int_equal(vdrv_add(&f->drv, BUF_GPA, 4, false), 0);
	assert_int_equal(vdrv_add(&f->drv, BUF_GPA, 4, false), 1);
	vdrv_publish(&f->drv);
	assert_int_equal(virtq_pop(&f->q, iov, 2, &c), 1);
	f->drv.avail[1] = (uint16_t)(f->q.last_avail + 10); /* 9 past the next pop */
	assert_int_equal(virtq_pop(&f->q, iov, 2, &c), 1);  /* published before */
	assert_true(virtq_pop(&f->q, iov, 2, &c) < 0);
	assert_true(f->q.broken);
}

static void t_avail_shadow_external_base(void **state)
{
	struct fx *f = *state;
	struct iovec iov[2];
	struct virtq_chain c;

	assert_int_equal(vdrv_add(&f->drv, BUF_GPA, 4, false), 0);
	vdrv_publish(&f->drv);
	assert_int_equal(virtq_avail_count(&f->q), 1); /* shadow = 1 */
	f->q.last_avail = 9;			       /* e.g. vhost's base: past the shadow */
	assert_int_equal(virtq_pop(&f->q, iov, 2, &c), -EINVAL); /* read afresh: 1 - 9 */
	assert_true(f->q.broken);
}

static void t_write_then_read(void **state)
{
	struct fx *f = *state;

	put_desc(f, 0, BUF_GPA, 4, 1 | 2, 1);
	put_desc(f, 1, BUF_GPA, 4, 0, 0);
	offer(f, 0);
	expect_broken(f, -EINVAL);
}

static void t_too_many_iov(void **state)
{
	struct fx *f = *state;
	struct iovec iov[2];
	struct virtq_chain c;

	put_desc(f, 0, BUF_GPA, 4, 1, 1);
	put_desc(f, 1, BUF_GPA, 4, 1, 2);
	put_desc(f, 2, BUF_GPA, 4, 0, 0);
	offer(f, 0);
	assert_int_equal(virtq_pop(&f->q, iov, 2, &c), -E2BIG);
	assert_false(f->q.broken);
	assert_int_equal(virtq_avail_count(&f->q), 1);
}

static void t_indirect(void **state)
{
	struct fx *f = *state;
	struct vdrv_desc *t = (struct vdrv_desc *)hva(f, BUF_GPA + 0x1000);
	struct iovec iov[8];
	struct virtq_chain c;

	t[0] = (struct vdrv_desc){ BUF_GPA, 12, 1, 1 };
	t[1] = (struct vdrv_desc){ BUF_GPA + 64, 1500, 2, 0 };
	put_desc(f, 2, BUF_GPA + 0x1000, 32, 4, 0);
	offer(f, 2);
	assert_int_equal(virtq_pop(&f->q, iov, 8, &c), 1);
	assert_int_equal(c.head, 2);
	assert_int_equal(c.n_out, 1);
	assert_int_equal(c.n_in, 1);
	assert_int_equal(c.in_len, 1500);
}

static void t_indirect_bad(void **state)
{
	struct fx *f = *state;
	struct vdrv_desc *t = (struct vdrv_desc *)hva(f, BUF_GPA + 0x1000);

	/* Loop inside the table. */
	t[0] = (struct vdrv_desc){ BUF_GPA, 12, 1, 1 };
	t[1] = (struct vdrv_desc){ BUF_GPA, 12, 1, 0 };
	put_desc(f, 0, BUF_GPA + 0x1000, 32, 4, 0);
	offer(f, 0);
	expect_broken(f, -ELOOP);
}

static void t_indirect_nested(void **state)
{
	struct fx *f = *state;
	struct vdrv_desc *t = (struct vdrv_desc *)hva(f, BUF_GPA + 0x1000);

	t[0] = (struct vdrv_desc){ BUF_GPA + 0x1000, 16, 4, 0 };
	put_desc(f, 0, BUF_GPA + 0x1000, 16, 4, 0);
	offer(f, 0);
	expect_broken(f, -EINVAL);
}

static void t_indirect_not_negotiated(void **state)
{
	struct fx *f = *state;

	f->q.indirect = false;
	put_desc(f, 0, BUF_GPA + 0x1000, 16, 4, 0);
	offer(f, 0);
	expect_broken(f, -EINVAL);
}

static void t_indirect_len(void **state)
{
	struct fx *f = *state;

	put_desc(f, 0, BUF_GPA + 0x1000, 24, 4, 0);
	offer(f, 0);
	expect_broken(f, -EINVAL);
}

static void t_bad_start(void **state)
{
	struct fx *f = *state;
	struct virtq q = { .num = 6, .desc_gpa = RING_GPA };

	assert_int_equal(virtq_start(&q, &f->mem), -EINVAL);
	q.num = 8;
	q.desc_gpa = RING_GPA + 8; /* misaligned */
	assert_int_equal(virtq_start(&q, &f->mem), -EINVAL);
	q.desc_gpa = MEM_GPA + MEM_SIZE - 64; /* table runs off RAM */
	assert_int_equal(virtq_start(&q, &f->mem), -EINVAL);
	assert_true(q.broken);
}

/* EVENT_IDX: the device interrupts only when used_event is crossed. */
static void t_event_idx(void **state)
{
	struct fx *f = *state;
	struct iovec iov[2];
	struct virtq_chain c;
	uint32_t len;
	int i;

	for (i = 0; i < 4; i++)
		vdrv_add(&f->drv, BUF_GPA + i * 64, 64, true);
	vdrv_publish(&f->drv);
	for (i = 0; i < 4; i++)
		assert_int_equal(virtq_pop(&f->q, iov, 2, &c), 1);
	virtq_push(&f->q, 0, 1);
	virtq_publish(&f->q);
	assert_true(virtq_need_interrupt(&f->q)); /* used_event 0 crossed */
	virtq_push(&f->q, 1, 1);
	virtq_publish(&f->q);
	assert_false(virtq_need_interrupt(&f->q)); /* driver has not consumed */
	assert_int_equal(vdrv_get_used(&f->drv, &len), 0);
	assert_int_equal(vdrv_get_used(&f->drv, &len), 1); /* used_event = 2 */
	virtq_push(&f->q, 2, 1);
	virtq_publish(&f->q);
	assert_true(virtq_need_interrupt(&f->q));
	/* avail_event: the driver kicks only when the device asked. */
	vdrv_add(&f->drv, BUF_GPA, 64, true);
	assert_false(vdrv_publish(&f->drv));		   /* avail_event still 0 */
	assert_false(virtq_notify_enable(&f->q) == false); /* one pending */
	assert_int_equal(virtq_pop(&f->q, iov, 2, &c), 1);
	assert_false(virtq_notify_enable(&f->q));
	vdrv_add(&f->drv, BUF_GPA, 64, true);
	assert_true(vdrv_publish(&f->drv));
}

static void t_no_event_idx_flags(void **state)
{
	struct fx *f = *state;

	vdrv_add(&f->drv, BUF_GPA, 64, true);
	assert_true(vdrv_publish(&f->drv));
	virtq_notify_disable(&f->q);
	vdrv_add(&f->drv, BUF_GPA, 64, true);
	assert_false(vdrv_publish(&f->drv));
	assert_true(virtq_notify_enable(&f->q)); /* 2 pending */
	f->drv.avail[0] = 1;			 /* NO_INTERRUPT */
	virtq_push(&f->q, 0, 0);
	virtq_publish(&f->q);
	assert_false(virtq_need_interrupt(&f->q));
	f->drv.avail[0] = 0;
	assert_true(virtq_need_interrupt(&f->q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(t_chain_and_unpop, setup, teardown),
		cmocka_unit_test_setup_teardown(t_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(t_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(t_addr_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_bad_next, setup, teardown),
		cmocka_unit_test_setup_teardown(t_bad_head, setup, teardown),
		cmocka_unit_test_setup_teardown(t_avail_idx_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(t_avail_idx_jump_after_shadow, setup, teardown),
		cmocka_unit_test_setup_teardown(t_avail_shadow_external_base, setup, teardown),
		cmocka_unit_test_setup_teardown(t_write_then_read, setup, teardown),
		cmocka_unit_test_setup_teardown(t_too_many_iov, setup, teardown),
		cmocka_unit_test_setup_teardown(t_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(t_indirect_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(t_indirect_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(t_indirect_not_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(t_indirect_len, setup, teardown),
		cmocka_unit_test_setup_teardown(t_bad_start, setup, teardown),
		cmocka_unit_test_setup_teardown(t_event_idx, setup_ev, teardown),
		cmocka_unit_test_setup_teardown(t_no_event_idx_flags, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
