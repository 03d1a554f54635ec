// SPDX-License-Identifier: MIT
/*
 * Fuzzes the device-side virtqueue walker: the fuzzer supplies the queue
 * size, ring placement, feature bits and the whole of guest memory (rings and
 * descriptors included).  The walker must never touch memory outside the
 * guest region (ASan) nor invoke undefined behaviour (UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/virtio/virtq.h"

#define GPA 0x200000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem mem = { 0 };
	struct virtq q = { 0 };
	struct iovec iov[64];
	struct virtq_chain c;
	uint8_t *ram;
	size_t ram_size;
	int i, r;

	if (size < 16)
		return 0;
	/* Header: num log2, flags, three 16-bit ring offsets, op script. */
	q.num = (uint16_t)(1u << (data[0] % 16));
	if (data[0] & 0x80)
		q.num = (uint16_t)(data[0] | data[1] << 8); /* any value */
	q.event_idx = data[2] & 1;
	q.indirect = data[2] & 2;
	q.desc_gpa = GPA + (uint16_t)(data[3] | data[4] << 8);
	q.avail_gpa = GPA + (uint16_t)(data[5] | data[6] << 8);
	q.used_gpa = GPA + (uint16_t)(data[7] | data[8] << 8);
	if (data[2] & 4)
		q.used_gpa = (uint64_t)data[9] << 56; /* wild address */
	uint8_t script = data[10];

	ram_size = size - 16;
	ram = malloc(ram_size ? ram_size : 1);
	memcpy(ram, data + 16, ram_size);
	if (ram_size)
		guest_mem_add(&mem, GPA, ram_size, ram);
	if (virtq_start(&q, &mem) == 0) {
		for (i = 0; i < 64; i++) {
			r = virtq_pop(&q, iov, (script & 1) ? 2 : 64, &c);
			if (r <= 0)
				break;
			/* Touch every byte the walker handed out. */
			for (unsigned int k = 0; k < c.n_out + c.n_in; k++)
				if (k >= c.n_out)
					memset(iov[k].iov_base, 0xab, iov[k].iov_len);
				else
					(void)((volatile uint8_t *)iov[k]
						       .iov_base)[iov[k].iov_len - 1];
			if (script & 2)
				virtq_unpop(&q, 1);
			virtq_push(&q, c.head, (uint32_t)c.in_len);
			if (i % 3 == 0) {
				virtq_publish(&q);
				(void)virtq_need_interrupt(&q);
			}
			if (script & 4)
				virtq_notify_disable(&q);
			else
				(void)virtq_notify_enable(&q);
		}
		virtq_publish(&q);
		(void)virtq_need_interrupt(&q);
	}
	free(ram);
	return 0;
}
