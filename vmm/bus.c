/* Port-I/O bus of one VM: sorted, non-overlapping ranges; unclaimed ports float high. */
#include "vmm/bus.h"

#include <errno.h>
#include <string.h>

void bus_init(struct io_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int bus_register(struct io_bus *bus, uint16_t base, uint16_t len, const struct io_ops *ops,
		 void *dev, const char *name)
{
	if (len == 0 || (uint32_t)base + len > 0x10000 || !ops)
		return -EINVAL;
	if (bus->n >= BUS_MAX_RANGES)
		return -ENOSPC;
	unsigned at = 0;
	while (at < bus->n && bus->r[at].base < base)
		at++;
	if (at > 0 && (uint32_t)bus->r[at - 1].base + bus->r[at - 1].len > base)
		return -EEXIST;
	if (at < bus->n && (uint32_t)base + len > bus->r[at].base)
		return -EEXIST;
	memmove(&bus->r[at + 1], &bus->r[at], (bus->n - at) * sizeof(bus->r[0]));
	bus->r[at] = (struct bus_range){base, len, ops, dev, name, 0};
	bus->n++;
	return 0;
}

struct bus_range *bus_find(struct io_bus *bus, uint16_t port)
{
	unsigned lo = 0, hi = bus->n;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct bus_range *r = &bus->r[mid];
		if (port < r->base)
			hi = mid;
		else if (port - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

static bool split(const struct io_ops *ops, uint16_t offset, unsigned size)
{
	return ops->byte_regs && size > 1 && !(offset < 32 && (ops->whole_at >> offset & 1));
}

uint32_t io_ops_read(const struct io_ops *ops, void *dev, uint16_t len, uint16_t offset,
		     unsigned size)
{
	if (size > 4)
		size = 4;
	if (!split(ops, offset, size))
		return ops->read(dev, offset, size) & size_mask(size);
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		uint32_t at = (uint32_t)offset + i;
		uint32_t b = i == 0 || at < len ? ops->read(dev, (uint16_t)at, 1) & 0xFF : 0xFF;
		v |= b << (8 * i);
	}
	return v;
}

void io_ops_write(const struct io_ops *ops, void *dev, uint16_t len, uint16_t offset, unsigned size,
		  uint32_t value)
{
	if (size > 4)
		size = 4;
	if (!split(ops, offset, size)) {
		ops->write(dev, offset, size, value & size_mask(size));
		return;
	}
	for (unsigned i = 0; i < size; i++) {
		uint32_t at = (uint32_t)offset + i;
		if (i == 0 || at < len)
			ops->write(dev, (uint16_t)at, 1, (value >> (8 * i)) & 0xFF);
	}
}

uint32_t bus_read(struct io_bus *bus, uint16_t port, unsigned size)
{
	struct bus_range *r = bus_find(bus, port);
	if (!r || !r->ops->read) {
		atomic_fetch_add_explicit(&bus->unhandled, 1, memory_order_relaxed);
		return size_mask(size);
	}
	atomic_fetch_add_explicit(&r->accesses, 1, memory_order_relaxed);
	return io_ops_read(r->ops, r->dev, r->len, (uint16_t)(port - r->base), size);
}

void bus_write_ctx(struct io_bus *bus, uint16_t port, unsigned size, uint32_t value,
		   struct io_ctx *ctx)
{
	struct bus_range *r = bus_find(bus, port);
	if (!r || (!r->ops->write && !r->ops->write_ctx)) {
		atomic_fetch_add_explicit(&bus->unhandled, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&r->accesses, 1, memory_order_relaxed);
	uint16_t offset = (uint16_t)(port - r->base);
	if (r->ops->write_ctx) {
		struct io_ctx none = {.count = 1, .end = VM_END_NONE};
		r->ops->write_ctx(r->dev, ctx ? ctx : &none, offset, size > 4 ? 4 : size,
				  value & size_mask(size > 4 ? 4 : size));
		return;
	}
	io_ops_write(r->ops, r->dev, r->len, offset, size, value);
}

void bus_write(struct io_bus *bus, uint16_t port, unsigned size, uint32_t value)
{
	bus_write_ctx(bus, port, size, value, NULL);
}
