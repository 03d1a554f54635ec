// SPDX-License-Identifier: MIT
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>

#include "common/log.h"
#include "vmm/virtio/net/net_userspace.h"
#include "vmm/seccomp/seccomp.h"
#include "vmm/virtio/net/virtio_net_feat.h"

#define BATCH	64
#define MAX_IOV NET_US_MAX_IOV

enum { EV_TAP, EV_RX_KICK, EV_TX_KICK, EV_STOP };

static void kick_drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_warn_rl("virtio-net", "eventfd read failed", "{s:s}", "error", strerror(errno));
}

/* A one-segment chain (the common case: Linux and the test guest put the
 * header and frame in one buffer) goes through write()/read(), which take
 * the buffer directly; writev()/readv() first copy and check an iovec array
 * from user memory on every call (import_iovec), measurable per frame. */
static ssize_t tap_writev(int fd, const struct iovec *iov, unsigned int n)
{
	if (n == 1)
		return write(fd, iov[0].iov_base, iov[0].iov_len);
	return writev(fd, iov, (int)n);
}

static ssize_t tap_readv(int fd, const struct iovec *iov, unsigned int n)
{
	if (n == 1)
		return read(fd, iov[0].iov_base, iov[0].iov_len);
	return readv(fd, iov, (int)n);
}

static void flush(struct net_qp *qp, struct virtq *q)
{
	virtq_publish(q);
	if (virtq_need_interrupt(q))
		qp->interrupt(qp->opaque, q);
}

int net_us_tx(struct net_qp *qp)
{
	struct iovec iov[MAX_IOV];
	struct virtq_chain c;
	int r, n = 0;

	for (;;) {
		virtq_notify_disable(qp->tx);
		while ((r = virtq_pop(qp->tx, iov, MAX_IOV, &c)) == 1) {
			/* The guest's 12-byte virtio_net_hdr_v1 leads the chain
			 * and matches the tap's vnet header size. */
			if (c.out_len < VNET_HDR_LEN || c.n_in ||
			    tap_writev(qp->tap_fd, iov, c.n_out) < 0)
				qp->tx_errors++;
			else
				qp->tx_packets++;
			virtq_push(qp->tx, c.head, 0);
			if (++n % BATCH == 0)
				flush(qp, qp->tx);
		}
		flush(qp, qp->tx);
		if (r == -E2BIG)
			qp->tx->broken = true; /* longer than IOV_MAX: unusable */
		if (r < 0)
			return r;
		if (!virtq_notify_enable(qp->tx))
			return n;
	}
}

/* Tops the held chains up until they can take rx_need bytes (a single
 * chain without MRG_RXBUF); false when the ring ran out first. */
static bool rx_fill(struct net_qp *qp)
{
	struct virtq_chain c;
	int r;

	while (qp->rx_held < NET_US_MAX_RX_CHAINS &&
	       (qp->mrg_rxbuf ? qp->rx_total < qp->rx_need : qp->rx_held == 0)) {
		r = virtq_pop(qp->rx, qp->rx_iov + qp->rx_niov, NET_US_MAX_IOV - qp->rx_niov, &c);
		if (r == -E2BIG && qp->rx_held == 0)
			qp->rx->broken = true; /* no room would ever do */
		if (r == -E2BIG)
			return qp->rx_held > 0; /* iovecs full: use what is held */
		if (r <= 0)
			return false;
		if (c.n_out || c.in_len < VNET_HDR_LEN) {
			/* Section 5.1.6.3: receive buffers are write-only and
			 * hold at least the header. */
			qp->rx->broken = true;
			return false;
		}
		qp->rx_heads[qp->rx_held] = c.head;
		qp->rx_lens[qp->rx_held] = c.in_len;
		qp->rx_niovs[qp->rx_held] = (uint16_t)c.n_in;
		qp->rx_niov += c.n_in;
		qp->rx_total += c.in_len;
		qp->rx_held++;
	}
	return qp->rx_held > 0;
}

