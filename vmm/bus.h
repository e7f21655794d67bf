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
 * writes are dropped, as on a PC's ISA bus; both are counted in `unhandled`. A claimed
 * access is counted once and handed on through io_ops_read/io_ops_write.
 */
uint32_t bus_read(struct io_bus *bus, uint16_t port, unsigned size);
void bus_write(struct io_bus *bus, uint16_t port, unsigned size, uint32_t value);
/* The same write made by a vCPU: a device with write_ctx gets `ctx` (its `end` may be set). */
void bus_write_ctx(struct io_bus *bus, uint16_t port, unsigned size, uint32_t value,
		   struct io_ctx *ctx);

/*
 * One access to one device whose ports are [0, len) -- what the bus does once it found the
 * range, and how unit tests drive a device: for a byte_regs device, a wider access becomes
 * `size` byte accesses at offset, offset + 1, ...; the first always reaches the device,
 * later ones only while inside [0, len) (past it they read all ones and are dropped). Other
 * devices, and byte_regs devices at their whole_at offsets, get the access whole.
 */
uint32_t io_ops_read(const struct io_ops *ops, void *dev, uint16_t len, uint16_t offset,
		     unsigned size);
void io_ops_write(const struct io_ops *ops, void *dev, uint16_t len, uint16_t offset, unsigned size,
		  uint32_t value);

#endif
