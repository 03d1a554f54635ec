// SPDX-License-Identifier: MIT
/*
 * vhost-net backend, written against linux/vhost.h (and the order QEMU and
 * kvmtool use): SET_OWNER, GET_FEATURES at open; at DRIVER_OK SET_FEATURES,
 * SET_MEM_TABLE, then per vring SET_VRING_NUM/BASE/ADDR/KICK/CALL and
 * NET_SET_BACKEND with the tap.  Kicks: the KVM ioeventfd eventfds.
 * Interrupts: call eventfds, each bound by KVM_IRQFD to a GSI whose routing
 * entry is the queue's MSI-X message; a vring whose vector is absent or
 * masked is relayed by a thread to the transport's INTx/PBA logic instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <linux/vhost.h>

#include "common/log.h"
#include "vmm/virtio/net/net.h"
#include "vmm/seccomp/seccomp.h"
#include "vmm/virtio/net/vhost_net.h"
#include "vmm/virtio/net/virtio_net_feat.h"
#include "vmm/kvm/vm.h"

#define NVRING	      (2 * NET_QUEUE_PAIRS_MAX)
#define GSI_FIRST_MSI 24 /* 0..23: PIC/IOAPIC pins */
#define ROUTES_MAX    (24 + 16 + 64)

struct vhost_net {
	int pairs;
	int fds[NET_QUEUE_PAIRS_MAX];
	uint64_t features;
	struct vm *vm;
	struct virtio_pci *vp;
	struct vhost_pair_cfg cfg[NET_QUEUE_PAIRS_MAX];
	int n;
	int call[NVRING]; /* per vring: [2*pair + 0 rx, 1 tx] */
	int gsi[NVRING];  /* routed GSI, -1 = none yet */
	bool irqfd[NVRING];
	bool relayed[NVRING];
	int ep, stop_fd;
	pthread_t relay;
	bool relay_running;
	bool started;
};

/*
 * KVM_SET_GSI_ROUTING replaces the whole table, so one table is kept for the
 * VM: the default irqchip routes KVM starts with (GSI 0..15 to the PICs and
 * 0..23 to the IOAPIC), then one MSI route per vhost vring.
 */
static struct {
	pthread_mutex_t lock;
	struct kvm_irq_routing_entry e[ROUTES_MAX];
	int nr;
	int next_gsi;
} routes = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void routes_init_locked(void)
{
	if (routes.nr)
		return;
	for (uint32_t g = 0; g < 24; g++) {
		if (g < 16)
			routes.e[routes.nr++] = (struct kvm_irq_routing_entry){
				.gsi = g,
				.type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = { .irqchip = g < 8 ? KVM_IRQCHIP_PIC_MASTER :
								  KVM_IRQCHIP_PIC_SLAVE,
					       .pin = g % 8 }
			};
		routes.e[routes.nr++] = (struct kvm_irq_routing_entry){
			.gsi = g,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = g }
		};
	}
	routes.next_gsi = GSI_FIRST_MSI;
}

/* Points gsi (allocated when *gsi < 0) at the MSI message and commits. */
static int route_msi(int vm_fd, int *gsi, uint64_t addr, uint32_t data)
{
	struct kvm_irq_routing *tbl;
	int i, r = 0;

	pthread_mutex_lock(&routes.lock);
	routes_init_locked();
	if (*gsi < 0) {
		if (routes.nr >= ROUTES_MAX) {
			pthread_mutex_unlock(&routes.lock);
			return -ENOSPC;
		}
		*gsi = routes.next_gsi++;
		routes.e[routes.nr++] =
			(struct kvm_irq_routing_entry){ .gsi = (uint32_t)*gsi,
							.type = KVM_IRQ_ROUTING_MSI };
	}
	for (i = 0; i < routes.nr; i++)
		if (routes.e[i].gsi == (uint32_t)*gsi && routes.e[i].type == KVM_IRQ_ROUTING_MSI) {
			routes.e[i].u.msi.address_lo = (uint32_t)addr;
			routes.e[i].u.msi.address_hi = (uint32_t)(addr >> 32);
			routes.e[i].u.msi.data = data;
		}
	tbl = calloc(1, sizeof(*tbl) + routes.nr * sizeof(tbl->entries[0]));
	if (!tbl) {
		r = -ENOMEM;
	} else {
		tbl->nr = (uint32_t)routes.nr;
		memcpy(tbl->entries, routes.e, routes.nr * sizeof(tbl->entries[0]));
		if (ioctl(vm_fd, KVM_SET_GSI_ROUTING, tbl) < 0)
			r = -errno;
		free(tbl);
	}
	pthread_mutex_unlock(&routes.lock);
	return r;
}

