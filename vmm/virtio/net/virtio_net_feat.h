/* SPDX-License-Identifier: MIT */
#ifndef VMM_VIRTIO_NET_FEAT_H
#define VMM_VIRTIO_NET_FEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_config.h>

/*
 * Pure virtio-net logic (virtio 1.2 section 5.1): the features the device
 * offers, validation of what the driver accepts, the tap offloads that
 * follow from it, the vnet header, receive-buffer merging and the control
 * queue commands.
 */

#define VNET_HDR_LEN 12 /* struct virtio_net_hdr_v1 */

struct vnet_offer {
	int queue_pairs; /* > 1 offers MQ (and CTRL_VQ) */
	bool mtu;	 /* offer VIRTIO_NET_F_MTU */
	bool offloads;	 /* tap takes TUNSETOFFLOAD: CSUM/TSO both ways */
};

uint64_t vnet_features_offer(const struct vnet_offer *o);

/* Checks the driver's accepted set at FEATURES_OK (sections 2.2, 5.1.3.1):
 * a subset of the offer, VERSION_1 present, feature dependencies kept.
 * 0 or -EINVAL. */
int vnet_features_check(uint64_t offered, uint64_t acked);

/* TUN_F_* for TUNSETOFFLOAD from the acked features: the tap may hand the
 * guest only what the guest said it can take (GUEST_*). */
unsigned int vnet_tun_offloads(uint64_t acked);

/* Writes num_buffers into a received packet's header (section 5.1.6.4). */
void vnet_hdr_set_num_buffers(struct iovec *iov, unsigned int iovcnt, uint16_t n);

/*
 * Receive merging: nread bytes were read across chains whose writable
 * sizes are chain_len[0..n).  Fills used_len[] per chain and returns the
 * number of chains consumed, or -EMSGSIZE when nread exceeds them all.
 */
int vnet_rx_split(const uint64_t *chain_len, int n, size_t nread, uint32_t *used_len);

struct vnet_ctrl {
	int max_pairs;
	int cur_pairs;
	uint64_t acked;
	uint64_t guest_offloads; /* GUEST_* bits now enabled */
	bool offloads_changed;	 /* caller re-applies TUNSETOFFLOAD */
};

/* Handles one control-queue command (header class/cmd + data) and returns
 * the ack byte VIRTIO_NET_OK / VIRTIO_NET_ERR (section 5.1.6.5). */
uint8_t vnet_ctrl_handle(struct vnet_ctrl *c, const uint8_t *cmd, size_t len);

#endif
