// SPDX-License-Identifier: MIT
/*
 * Polling virtio-net driver over the modern PCI transport (virtio 1.2
 * sections 4.1 and 5.1): configuration mechanism #1 to find the function,
 * its vendor capabilities to find the common/notify/device structures in
 * the BAR, then the init sequence of section 3.1.1.  No interrupts: the
 * driver sets VRING_AVAIL_F_NO_INTERRUPT and polls the used rings.
 */
#include "io.h"
#include "gnet.h"
#include "vring_drv.h"

#define QSZ 16
#define BUFSZ 2048

static uint8_t rx_ring[8192] __attribute__((aligned(4096)));
static uint8_t tx_ring[8192] __attribute__((aligned(4096)));
static uint8_t rx_buf[QSZ][BUFSZ] __attribute__((aligned(64)));
static uint8_t tx_buf[QSZ][BUFSZ] __attribute__((aligned(64)));
static struct vring_drv rxq, txq;
static uint64_t common, notify_base, device;
static uint32_t notify_mult;
static uint16_t rx_notify_off, tx_notify_off;
static int rx_pending = -1;
static uint8_t rx_map[QSZ];	/* descriptor id -> buffer */

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
static inline volatile uint8_t *C8(int off) { return (volatile uint8_t *)(common + off); }
static inline volatile uint16_t *C16(int off) { return (volatile uint16_t *)(common + off); }
static inline volatile uint32_t *C32(int off) { return (volatile uint32_t *)(common + off); }

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

static bool event_idx;

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

int gnic_init(struct gnic *nic)
{
	uint32_t feat_lo, feat_hi;
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
	*C8(0x14) = 0;				/* reset */
	while (*C8(0x14))
		;
	*C8(0x14) = 1 | 2;			/* ACKNOWLEDGE | DRIVER */
	*C32(0x00) = 0;
	feat_lo = *C32(0x04);
	*C32(0x00) = 1;
	feat_hi = *C32(0x04);
	if (!(feat_hi & 1)) {
		con_puts("net: device does not offer VERSION_1\n");
		return -1;
	}
	/* VERSION_1, MAC (5), MTU (3), MRG_RXBUF (15) and EVENT_IDX (29)
	 * when offered, as Linux would take them; no offloads, no MQ. */
	*C32(0x08) = 0;
	feat_lo &= (1u << 5) | (1u << 3) | (1u << 15) | (1u << 29);
	*C32(0x0c) = feat_lo;
	event_idx = feat_lo & (1u << 29);
	*C32(0x08) = 1;
	*C32(0x0c) = 1;
	*C8(0x14) = 1 | 2 | 8;			/* FEATURES_OK */
	if (!(*C8(0x14) & 8)) {
		con_puts("net: device refused our features\n");
		return -1;
	}
	for (int i = 0; i < 6; i++)
		nic->mac[i] = ((volatile uint8_t *)device)[i];
	nic->mtu = (feat_lo & (1u << 3)) ? *(volatile uint16_t *)(device + 10) : 1500;
	if (queue_setup(0, &rxq, rx_ring, &rx_notify_off) ||
	    queue_setup(1, &txq, tx_ring, &tx_notify_off)) {
		con_puts("net: queue setup failed\n");
		return -1;
	}
	*C8(0x14) = 1 | 2 | 8 | 4;		/* DRIVER_OK */
	for (int i = 0; i < QSZ; i++)
		rx_map[vdrv_add(&rxq, (uint64_t)(uintptr_t)rx_buf[i], BUFSZ, true)] = (uint8_t)i;
	if (vdrv_publish(&rxq))
		kick(rx_notify_off, 0);
	return 0;
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
	if (rx_pending >= 0) {
		rx_map[vdrv_add(&rxq, (uint64_t)(uintptr_t)rx_buf[rx_pending], BUFSZ, true)] =
			(uint8_t)rx_pending;
		rx_pending = -1;
		if (vdrv_publish(&rxq))
			kick(rx_notify_off, 0);
	}
	id = vdrv_get_used(&rxq, &l);
	if (id < 0)
		return 0;
	id = rx_map[id];
	rx_pending = id;
	/* num_buffers (5.1.6.4): a packet spread over several of our 2 KiB
	 * buffers cannot happen at our MTU; drop it rather than misparse. */
	if (l < GNET_HDR + 14 || (rx_buf[id][10] | rx_buf[id][11] << 8) > 1) {
		*len = 0;
		return rx_buf[id] + GNET_HDR;
	}
	*len = l - GNET_HDR;
	return rx_buf[id] + GNET_HDR;
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
