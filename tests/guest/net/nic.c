// SPDX-License-Identifier: MIT
/*
 * Polling virtio-net driver over the modern PCI transport (virtio 1.2
 * sections 4.1 and 5.1): configuration mechanism #1 to find the function,
 * its vendor capabilities to find the common/notify/device structures in
 * the BAR, then the init sequence of section 3.1.1.  No interrupts: the
 * driver asks for none and polls the used rings.  It takes the features
 * Linux would take short of offloads: MRG_RXBUF, EVENT_IDX, INDIRECT_DESC,
 * and with a multi-queue device CTRL_VQ + MQ, using two queue pairs (the
 * VQ_PAIRS_SET command goes through an indirect descriptor).
 */
#include "guest_io.h"
#include "gnet.h"
#include "vring_drv.h"

#define QSZ   16
#define BUFSZ 2048
#define MAXP  2

#define F_MTU	    (1u << 3)
#define F_MAC	    (1u << 5)
#define F_MRG_RXBUF (1u << 15)
#define F_CTRL_VQ   (1u << 17)
#define F_MQ	    (1u << 22)
#define F_INDIRECT  (1u << 28)
#define F_EVENT_IDX (1u << 29)

struct rxq {
	struct vring_drv vr;
	uint16_t notify_off, index;
	int pending;
	uint8_t map[QSZ]; /* descriptor id -> buffer */
	uint8_t ring[8192] __attribute__((aligned(4096)));
	uint8_t buf[QSZ][BUFSZ] __attribute__((aligned(64)));
};

static struct rxq rxqs[MAXP] __attribute__((aligned(4096)));
static uint8_t tx_ring[8192] __attribute__((aligned(4096)));
static uint8_t tx1_ring[8192] __attribute__((aligned(4096))); /* enabled, unused */
static uint8_t ctl_ring[8192] __attribute__((aligned(4096)));
static uint8_t tx_buf[QSZ][BUFSZ] __attribute__((aligned(64)));
static struct vdrv_desc ctl_table[2] __attribute__((aligned(16)));
static uint8_t ctl_cmd[4], ctl_ack;
static struct vring_drv txq, tx1q, ctlq;
static uint64_t common, notify_base, device;
static uint32_t notify_mult;
static uint16_t tx_notify_off, tx1_notify_off, ctl_notify_off;
static int nr_pairs = 1, next_rx;
static bool event_idx, msix;

#define LAPIC	   0xfee00000UL
#define MSI_VECTOR 0x40 /* rx queue 0; never taken (IF=0), seen in IRR */

static uint32_t cfg_read32(int slot, int off)
{
	outl(0xcf8, 0x80000000u | (uint32_t)slot << 11 | (uint32_t)(off & 0xfc));
	return inl(0xcfc);
}

static void cfg_write32(int slot, int off, uint32_t v)
{
	outl(0xcf8, 0x80000000u | (uint32_t)slot << 11 | (uint32_t)(off & 0xfc));
	outl(0xcfc, v);
}

static uint8_t cfg_read8(int slot, int off)
{
	return (uint8_t)(cfg_read32(slot, off) >> (8 * (off & 3)));
}

static uint64_t bar_addr(int slot, int bar)
{
	uint32_t lo = cfg_read32(slot, 0x10 + 4 * bar);
	uint64_t a = lo & ~0xfu;

	if ((lo & 6) == 4)
		a |= (uint64_t)cfg_read32(slot, 0x14 + 4 * bar) << 32;
	return a;
}

/* Common configuration registers (4.1.4.3). */
static inline volatile uint8_t *C8(int off)
{
	return (volatile uint8_t *)(common + off);
}
static inline volatile uint16_t *C16(int off)
{
	return (volatile uint16_t *)(common + off);
}
static inline volatile uint32_t *C32(int off)
{
	return (volatile uint32_t *)(common + off);
}

