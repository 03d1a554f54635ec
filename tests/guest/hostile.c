// SPDX-License-Identifier: MIT
/*
 * mode=hostile: the test guest turns against its VMM.  On the first
 * virtio-net function (modern PCI, virtio 1.2 section 4.1) it posts a
 * descriptor loop, a buffer outside RAM, an overlong length and an avail
 * index far ahead of the ring; floods the transmit queue; then writes
 * random values of every width to every register of the device's BAR
 * (common, notify, ISR, device config, MSI-X table and PBA) and to every
 * PCI configuration register of every function on bus 0.  It prints what
 * the device answered and powers off: podvmm must still be there to see
 * the power-off (tests/kvm/hostile-guest.sh).  Polling only, no SSE.
 */
#include <stdbool.h>

#include "guest_io.h"

#define VIRTIO_VENDOR	  0x1af4
#define VIRTIO_NET_MODERN 0x1041

#define ST_ACK	       1
#define ST_DRIVER      2
#define ST_DRIVER_OK   4
#define ST_FEATURES_OK 8
#define ST_NEEDS_RESET 0x40

#define QN     64
#define D_NEXT 1

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc descs[QN] __attribute__((aligned(4096)));
static volatile uint16_t avail[2 + QN + 1] __attribute__((aligned(4096)));
static volatile uint32_t used[1 + 2 * QN + 1] __attribute__((aligned(4096)));
static uint8_t frame[12 + 60] __attribute__((aligned(64)));
/* Receive queue 0: enabled (the device starts a pair only with both
 * queues enabled) but never given buffers. */
static uint8_t rx_ring[4096 * 3] __attribute__((aligned(4096)));

static uint64_t common, notify_base, bar_base;
static uint32_t notify_mult;
static int slot = -1;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t cfg_addr(int dev, int fn, int off)
{
	return 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (uint32_t)(off & 0xfc);
}

static uint32_t cfg_r32(int dev, int off)
{
	outl(0xcf8, cfg_addr(dev, 0, off));
	return inl(0xcfc);
}

static uint8_t cfg_r8(int dev, int off)
{
	return (uint8_t)(cfg_r32(dev, off) >> (8 * (off & 3)));
}

static volatile uint8_t *C8(int off)
{
	return (volatile uint8_t *)(common + off);
}
static volatile uint16_t *C16(int off)
{
	return (volatile uint16_t *)(common + off);
}
static volatile uint32_t *C32(int off)
{
	return (volatile uint32_t *)(common + off);
}

static uint64_t bar_addr(int bar)
{
	uint32_t lo = cfg_r32(slot, 0x10 + 4 * bar);
	uint64_t a = lo & ~0xfu;

	if ((lo & 6) == 4)
		a |= (uint64_t)cfg_r32(slot, 0x14 + 4 * bar) << 32;
	return a;
}

static int find_device(void)
{
	for (int d = 0; d < 32; d++) {
		uint32_t id = cfg_r32(d, 0);

		if ((id & 0xffff) == VIRTIO_VENDOR && id >> 16 == VIRTIO_NET_MODERN) {
			slot = d;
			break;
		}
	}
	if (slot < 0)
		return -1;
	/* Memory decoding and bus mastering on, as a driver would. */
	outl(0xcf8, cfg_addr(slot, 0, 4));
	outl(0xcfc, inl(0xcfc) | 6);
	for (int p = cfg_r8(slot, 0x34), guard = 0; p >= 0x40 && guard < 48; guard++) {
		if (cfg_r8(slot, p) == 0x09) {
			uint8_t type = cfg_r8(slot, p + 3), bar = cfg_r8(slot, p + 4);
			uint64_t at = bar_addr(bar) + cfg_r32(slot, p + 8);

			if (type == 1) {
				common = at;
				bar_base = bar_addr(bar);
			} else if (type == 2) {
				notify_base = at;
				notify_mult = cfg_r32(slot, p + 16);
			}
		}
		p = cfg_r8(slot, p + 1);
	}
	return common && notify_base ? 0 : -1;
}

