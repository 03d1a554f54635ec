/* SPDX-License-Identifier: MIT */
#ifndef VMM_VHOST_NET_H
#define VMM_VHOST_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/virtio/virtio_pci.h"

/*
 * vhost-net backend (linux/vhost.h): the kernel moves packets between the
 * guest's rings and the tap.  One /dev/vhost-net fd per queue pair; kicks
 * arrive on the same eventfds the KVM ioeventfds signal, interrupts leave
 * through call eventfds bound to KVM irqfds routed to the queue's MSI-X
 * message (or, without MSI-X, relayed to the INTx/ISR path by a thread).
 */

struct vm;
struct vhost_net;

/* Opens pairs vhost-net instances: -ENOENT/-EACCES etc. when unusable. */
int vhost_net_open(struct vhost_net **out, int pairs);
void vhost_net_close(struct vhost_net *vh);

/* Ring and device features the kernel implements. */
uint64_t vhost_net_features(const struct vhost_net *vh);

struct vhost_pair_cfg {
	struct virtq *rx, *tx;
	int rx_index, tx_index; /* virtio queue numbers */
	int tap_fd;
	int rx_kick, tx_kick;
};

/* DRIVER_OK: features, memory table, rings, backends, interrupts. */
int vhost_net_start(struct vhost_net *vh, struct vm *vm, struct virtio_pci *vp,
		    const struct vhost_pair_cfg *pairs, int n, uint64_t acked);
/* Reset: detach backends and stop interrupts. */
void vhost_net_stop(struct vhost_net *vh);
/* MSI-X table or vectors changed: re-point the irqfds. */
void vhost_net_irqs_update(struct vhost_net *vh);

#endif
