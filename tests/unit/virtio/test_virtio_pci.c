// SPDX-License-Identifier: MIT
/* The modern virtio-pci transport's registers, driven as a driver would. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/virtio/net/virtio_net_feat.h"
#include "vmm/virtio/virtio_pci.h"

#define GPA 0x100000ull
#define NQ  3

static struct virtio_pci vp;
static struct virtq vqs[NQ];
static struct guest_mem mem;
static uint8_t *ram;
static int driver_ok_calls, reset_calls, msi_count, line_level, notified = -1;
static uint64_t msi_addr;
static uint32_t msi_data;

static void cfg_access(struct virtio_pci *p, uint32_t off, uint8_t *d, uint32_t len, bool w)
{
	if (!w)
		for (uint32_t i = 0; i < len; i++)
			d[i] = (uint8_t)(0xa0 + off + i);
}
static int features_ok(struct virtio_pci *p, uint64_t acked)
{
	return vnet_features_check(p->device_features, acked);
}
static int driver_ok(struct virtio_pci *p)
{
	driver_ok_calls++;
	return 0;
}
static void reset(struct virtio_pci *p)
{
	reset_calls++;
}
static void notify(struct virtio_pci *p, int q)
{
	notified = q;
}
/* msix_changed: how often, and whether the device lock was held each time. */
static int msix_changed_calls, msix_changed_unlocked;
static void msix_changed(struct virtio_pci *p)
{
	msix_changed_calls++;
	if (pthread_mutex_trylock(&p->lock) == 0) {
		msix_changed_unlocked++;
		pthread_mutex_unlock(&p->lock);
	}
}
static int msi(void *c, uint64_t a, uint32_t d)
{
	msi_count++;
	msi_addr = a;
	msi_data = d;
	return 0;
}
static int line(void *c, uint32_t gsi, int level)
{
	line_level = level;
	return 0;
}

static const struct virtio_dev_ops ops = {
	.cfg_access = cfg_access,
	.features_ok = features_ok,
	.driver_ok = driver_ok,
	.reset = reset,
	.notify = notify,
	.msix_changed = msix_changed,
};

static int setup(void **s)
{
	struct vnet_offer o = { .queue_pairs = 1 };

	ram = calloc(1, 0x10000);
	memset(&mem, 0, sizeof(mem));
	guest_mem_add(&mem, GPA, 0x10000, ram);
	memset(&vp, 0, sizeof(vp));
	memset(vqs, 0, sizeof(vqs));
	assert_int_equal(virtio_pci_init(&vp, 0x1041, 2, 0, vqs, NQ, 256), 0);
	vp.device_features = vnet_features_offer(&o);
	vp.ops = &ops;
	vp.mem = &mem;
	vp.signal_msi = msi;
	vp.irq_line = line;
	for (int i = 0; i < NQ; i++)
		vqs[i].mem = &mem;
	driver_ok_calls = reset_calls = msi_count = line_level = 0;
	msix_changed_calls = msix_changed_unlocked = 0;
	notified = -1;
	return 0;
}

static int teardown(void **s)
{
	free(ram);
	return 0;
}

static uint64_t rd(uint32_t off, uint32_t len)
{
	uint64_t v = 0;

	virtio_pci_ops.bar_access(&vp.pci, 0, off, (uint8_t *)&v, len, false);
	return v;
}

static void wr(uint32_t off, uint32_t len, uint64_t v)
{
	virtio_pci_ops.bar_access(&vp.pci, 0, off, (uint8_t *)&v, len, true);
}

static void cfg_wr(uint32_t off, uint32_t len, uint32_t v)
{
	for (uint32_t i = 0; i < len; i++) /* what the generic PCI code does */
		vp.pci.cfg[off + i] = (uint8_t)(v >> (8 * i));
	virtio_pci_ops.cfg_write(&vp.pci, off, v, (int)len);
}

static int find_vcap(uint8_t type)
{
	for (int p = vp.pci.cfg[0x34]; p; p = vp.pci.cfg[p + 1])
		if (vp.pci.cfg[p] == 0x09 && vp.pci.cfg[p + 3] == type)
			return p;
	return -1;
}