static int find_caps(int slot)
{
	int p = cfg_read8(slot, 0x34), guard = 0;

	while (p >= 0x40 && guard++ < 48) {
		if (cfg_read8(slot, p) == 0x09) {
			uint8_t type = cfg_read8(slot, p + 3), bar = cfg_read8(slot, p + 4);
			uint64_t at = bar_addr(slot, bar) + cfg_read32(slot, p + 8);

			if (type == 1)
				common = at;
			else if (type == 2) {
				notify_base = at;
				notify_mult = cfg_read32(slot, p + 16);
			} else if (type == 4)
				device = at;
		}
		p = cfg_read8(slot, p + 1);
	}
	return common && notify_base && device ? 0 : -1;
}

static int queue_setup(int idx, struct vring_drv *d, uint8_t *mem, uint16_t *noff)
{
	uint16_t max;

	*C16(0x16) = (uint16_t)idx;
	max = *C16(0x18);
	if (max < QSZ)
		return -1;
	vdrv_init(d, QSZ, mem, (uint64_t)(uintptr_t)mem, event_idx);
	/* We poll: no interrupts wanted.  Without EVENT_IDX that is
	 * VRING_AVAIL_F_NO_INTERRUPT; with it, a used_event the device will
	 * not reach for a long while (section 2.7.10). */
	d->avail[0] = 1;
	if (event_idx)
		d->avail[2 + QSZ] = 0x8000;
	*C16(0x18) = QSZ;
	*C32(0x20) = (uint32_t)d->desc_gpa;
	*C32(0x24) = 0;
	*C32(0x28) = (uint32_t)d->avail_gpa;
	*C32(0x2c) = 0;
	*C32(0x30) = (uint32_t)d->used_gpa;
	*C32(0x34) = 0;
	*noff = *C16(0x1e);
	*C16(0x1c) = 1;
	return 0;
}

static void kick(uint16_t off, uint16_t q)
{
	*(volatile uint16_t *)(notify_base + (uint64_t)off * notify_mult) = q;
}

static void rx_give(struct rxq *r, int buf)
{
	r->map[vdrv_add(&r->vr, (uint64_t)(uintptr_t)r->buf[buf], BUFSZ, true)] = (uint8_t)buf;
}

/* VIRTIO_NET_CTRL_MQ / VQ_PAIRS_SET (5.1.6.5.5), polled for its ack. */
static int set_pairs(int pairs, uint16_t ctl_index)
{
	uint32_t len;

	ctl_cmd[0] = 4;
	ctl_cmd[1] = 0;
	ctl_cmd[2] = (uint8_t)pairs;
	ctl_cmd[3] = 0;
	ctl_ack = 0xff;
	ctl_table[0] = (struct vdrv_desc){ (uint64_t)(uintptr_t)ctl_cmd, 4, 1, 1 };
	ctl_table[1] = (struct vdrv_desc){ (uint64_t)(uintptr_t)&ctl_ack, 1, VDRV_F_WRITE, 0 };
	vdrv_add_flags(&ctlq, (uint64_t)(uintptr_t)ctl_table, sizeof(ctl_table), VDRV_F_INDIRECT);
	if (vdrv_publish(&ctlq))
		kick(ctl_notify_off, ctl_index);
	for (uint32_t spin = 0; vdrv_get_used(&ctlq, &len) < 0; spin++)
		if (spin > 10000000)
			return -1;
	return *(volatile uint8_t *)&ctl_ack;
}

/*
 * MSI-X as Linux uses it (PCI 3.0 6.8.2, virtio 4.1.5.1.2): table entry 0
 * for configuration changes, entry 1 for receive queue 0, aimed at this
 * CPU's LAPIC.  Interrupts stay off, so the vector only shows up in the
 * LAPIC's IRR, which msix_seen() reads: proof the message was delivered.
 */