/* Device status after up to n polls, stopping early on NEEDS_RESET. */
/* The device status once it asks for a reset, or after TSC_PATIENCE: the
 * I/O thread that sees the bad ring runs when the host schedules it. */
static uint8_t status_wait(void)
{
	uint64_t t0 = rdtsc();
	uint8_t st;

	do {
		st = *C8(0x14);
	} while (!(st & ST_NEEDS_RESET) && rdtsc() - t0 < TSC_PATIENCE);
	return st;
}

static void dev_reset(void)
{
	*C8(0x14) = 0;
	for (int i = 0; i < 100000 && *C8(0x14); i++)
		;
}

/* Section 3.1.1 with VERSION_1 only and transmit queue 1 on our ring;
 * 0 when the device took it. */
static int dev_start_tx(void)
{
	uint64_t d = (uintptr_t)descs, a = (uintptr_t)avail, u = (uintptr_t)used;

	dev_reset();
	*C8(0x14) = ST_ACK;
	*C8(0x14) = ST_ACK | ST_DRIVER;
	*C32(0x08) = 0;
	*C32(0x0c) = 0;
	*C32(0x08) = 1;
	*C32(0x0c) = 1; /* VIRTIO_F_VERSION_1 (bit 32) */
	*C8(0x14) = ST_ACK | ST_DRIVER | ST_FEATURES_OK;
	if (!(*C8(0x14) & ST_FEATURES_OK))
		return -1;
	memset(rx_ring, 0, sizeof(rx_ring));
	*C16(0x16) = 0;
	if (*C16(0x18) < QN)
		return -1;
	*C16(0x18) = QN;
	*C16(0x1a) = 0xffff;
	*C32(0x20) = (uint32_t)(uintptr_t)rx_ring;
	*C32(0x24) = 0;
	*C32(0x28) = (uint32_t)(uintptr_t)(rx_ring + 4096);
	*C32(0x2c) = 0;
	*C32(0x30) = (uint32_t)(uintptr_t)(rx_ring + 8192);
	*C32(0x34) = 0;
	*C16(0x1c) = 1;
	*C16(0x16) = 1;
	if (*C16(0x18) < QN)
		return -1;
	*C16(0x18) = QN;
	*C16(0x1a) = 0xffff; /* no MSI-X vector */
	*C32(0x20) = (uint32_t)d;
	*C32(0x24) = (uint32_t)(d >> 32);
	*C32(0x28) = (uint32_t)a;
	*C32(0x2c) = (uint32_t)(a >> 32);
	*C32(0x30) = (uint32_t)u;
	*C32(0x34) = (uint32_t)(u >> 32);
	*C16(0x1c) = 1;
	memset(descs, 0, sizeof(descs));
	for (int i = 0; i < (int)(sizeof(avail) / 2); i++)
		avail[i] = 0;
	for (int i = 0; i < (int)(sizeof(used) / 4); i++)
		used[i] = 0;
	avail[0] = 1; /* VRING_AVAIL_F_NO_INTERRUPT */
	*C8(0x14) = ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	return *C8(0x14) & ST_DRIVER_OK ? 0 : -1;
}

static void tx_kick(void)
{
	*C16(0x16) = 1;
	*(volatile uint16_t *)(notify_base + (uint64_t)*C16(0x1e) * notify_mult) = 1;
}

static void post(uint16_t head)
{
	uint16_t idx = avail[1];

	avail[2 + idx % QN] = head;
	__asm__ volatile("" ::: "memory");
	avail[1] = (uint16_t)(idx + 1);
}

static void attack(const char *what, void (*build)(void))
{
	uint8_t st;

	if (dev_start_tx()) {
		con_printf("hostile: %s: device refused the setup\n", what);
		return;
	}
	build();
	tx_kick();
	st = status_wait();
	con_printf("hostile: %s -> device status %x%s\n", what, st,
		   st & ST_NEEDS_RESET ? " (DEVICE_NEEDS_RESET)" : "");
}

static void build_loop(void)
{
	descs[0] = (struct desc){ (uintptr_t)frame, sizeof(frame), D_NEXT, 1 };
	descs[1] = (struct desc){ (uintptr_t)frame, sizeof(frame), D_NEXT, 0 };
	post(0);
}