int vhost_net_open(struct vhost_net **out, int pairs)
{
	struct vhost_net *vh;
	uint64_t f;
	int i, r;

	vh = calloc(1, sizeof(*vh));
	if (!vh)
		return -ENOMEM;
	vh->pairs = pairs;
	vh->ep = vh->stop_fd = -1;
	for (i = 0; i < NET_QUEUE_PAIRS_MAX; i++)
		vh->fds[i] = -1;
	for (i = 0; i < NVRING; i++) {
		vh->call[i] = -1;
		vh->gsi[i] = -1;
	}
	for (i = 0; i < pairs; i++) {
		vh->fds[i] = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
		if (vh->fds[i] < 0) {
			r = -errno;
			goto fail;
		}
		/* The owner is this process: vhost's worker uses our mm. */
		if (ioctl(vh->fds[i], VHOST_SET_OWNER) < 0 ||
		    ioctl(vh->fds[i], VHOST_GET_FEATURES, &f) < 0) {
			r = -errno;
			goto fail;
		}
		vh->features = i ? vh->features & f : f;
	}
	for (i = 0; i < 2 * pairs; i++) {
		vh->call[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vh->call[i] < 0) {
			r = -errno;
			goto fail;
		}
	}
	/* No IOMMU here: guest addresses are physical (ACCESS_PLATFORM off). */
	vh->features &= ~(1ULL << VIRTIO_F_ACCESS_PLATFORM);
	*out = vh;
	return 0;
fail:
	vhost_net_close(vh);
	return r;
}

void vhost_net_close(struct vhost_net *vh)
{
	if (!vh)
		return;
	vhost_net_stop(vh);
	for (int i = 0; i < NET_QUEUE_PAIRS_MAX; i++)
		if (vh->fds[i] >= 0)
			close(vh->fds[i]);
	for (int i = 0; i < NVRING; i++)
		if (vh->call[i] >= 0)
			close(vh->call[i]);
	free(vh);
}

uint64_t vhost_net_features(const struct vhost_net *vh)
{
	return vh->features;
}

static int vring_index(const struct vhost_net *vh, int v)
{
	const struct vhost_pair_cfg *c = &vh->cfg[v / 2];

	return v % 2 ? c->tx_index : c->rx_index;
}

/* Relays call eventfds not bound to an irqfd through the transport. */
static void *relay_thread(void *arg)
{
	struct vhost_net *vh = arg;
	struct epoll_event ev[8];
	uint64_t cnt;
	int n, i;

	log_thread_nonblocking();
	if (seccomp_thread_enter(SECCOMP_IO)) {
		log_error("virtio-net", "vhost relay seccomp filter failed", NULL);
		return NULL;
	}
	for (;;) {
		n = epoll_wait(vh->ep, ev, 8, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		for (i = 0; i < n; i++) {
			int v = (int)ev[i].data.u32;

			if (v < 0 || v >= NVRING)
				return NULL; /* the stop fd */
			if (read(vh->call[v], &cnt, sizeof(cnt)) == sizeof(cnt))
				virtio_pci_queue_interrupt(vh->vp, vring_index(vh, v));
		}
	}
}

static void relay_watch(struct vhost_net *vh, int v, bool on)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u32 = (uint32_t)v };

	if (vh->relayed[v] == on)
		return;
	if (epoll_ctl(vh->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, vh->call[v], &e) == 0)
		vh->relayed[v] = on;
}

