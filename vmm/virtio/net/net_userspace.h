/* SPDX-License-Identifier: MIT */
#ifndef VMM_NET_USERSPACE_H
#define VMM_NET_USERSPACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/virtio/virtq.h"

/*
 * Userspace virtio-net backend: one I/O thread per queue pair on epoll over
 * the tap fd, the two kick eventfds (KVM ioeventfds in podvmm) and a stop
 * eventfd.  Receive reads straight into the guest's descriptor chains
 * (readv, or read for a one-buffer chain), transmit writes straight from
 * them (writev, or write); used entries are published and the guest
 * interrupted once per batch, subject to EVENT_IDX.
 */

#define NET_US_MAX_IOV	     1024 /* IOV_MAX for readv/writev */
#define NET_US_MAX_RX_CHAINS 64

struct net_qp {
	/* Set by the device before net_us_start. */
	struct virtq *rx, *tx;
	int tap_fd;
	int rx_kick, tx_kick;
	bool mrg_rxbuf;
	uint32_t rx_need; /* bytes one receive must be able to take */
	void (*interrupt)(void *opaque, struct virtq *q);
	void (*broken)(void *opaque);
	void *opaque;
	int index; /* queue pair number, for the logs */

	/* Backend state. */
	pthread_t thread;
	int stop_fd, ep;
	bool running;
	bool rx_waiting; /* tap muted until the guest adds buffers */
	uint64_t rx_packets, tx_packets, rx_dropped, tx_errors;

	/* Receive chains popped and not used yet, in ring order.  They stay
	 * held across packets, so a large rx_need (GSO) is not gathered again
	 * for every packet; net_us_stop gives them back to the ring. */
	struct iovec rx_iov[NET_US_MAX_IOV];
	uint16_t rx_heads[NET_US_MAX_RX_CHAINS];
	uint64_t rx_lens[NET_US_MAX_RX_CHAINS];
	uint16_t rx_niovs[NET_US_MAX_RX_CHAINS];
	int rx_held;
	unsigned int rx_niov;
	uint64_t rx_total;
};

int net_us_start(struct net_qp *qp);
/* Stops and joins the thread and gives held receive chains back; the rings
 * are untouched afterwards. */
void net_us_stop(struct net_qp *qp);
/* Gives the held receive chains back to the ring (net_us_stop does). */
void net_us_rx_release(struct net_qp *qp);

/* One pass of each direction, for callers that drive the backend without a
 * thread; return the number of packets moved or a negative errno. */
int net_us_tx(struct net_qp *qp);
int net_us_rx(struct net_qp *qp);

#endif
