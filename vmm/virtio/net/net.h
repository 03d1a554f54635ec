/* SPDX-License-Identifier: MIT */
#ifndef VMM_NET_H
#define VMM_NET_H

#include <stdint.h>

#include "common/err.h"
#include "common/limits.h"

struct pci_bus;
struct vm;

enum net_vhost_mode { NET_VHOST_AUTO, NET_VHOST_ON, NET_VHOST_OFF };

/* One --net fd=N[:N...]|tap=NAME,mac=MAC[,mtu=N][,vhost=auto|on|off][,queues=N] */
struct net_spec {
	int fds[NET_QUEUE_PAIRS_MAX]; /* one per queue pair; -1 when tap= given */
	int nr_fds;
	char tap[16]; /* IFNAMSIZ */
	uint8_t mac[6];
	uint32_t mtu; /* 0 = unset (1500) */
	enum net_vhost_mode vhost;
	int queues; /* queue pairs; default nr_fds or 1 */
};

/* Parse one --net argument; 0 or -EINVAL with e->msg naming the bad key
 * ("invalid or missing \"mac\" in the spec"). */
int net_spec_parse(const char *arg, struct net_spec *spec, struct err *e);

/* Create a virtio-net device per spec and attach it to pci, the board's
 * PCI bus (virtio_net.c).  0 or -errno (e says which device and why). */
int net_devices_attach(struct vm *vm, struct pci_bus *pci, struct net_spec *specs, int n,
		       struct err *e);

#endif
