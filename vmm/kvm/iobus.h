/* SPDX-License-Identifier: MIT */
#ifndef VMM_IOBUS_H
#define VMM_IOBUS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A bus of address ranges (port I/O or MMIO) claimed by devices.  Accesses
 * that no device claims read as all-ones and are ignored (never fatal).
 */

/* addr is the offset inside the claimed range; data holds len bytes. */
typedef void (*iobus_handler_t)(void *opaque, uint64_t addr, uint8_t *data, uint32_t len,
				bool is_write);

#define IOBUS_MAX_RANGES 64

struct iobus_range {
	uint64_t base;
	uint64_t len;
	iobus_handler_t fn;
	void *opaque;
};

struct iobus {
	struct iobus_range ranges[IOBUS_MAX_RANGES];
	int nr;
};

/* 0, -EBUSY on overlap, -ENOSPC when full, -EINVAL for len 0. */
int iobus_register(struct iobus *bus, uint64_t base, uint64_t len, iobus_handler_t fn,
		   void *opaque);
int iobus_unregister(struct iobus *bus, uint64_t base);

/* Dispatches an access; returns false when nobody claimed it (reads are then
 * filled with 0xff). */
bool iobus_dispatch(struct iobus *bus, uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
