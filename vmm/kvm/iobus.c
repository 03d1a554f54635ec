// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/kvm/iobus.h"

int iobus_register(struct iobus *bus, uint64_t base, uint64_t len, iobus_handler_t fn, void *opaque)
{
	if (!len || !fn || base + len < base)
		return -EINVAL;
	for (int i = 0; i < bus->nr; i++) {
		const struct iobus_range *r = &bus->ranges[i];

		if (base < r->base + r->len && r->base < base + len)
			return -EBUSY;
	}
	if (bus->nr >= IOBUS_MAX_RANGES)
		return -ENOSPC;
	bus->ranges[bus->nr++] = (struct iobus_range){
		.base = base,
		.len = len,
		.fn = fn,
		.opaque = opaque,
	};
	return 0;
}

int iobus_unregister(struct iobus *bus, uint64_t base)
{
	for (int i = 0; i < bus->nr; i++) {
		if (bus->ranges[i].base != base)
			continue;
		bus->ranges[i] = bus->ranges[--bus->nr];
		return 0;
	}
	return -ENOENT;
}

bool iobus_dispatch(struct iobus *bus, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	for (int i = 0; i < bus->nr; i++) {
		const struct iobus_range *r = &bus->ranges[i];

		if (addr < r->base || addr - r->base >= r->len)
			continue;
		/* An access straddling the end of a range is not the device's. */
		if (len > r->len - (addr - r->base))
			break;
		r->fn(r->opaque, addr - r->base, data, len, is_write);
		return true;
	}
	if (!is_write)
		memset(data, 0xff, len);
	return false;
}
