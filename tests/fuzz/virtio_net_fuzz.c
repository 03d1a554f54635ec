// SPDX-License-Identifier: MIT
/*
 * Fuzzes the userspace backend's data path over fuzzer-made rings: receive
 * (chains held across packets, mergeable split, num_buffers) and transmit,
 * with a SOCK_DGRAM socketpair standing in for the tap and packet sizes from
 * the input.  Guest memory and both rings come from the fuzzer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "vmm/virtio/net/net_userspace.h"
#include "vmm/virtio/net/virtio_net_feat.h"

#define GPA 0x400000ull

static void irq(void *o, struct virtq *q)
{
}
static void broken(void *o)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_qp qp;
	static uint8_t pkt[4096];
	struct guest_mem mem = { 0 };
	struct virtq rx = { 0 }, tx = { 0 };
	int sv[2];
	uint8_t *ram;
	size_t ram_size;

	if (size < 24)
		return 0;
	rx.num = (uint16_t)(1u << (data[0] % 9));
	tx.num = (uint16_t)(1u << (data[1] % 9));
	rx.event_idx = tx.event_idx = data[2] & 1;
	rx.indirect = tx.indirect = data[2] & 2;
	rx.desc_gpa = GPA + (data[3] << 4);
	rx.avail_gpa = GPA + (data[4] << 5);
	rx.used_gpa = GPA + (data[5] << 6);
	tx.desc_gpa = GPA + (data[6] << 4);
	tx.avail_gpa = GPA + (data[7] << 5);
	tx.used_gpa = GPA + (data[8] << 6);
	ram_size = size - 24;
	ram = malloc(ram_size ? ram_size : 1);
	memcpy(ram, data + 24, ram_size);
	if (ram_size)
		guest_mem_add(&mem, GPA, ram_size, ram);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv))
		abort();
	memset(&qp, 0, sizeof(qp));
	qp.rx = &rx;
	qp.tx = &tx;
	qp.tap_fd = sv[0];
	qp.mrg_rxbuf = data[2] & 4;
	qp.rx_need = (data[2] & 8) ? VNET_HDR_LEN + 65550 : VNET_HDR_LEN + 1518;
	qp.interrupt = irq;
	qp.broken = broken;
	if (virtq_start(&rx, &mem) == 0) {
		/* Up to 8 packets, sizes from the input. */
		for (int i = 0; i < 8; i++) {
			size_t len = (size_t)(data[9 + i] | (data[17 + (i % 7)] & 0x0f) << 8);

			if (len)
				(void)send(sv[1], pkt, len > sizeof(pkt) ? sizeof(pkt) : len, 0);
		}
		(void)net_us_rx(&qp);
		(void)net_us_rx(&qp);
		net_us_rx_release(&qp);
	}
	if (virtq_start(&tx, &mem) == 0)
		(void)net_us_tx(&qp);
	close(sv[0]);
	close(sv[1]);
	free(ram);
	return 0;
}
