// SPDX-License-Identifier: MIT
/*
 * The userspace backend against the driver-side ring code over fake guest
 * memory, with a SOCK_DGRAM socketpair standing in for the tap (datagram
 * boundaries and truncation behave like a tap's frames).
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "tests/guest/net/vring_drv.h"
#include "vmm/virtio/net/net_userspace.h"
#include "vmm/virtio/net/virtio_net_feat.h"

#define GPA 0x1000000ull
#define MEM (1u << 20)
#define BUF (GPA + 0x40000)

struct fx {
	uint8_t *ram;
	struct guest_mem mem;
	struct vring_drv drx, dtx;
	struct virtq rx, tx;
	struct net_qp qp;
	int sv[2];
	int irqs, broken;
};

static uint8_t *H(struct fx *f, uint64_t gpa)
{
	return f->ram + (gpa - GPA);
}

static void on_irq(void *o, struct virtq *q)
{
	((struct fx *)o)->irqs++;
}
static void on_broken(void *o)
{
	((struct fx *)o)->broken++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->ram = aligned_alloc(4096, MEM);
	memset(f->ram, 0, MEM);
	guest_mem_add(&f->mem, GPA, MEM, f->ram);
	vdrv_init(&f->drx, 16, f->ram, GPA, true);
	vdrv_init(&f->dtx, 16, f->ram + 0x8000, GPA + 0x8000, true);
	f->rx = (struct virtq){ .num = 16,
				.event_idx = true,
				.desc_gpa = f->drx.desc_gpa,
				.avail_gpa = f->drx.avail_gpa,
				.used_gpa = f->drx.used_gpa };
	f->tx = (struct virtq){ .num = 16,
				.event_idx = true,
				.desc_gpa = f->dtx.desc_gpa,
				.avail_gpa = f->dtx.avail_gpa,
				.used_gpa = f->dtx.used_gpa };
	assert_int_equal(virtq_start(&f->rx, &f->mem), 0);
	assert_int_equal(virtq_start(&f->tx, &f->mem), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, f->sv), 0);
	f->qp = (struct net_qp){ .rx = &f->rx,
				 .tx = &f->tx,
				 .tap_fd = f->sv[0],
				 .rx_need = VNET_HDR_LEN + 1518,
				 .interrupt = on_irq,
				 .broken = on_broken,
				 .opaque = f,
				 .stop_fd = -1,
				 .ep = -1 };
	f->qp.rx_kick = eventfd(0, EFD_NONBLOCK);
	f->qp.tx_kick = eventfd(0, EFD_NONBLOCK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	close(f->sv[0]);
	close(f->sv[1]);
	close(f->qp.rx_kick);
	close(f->qp.tx_kick);
	free(f->ram);
	free(f);
	return 0;
}

static void t_tx(void **state)
{
	struct fx *f = *state;
	uint8_t got[256];
	uint32_t len;

	for (int i = 0; i < 3; i++) {
		memset(H(f, BUF + i * 256), 0, VNET_HDR_LEN);
		memset(H(f, BUF + i * 256) + VNET_HDR_LEN, 'a' + i, 60);
		vdrv_add(&f->dtx, BUF + i * 256, VNET_HDR_LEN + 60, false);
	}
	vdrv_publish(&f->dtx);
	assert_int_equal(net_us_tx(&f->qp), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(recv(f->sv[1], got, sizeof(got), 0), VNET_HDR_LEN + 60);
		assert_int_equal(got[VNET_HDR_LEN], 'a' + i);
	}
	assert_int_equal(vdrv_get_used(&f->dtx, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(f->irqs, 1); /* one interrupt for the batch */
	assert_int_equal(f->qp.tx_packets, 3);
}

static void t_rx_single(void **state)
{
	struct fx *f = *state;
	uint8_t pkt[VNET_HDR_LEN + 100];
	uint32_t len;
	int id;

	memset(pkt, 0, sizeof(pkt));
	pkt[VNET_HDR_LEN] = 0x42;
	/* No buffers yet: the backend waits for the guest. */
	assert_int_equal(send(f->sv[1], pkt, sizeof(pkt), 0), (ssize_t)sizeof(pkt));
	assert_int_equal(net_us_rx(&f->qp), 0);
	assert_true(f->qp.rx_waiting);
	id = vdrv_add(&f->drx, BUF, 2048, true);
	vdrv_publish(&f->drx);
	f->qp.rx_waiting = false;
	assert_int_equal(net_us_rx(&f->qp), 1);
	assert_int_equal(vdrv_get_used(&f->drx, &len), id);
	assert_int_equal(len, sizeof(pkt));
	assert_int_equal(H(f, BUF)[VNET_HDR_LEN], 0x42);
	assert_int_equal(H(f, BUF)[10], 1); /* num_buffers */
	assert_int_equal(f->qp.rx_packets, 1);
}