static void build_outside(void)
{
	descs[0] = (struct desc){ 0xfffffff00000ull, 4096, 0, 0 };
	post(0);
}

static void build_overlong(void)
{
	descs[0] = (struct desc){ (uintptr_t)frame, 0xffffffffu, 0, 0 };
	post(0);
}

static void build_bad_head(void)
{
	avail[2] = 0xfff0; /* head past the table */
	avail[1] = 1;
}

static void build_avail_ahead(void)
{
	descs[0] = (struct desc){ (uintptr_t)frame, sizeof(frame), 0, 0 };
	avail[2] = 0;
	avail[1] = 40000; /* far more than QN entries "available" */
}

static void bar0_move(uint64_t base);
static uint64_t move_when_live; /* tx_flood: move BAR0 there once running */

/* Posts valid 60-byte frames as fast as the device returns them. */
static void tx_flood(unsigned long frames)
{
	unsigned long sent = 0, done = 0;
	uint16_t last_used = 0;
	uint64_t progress;

	if (dev_start_tx()) {
		con_puts("hostile: flood: device refused the setup\n");
		return;
	}
	if (move_when_live) {
		bar0_move(move_when_live);
		move_when_live = 0;
	}
	memset(frame, 0, sizeof(frame));
	for (int i = 0; i < 6; i++) {
		frame[12 + i] = 0xff; /* broadcast */
		frame[12 + 6 + i] = (uint8_t)(0x02 + i);
	}
	frame[12 + 12] = 0x88;
	frame[12 + 13] = 0xb5; /* local experimental ethertype */
	for (int i = 0; i < QN; i++)
		descs[i] = (struct desc){ (uintptr_t)frame, sizeof(frame), 0, 0 };
	for (int i = 0; i < QN; i++)
		post((uint16_t)i);
	sent = QN;
	tx_kick();
	progress = rdtsc();
	/*
	 * Bounded by time without progress, not by total spins, so a slow
	 * (loaded) host is not mistaken for a stuck device.
	 */
	for (long spins = 0, idle = 0; done < frames && rdtsc() - progress < TSC_PATIENCE;
	     spins++) {
		uint16_t u = ((volatile uint16_t *)used)[1];

		idle = last_used == u ? idle + 1 : 0;
		if (!idle)
			progress = rdtsc();
		/*
		 * A device using EVENT_IDX may have emptied the ring and be
		 * waiting for a notification for the last few frames: kick
		 * whenever it has gone quiet with frames outstanding.
		 */
		if (idle && idle % 64 == 0 && sent != done)
			tx_kick();
		while (last_used != u) {
			uint16_t id = (uint16_t)used[1 + 2 * (last_used % QN)];

			last_used++;
			done++;
			if (sent < frames) {
				post(id % QN);
				sent++;
			}
		}
		if (spins % 256 == 0 && (*C8(0x14) & ST_NEEDS_RESET))
			break;
		if (sent - done < QN / 2 || spins % 256 == 0)
			continue;
		tx_kick();
	}
	con_printf("hostile: flood: %lu frames sent, %lu completed, status %x\n", sent, done,
		   *C8(0x14));
}

static void bar_garbage(uint64_t size)
{
	unsigned long n = 0;

	for (uint64_t off = 0; off < size; off += 4) {
		volatile uint8_t *p = (volatile uint8_t *)(bar_base + off);

		switch (rnd() % 4) {
		case 0:
			*p = (uint8_t)rnd();
			break;
		case 1:
			*(volatile uint16_t *)p = (uint16_t)rnd();
			break;
		case 2:
			*(volatile uint32_t *)p = rnd();
			break;
		default:
			(void)*(volatile uint32_t *)p;
			break;
		}
		/* Unaligned and odd widths too. */
		*(volatile uint16_t *)(p + 1) = (uint16_t)rnd();
		(void)*(volatile uint8_t *)(p + 3);
		n += 3;
	}
	con_printf("hostile: %lu garbage accesses to the %lu-byte BAR, status now %x\n", n,
		   (unsigned long)size, *C8(0x14));
}

