// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "vmm/virtio/net/virtio_net_feat.h"

#define V1 (1ULL << VIRTIO_F_VERSION_1)

static void t_offer(void **s)
{
	struct vnet_offer o = { .queue_pairs = 1 };
	uint64_t f = vnet_features_offer(&o);

	assert_true(f & V1);
	assert_true(f & (1ULL << VIRTIO_NET_F_MAC));
	assert_true(f & (1ULL << VIRTIO_NET_F_MRG_RXBUF));
	assert_false(f & (1ULL << VIRTIO_NET_F_MQ));
	assert_false(f & (1ULL << VIRTIO_NET_F_CSUM));
	o.queue_pairs = 2;
	o.offloads = true;
	o.mtu = true;
	f = vnet_features_offer(&o);
	assert_true(f & (1ULL << VIRTIO_NET_F_MQ));
	assert_true(f & (1ULL << VIRTIO_NET_F_CTRL_VQ));
	assert_true(f & (1ULL << VIRTIO_NET_F_GUEST_TSO6));
	assert_true(f & (1ULL << VIRTIO_NET_F_MTU));
	assert_int_equal(vnet_features_check(f, f), 0);
}

static void t_check(void **s)
{
	struct vnet_offer o = { .queue_pairs = 2, .offloads = true };
	uint64_t f = vnet_features_offer(&o);

	assert_int_equal(vnet_features_check(f, V1), 0);
	assert_int_equal(vnet_features_check(f, 0), -EINVAL); /* legacy */
	assert_int_equal(vnet_features_check(f, V1 | (1ULL << VIRTIO_NET_F_GUEST_UFO)), -EINVAL);
	assert_int_equal(vnet_features_check(f, V1 | (1ULL << VIRTIO_NET_F_GUEST_TSO4)), -EINVAL);
	assert_int_equal(vnet_features_check(f, V1 | (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
							(1ULL << VIRTIO_NET_F_GUEST_CSUM)),
			 0);
	assert_int_equal(vnet_features_check(f, V1 | (1ULL << VIRTIO_NET_F_MQ)), -EINVAL);
	assert_int_equal(vnet_features_check(f, V1 | (1ULL << VIRTIO_NET_F_HOST_TSO6)), -EINVAL);
}

static void t_tun_offloads(void **s)
{
	assert_int_equal(vnet_tun_offloads(V1 | (1ULL << VIRTIO_NET_F_CSUM)), 0);
	assert_int_equal(vnet_tun_offloads((1ULL << VIRTIO_NET_F_GUEST_CSUM)), TUN_F_CSUM);
	assert_int_equal(vnet_tun_offloads((1ULL << VIRTIO_NET_F_GUEST_CSUM) |
					   (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
					   (1ULL << VIRTIO_NET_F_GUEST_TSO6)),
			 TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	/* TSO without GUEST_CSUM is not a valid set; nothing is enabled. */
	assert_int_equal(vnet_tun_offloads((1ULL << VIRTIO_NET_F_GUEST_TSO4)), 0);
}

static void t_num_buffers(void **s)
{
	uint8_t a[11], b[4];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	memset(a, 0xee, sizeof(a));
	memset(b, 0xee, sizeof(b));
	vnet_hdr_set_num_buffers(iov, 2, 0x0302);
	assert_int_equal(a[10], 0x02);
	assert_int_equal(b[0], 0x03);
	assert_int_equal(b[1], 0xee);
	assert_int_equal(a[9], 0xee);
}

static void t_rx_split(void **s)
{
	uint64_t lens[3] = { 1000, 1000, 1000 };
	uint32_t used[3];

	assert_int_equal(vnet_rx_split(lens, 3, 1500, used), 2);
	assert_int_equal(used[0], 1000);
	assert_int_equal(used[1], 500);
	assert_int_equal(vnet_rx_split(lens, 3, 1000, used), 1);
	assert_int_equal(vnet_rx_split(lens, 3, 3001, used), -EMSGSIZE);
}

static void t_ctrl(void **s)
{
	struct vnet_ctrl c = { .max_pairs = 2,
			       .cur_pairs = 1,
			       .acked = (1ULL << VIRTIO_NET_F_MQ) |
					(1ULL << VIRTIO_NET_F_GUEST_CSUM) |
					(1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) };
	uint8_t mq[4] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 2, 0 };
	uint8_t off[10] = { VIRTIO_NET_CTRL_GUEST_OFFLOADS, 0, 1 << VIRTIO_NET_F_GUEST_CSUM };

	assert_int_equal(vnet_ctrl_handle(&c, mq, 4), VIRTIO_NET_OK);
	assert_int_equal(c.cur_pairs, 2);
	mq[2] = 3;
	assert_int_equal(vnet_ctrl_handle(&c, mq, 4), VIRTIO_NET_ERR);
	mq[2] = 0;
	assert_int_equal(vnet_ctrl_handle(&c, mq, 4), VIRTIO_NET_ERR);
	assert_int_equal(vnet_ctrl_handle(&c, mq, 3), VIRTIO_NET_ERR);
	assert_int_equal(c.cur_pairs, 2);
	assert_int_equal(vnet_ctrl_handle(&c, off, 10), VIRTIO_NET_OK);
	assert_true(c.offloads_changed);
	off[2] = 1 << VIRTIO_NET_F_GUEST_TSO4; /* not negotiated */
	assert_int_equal(vnet_ctrl_handle(&c, off, 10), VIRTIO_NET_ERR);
	uint8_t rx[3] = { VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, 1 };
	assert_int_equal(vnet_ctrl_handle(&c, rx, 3), VIRTIO_NET_ERR);
	assert_int_equal(vnet_ctrl_handle(&c, rx, 1), VIRTIO_NET_ERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_offer),	  cmocka_unit_test(t_check),
		cmocka_unit_test(t_tun_offloads), cmocka_unit_test(t_num_buffers),
		cmocka_unit_test(t_rx_split),	  cmocka_unit_test(t_ctrl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
