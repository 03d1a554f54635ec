// SPDX-License-Identifier: MIT
/*
 * virtio-net device model (virtio 1.2 section 5.1) on the modern PCI
 * transport, with a tap behind it and either the vhost-net or the userspace
 * backend moving packets.  Queue numbering (5.1.2): receiveq N = 2N,
 * transmitq N = 2N+1, controlq last.
 */
#include <endian.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "common/err.h"
#include "common/log.h"
#include "vmm/virtio/net/tap.h"
#include "vmm/virtio/net/vhost_net.h"
#include "vmm/virtio/net/virtio_net.h"
#include "vmm/kvm/vm.h"

#define QUEUE_SIZE 256
/* Features the data path (vhost) must implement; the rest is ours or the
 * tap's (checksum/GSO travel in the vnet header). */
#define VHOST_RING_FEATURES                                                          \
	((1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MRG_RXBUF))

static struct virtio_net *VN(struct virtio_pci *vp)
{
	return vp->dev;
}
/* Section 5.1.2: N pairs only with MQ negotiated, else 1; the control
 * queue follows the last pair in use. */
static int active_pairs(const struct virtio_net *n)
{
	return (n->acked & (1ULL << VIRTIO_NET_F_MQ)) ? n->pairs : 1;
}

static int ctrl_q(const struct virtio_net *n)
{
	return (n->acked & (1ULL << VIRTIO_NET_F_CTRL_VQ)) ? 2 * active_pairs(n) : -1;
}

static void mac_str(const uint8_t *m, char *s)
{
	static const char hx[] = "0123456789abcdef";

	for (int i = 0; i < 6; i++) {
		s[3 * i] = hx[m[i] >> 4];
		s[3 * i + 1] = hx[m[i] & 15];
		s[3 * i + 2] = i < 5 ? ':' : 0;
	}
}

static void cfg_access(struct virtio_pci *vp, uint32_t off, uint8_t *data, uint32_t len,
		       bool is_write)
{
	struct virtio_net *n = VN(vp);
	/* Section 5.1.4; little-endian for a modern device (2.5).  Fields of
	 * features not offered (speed, duplex, RSS...) read as 0. */
	struct virtio_net_config c = {
		.status = htole16(VIRTIO_NET_S_LINK_UP),
		.max_virtqueue_pairs = htole16((uint16_t)n->pairs),
		.mtu = htole16(n->mtu),
	};
	const uint8_t *b = (const uint8_t *)&c;

	/* Read-only for a modern driver (5.1.4). */
	if (is_write)
		return;
	memcpy(c.mac, n->mac, sizeof(c.mac));
	for (uint32_t i = 0; i < len; i++)
		data[i] = off + i < sizeof(c) ? b[off + i] : 0;
}

static int features_ok(struct virtio_pci *vp, uint64_t acked)
{
	struct virtio_net *n = VN(vp);
	int r = vnet_features_check(vp->device_features, acked);

	if (r) {
		log_warn_rl("virtio-net", "driver features rejected", "{s:s, s:I, s:I}", "tap",
			    n->ifname, "offered", (json_int_t)vp->device_features, "acked",
			    (json_int_t)acked);
		return r;
	}
	n->acked = acked;
	return 0;
}

/* Bytes one received packet may need (5.1.6.3.1). */
static uint32_t rx_need(const struct virtio_net *n)
{
	if (n->acked & ((1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) |
			(1ULL << VIRTIO_NET_F_GUEST_UFO)))
		return VNET_HDR_LEN + 65550;
	return VNET_HDR_LEN + 14 + 4 + n->mtu;
}