static void msix_setup(int slot)
{
	int p = cfg_read8(slot, 0x34), guard = 0;
	uint64_t table;

	while (p >= 0x40 && guard++ < 48 && cfg_read8(slot, p) != 0x11)
		p = cfg_read8(slot, p + 1);
	if (p < 0x40 || cfg_read8(slot, p) != 0x11)
		return;
	table = bar_addr(slot, cfg_read32(slot, p + 4) & 7) + (cfg_read32(slot, p + 4) & ~7u);
	mmio_write32(LAPIC + 0xf0, 0x1ff); /* software-enable: accept fixed IRQs */
	for (int e = 0; e < 2; e++) {
		mmio_write32(table + 16 * e, (uint32_t)LAPIC);
		mmio_write32(table + 16 * e + 4, 0);
		mmio_write32(table + 16 * e + 8, e ? MSI_VECTOR : MSI_VECTOR + 1);
		mmio_write32(table + 16 * e + 12, 0); /* unmask */
	}
	cfg_write32(slot, p, cfg_read32(slot, p) | 0x8000u << 16);
	*C16(0x10) = 0;
	msix = *C16(0x10) == 0; /* reads NO_VECTOR when refused */
}

static void queue_vector(int idx, uint16_t vec)
{
	*C16(0x16) = (uint16_t)idx;
	*C16(0x1a) = vec;
}

int gnic_msix_seen(void)
{
	if (!msix)
		return -1;
	return (mmio_read32(LAPIC + 0x200 + 0x10 * (MSI_VECTOR / 32)) >> (MSI_VECTOR % 32)) & 1;
}

int gnic_init(struct gnic *nic)
{
	uint32_t feat_lo, feat_hi, want;
	uint16_t max_pairs = 1;
	int slot;

	for (slot = 0; slot < 32; slot++)
		if (cfg_read32(slot, 0) == (0x1041u << 16 | 0x1af4))
			break;
	if (slot == 32)
		return -1;
	nic->bus_dev = (uint8_t)slot;
	/* Memory decoding and bus mastering (the device DMAs into RAM). */
	cfg_write32(slot, 0x04, (cfg_read32(slot, 0x04) & 0xffff) | 0x6);
	if (find_caps(slot)) {
		con_printf("net: virtio-net at slot %d lacks its capabilities\n", slot);
		return -1;
	}
	*C8(0x14) = 0; /* reset */
	while (*C8(0x14))
		;
	*C8(0x14) = 1 | 2; /* ACKNOWLEDGE | DRIVER */
	*C32(0x00) = 0;
	feat_lo = *C32(0x04);
	*C32(0x00) = 1;
	feat_hi = *C32(0x04);
	if (!(feat_hi & 1)) {
		con_puts("net: device does not offer VERSION_1\n");
		return -1;
	}
	want = F_MAC | F_MTU | F_MRG_RXBUF | F_EVENT_IDX | F_INDIRECT;
	if ((feat_lo & F_MQ) && (feat_lo & F_CTRL_VQ))
		want |= F_MQ | F_CTRL_VQ;
	feat_lo &= want;
	event_idx = feat_lo & F_EVENT_IDX;
	*C32(0x08) = 0;
	*C32(0x0c) = feat_lo;
	*C32(0x08) = 1;
	*C32(0x0c) = 1;	       /* VERSION_1 */
	*C8(0x14) = 1 | 2 | 8; /* FEATURES_OK */
	if (!(*C8(0x14) & 8)) {
		con_puts("net: device refused our features\n");
		return -1;
	}
	for (int i = 0; i < 6; i++)
		nic->mac[i] = ((volatile uint8_t *)device)[i];
	nic->mtu = (feat_lo & F_MTU) ? *(volatile uint16_t *)(device + 10) : 1500;
	msix_setup(slot);
	if (feat_lo & F_MQ) {
		max_pairs = *(volatile uint16_t *)(device + 8);
		nr_pairs = max_pairs < MAXP ? max_pairs : MAXP;
	}
	for (int p = 0; p < nr_pairs; p++) {
		rxqs[p].index = (uint16_t)(2 * p);
		rxqs[p].pending = -1;
		if (queue_setup(2 * p, &rxqs[p].vr, rxqs[p].ring, &rxqs[p].notify_off))
			goto qfail;
	}
	if (queue_setup(1, &txq, tx_ring, &tx_notify_off) ||
	    (nr_pairs > 1 && queue_setup(3, &tx1q, tx1_ring, &tx1_notify_off)))
		goto qfail;
	/* With MQ the control queue sits after max_virtqueue_pairs (5.1.2). */
	if ((feat_lo & F_CTRL_VQ) && queue_setup(2 * max_pairs, &ctlq, ctl_ring, &ctl_notify_off))
		goto qfail;
	if (msix) {
		/* Receive queue 0 interrupts once: used_event 0, and polling
		 * leaves it there (vring_drv.h). */
		queue_vector(0, 1);
		if (event_idx)
			rxqs[0].vr.avail[2 + QSZ] = 0;
		else
			rxqs[0].vr.avail[0] = 0;
	}
	*C8(0x14) = 1 | 2 | 8 | 4; /* DRIVER_OK */
	for (int p = 0; p < nr_pairs; p++) {
		for (int i = 0; i < QSZ; i++)
			rx_give(&rxqs[p], i);
		if (vdrv_publish(&rxqs[p].vr))
			kick(rxqs[p].notify_off, rxqs[p].index);
	}
	if (nr_pairs > 1) {
		int ack;

		ack = set_pairs(nr_pairs, (uint16_t)(2 * max_pairs));
		con_printf("net: %d queue pairs (ctrl ack %d)\n", nr_pairs, ack);
		if (ack != 0)
			nr_pairs = 1;
	}
	return 0;
qfail:
	con_puts("net: queue setup failed\n");
	return -1;
}