/* The first k held chains took a packet: used entries, then shift. */
static void rx_consume(struct net_qp *qp, int k, const uint32_t *used)
{
	unsigned int niov = 0;

	for (int i = 0; i < k; i++) {
		virtq_push(qp->rx, qp->rx_heads[i], used[i]);
		niov += qp->rx_niovs[i];
		qp->rx_total -= qp->rx_lens[i];
	}
	memmove(qp->rx_iov, qp->rx_iov + niov, (qp->rx_niov - niov) * sizeof(qp->rx_iov[0]));
	memmove(qp->rx_heads, qp->rx_heads + k,
		(size_t)(qp->rx_held - k) * sizeof(qp->rx_heads[0]));
	memmove(qp->rx_lens, qp->rx_lens + k, (size_t)(qp->rx_held - k) * sizeof(qp->rx_lens[0]));
	memmove(qp->rx_niovs, qp->rx_niovs + k,
		(size_t)(qp->rx_held - k) * sizeof(qp->rx_niovs[0]));
	qp->rx_held -= k;
	qp->rx_niov -= niov;
}

void net_us_rx_release(struct net_qp *qp)
{
	/* They are the most recently popped chains of this queue. */
	virtq_unpop(qp->rx, (uint16_t)qp->rx_held);
	qp->rx_held = 0;
	qp->rx_niov = 0;
	qp->rx_total = 0;
}

int net_us_rx(struct net_qp *qp)
{
	uint32_t used[NET_US_MAX_RX_CHAINS];
	int k, err = 0, moved = 0;
	ssize_t got;

	for (;;) {
		if (!rx_fill(qp)) {
			if (qp->rx->broken)
				break;
			/* Too few buffers: every available one is held, so
			 * ask for a kick at the next (section 2.7.10.2). */
			if (virtq_notify_enable(qp->rx))
				continue;
			qp->rx_waiting = true;
			break;
		}
		got = tap_readv(qp->tap_fd, qp->rx_iov, qp->rx_niov);
		if (got < 0) {
			err = errno == EAGAIN ? 0 : -errno;
			break; /* the chains stay held for the next one */
		}
		if (qp->mrg_rxbuf) {
			k = vnet_rx_split(qp->rx_lens, qp->rx_held, (size_t)got, used);
			if (k < 0) { /* cannot happen: readv fills at most these */
				qp->rx_dropped++;
				k = 1;
				used[0] = (uint32_t)qp->rx_lens[0];
			}
		} else {
			k = 1;
			used[0] = (uint32_t)got;
		}
		/* The tap writes the 10-byte header; num_buffers is ours. */
		vnet_hdr_set_num_buffers(qp->rx_iov, qp->rx_niov, (uint16_t)k);
		rx_consume(qp, k, used);
		qp->rx_packets++;
		if (++moved % BATCH == 0)
			flush(qp, qp->rx);
	}
	flush(qp, qp->rx);
	if (qp->rx->broken)
		return -EINVAL;
	return err < 0 ? err : moved;
}

static int ep_set(int ep, int fd, uint32_t events, int tag, int op)
{
	struct epoll_event e = { .events = events, .data.u32 = (uint32_t)tag };

	return epoll_ctl(ep, op, fd, &e) < 0 ? -errno : 0;
}

