/* SPDX-License-Identifier: MIT */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Guest physical memory: RAM below the PCI hole and, when the guest has more
 * memory than fits below it, the rest mapped from 4 GiB up.  Pure lookup
 * logic lives here so the virtqueue code and its fuzzer can run over fake
 * memory without KVM.
 */

#define GUEST_MEM_MAX_REGIONS 4

struct guest_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

struct guest_mem {
	struct guest_mem_region regions[GUEST_MEM_MAX_REGIONS];
	int nr_regions;
	uint64_t ram_size; /* total bytes of RAM over all regions */
};

/*
 * Host pointer to [gpa, gpa + len) when the whole range lies inside one RAM
 * region, else NULL.  Overflow-safe: every guest-supplied address goes
 * through here.
 */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Add a region backed by hva; 0 or -EINVAL/-ENOSPC. */
int guest_mem_add(struct guest_mem *mem, uint64_t gpa, uint64_t size, void *hva);

#endif