static void t_rx_mergeable(void **state)
{
	struct fx *f = *state;
	uint8_t pkt[1200];
	uint32_t len;

	f->qp.mrg_rxbuf = true;
	for (int i = 0; i < 8; i++)
		vdrv_add(&f->drx, BUF + i * 512, 512, true);
	vdrv_publish(&f->drx);
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	memset(pkt, 0, VNET_HDR_LEN);
	assert_int_equal(send(f->sv[1], pkt, sizeof(pkt), 0), (ssize_t)sizeof(pkt));
	assert_int_equal(send(f->sv[1], pkt, 100, 0), 100);
	assert_int_equal(net_us_rx(&f->qp), 2);
	/* 1200 bytes over 512-byte buffers: 512 + 512 + 176, num_buffers 3. */
	assert_int_equal(vdrv_get_used(&f->drx, &len), 0);
	assert_int_equal(len, 512);
	assert_int_equal(vdrv_get_used(&f->drx, &len), 1);
	assert_int_equal(len, 512);
	assert_int_equal(vdrv_get_used(&f->drx, &len), 2);
	assert_int_equal(len, 176);
	assert_int_equal(H(f, BUF)[10], 3);
	assert_int_equal(H(f, BUF + 2 * 512)[175], (uint8_t)1199);
	/* The next packet starts in the 4th buffer: the rest was given back. */
	assert_int_equal(vdrv_get_used(&f->drx, &len), 3);
	assert_int_equal(len, 100);
	assert_int_equal(H(f, BUF + 3 * 512)[10], 1);
	/* Enough for the next full-size frame (3 x 512 >= rx_need) stays
	 * held, the 8th buffer is still in the ring; release returns all. */
	assert_int_equal(f->qp.rx_held, 3);
	assert_int_equal(virtq_avail_count(&f->rx), 1);
	net_us_rx_release(&f->qp);
	assert_int_equal(virtq_avail_count(&f->rx), 4);
}

static void t_rx_too_few_buffers(void **state)
{
	struct fx *f = *state;
	uint8_t pkt[64] = { 0 };

	f->qp.mrg_rxbuf = true;
	/* 2 x 512 cannot hold rx_need (a full frame): wait, do not truncate. */
	vdrv_add(&f->drx, BUF, 512, true);
	vdrv_add(&f->drx, BUF + 512, 512, true);
	vdrv_publish(&f->drx);
	send(f->sv[1], pkt, sizeof(pkt), 0);
	assert_int_equal(net_us_rx(&f->qp), 0);
	assert_true(f->qp.rx_waiting);
	assert_int_equal(f->qp.rx_held, 2);
	/* avail_event asks for a kick once a third buffer comes. */
	vdrv_add(&f->drx, BUF + 1024, 512, true);
	assert_true(vdrv_publish(&f->drx));
	f->qp.rx_waiting = false;
	assert_int_equal(net_us_rx(&f->qp), 1);
}

static void t_broken_ring(void **state)
{
	struct fx *f = *state;

	f->dtx.avail[2] = 99; /* head out of range */
	f->dtx.avail_idx = 1;
	vdrv_publish(&f->dtx);
	assert_true(net_us_tx(&f->qp) < 0);
	assert_true(f->tx.broken);
	/* Receive buffers holding device-readable parts are invalid too. */
	f->drx.desc[0] = (struct vdrv_desc){ BUF, 2048, 0, 0 };
	f->drx.avail[2] = 0;
	f->drx.avail_idx = 1;
	vdrv_publish(&f->drx);
	send(f->sv[1], "x", 1, 0);
	assert_true(net_us_rx(&f->qp) < 0);
	assert_true(f->rx.broken);
}

static void t_thread(void **state)
{
	struct fx *f = *state;
	uint8_t got[128];
	uint64_t one = 1;
	struct pollfd p = { f->sv[1], POLLIN, 0 };

	assert_int_equal(net_us_start(&f->qp), 0);
	memset(H(f, BUF), 0, VNET_HDR_LEN + 20);
	vdrv_add(&f->dtx, BUF, VNET_HDR_LEN + 20, false);
	if (vdrv_publish(&f->dtx))
		assert_int_equal(write(f->qp.tx_kick, &one, 8), 8);
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(recv(f->sv[1], got, sizeof(got), 0), VNET_HDR_LEN + 20);
	/* RX through the thread: buffer first, then the frame. */
	vdrv_add(&f->drx, BUF + 4096, 2048, true);
	if (vdrv_publish(&f->drx))
		assert_int_equal(write(f->qp.rx_kick, &one, 8), 8);
	send(f->sv[1], got, VNET_HDR_LEN + 20, 0);
	for (int i = 0; i < 500 && vdrv_get_used(&f->drx, NULL) < 0; i++)
		usleep(10000);
	net_us_stop(&f->qp);
	assert_int_equal(f->qp.rx_packets, 1);
	assert_int_equal(f->broken, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rx_single, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rx_mergeable, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rx_too_few_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(t_broken_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(t_thread, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