static void config_garbage(void)
{
	unsigned long n = 0;

	for (int d = 0; d < 32; d++) {
		for (int fn = 0; fn < 8; fn++) {
			for (int off = 0; off < 256; off += 4) {
				uint32_t v = rnd();

				outl(0xcf8, cfg_addr(d, fn, off));
				switch (v % 3) {
				case 0:
					outl(0xcfc, rnd());
					break;
				case 1:
					outw((uint16_t)(0xcfc + (v >> 8) % 3), (uint16_t)rnd());
					break;
				default:
					outb((uint16_t)(0xcfc + (v >> 8) % 4), (uint8_t)rnd());
					break;
				}
				(void)inl(0xcfc);
				n++;
			}
		}
	}
	/* The address register itself: disabled, odd widths, reserved bits. */
	for (int i = 0; i < 256; i++) {
		outl(0xcf8, rnd() & 0x7fffffffu);
		(void)inl(0xcfc);
		outb((uint16_t)(0xcf8 + i % 4), (uint8_t)rnd());
		(void)inw(0xcfe);
		n += 2;
	}
	con_printf("hostile: %lu garbage PCI config writes on bus 0\n", n);
}

/* Points BAR0 (low dword; the high one stays) at base, and the register
 * pointers with it. */
static void bar0_move(uint64_t base)
{
	uint64_t delta = base - bar_base;

	outl(0xcf8, cfg_addr(slot, 0, 0x10));
	outl(0xcfc, (uint32_t)base);
	common += delta;
	notify_base += delta;
	bar_base = base;
}

/*
 * mode=hostile-bar: DRIVER_OK (the device registers its kick ioeventfds at
 * the BAR), move BAR0 somewhere new, reset; over and over, BAR_CYCLES
 * times, over eight addresses.  A device that deassigned at the new place
 * would leak two ioeventfds per cycle into KVM's I/O bus (without bound
 * with ever new addresses) and fail to register them again when an
 * address comes round a second time; it would also log a line or three
 * per cycle.  At the end the device must still
 * move frames from where the BAR has gone.
 */
