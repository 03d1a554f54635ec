/* SPDX-License-Identifier: MIT */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/virtio/net/net.h"
#include "vmm/virtio/net/net_userspace.h"
#include "vmm/virtio/net/virtio_net_feat.h"
#include "vmm/virtio/virtio_pci.h"

struct vhost_net;

/* A virtio-net PCI function (virtio 1.2 section 5.1) on one tap. */
struct virtio_net {
	struct virtio_pci vp;
	struct vm *vm;
	uint8_t mac[6];
	uint16_t mtu;
	int pairs; /* queue pairs offered */
	int nq;	   /* 2 * pairs + control queue */
	int taps[NET_QUEUE_PAIRS_MAX];
	char ifname[16];
	bool own_taps; /* opened by tap=, closed at exit */
	bool offloads; /* tap accepts TUNSETOFFLOAD */
	struct virtq vqs[2 * NET_QUEUE_PAIRS_MAX + 1];
	struct net_qp qps[NET_QUEUE_PAIRS_MAX];
	int kicks[2 * NET_QUEUE_PAIRS_MAX]; /* eventfds behind the ioeventfds */
	bool ioeventfds;
	/* Where the ioeventfds are registered: deassigned there, wherever
	 * the BAR is by then. */
	uint64_t ioev_addr[2 * NET_QUEUE_PAIRS_MAX];
	int ioev_n;
	struct vhost_net *vhost; /* NULL: userspace backend */
	struct vnet_ctrl ctrl;
	uint64_t acked;
	bool running;
};

/* Creates the device for one --net spec and adds it to pci; 0 or -errno
 * (e says what failed). */
int virtio_net_create(struct vm *vm, struct pci_bus *pci, struct net_spec *spec,
		      struct virtio_net **out, struct err *e);

#endif