static int irqfd_set(struct vhost_net *vh, int v, bool on)
{
	struct kvm_irqfd irq = { .fd = (uint32_t)vh->call[v],
				 .gsi = (uint32_t)vh->gsi[v],
				 .flags = on ? 0 : KVM_IRQFD_FLAG_DEASSIGN };

	if (vh->irqfd[v] == on)
		return 0;
	if (ioctl(vh->vm->vm_fd, KVM_IRQFD, &irq) < 0)
		return -errno;
	vh->irqfd[v] = on;
	return 0;
}

void vhost_net_irqs_update(struct vhost_net *vh)
{
	uint64_t addr;
	uint32_t data;

	if (!vh->started)
		return;
	for (int v = 0; v < 2 * vh->n; v++) {
		bool msi = virtio_pci_queue_msi(vh->vp, vring_index(vh, v), &addr, &data);
		int r = msi ? route_msi(vh->vm->vm_fd, &vh->gsi[v], addr, data) : 0;

		if (msi && !r)
			r = irqfd_set(vh, v, true);
		if (msi && !r) {
			relay_watch(vh, v, false);
			continue;
		}
		if (r)
			log_warn_rl("virtio-net", "vhost irqfd routing failed; relaying",
				    "{s:i, s:s}", "vring", v, "error", strerror(-r));
		irqfd_set(vh, v, false);
		relay_watch(vh, v, true);
		/* Anything signalled meanwhile is delivered by the relay. */
	}
}

static int vring_setup(struct vhost_net *vh, int fd, unsigned int idx, struct virtq *q, int kick,
		       int call)
{
	struct vhost_vring_state num = { .index = idx, .num = q->num };
	struct vhost_vring_state base = { .index = idx, .num = q->last_avail };
	struct vhost_vring_addr addr = {
		.index = idx,
		.desc_user_addr = (uint64_t)(uintptr_t)q->desc,
		.avail_user_addr = (uint64_t)(uintptr_t)q->avail,
		.used_user_addr = (uint64_t)(uintptr_t)q->used,
	};
	struct vhost_vring_file k = { .index = idx, .fd = kick };
	struct vhost_vring_file c = { .index = idx, .fd = call };

	if (!q->ready || q->broken)
		return -EINVAL;
	if (ioctl(fd, VHOST_SET_VRING_NUM, &num) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_BASE, &base) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_ADDR, &addr) < 0 || ioctl(fd, VHOST_SET_VRING_KICK, &k) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_CALL, &c) < 0)
		return -errno;
	return 0;
}

static int mem_table_set(int fd, const struct guest_mem *mem)
{
	struct vhost_memory *m;
	int r = 0;

	m = calloc(1, sizeof(*m) + mem->nr_regions * sizeof(m->regions[0]));
	if (!m)
		return -ENOMEM;
	m->nregions = (uint32_t)mem->nr_regions;
	for (int i = 0; i < mem->nr_regions; i++)
		m->regions[i] = (struct vhost_memory_region){
			.guest_phys_addr = mem->regions[i].gpa,
			.memory_size = mem->regions[i].size,
			.userspace_addr = (uint64_t)(uintptr_t)mem->regions[i].hva,
		};
	if (ioctl(fd, VHOST_SET_MEM_TABLE, m) < 0)
		r = -errno;
	free(m);
	return r;
}