static void t_identity_and_caps(void **s)
{
	uint32_t off;

	assert_int_equal(vp.pci.cfg[0] | vp.pci.cfg[1] << 8, 0x1af4);
	assert_int_equal(vp.pci.cfg[2] | vp.pci.cfg[3] << 8, 0x1041);
	assert_int_equal(vp.pci.cfg[8], 1);
	for (uint8_t t = 1; t <= 5; t++)
		assert_true(find_vcap(t) > 0);
	memcpy(&off, &vp.pci.cfg[find_vcap(2) + 8], 4);
	assert_int_equal(off, VPCI_NOTIFY_OFF);
	assert_int_equal(vp.pci.cfg[vp.msix_cap], 0x11);
	assert_int_equal(rd(0x12, 2), NQ);
	assert_int_equal(rd(0x18, 2), 256); /* queue_size reads the maximum */
	assert_int_equal(rd(0x2000, 2), 0xa1a0);
}

static void negotiate(uint64_t feats)
{
	wr(0x14, 1, 3);
	wr(0x08, 4, 0);
	wr(0x0c, 4, (uint32_t)feats);
	wr(0x08, 4, 1);
	wr(0x0c, 4, (uint32_t)(feats >> 32));
	wr(0x14, 1, 3 | 8);
}

static void t_features(void **s)
{
	wr(0x00, 4, 1);
	assert_int_equal(rd(0x04, 4) & 1, 1); /* VERSION_1 offered */
	negotiate(1ull << 5);		      /* legacy driver: refused */
	assert_int_equal(rd(0x14, 1) & 8, 0);
	wr(0x14, 1, 0);
	assert_int_equal(reset_calls, 1);
	negotiate(1ull << 32 | 1ull << 5);
	assert_int_equal(rd(0x14, 1) & 8, 8);
	wr(0x08, 4, 0);
	assert_int_equal(rd(0x0c, 4), 1u << 5);
	/* Frozen after FEATURES_OK. */
	wr(0x0c, 4, 0xffffffff);
	assert_int_equal(rd(0x0c, 4), 1u << 5);
	/* DRIVER_OK without FEATURES_OK is a driver bug: NEEDS_RESET. */
	wr(0x14, 1, 0);
	wr(0x14, 1, 3 | 4);
	assert_int_equal(rd(0x14, 1) & 0x40, 0x40);
	assert_int_equal(driver_ok_calls, 0);
}

static void t_queue_setup(void **s)
{
	negotiate(1ull << 32);
	wr(0x16, 2, 0);
	wr(0x18, 2, 16);
	wr(0x20, 8, GPA);
	wr(0x28, 4, (uint32_t)(GPA + 0x100));
	wr(0x2c, 4, 0);
	wr(0x30, 8, GPA + 0x200);
	wr(0x1c, 2, 1);
	assert_int_equal(rd(0x1c, 2), 1);
	assert_int_equal(rd(0x20, 8), GPA);
	assert_int_equal(rd(0x28, 4), GPA + 0x100);
	wr(0x20, 8, GPA + 0x1000); /* enabled: frozen */
	assert_int_equal(rd(0x20, 8), GPA);
	/* Queue 1 placed outside RAM: the device needs a reset. */
	wr(0x16, 2, 1);
	wr(0x18, 2, 16);
	wr(0x20, 8, 0x40000000);
	wr(0x1c, 2, 1);
	assert_int_equal(rd(0x1c, 2), 0);
	assert_int_equal(rd(0x14, 1) & 0x40, 0x40);
	/* A nonexistent queue reads size 0. */
	wr(0x16, 2, 7);
	assert_int_equal(rd(0x18, 2), 0);
	wr(0x14, 1, 0);
	wr(0x16, 2, 0);
	assert_int_equal(rd(0x1c, 2), 0);
	assert_int_equal(rd(0x18, 2), 256);
	assert_int_equal(rd(0x14, 1), 0);
}

static void t_driver_ok_and_notify(void **s)
{
	negotiate(1ull << 32);
	wr(0x3000 + 2 * VPCI_NOTIFY_MULT, 2, 2);
	assert_int_equal(notified, -1); /* not before DRIVER_OK */
	wr(0x14, 1, 15);
	assert_int_equal(driver_ok_calls, 1);
	wr(0x3000 + 2 * VPCI_NOTIFY_MULT, 2, 2);
	assert_int_equal(notified, 2);
}

