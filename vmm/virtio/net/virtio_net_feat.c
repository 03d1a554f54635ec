// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "common/util.h"
#include "vmm/virtio/net/virtio_net_feat.h"

uint64_t vnet_features_offer(const struct vnet_offer *o)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
		     (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
		     (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
		     (1ULL << VIRTIO_NET_F_CTRL_VQ);

	if (o->mtu)
		f |= (1ULL << VIRTIO_NET_F_MTU);
	if (o->queue_pairs > 1)
		f |= (1ULL << VIRTIO_NET_F_MQ);
	if (o->offloads)
		f |= (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
		     (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |
		     (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) |
		     (1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
	return f;
}

/* Section 5.1.3.1: a feature the driver accepts needs its dependency. */
static const struct {
	int f, needs;
} deps[] = {
	{ VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_GUEST_ECN, VIRTIO_NET_F_GUEST_TSO4 },
	{ VIRTIO_NET_F_GUEST_UFO, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_CSUM },
	{ VIRTIO_NET_F_HOST_TSO6, VIRTIO_NET_F_CSUM },
	{ VIRTIO_NET_F_HOST_ECN, VIRTIO_NET_F_HOST_TSO4 },
	{ VIRTIO_NET_F_HOST_UFO, VIRTIO_NET_F_CSUM },
	{ VIRTIO_NET_F_CTRL_RX, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_CTRL_VLAN, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_MQ, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_CTRL_MAC_ADDR, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, VIRTIO_NET_F_CTRL_VQ },
};

int vnet_features_check(uint64_t offered, uint64_t acked)
{
	size_t i;

	if (acked & ~offered)
		return -EINVAL;
	/* We are a modern-only device (section 7.2.1 / 2.2.3). */
	if (!(acked & (1ULL << VIRTIO_F_VERSION_1)))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(deps); i++)
		if ((acked & (1ULL << deps[i].f)) && !(acked & (1ULL << deps[i].needs)))
			return -EINVAL;
	return 0;
}

unsigned int vnet_tun_offloads(uint64_t acked)
{
	unsigned int t = 0;

	if (acked & (1ULL << VIRTIO_NET_F_GUEST_CSUM)) {
		t |= TUN_F_CSUM;
		if (acked & (1ULL << VIRTIO_NET_F_GUEST_TSO4))
			t |= TUN_F_TSO4;
		if (acked & (1ULL << VIRTIO_NET_F_GUEST_TSO6))
			t |= TUN_F_TSO6;
		if ((acked & (1ULL << VIRTIO_NET_F_GUEST_ECN)) && (t & (TUN_F_TSO4 | TUN_F_TSO6)))
			t |= TUN_F_TSO_ECN;
	}
	return t;
}

void vnet_hdr_set_num_buffers(struct iovec *iov, unsigned int iovcnt, uint16_t n)
{
	/* num_buffers sits at bytes 10..11 and may straddle iovecs. */
	uint8_t b[2] = { (uint8_t)n, (uint8_t)(n >> 8) };
	size_t off = 10, k = 0;
	unsigned int i;

	for (i = 0; i < iovcnt && k < 2; i++) {
		uint8_t *p = iov[i].iov_base;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		while (off < iov[i].iov_len && k < 2)
			p[off++] = b[k++];
		off = 0;
	}
}

int vnet_rx_split(const uint64_t *chain_len, int n, size_t nread, uint32_t *used_len)
{
	int i;

	for (i = 0; i < n; i++) {
		uint64_t take = nread < chain_len[i] ? nread : chain_len[i];

		used_len[i] = (uint32_t)take;
		nread -= take;
		if (nread == 0)
			return i + 1;
	}
	return -EMSGSIZE;
}

#define GUEST_OFFLOAD_MASK                                                       \
	((1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO6) | (1ULL << VIRTIO_NET_F_GUEST_ECN) |  \
	 (1ULL << VIRTIO_NET_F_GUEST_UFO))

uint8_t vnet_ctrl_handle(struct vnet_ctrl *c, const uint8_t *cmd, size_t len)
{
	uint16_t pairs;
	uint64_t off;

	if (len < 2)
		return VIRTIO_NET_ERR;
	switch (cmd[0]) {
	case VIRTIO_NET_CTRL_MQ:
		if (cmd[1] != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET || len < 4 ||
		    !(c->acked & (1ULL << VIRTIO_NET_F_MQ)))
			return VIRTIO_NET_ERR;
		pairs = (uint16_t)(cmd[2] | cmd[3] << 8);
		/* Section 5.1.6.5.5: 1 <= pairs <= max_virtqueue_pairs. */
		if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > c->max_pairs)
			return VIRTIO_NET_ERR;
		c->cur_pairs = pairs;
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_GUEST_OFFLOADS:
		if (cmd[1] != VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET || len < 10 ||
		    !(c->acked & (1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS)))
			return VIRTIO_NET_ERR;
		memcpy(&off, cmd + 2, 8);
		/* Section 5.1.6.5.6.1: only offloads the driver negotiated. */
		if (off & ~(c->acked & GUEST_OFFLOAD_MASK))
			return VIRTIO_NET_ERR;
		c->guest_offloads = off;
		c->offloads_changed = true;
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_ANNOUNCE:
		return cmd[1] == VIRTIO_NET_CTRL_ANNOUNCE_ACK ? VIRTIO_NET_OK : VIRTIO_NET_ERR;
	default:
		/* CTRL_RX/MAC/VLAN are not offered: the tap delivers all. */
		return VIRTIO_NET_ERR;
	}
}
