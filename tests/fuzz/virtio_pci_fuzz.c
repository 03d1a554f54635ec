// SPDX-License-Identifier: MIT
/*
 * Fuzzes the virtio-pci register handlers: common configuration, ISR,
 * device configuration, notify, MSI-X table/PBA through the BAR, and the
 * PCI configuration space (capabilities, MSI-X control, the pci_cfg access
 * window).  The input is a script of accesses followed by guest memory, so
 * queues the script enables and starts are walked over fuzzer-made rings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/virtio/net/virtio_net_feat.h"
#include "vmm/virtio/virtio_pci.h"

#define GPA 0x100000ull
#define NQ  5

static struct virtq vqs[NQ];

static void cfg_access(struct virtio_pci *vp, uint32_t off, uint8_t *data, uint32_t len,
		       bool is_write)
{
	static const uint8_t c[12] = { 2, 0, 0, 0, 0, 1, 1, 0, 2, 0, 0xdc, 5 };

	if (!is_write)
		for (uint32_t i = 0; i < len; i++)
			data[i] = off + i < sizeof(c) ? c[off + i] : 0;
}

static int features_ok(struct virtio_pci *vp, uint64_t acked)
{
	return vnet_features_check(vp->device_features, acked);
}

static void drain(struct virtio_pci *vp, int q)
{
	struct iovec iov[32];
	struct virtq_chain c;

	if (q < 0 || q >= NQ || !vp->queue_enabled[q])
		return;
	for (int i = 0; i < 8 && virtq_pop(&vqs[q], iov, 32, &c) == 1; i++)
		virtq_push(&vqs[q], c.head, (uint32_t)c.in_len);
	virtq_publish(&vqs[q]);
	if (vqs[q].broken)
		virtio_pci_needs_reset(vp);
	else if (virtq_need_interrupt(&vqs[q]))
		virtio_pci_queue_interrupt(vp, q);
}

static int driver_ok(struct virtio_pci *vp)
{
	for (int q = 0; q < NQ; q++)
		drain(vp, q);
	return 0;
}

static void reset(struct virtio_pci *vp)
{
}
static void notify(struct virtio_pci *vp, int q)
{
	drain(vp, q);
}

static int msi(void *ctx, uint64_t a, uint32_t d)
{
	return 0;
}
static int line(void *ctx, uint32_t gsi, int level)
{
	return 0;
}

static const struct virtio_dev_ops ops = {
	.cfg_access = cfg_access,
	.features_ok = features_ok,
	.driver_ok = driver_ok,
	.reset = reset,
	.notify = notify,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtio_pci vp;
	struct guest_mem mem = { 0 };
	struct vnet_offer offer = { .queue_pairs = 2, .offloads = true, .mtu = true };
	size_t script, i;
	uint8_t *ram;

	if (size < 2)
		return 0;
	script = (size_t)data[0] * 12;
	if (script > size - 1)
		script = (size - 1) / 12 * 12;
	ram = calloc(1, 0x10000);
	memcpy(ram, data + 1 + script, size - 1 - script > 0x10000 ? 0x10000 : size - 1 - script);
	guest_mem_add(&mem, GPA, 0x10000, ram);

	memset(vqs, 0, sizeof(vqs));
	memset(&vp, 0, sizeof(vp));
	if (virtio_pci_init(&vp, 0x1041, 2, 0, vqs, NQ, 256))
		abort();
	vp.device_features = vnet_features_offer(&offer);
	vp.ops = &ops;
	vp.mem = &mem;
	vp.signal_msi = msi;
	vp.irq_line = line;
	for (int q = 0; q < NQ; q++)
		vqs[q].mem = &mem;
	vp.pci.cfg[0x04] |= 6;

	/* Each step: kind, len code, 2-byte offset, 8-byte value. */
	for (i = 0; i + 12 <= script; i += 12) {
		const uint8_t *s = data + 1 + i;
		static const uint32_t lens[4] = { 1, 2, 4, 8 };
		uint32_t len = lens[s[1] & 3];
		uint32_t off = (uint32_t)(s[2] | s[3] << 8);
		uint8_t buf[8];
		uint32_t v;

		memcpy(buf, s + 4, 8);
		switch (s[0] % 4) {
		case 0: /* BAR write; queue addresses aimed into the RAM window */
			if (off % VPCI_BAR_SIZE >= 0x20 && off % VPCI_BAR_SIZE < 0x38 &&
			    (s[1] & 4)) {
				uint64_t a = GPA + (buf[0] | buf[1] << 8);
				memcpy(buf, &a, 8);
			}
			virtio_pci_ops.bar_access(&vp.pci, s[1] & 0x10 ? 1 : 0, off % VPCI_BAR_SIZE,
						  buf, len, true);
			break;
		case 1:
			virtio_pci_ops.bar_access(&vp.pci, 0, off % VPCI_BAR_SIZE, buf, len, false);
			break;
		case 2: /* config write as the generic PCI code forwards it */
			off &= 0xff;
			if (len == 8)
				len = 4;
			if (off + len > 256)
				break;
			memcpy(&v, buf, 4);
			for (uint32_t k = 0; k < len; k++)
				vp.pci.cfg[off + k] = (uint8_t)(v >> (8 * k));
			virtio_pci_ops.cfg_write(&vp.pci, off, v, (int)len);
			break;
		case 3:
			off &= 0xff;
			if (len == 8)
				len = 4;
			virtio_pci_ops.cfg_read(&vp.pci, off, &v, (int)len);
			break;
		}
	}
	pthread_mutex_destroy(&vp.lock);
	free(ram);
	return 0;
}
