/* Unit tests of the port-I/O bus: registration rules, lookup, open-bus behaviour. */
#include <criterion/criterion.h>
#include <errno.h>

#include "vmm/bus.h"

struct probe {
	uint16_t last_offset;
	unsigned last_size;
	uint32_t last_value;
	unsigned writes;
};

static uint32_t probe_read(void *dev, uint16_t offset, unsigned size)
{
	struct probe *p = dev;
	p->last_offset = offset;
	p->last_size = size;
	return 0xA5A5A500u | offset;
}

static void probe_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct probe *p = dev;
	p->last_offset = offset;
	p->last_size = size;
	p->last_value = value;
	p->writes++;
}

static const struct io_ops probe_ops = {probe_read, probe_write};

Test(bus, rejects_empty_wrapping_and_overlapping_ranges)
{
	struct io_bus bus;
	struct probe p = {0};
	bus_init(&bus);
	cr_assert_eq(bus_register(&bus, 0x3F8, 0, &probe_ops, &p, "empty"), -EINVAL);
	cr_assert_eq(bus_register(&bus, 0xFFFF, 2, &probe_ops, &p, "wraps"), -EINVAL);
	cr_assert_eq(bus_register(&bus, 0x3F8, 8, &probe_ops, &p, "com1"), 0);
	cr_assert_eq(bus_register(&bus, 0x3FF, 1, &probe_ops, &p, "inside"), -EEXIST);
	cr_assert_eq(bus_register(&bus, 0x3F0, 9, &probe_ops, &p, "tail"), -EEXIST);
	cr_assert_eq(bus_register(&bus, 0x3F0, 8, &probe_ops, &p, "before"), 0);
	cr_assert_eq(bus_register(&bus, 0x400, 1, &probe_ops, &p, "after"), 0);
	cr_assert_eq(bus_register(&bus, 0xFFFF, 1, &probe_ops, &p, "last port"), 0);
	cr_assert_eq(bus.n, 4);
}

Test(bus, fills_up)
{
	struct io_bus bus;
	struct probe p = {0};
	bus_init(&bus);
	for (unsigned i = 0; i < BUS_MAX_RANGES; i++)
		cr_assert_eq(bus_register(&bus, (uint16_t)(i * 4), 2, &probe_ops, &p, "x"), 0);
	cr_assert_eq(bus_register(&bus, 0x8000, 1, &probe_ops, &p, "x"), -ENOSPC);
}

Test(bus, dispatches_with_offsets_and_masks)
{
	struct io_bus bus;
	struct probe a = {0}, b = {0};
	bus_init(&bus);
	/* registered out of order on purpose: lookups must still find them */
	cr_assert_eq(bus_register(&bus, 0x70, 2, &probe_ops, &b, "rtc"), 0);
	cr_assert_eq(bus_register(&bus, 0x40, 4, &probe_ops, &a, "pit"), 0);
	bus_write(&bus, 0x43, 1, 0x1234);
	cr_assert_eq(a.last_offset, 3);
	cr_assert_eq(a.last_value, 0x34, "a 1-byte write carries one byte");
	cr_assert_eq(bus_read(&bus, 0x71, 1), 0x01);
	cr_assert_eq(b.last_offset, 1);
	cr_assert_eq(bus_read(&bus, 0x70, 2), 0xA500);
	cr_assert_eq(bus_read(&bus, 0x70, 4), 0xA5A5A500u);
	cr_assert_eq(bus.unhandled, 0);
}

Test(bus, unclaimed_ports_float_high_and_are_counted)
{
	struct io_bus bus;
	bus_init(&bus);
	cr_assert_eq(bus_read(&bus, 0x1234, 1), 0xFF);
	cr_assert_eq(bus_read(&bus, 0x1234, 2), 0xFFFF);
	cr_assert_eq(bus_read(&bus, 0x1234, 4), 0xFFFFFFFFu);
	bus_write(&bus, 0x1234, 1, 0);
	cr_assert_eq(bus.unhandled, 4);
}

/* A byte-register device: records every byte access it is handed. */
struct byte_probe {
	unsigned n;
	uint16_t offsets[8];
	unsigned sizes[8];
	uint32_t values[8];
};

static uint32_t byte_probe_read(void *dev, uint16_t offset, unsigned size)
{
	struct byte_probe *p = dev;
	p->offsets[p->n] = offset;
	p->sizes[p->n++] = size;
	return size == 1 ? 0x10u + offset : 0xC0DEC0DEu;
}

static void byte_probe_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct byte_probe *p = dev;
	p->offsets[p->n] = offset;
	p->values[p->n] = value;
	p->sizes[p->n++] = size;
}

static const struct io_ops byte_probe_ops = {
    .read = byte_probe_read, .write = byte_probe_write, .byte_regs = true, .whole_at = 1u << 0};

Test(bus, splits_wide_accesses_for_byte_register_devices)
{
	struct io_bus bus;
	struct byte_probe p = {0};
	bus_init(&bus);
	cr_assert_eq(bus_register(&bus, 0x70, 4, &byte_probe_ops, &p, "bytes"), 0);
	/* a word at offset 1: two byte cycles at 1 and 2 */
	cr_assert_eq(bus_read(&bus, 0x71, 2), 0x1211);
	cr_assert_eq(p.n, 2);
	cr_assert(p.sizes[0] == 1 && p.offsets[0] == 1 && p.sizes[1] == 1 && p.offsets[1] == 2);
	/* a dword at offset 2: the bytes past the range float high and never reach the device */
	p.n = 0;
	cr_assert_eq(bus_read(&bus, 0x72, 4), 0xFFFF1312u);
	cr_assert_eq(p.n, 2);
	p.n = 0;
	bus_write(&bus, 0x72, 4, 0x44332211u);
	cr_assert_eq(p.n, 2);
	cr_assert(p.values[0] == 0x11 && p.offsets[0] == 2 && p.values[1] == 0x22 &&
		  p.offsets[1] == 3);
	/* offset 0 is a whole_at data port: one access, whole */
	p.n = 0;
	cr_assert_eq(bus_read(&bus, 0x70, 4), 0xC0DEC0DEu);
	cr_assert(p.n == 1 && p.sizes[0] == 4);
	/* counted once per guest access, as before the split */
	cr_assert_eq(bus.r[0].accesses, 4);
}