static void t_intx_isr(void **s)
{
	virtio_pci_queue_interrupt(&vp, 0);
	assert_int_equal(line_level, 1);
	assert_int_equal(msi_count, 0);
	assert_int_equal(rd(0x1000, 1), 1); /* read clears and lowers */
	assert_int_equal(line_level, 0);
	assert_int_equal(rd(0x1000, 1), 0);
	virtio_pci_config_interrupt(&vp);
	assert_int_equal(rd(0x1000, 1), 2);
}

static void t_msix(void **s)
{
	uint32_t mc = (uint32_t)vp.msix_cap + 2;
	uint64_t a;
	uint32_t d;

	cfg_wr(mc, 2, 0x8000); /* enable */
	assert_true(virtio_pci_msix_enabled(&vp));
	assert_int_equal(vp.pci.cfg[mc] | vp.pci.cfg[mc + 1] << 8, 0x8000 | (VPCI_MAX_VECTORS - 1));
	wr(0x16, 2, 1);
	wr(0x1a, 2, 3);
	assert_int_equal(rd(0x1a, 2), 3);
	wr(0x1a, 2, 500); /* beyond the table */
	assert_int_equal(rd(0x1a, 2), VIRTIO_MSI_NO_VECTOR);
	wr(0x1a, 2, 3);
	wr(0x4000 + 3 * 16, 4, 0xfee00000);
	wr(0x4000 + 3 * 16 + 4, 4, 0);
	wr(0x4000 + 3 * 16 + 8, 4, 0x4041);
	/* Entries start masked: the interrupt is latched in the PBA. */
	assert_false(virtio_pci_queue_msi(&vp, 1, &a, &d));
	virtio_pci_queue_interrupt(&vp, 1);
	assert_int_equal(msi_count, 0);
	assert_int_equal(rd(0x6000, 8), 1u << 3);
	wr(0x4000 + 3 * 16 + 12, 4, 0); /* unmask: delivered now */
	assert_int_equal(msi_count, 1);
	assert_int_equal(msi_addr, 0xfee00000);
	assert_int_equal(msi_data, 0x4041);
	assert_int_equal(rd(0x6000, 8), 0);
	assert_true(virtio_pci_queue_msi(&vp, 1, &a, &d));
	virtio_pci_queue_interrupt(&vp, 1);
	assert_int_equal(msi_count, 2);
	/* Function mask latches too; clearing it delivers. */
	cfg_wr(mc, 2, 0xc000);
	virtio_pci_queue_interrupt(&vp, 1);
	assert_int_equal(msi_count, 2);
	cfg_wr(mc, 2, 0x8000);
	assert_int_equal(msi_count, 3);
	/* No INTx while MSI-X is on. */
	assert_int_equal(line_level, 0);
	/* Misaligned table access is ignored. */
	wr(0x4000 + 3 * 16 + 2, 2, 0xffff);
	assert_int_equal(rd(0x4000 + 3 * 16, 4), 0xfee00000);
	/* Every MSI-X change reached the device with its lock held (config
	 * space enable/mask, vector registers, the table), so it cannot race
	 * a reset or DRIVER_OK on another vCPU. */
	assert_true(msix_changed_calls >= 6);
	assert_int_equal(msix_changed_unlocked, 0);
}

static void t_readonly_caps(void **s)
{
	int c = find_vcap(1);
	uint8_t before[16];

	memcpy(before, &vp.pci.cfg[c], 16);
	cfg_wr((uint32_t)c + 8, 4, 0xdeadbeef);
	assert_memory_equal(before, &vp.pci.cfg[c], 16);
	cfg_wr((uint32_t)vp.msix_cap + 4, 4, 0x12345678); /* table offset */
	assert_int_equal(vp.pci.cfg[vp.msix_cap + 4], VPCI_MSIX_TABLE_OFF & 0xff);
}

static void t_pci_cfg_window(void **s)
{
	int c = find_vcap(5);
	uint32_t v = 0;

	negotiate(1ull << 32);
	cfg_wr((uint32_t)c + 4, 1, 0);	  /* bar 0 */
	cfg_wr((uint32_t)c + 8, 4, 0x14); /* device_status */
	cfg_wr((uint32_t)c + 12, 4, 1);
	assert_true(virtio_pci_ops.cfg_read(&vp.pci, (uint32_t)c + 16, &v, 4));
	assert_int_equal(v & 0xff, 11);
	cfg_wr((uint32_t)c + 16, 4, 0); /* write status 0: reset */
	assert_int_equal(rd(0x14, 1), 0);
	assert_int_equal(reset_calls, 1);
	cfg_wr((uint32_t)c + 8, 4, 0x15); /* misaligned for length 2 */
	cfg_wr((uint32_t)c + 12, 4, 2);
	assert_true(virtio_pci_ops.cfg_read(&vp.pci, (uint32_t)c + 16, &v, 4));
	assert_int_equal(v, 0);
}