#define BAR_CYCLES 200
void __attribute__((noreturn)) hostile_bar_main(void);
void __attribute__((noreturn)) hostile_bar_main(void)
{
	uint64_t home;
	int i;

	if (find_device()) {
		con_puts("hostile: no virtio-net function\n");
		machine_poweroff();
	}
	home = bar_base;
	con_printf("hostile: bar-move: virtio-net at slot %d, BAR0 %lx\n", slot,
		   (unsigned long)home);
	for (i = 0; i < BAR_CYCLES; i++) {
		if (dev_start_tx()) {
			con_printf("hostile: bar-move: cycle %d: device refused the setup\n", i);
			break;
		}
		bar0_move(home + (uint64_t)(1 + i % 8) * 0x10000);
		dev_reset();
	}
	con_printf("hostile: bar-move: %d cycles of DRIVER_OK, BAR move, reset\n", i);
	/*
	 * Leftovers: start the device at a fresh place, post one frame, and
	 * kick it only through the notify registers of every place the BAR
	 * has been.  Nothing claims those addresses now, so the frame must
	 * stay unsent: only an ioeventfd left behind in KVM would catch such
	 * a write and wake the device.  Then the real kick sends it.
	 */
	bar0_move(home + 0x300000);
	if (!dev_start_tx()) {
		uint64_t t0;
		uint16_t u;

		memset(frame, 0, sizeof(frame));
		descs[0] = (struct desc){ (uintptr_t)frame, sizeof(frame), 0, 0 };
		/* One frame the proper way first: the device's I/O thread is
		 * then up, has drained the ring and sleeps until a kick. */
		post(0);
		tx_kick();
		for (t0 = rdtsc();
		     ((volatile uint16_t *)used)[1] != 1 && rdtsc() - t0 < TSC_PATIENCE;)
			__asm__ volatile("pause");
		/*
		 * The device publishes used->idx before it clears
		 * VRING_USED_F_NO_NOTIFY and looks at avail->idx once more
		 * (virtio 1.1 section 2.7.10); a frame posted in that window
		 * is rightly sent without any kick.  So wait for the flag to
		 * clear, and a while longer for that last look, before posting
		 * the frame only a leftover ioeventfd could wake.  (flags is
		 * the low half of used[0], little-endian.)
		 */
		for (t0 = rdtsc(); (used[0] & 1) && rdtsc() - t0 < TSC_PATIENCE;)
			__asm__ volatile("pause");
		for (t0 = rdtsc(); rdtsc() - t0 < TSC_PATIENCE / 16;)
			__asm__ volatile("pause");
		if (((volatile uint16_t *)used)[1] != 1)
			con_printf("hostile: bar-move: the first frame was not sent (used %u)\n",
				   (unsigned)((volatile uint16_t *)used)[1]);
		post(0);
		for (int k = 0; k <= 8; k++)
			for (int q = 0; q < 2; q++)
				*(volatile uint16_t *)(home + (uint64_t)k * 0x10000 +
						       (notify_base - bar_base) +
						       (uint64_t)q * notify_mult) = (uint16_t)q;
		for (t0 = rdtsc(); rdtsc() - t0 < TSC_PATIENCE / 4;)
			__asm__ volatile("pause");
		u = ((volatile uint16_t *)used)[1];
		con_printf("hostile: bar-move: kicks at the old places sent %d frames\n",
			   (int)u - 1);
		tx_kick();
		for (t0 = rdtsc();
		     ((volatile uint16_t *)used)[1] == u && rdtsc() - t0 < TSC_PATIENCE;)
			__asm__ volatile("pause");
		con_printf("hostile: bar-move: the kick at the BAR sent %u\n",
			   (unsigned)(((volatile uint16_t *)used)[1] - u));
		dev_reset();
	}
	/* Live moves: DRIVER_OK, then the BAR moves, then frames are sent
	 * through the notify register at the new place. */
	move_when_live = home + 0x100000;
	tx_flood(2000);
	move_when_live = home + 0x200000;
	tx_flood(2000);
	dev_reset();
	bar0_move(home);
	con_puts("hostile: bar-move: done, powering off\n");
	machine_poweroff();
}

/*
 * mode=hostile-msix (2 vCPUs): the AP toggles the MSI-X enable and
 * function-mask bits in config space without pause (each write reaches
 * the device's msix_changed), while the BSP runs DRIVER_OK, programs a
 * queue vector and table entry, and resets, MSIX_CYCLES times: the
 * config-space path and the status/reset path on two vCPUs at once.
 * Then the AP stops and the device must still move frames.
 */
#define MSIX_CYCLES 200
#define HAMMER_ADDR 0x10000UL /* SIPI vector 0x10 */
extern char ap_hammer[], ap_hammer_end[], hm_addr[], hm_port[], hm_count[], hm_stop[];

static volatile void *hm(const char *sym)
{
	return (volatile void *)(HAMMER_ADDR + (uintptr_t)(sym - ap_hammer));
}

static int msix_cap_find(void)
{
	for (int p = cfg_r8(slot, 0x34), guard = 0; p >= 0x40 && guard < 48; guard++) {
		if (cfg_r8(slot, p) == 0x11)
			return p;
		p = cfg_r8(slot, p + 1);
	}
	return -1;
}

static void pause_for(uint64_t tsc)
{
	for (uint64_t t0 = rdtsc(); rdtsc() - t0 < tsc;)
		__asm__ volatile("pause");
}