static void *io_thread(void *arg)
{
	struct net_qp *qp = arg;
	struct epoll_event ev[4];
	bool tap_muted = false, tap_dead = false;
	int i, n, r;

	/* A full stderr must never stall the data path. */
	log_thread_nonblocking();
	/* Narrow to the I/O allow-list before touching guest rings. */
	r = seccomp_thread_enter(SECCOMP_IO);
	if (r) {
		log_error("virtio-net", "I/O thread seccomp filter failed", "{s:s}", "error",
			  strerror(-r));
		qp->broken(qp->opaque);
		return NULL;
	}
	/* Drain whatever is pending before sleeping the first time. */
	net_us_tx(qp);
	net_us_rx(qp);
	for (;;) {
		if (!tap_dead && qp->rx_waiting != tap_muted) {
			tap_muted = qp->rx_waiting;
			ep_set(qp->ep, qp->tap_fd, tap_muted ? 0 : EPOLLIN, EV_TAP, EPOLL_CTL_MOD);
		}
		n = epoll_wait(qp->ep, ev, 4, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			r = 0;
			switch (ev[i].data.u32) {
			case EV_STOP:
				return NULL;
			case EV_TX_KICK:
				kick_drain(qp->tx_kick);
				r = net_us_tx(qp);
				break;
			case EV_RX_KICK:
				kick_drain(qp->rx_kick);
				qp->rx_waiting = false;
				if (!tap_dead)
					r = net_us_rx(qp);
				break;
			case EV_TAP:
				r = net_us_rx(qp);
				if (!r && (ev[i].events & (EPOLLERR | EPOLLHUP)))
					r = -EIO;
				break;
			}
			if (qp->rx->broken || qp->tx->broken) {
				qp->broken(qp->opaque);
				return NULL;
			}
			/* A tap that fails reads (deleted, detached) would wake
			 * epoll forever: stop watching it, say so once.  The
			 * guest's transmit side keeps draining. */
			if (r < 0 && ev[i].data.u32 != EV_TX_KICK && !tap_dead) {
				log_error_rl("virtio-net",
					     "tap unreadable; receive stopped on this queue pair",
					     "{s:i, s:s}", "pair", qp->index, "error",
					     strerror(-r));
				epoll_ctl(qp->ep, EPOLL_CTL_DEL, qp->tap_fd, NULL);
				tap_dead = true;
			}
		}
	}
	return NULL;
}

int net_us_start(struct net_qp *qp)
{
	int r;

	qp->rx_waiting = false;
	qp->rx_held = 0;
	qp->rx_niov = 0;
	qp->rx_total = 0;
	qp->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	qp->ep = epoll_create1(EPOLL_CLOEXEC);
	if (qp->stop_fd < 0 || qp->ep < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = ep_set(qp->ep, qp->tap_fd, EPOLLIN, EV_TAP, EPOLL_CTL_ADD)) ||
	    (r = ep_set(qp->ep, qp->rx_kick, EPOLLIN, EV_RX_KICK, EPOLL_CTL_ADD)) ||
	    (r = ep_set(qp->ep, qp->tx_kick, EPOLLIN, EV_TX_KICK, EPOLL_CTL_ADD)) ||
	    (r = ep_set(qp->ep, qp->stop_fd, EPOLLIN, EV_STOP, EPOLL_CTL_ADD)))
		goto fail;
	r = -pthread_create(&qp->thread, NULL, io_thread, qp);
	if (r)
		goto fail;
	qp->running = true;
	return 0;
fail:
	if (qp->stop_fd >= 0)
		close(qp->stop_fd);
	if (qp->ep >= 0)
		close(qp->ep);
	qp->stop_fd = qp->ep = -1;
	return r;
}

void net_us_stop(struct net_qp *qp)
{
	uint64_t one = 1;

	if (!qp->running)
		return;
	if (write(qp->stop_fd, &one, sizeof(one)) < 0)
		log_warn_rl("virtio-net", "stop signal failed", "{s:s}", "error", strerror(errno));
	pthread_join(qp->thread, NULL);
	close(qp->stop_fd);
	close(qp->ep);
	qp->stop_fd = qp->ep = -1;
	qp->running = false;
	net_us_rx_release(qp);
	log_info_rl("virtio-net", "queue pair stopped", "{s:i, s:I, s:I, s:I, s:I}", "pair",
		    qp->index, "rx_packets", (json_int_t)qp->rx_packets, "tx_packets",
		    (json_int_t)qp->tx_packets, "rx_dropped", (json_int_t)qp->rx_dropped,
		    "tx_errors", (json_int_t)qp->tx_errors);
}