int gnic_send(struct gnic *nic, const void *frame, uint32_t len)
{
	uint32_t l;
	int id;

	(void)nic;
	for (uint32_t spin = 0; !txq.num_free; spin++) {
		while (vdrv_get_used(&txq, &l) >= 0)
			;
		if (spin > 1000000)
			return -1;
	}
	while (vdrv_get_used(&txq, &l) >= 0)
		;
	id = txq.free_head;
	memset(tx_buf[id], 0, GNET_HDR);
	memcpy(tx_buf[id] + GNET_HDR, frame, len);
	vdrv_add(&txq, (uint64_t)(uintptr_t)tx_buf[id], GNET_HDR + len, false);
	if (vdrv_publish(&txq))
		kick(tx_notify_off, 1);
	return 0;
}

const uint8_t *gnic_recv(struct gnic *nic, uint32_t *len)
{
	uint32_t l;
	int id;

	(void)nic;
	/* Give back the buffer handed out last time. */
	for (int p = 0; p < nr_pairs; p++) {
		struct rxq *r = &rxqs[p];

		if (r->pending < 0)
			continue;
		rx_give(r, r->pending);
		r->pending = -1;
		if (vdrv_publish(&r->vr))
			kick(r->notify_off, r->index);
	}
	/* Round robin over the receive queues. */
	for (int k = 0; k < nr_pairs; k++) {
		struct rxq *r = &rxqs[next_rx];

		next_rx = (next_rx + 1) % nr_pairs;
		id = vdrv_get_used(&r->vr, &l);
		if (id < 0)
			continue;
		id = r->map[id];
		r->pending = id;
		/* num_buffers (5.1.6.4): a packet over several of our 2 KiB
		 * buffers cannot happen at our MTU; drop it rather than
		 * misparse it. */
		if (l < GNET_HDR + 14 || (r->buf[id][10] | r->buf[id][11] << 8) > 1)
			*len = 0;
		else
			*len = l - GNET_HDR;
		return r->buf[id] + GNET_HDR;
	}
	return 0;
}

int gnic_break_tx(void)
{
	uint32_t spin;
	uint8_t st;

	/* A buffer far outside guest RAM: the device must refuse the ring
	 * and ask for a reset (2.1.2), not touch host memory. */
	vdrv_add(&txq, 0xfffffff00000ull, 64, false);
	vdrv_publish(&txq);
	kick(tx_notify_off, 1);
	for (spin = 0; spin < 50000000; spin++) {
		st = *C8(0x14);
		if (st & 0x40)
			return st;
	}
	return -1;
}

uint16_t ip_csum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