static int ioeventfd_one(struct virtio_net *n, int q, bool on)
{
	struct kvm_ioeventfd io = {
		.addr = n->ioev_addr[q],
		.len = 2, /* the driver writes the 16-bit queue index */
		.fd = n->kicks[q],
		.flags = on ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	return ioctl(n->vm->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

/*
 * Registers a kick ioeventfd on each data queue's notify address at the
 * BAR's current place, or deassigns them where they were registered (the
 * BAR may have moved since: a deassign at the new address would fail and
 * leave them in KVM's I/O bus for good).
 */
static int ioeventfd_set(struct virtio_net *n, bool on)
{
	if (!on) {
		for (int q = 0; q < n->ioev_n; q++)
			ioeventfd_one(n, q, false);
		n->ioev_n = 0;
		n->ioeventfds = false;
		return 0;
	}
	if (n->ioeventfds)
		return 0;
	for (int q = 0; q < 2 * active_pairs(n); q++) {
		int e;

		n->ioev_addr[q] = virtio_pci_notify_addr(&n->vp, q);
		if ((e = ioeventfd_one(n, q, true))) {
			n->ioev_n = q;
			ioeventfd_set(n, false);
			return e;
		}
	}
	n->ioev_n = 2 * active_pairs(n);
	n->ioeventfds = true;
	return 0;
}

static int tap_offloads_apply(struct virtio_net *n, uint64_t guest_feats)
{
	unsigned int t = vnet_tun_offloads(guest_feats);

	if (!n->offloads)
		return 0;
	for (int i = 0; i < n->pairs; i++) {
		int r = tap_set_offload(n->taps[i], t);

		if (r)
			return r;
	}
	return 0;
}

static void qp_interrupt(void *opaque, struct virtq *q)
{
	struct virtio_net *n = opaque;

	virtio_pci_queue_interrupt(&n->vp, (int)(q - n->vqs));
}

static void qp_broken(void *opaque)
{
	struct virtio_net *n = opaque;

	log_error_rl("virtio-net", "guest ring malformed; device needs reset", "{s:s}", "tap",
		     n->ifname);
	virtio_pci_needs_reset(&n->vp);
}

/* A multi-queue tap queue takes packets only while attached. */
static int tap_queue_attach(struct virtio_net *n, int i, bool on)
{
	struct ifreq ifr = { .ifr_flags = on ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE };

	if (n->pairs < 2)
		return 0;
	/* EINVAL: already in that state. */
	if (ioctl(n->taps[i], TUNSETQUEUE, &ifr) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

static void data_stop(struct virtio_net *n)
{
	if (n->vhost)
		vhost_net_stop(n->vhost);
	else
		for (int i = 0; i < n->pairs; i++)
			net_us_stop(&n->qps[i]);
}

/*
 * Moves packets on exactly the first cur_pairs pairs (5.1.6.5.5: the device
 * starts with one and follows VQ_PAIRS_SET): their tap queues attached and
 * backends running, the rest stopped and detached.  A detached tap queue
 * polls as an error, so its thread must not watch it.
 */
static int pairs_apply(struct virtio_net *n)
{
	struct vhost_pair_cfg pc[NET_QUEUE_PAIRS_MAX];
	int want = n->ctrl.cur_pairs, np = 0, r = 0;

	if (want > active_pairs(n))
		want = active_pairs(n);
	if (n->vhost)
		vhost_net_stop(n->vhost); /* restarted below with the new set */
	for (int i = 0; i < n->pairs; i++) {
		bool on = i < want && n->vp.queue_enabled[2 * i] && n->vp.queue_enabled[2 * i + 1];
		struct net_qp *qp = &n->qps[i];

		if (!on) {
			if (!n->vhost)
				net_us_stop(qp);
			tap_queue_attach(n, i, false);
			continue;
		}
		if ((r = tap_queue_attach(n, i, true)))
			return r;
		if (n->vhost) {
			pc[np++] = (struct vhost_pair_cfg){ .rx = &n->vqs[2 * i],
							    .tx = &n->vqs[2 * i + 1],
							    .rx_index = 2 * i,
							    .tx_index = 2 * i + 1,
							    .tap_fd = n->taps[i],
							    .rx_kick = n->kicks[2 * i],
							    .tx_kick = n->kicks[2 * i + 1] };
			continue;
		}
		if (qp->running)
			continue;
		*qp = (struct net_qp){
			.rx = &n->vqs[2 * i],
			.tx = &n->vqs[2 * i + 1],
			.tap_fd = n->taps[i],
			.rx_kick = n->kicks[2 * i],
			.tx_kick = n->kicks[2 * i + 1],
			.mrg_rxbuf = n->acked & (1ULL << VIRTIO_NET_F_MRG_RXBUF),
			.rx_need = rx_need(n),
			.interrupt = qp_interrupt,
			.broken = qp_broken,
			.opaque = n,
			.index = i,
			.stop_fd = -1,
			.ep = -1,
		};
		if ((r = net_us_start(qp)))
			return r;
	}
	if (n->vhost && np)
		r = vhost_net_start(n->vhost, n->vm, &n->vp, pc, np, n->acked);
	if (!r)
		log_info_rl("virtio-net", "queue pairs in use", "{s:s, s:i, s:i}", "tap", n->ifname,
			    "pairs", want, "offered", n->pairs);
	return r;
}

static void backends_stop(struct virtio_net *n)
{
	if (!n->running)
		return;
	data_stop(n);
	if (n->ioeventfds)
		ioeventfd_set(n, false);
	n->running = false;
}

static int driver_ok(struct virtio_pci *vp)
{
	struct virtio_net *n = VN(vp);
	int r;

	n->ctrl = (struct vnet_ctrl){
		.max_pairs = n->pairs, .cur_pairs = 1, .acked = n->acked, .guest_offloads = n->acked
	};
	if ((r = tap_offloads_apply(n, n->acked))) {
		log_error_rl("virtio-net", "TUNSETOFFLOAD at DRIVER_OK failed", "{s:s, s:s}", "tap",
			     n->ifname, "error", strerror(-r));
		return r;
	}
	r = ioeventfd_set(n, true);
	if (r) /* MMIO notify writes still reach the kick eventfds */
		log_warn_rl("virtio-net", "KVM_IOEVENTFD failed; kicks take MMIO exits", "{s:s}",
			    "error", strerror(-r));
	n->running = true;
	r = pairs_apply(n);
	if (r) {
		log_error_rl("virtio-net", "starting the backend failed", "{s:s, s:s, s:s}", "tap",
			     n->ifname, "backend", n->vhost ? "vhost-net" : "userspace", "error",
			     strerror(-r));
		backends_stop(n);
		return r;
	}
	log_info_rl("virtio-net", "driver ok", "{s:s, s:I, s:b, s:b, s:b, s:i, s:s}", "tap",
		    n->ifname, "features", (json_int_t)n->acked, "mrg_rxbuf",
		    !!(n->acked & (1ULL << VIRTIO_NET_F_MRG_RXBUF)), "event_idx",
		    !!(n->acked & (1ULL << VIRTIO_RING_F_EVENT_IDX)), "msix",
		    virtio_pci_msix_enabled(vp), "pairs", active_pairs(n), "backend",
		    n->vhost ? "vhost-net" : "userspace");
	return 0;
}

static void reset(struct virtio_pci *vp)
{
	struct virtio_net *n = VN(vp);

	backends_stop(n);
	n->acked = 0;
}

/* Control queue: handled synchronously on the vCPU thread (5.1.6.5). */
static void ctrl_process(struct virtio_net *n)
{
	struct virtq *q = &n->vqs[ctrl_q(n)];
	struct iovec iov[16];
	struct virtq_chain c;
	uint8_t cmd[64];
	int r;

	while ((r = virtq_pop(q, iov, 16, &c)) == 1) {
		size_t len = 0;
		uint8_t ack;

		for (unsigned int i = 0; i < c.n_out && len < sizeof(cmd); i++) {
			size_t k = iov[i].iov_len < sizeof(cmd) - len ? iov[i].iov_len :
									sizeof(cmd) - len;

			memcpy(cmd + len, iov[i].iov_base, k);
			len += k;
		}
		ack = vnet_ctrl_handle(&n->ctrl, cmd, len);
		if (ack == VIRTIO_NET_OK && cmd[0] == VIRTIO_NET_CTRL_MQ && (r = pairs_apply(n))) {
			log_error_rl("virtio-net", "changing queue pairs failed", "{s:i, s:s}",
				     "pairs", n->ctrl.cur_pairs, "error", strerror(-r));
			ack = VIRTIO_NET_ERR;
		}
		if (n->ctrl.offloads_changed) {
			n->ctrl.offloads_changed = false;
			tap_offloads_apply(n, n->ctrl.guest_offloads);
		}
		if (c.n_in)
			memcpy(iov[c.n_out].iov_base, &ack, 1);
		virtq_push(q, c.head, c.n_in ? 1 : 0);
	}
	virtq_publish(q);
	if (r < 0 || q->broken)
		virtio_pci_needs_reset(&n->vp);
	else if (virtq_need_interrupt(q))
		virtio_pci_queue_interrupt(&n->vp, ctrl_q(n));
}

static void notify(struct virtio_pci *vp, int queue)
{
	struct virtio_net *n = VN(vp);
	uint64_t one = 1;

	if (queue == ctrl_q(n)) {
		ctrl_process(n);
		return;
	}
	/* An access the ioeventfd did not catch (other width): same path. */
	if (queue < 2 * active_pairs(n) && write(n->kicks[queue], &one, sizeof(one)) < 0)
		log_warn_rl("virtio-net", "kick failed", "{s:s}", "error", strerror(errno));
}

/*
 * The guest moved BAR0 while the device runs (PCI allows it; Linux does
 * not, but a hostile driver may, again and again): the kick ioeventfds
 * move with it, as the BAR's other registers do.  If KVM refuses the new
 * place, kicks there take the MMIO path (notify()), which works too.
 */
static void bar_moved(struct virtio_pci *vp)
{
	struct virtio_net *n = VN(vp);
	int r;

	if (!n->ioeventfds)
		return;
	ioeventfd_set(n, false);
	if ((r = ioeventfd_set(n, true)))
		log_warn_rl("virtio-net",
			    "KVM_IOEVENTFD at the moved BAR failed; kicks take MMIO exits",
			    "{s:s, s:s}", "tap", n->ifname, "error", strerror(-r));
}

static void msix_changed(struct virtio_pci *vp)
{
	struct virtio_net *n = VN(vp);

	if (n->vhost && n->running)
		vhost_net_irqs_update(n->vhost);
}

static const struct virtio_dev_ops net_ops = {
	.cfg_access = cfg_access,
	.features_ok = features_ok,
	.driver_ok = driver_ok,
	.reset = reset,
	.notify = notify,
	.msix_changed = msix_changed,
	.bar_moved = bar_moved,
};

static int msi_cb(void *ctx, uint64_t addr, uint32_t data)
{
	return vm_signal_msi(ctx, addr, data);
}
static int line_cb(void *ctx, uint32_t gsi, int level)
{
	return vm_irq_line(ctx, gsi, level);
}

/* VM teardown (vCPUs already joined): stop the backends, then free the
 * device; nothing reaches it through the bus after this. */
static void net_atexit(void *opaque)
{
	struct virtio_net *n = opaque;

	pthread_mutex_lock(&n->vp.lock);
	backends_stop(n);
	pthread_mutex_unlock(&n->vp.lock);
	pthread_rwlock_wrlock(&n->vp.pci.bus->lock);
	n->vp.pci.bus->devs[n->vp.pci.slot] = NULL;
	pthread_rwlock_unlock(&n->vp.pci.bus->lock);
	if (n->vhost)
		vhost_net_close(n->vhost);
	for (int i = 0; i < 2 * NET_QUEUE_PAIRS_MAX; i++)
		if (n->kicks[i] >= 0)
			close(n->kicks[i]);
	if (n->own_taps)
		for (int i = 0; i < n->pairs; i++)
			close(n->taps[i]);
	pthread_mutex_destroy(&n->vp.lock);
	free(n);
}

static int taps_open(struct virtio_net *n, struct net_spec *spec, struct err *e)
{
	int r;

	if (spec->tap[0]) {
		r = tap_open(spec->tap, n->pairs, n->taps);
		if (r)
			return err_sys(
				e, -r, "tap %s (queues %d): %s", spec->tap, n->pairs,
				r == -ENODEV ? "tap does not exist" :
				r == -EINVAL ? "tap flags do not match (want a tap with vnet_hdr,"
					       " and multi_queue exactly when queues > 1)" :
					       "cannot attach to the tap");
		snprintf(n->ifname, sizeof(n->ifname), "%s", spec->tap);
		n->own_taps = true;
	} else {
		if (spec->nr_fds != n->pairs)
			return err_set(e, EINVAL, "need one fd per queue pair (%d fds, queues %d)",
				       spec->nr_fds, n->pairs);
		for (int i = 0; i < n->pairs; i++) {
			n->taps[i] = spec->fds[i];
			r = tap_check_fd(n->taps[i], n->pairs > 1, n->ifname);
			if (r)
				return err_sys(
					e, -r, "fd %d: %s", n->taps[i],
					r == -EINVAL ?
						"inherited fd is a tap without vnet_hdr/no_pi (or"
						" multi_queue when queues > 1)" :
						"inherited fd is not a tap");
		}
	}
	for (int i = 0; i < n->pairs; i++) {
		r = tap_set_vnet_hdr_len(n->taps[i], VNET_HDR_LEN);
		if (r)
			return err_sys(e, -r, "tap %s: TUNSETVNETHDRSZ", n->ifname);
	}
	/* Offloads are offered only when the tap takes TUNSETOFFLOAD; start
	 * with none until the guest says what it handles. */
	n->offloads = tap_set_offload(n->taps[0], 0) == 0;
	return 0;
}

static int backend_choose(struct virtio_net *n, enum net_vhost_mode mode, struct err *e)
{
	int r;

	if (mode != NET_VHOST_OFF) {
		r = vhost_net_open(&n->vhost, n->pairs);
		if (r && mode == NET_VHOST_ON)
			return err_sys(e, -r, "tap %s: vhost=on but /dev/vhost-net is unusable",
				       n->ifname);
		if (r)
			log_info("virtio-net", "vhost-net unavailable, using the userspace backend",
				 "{s:s, s:s}", "device", "/dev/vhost-net", "error", strerror(-r));
	}
	return 0;
}

int virtio_net_create(struct vm *vm, struct pci_bus *pci, struct net_spec *spec,
		      struct virtio_net **out, struct err *e)
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	struct vnet_offer offer;
	char mac[18];
	int r;

	if (!n)
		return err_set(e, ENOMEM, "virtio-net device state");
	n->vm = vm;
	memcpy(n->mac, spec->mac, 6);
	n->mtu = (uint16_t)(spec->mtu ? spec->mtu : 1500);
	n->pairs = spec->queues > 0 ? spec->queues : (spec->nr_fds > 0 ? spec->nr_fds : 1);
	if (n->pairs > NET_QUEUE_PAIRS_MAX || spec->mtu > 65535) {
		free(n);
		return err_set(e, EINVAL, "queues above %d or mtu above 65535",
			       NET_QUEUE_PAIRS_MAX);
	}
	n->nq = 2 * n->pairs + 1;
	for (int i = 0; i < NET_QUEUE_PAIRS_MAX; i++)
		n->taps[i] = -1;
	for (int i = 0; i < 2 * NET_QUEUE_PAIRS_MAX; i++)
		n->kicks[i] = -1;
	if ((r = taps_open(n, spec, e)) || (r = backend_choose(n, spec->vhost, e)))
		goto fail;
	offer = (struct vnet_offer){ .queue_pairs = n->pairs,
				     .mtu = spec->mtu != 0,
				     .offloads = n->offloads };
	r = virtio_pci_init(&n->vp, 0x1041, 0x02, 0x00, n->vqs, n->nq, QUEUE_SIZE);
	if (r) {
		err_sys(e, -r, "virtio PCI transport");
		goto fail;
	}
	n->vp.device_features = vnet_features_offer(&offer);
	if (n->vhost)
		/* Ring features vhost lacks must not be offered; device
		 * features (MAC, MTU, STATUS, CTRL_VQ, MQ) are ours. */
		n->vp.device_features &= vhost_net_features(n->vhost) | ~VHOST_RING_FEATURES;
	n->vp.ops = &net_ops;
	n->vp.dev = n;
	n->vp.mem = &vm->mem;
	for (int i = 0; i < n->nq; i++)
		n->vqs[i].mem = &vm->mem;
	n->vp.signal_msi = msi_cb;
	n->vp.irq_line = line_cb;
	n->vp.irq_ctx = vm;
	for (int i = 0; i < 2 * n->pairs; i++) {
		n->kicks[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (n->kicks[i] < 0) {
			r = err_sys(e, errno, "kick eventfd");
			goto fail;
		}
	}
	r = pci_dev_add(pci, &n->vp.pci);
	if (r) {
		err_sys(e, -r, "no room on the PCI bus");
		goto fail;
	}
	/* Without the teardown hook the I/O threads would outlive guest
	 * memory: take the device off the bus again and fail. */
	r = vm_atexit(vm, net_atexit, n);
	if (r) {
		pthread_rwlock_wrlock(&pci->lock);
		pci->devs[n->vp.pci.slot] = NULL;
		pthread_rwlock_unlock(&pci->lock);
		err_sys(e, -r, "no room for the teardown hook");
		goto fail;
	}
	mac_str(n->mac, mac);
	log_info("virtio-net", "device ready", "{s:s, s:s, s:i, s:i, s:s, s:i, s:I}", "tap",
		 n->ifname, "mac", mac, "mtu", n->mtu, "queues", n->pairs, "backend",
		 n->vhost ? "vhost-net" : "userspace", "pci_slot", n->vp.pci.slot, "bar",
		 (json_int_t)n->vp.pci.bar_addr[VPCI_BAR]);
	*out = n;
	return 0;
fail:
	for (int i = 0; i < 2 * NET_QUEUE_PAIRS_MAX; i++)
		if (n->kicks[i] >= 0)
			close(n->kicks[i]);
	if (n->vhost)
		vhost_net_close(n->vhost);
	if (spec->tap[0])
		for (int i = 0; i < n->pairs; i++)
			if (n->taps[i] >= 0)
				close(n->taps[i]);
	free(n);
	return r;
}

int net_devices_attach(struct vm *vm, struct pci_bus *pci, struct net_spec *specs, int n,
		       struct err *e)
{
	struct virtio_net *dev;

	for (int i = 0; i < n; i++) {
		int r = virtio_net_create(vm, pci, &specs[i], &dev, e);

		if (r)
			return r;
	}
	return 0;
}