void __attribute__((noreturn)) hostile_msix_main(void);
void __attribute__((noreturn)) hostile_msix_main(void)
{
	volatile uint32_t *count = hm(hm_count);
	volatile uint16_t *stop = hm(hm_stop);
	uint32_t before;
	int cap, i;

	if (find_device() || (cap = msix_cap_find()) < 0) {
		con_puts("hostile: msix: no virtio-net function with MSI-X\n");
		machine_poweroff();
	}
	memcpy((void *)HAMMER_ADDR, ap_hammer, (size_t)(ap_hammer_end - ap_hammer));
	*(volatile uint32_t *)hm(hm_addr) = cfg_addr(slot, 0, (cap + 2) & ~3);
	*(volatile uint16_t *)hm(hm_port) = (uint16_t)(0xcfc + ((cap + 2) & 3));
	*count = 0;
	*stop = 0;
	/* INIT-SIPI-SIPI to APIC ID 1 (Intel SDM vol. 3A 8.4.4.1). */
	mmio_write32(0xfee000f0UL, 0x1ff);
	mmio_write32(0xfee00310UL, 1u << 24);
	mmio_write32(0xfee00300UL, 0x4500);
	pause_for(1000000);
	for (int k = 0; k < 2; k++) {
		mmio_write32(0xfee00310UL, 1u << 24);
		mmio_write32(0xfee00300UL, 0x4600 | (HAMMER_ADDR >> 12));
		pause_for(1000000);
	}
	for (uint64_t t0 = rdtsc(); *count == 0 && rdtsc() - t0 < TSC_PATIENCE;)
		__asm__ volatile("pause");
	con_printf("hostile: msix: AP hammering MSI-X control at config 0x%x\n", cap + 2);
	before = *count;
	for (i = 0; i < MSIX_CYCLES; i++) {
		if (dev_start_tx()) {
			con_printf("hostile: msix: cycle %d: device refused the setup\n", i);
			break;
		}
		/* Queue 1 on vector 1, the table entry set and unmasked. */
		*C16(0x16) = 1;
		*C16(0x1a) = 1;
		mmio_write32(bar_base + 0x4000 + 16 + 0, 0xfee00000);
		mmio_write32(bar_base + 0x4000 + 16 + 4, 0);
		mmio_write32(bar_base + 0x4000 + 16 + 8, 0x40);
		mmio_write32(bar_base + 0x4000 + 16 + 12, i & 1);
		tx_kick();
		dev_reset();
	}
	con_printf(
		"hostile: msix: %d cycles of DRIVER_OK, vector, reset against %u MSI-X control writes\n",
		i, *count - before);
	*stop = 1;
	for (uint64_t t0 = rdtsc(); *stop != 2 && rdtsc() - t0 < TSC_PATIENCE;)
		__asm__ volatile("pause");
	/* MSI-X off again, as the AP may have left it: polling from here. */
	outl(0xcf8, cfg_addr(slot, 0, (cap + 2) & ~3));
	outw((uint16_t)(0xcfc + ((cap + 2) & 3)), 0);
	tx_flood(2000);
	dev_reset();
	con_puts("hostile: msix: done, powering off\n");
	machine_poweroff();
}

void __attribute__((noreturn)) hostile_main(void);
void __attribute__((noreturn)) hostile_main(void)
{
	uint32_t bar_size = 0;

	if (find_device()) {
		con_puts("hostile: no virtio-net function\n");
		machine_poweroff();
	}
	con_printf("hostile: virtio-net at slot %d, common cfg %lx\n", slot, (unsigned long)common);
	attack("descriptor loop", build_loop);
	attack("buffer outside guest RAM", build_outside);
	attack("overlong buffer length", build_overlong);
	attack("head index past the table", build_bad_head);
	attack("avail index far ahead", build_avail_ahead);
	tx_flood(200000);
	/* The BAR holding the common config: its size by the usual probe. */
	for (int bar = 0; bar < 6; bar++) {
		uint32_t lo = cfg_r32(slot, 0x10 + 4 * bar);

		if ((lo & ~0xfu) != (uint32_t)bar_base)
			continue;
		outl(0xcf8, cfg_addr(slot, 0, 0x10 + 4 * bar));
		outl(0xcfc, 0xffffffffu);
		bar_size = ~(inl(0xcfc) & ~0xfu) + 1;
		outl(0xcfc, lo);
		break;
	}
	if (!bar_size || bar_size > (1u << 20))
		bar_size = 1u << 14;
	bar_garbage(bar_size);
	config_garbage();
	con_puts("hostile: done, powering off\n");
	machine_poweroff();
}