int vhost_net_start(struct vhost_net *vh, struct vm *vm, struct virtio_pci *vp,
		    const struct vhost_pair_cfg *pairs, int n, uint64_t acked)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u32 = UINT32_MAX };
	uint64_t feats;
	int i, r;

	if (n > vh->pairs)
		return -EINVAL;
	vh->vm = vm;
	vh->vp = vp;
	vh->n = n;
	memcpy(vh->cfg, pairs, n * sizeof(*pairs));
	/* vhost sees the ring features; the 12-byte header is the tap's
	 * (no VHOST_NET_F_VIRTIO_NET_HDR), so it is passed through. */
	feats = acked & vh->features;
	vh->ep = epoll_create1(EPOLL_CLOEXEC);
	vh->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vh->ep < 0 || vh->stop_fd < 0 ||
	    epoll_ctl(vh->ep, EPOLL_CTL_ADD, vh->stop_fd, &e) < 0) {
		r = -errno;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		int fd = vh->fds[i];

		if (ioctl(fd, VHOST_SET_FEATURES, &feats) < 0) {
			r = -errno;
			goto fail;
		}
		if ((r = mem_table_set(fd, &vm->mem)) ||
		    (r = vring_setup(vh, fd, 0, pairs[i].rx, pairs[i].rx_kick, vh->call[2 * i])) ||
		    (r = vring_setup(vh, fd, 1, pairs[i].tx, pairs[i].tx_kick,
				     vh->call[2 * i + 1])))
			goto fail;
	}
	vh->started = true;
	r = -pthread_create(&vh->relay, NULL, relay_thread, vh);
	if (r)
		goto fail;
	vh->relay_running = true;
	vhost_net_irqs_update(vh);
	for (i = 0; i < n; i++) {
		struct vhost_vring_file b = { .index = 0, .fd = pairs[i].tap_fd };

		if (ioctl(vh->fds[i], VHOST_NET_SET_BACKEND, &b) < 0) {
			r = -errno;
			goto fail;
		}
		b.index = 1;
		if (ioctl(vh->fds[i], VHOST_NET_SET_BACKEND, &b) < 0) {
			r = -errno;
			goto fail;
		}
	}
	log_info_rl("virtio-net", "vhost-net started", "{s:i, s:I}", "pairs", n, "features",
		    (long long)feats);
	return 0;
fail:
	/* The caller logs it, with the tap. */
	vh->started = true;
	vhost_net_stop(vh);
	return r;
}

void vhost_net_stop(struct vhost_net *vh)
{
	uint64_t one = 1;

	if (!vh->started)
		return;
	for (int i = 0; i < vh->n; i++) {
		struct vhost_vring_file b = { .index = 0, .fd = -1 };
		struct vhost_vring_state st = { .index = 0 };

		ioctl(vh->fds[i], VHOST_NET_SET_BACKEND, &b);
		b.index = 1;
		ioctl(vh->fds[i], VHOST_NET_SET_BACKEND, &b);
		/* Stops the vrings and tells where the kernel stopped, so a
		 * later start (queue pairs changed) resumes there. */
		if (ioctl(vh->fds[i], VHOST_GET_VRING_BASE, &st) == 0)
			vh->cfg[i].rx->last_avail = (uint16_t)st.num;
		st.index = 1;
		if (ioctl(vh->fds[i], VHOST_GET_VRING_BASE, &st) == 0)
			vh->cfg[i].tx->last_avail = (uint16_t)st.num;
	}
	for (int v = 0; v < 2 * vh->n; v++) {
		irqfd_set(vh, v, false);
		vh->relayed[v] = false;
	}
	if (vh->relay_running) {
		if (write(vh->stop_fd, &one, sizeof(one)) < 0)
			log_warn_rl("virtio-net", "vhost relay stop failed", "{s:s}", "error",
				    strerror(errno));
		pthread_join(vh->relay, NULL);
		vh->relay_running = false;
	}
	if (vh->ep >= 0)
		close(vh->ep);
	if (vh->stop_fd >= 0)
		close(vh->stop_fd);
	vh->ep = vh->stop_fd = -1;
	vh->started = false;
}
