/* A VM's port-I/O bus: devices registered on non-overlapping port ranges, looked up per exit. */
#ifndef TINYVMM_VMM_BUS_H
#define TINYVMM_VMM_BUS_H

#include <stdatomic.h>
#include <stdint.h>

#include "devices/device.h"

#define BUS_MAX_RANGES 32

struct bus_range {
	uint16_t base;
	uint16_t len;
	const struct io_ops *ops;
	void *dev;
	const char *name;
	_Atomic uint64_t accesses; /* every read or write, for exit accounting */
};

/* Kept sorted by base so a lookup is a binary search over a handful of entries. */
struct io_bus {
	unsigned n;
	struct bus_range r[BUS_MAX_RANGES];
	_Atomic uint64_t unhandled; /* accesses no device claimed */
};

void bus_init(struct io_bus *bus);

/* 0, or -EINVAL for an empty or wrapping range, -EEXIST on overlap, -ENOSPC when full. */
int bus_register(struct io_bus *bus, uint16_t base, uint16_t len, const struct io_ops *ops,
		 void *dev, const char *name);

struct bus_range *bus_find(struct io_bus *bus, uint16_t port);

/*
 * One access of `size` bytes (1, 2 or 4) at `port`. Unclaimed reads return all ones and
 * writes are dropped, as on a PC's ISA bus; both are counted in `unhandled`.
 */
uint32_t bus_read(struct io_bus *bus, uint16_t port, unsigned size);
void bus_write(struct io_bus *bus, uint16_t port, unsigned size, uint32_t value);

#endif