static void t_needs_reset_interrupt(void **s)
{
	negotiate(1ull << 32);
	wr(0x14, 1, 15);
	virtio_pci_needs_reset(&vp);
	assert_int_equal(rd(0x14, 1) & 0x40, 0x40);
	assert_int_equal(rd(0x1000, 1), 2); /* config change */
	assert_int_equal(rd(0x15, 1), 1);   /* generation moved */
	wr(0x14, 1, 15);		    /* sticky until reset */
	assert_int_equal(rd(0x14, 1) & 0x40, 0x40);
	wr(0x14, 1, 0);
	assert_int_equal(rd(0x14, 1), 0);
}

/*
 * Clearing FEATURES_OK or DRIVER_OK is not a reset (2.1.1): the write is
 * ignored, features stay frozen, DRIVER_OK does not run twice, and the
 * device asks for a reset; only status 0 gets it going again.
 */
static void t_status_clear_is_not_reset(void **s)
{
	negotiate(1ull << 32 | 1ull << 5);
	wr(0x14, 1, 15);
	assert_int_equal(driver_ok_calls, 1);
	/* Clear DRIVER_OK and FEATURES_OK, try to renegotiate. */
	wr(0x14, 1, 3);
	assert_int_equal(rd(0x14, 1), 15 | 0x40);
	assert_int_equal(rd(0x1000, 1), 2); /* config interrupt: NEEDS_RESET */
	wr(0x08, 4, 0);
	wr(0x0c, 4, 0);
	assert_int_equal(rd(0x0c, 4), 1u << 5); /* features still frozen */
	wr(0x14, 1, 3 | 8);
	wr(0x14, 1, 15);
	assert_int_equal(driver_ok_calls, 1); /* no second DRIVER_OK */
	assert_int_equal(reset_calls, 0);     /* and no reset either */
	assert_int_equal(rd(0x14, 1), 15 | 0x40);
	/* Clearing DRIVER_OK alone: the same. */
	wr(0x14, 1, 0);
	assert_int_equal(reset_calls, 1);
	negotiate(1ull << 32);
	wr(0x14, 1, 15);
	assert_int_equal(driver_ok_calls, 2);
	wr(0x14, 1, 11);
	assert_int_equal(rd(0x14, 1), 15 | 0x40);
	wr(0x14, 1, 15);
	assert_int_equal(driver_ok_calls, 2);
	/* Before DRIVER_OK: clearing FEATURES_OK to renegotiate is refused,
	 * and DRIVER_OK is then not honoured until a reset. */
	wr(0x14, 1, 0);
	negotiate(1ull << 32);
	wr(0x14, 1, 3);
	assert_int_equal(rd(0x14, 1), 11 | 0x40);
	wr(0x14, 1, 15);
	assert_int_equal(rd(0x14, 1) & 4, 0);
	assert_int_equal(driver_ok_calls, 2);
	/* Setting FAILED clears nothing: accepted. */
	wr(0x14, 1, 0);
	negotiate(1ull << 32);
	wr(0x14, 1, 11 | 0x80);
	assert_int_equal(rd(0x14, 1), 11 | 0x80);
	/* After a reset the device works again. */
	wr(0x14, 1, 0);
	negotiate(1ull << 32);
	wr(0x14, 1, 15);
	assert_int_equal(driver_ok_calls, 3);
	assert_int_equal(rd(0x14, 1), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_identity_and_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(t_features, setup, teardown),
		cmocka_unit_test_setup_teardown(t_queue_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(t_driver_ok_and_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(t_intx_isr, setup, teardown),
		cmocka_unit_test_setup_teardown(t_msix, setup, teardown),
		cmocka_unit_test_setup_teardown(t_readonly_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pci_cfg_window, setup, teardown),
		cmocka_unit_test_setup_teardown(t_needs_reset_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(t_status_clear_is_not_reset, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
