/* Unit tests of the Intel MP table, found and walked in guest memory as a kernel's MP parser does.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "tests/support/tables.h"
#include "vmm/platform/layout.h"
#include "vmm/platform/tables.h"

/* Offsets and codes below are from the MultiProcessor Specification 1.4, chapter 4. */
#define HDR_LEN 44

/* The BIOS-area part of the spec's search: 16-byte boundaries of 0xF0000-0xFFFFF. */
static uint64_t find_mpfp(void)
{
	for (uint64_t gpa = 0xF0000; gpa < 0x100000; gpa += 16) {
		if (memcmp(at(gpa, 4), "_MP_", 4) != 0)
			continue;
		uint8_t paragraphs = u8_at(gpa + 8);
		if (paragraphs && gpa + 16ULL * paragraphs <= 0x100000 &&
		    sum(gpa, 16ULL * paragraphs) == 0)
			return gpa;
	}
	return 0;
}

struct mp_seen {
	unsigned cpus, bsps, buses, ioapics, io_ints, locals, total;
	uint64_t apic_ids; /* bit per processor APIC ID */
	int irq_pin[16];   /* INT entries: pin per ISA IRQ, -1 when absent */
	uint16_t irq_flags[16];
	unsigned irq_entries[16];
	bool extint_pin0, lint0_extint, lint1_nmi;
};

static void walk_entry(uint64_t e, unsigned ncpus, struct mp_seen *s)
{
	switch (u8_at(e)) {
	case 0: /* processor */
		cr_assert_lt(u8_at(e + 1), ncpus, "APIC ID in 0..ncpus-1");
		cr_assert_eq(u8_at(e + 2), 0x14, "local APIC version");
		cr_assert(u8_at(e + 3) & 1, "processor enabled");
		if (u8_at(e + 3) & 2) {
			s->bsps++;
			cr_assert_eq(u8_at(e + 1), 0, "the BSP is APIC ID 0");
		}
		cr_assert_neq(u32_at(e + 4) & 0xFFF, 0xFFF, "a real CPU signature");
		cr_assert_eq(u32_at(e + 4) >> 8 & 0xF, 6, "P6 family");
		s->apic_ids |= 1ULL << u8_at(e + 1);
		s->cpus++;
		break;
	case 1: /* bus */
		cr_assert_eq(u8_at(e + 1), 0, "bus 0");
		cr_assert_eq(memcmp(at(e + 2, 6), "ISA   ", 6), 0, "bus type");
		s->buses++;
		break;
	case 2: /* I/O APIC */
		cr_assert_eq(u8_at(e + 1), ncpus, "IOAPIC ID follows the CPUs");
		cr_assert_eq(u8_at(e + 2), 0x11, "IOAPIC version");
		cr_assert(u8_at(e + 3) & 1, "IOAPIC enabled");
		cr_assert_eq(u32_at(e + 4), 0xFEC00000u);
		s->ioapics++;
		break;
	case 3: { /* I/O interrupt assignment */
		uint8_t kind = u8_at(e + 1), irq = u8_at(e + 5), pin = u8_at(e + 7);
		cr_assert_eq(u8_at(e + 4), 0, "source bus is the ISA bus");
		cr_assert_eq(u8_at(e + 6), ncpus, "destination is the IOAPIC");
		if (kind == 3 && pin == 0)
			s->extint_pin0 = true;
		else if (kind == 0) {
			cr_assert_lt(irq, 16, "ISA IRQ");
			s->irq_pin[irq] = pin;
			s->irq_flags[irq] = u16_at(e + 2);
			s->irq_entries[irq]++;
		} else
			cr_assert_fail("unexpected I/O interrupt type %u", kind);
		s->io_ints++;
		break;
	}
	case 4: /* local interrupt assignment */
		cr_assert_eq(u8_at(e + 6), 0xFF, "all local APICs");
		if (u8_at(e + 1) == 3 && u8_at(e + 7) == 0)
			s->lint0_extint = true;
		else if (u8_at(e + 1) == 1 && u8_at(e + 7) == 1)
			s->lint1_nmi = true;
		else
			cr_assert_fail("unexpected local interrupt");
		s->locals++;
		break;
	default:
		cr_assert_fail("unknown entry type %u", u8_at(e));
	}
	s->total++;
}

static void check_all(unsigned ncpus)
{
	cr_assert_eq(mp_table_build(&mem, ncpus), 0);
	uint64_t fp = find_mpfp();
	cr_assert_eq(fp, PLATFORM_MP_FLOAT, "floating pointer found where it was put");
	cr_assert_eq(u8_at(fp + 8), 1, "one paragraph");
	cr_assert_eq(u8_at(fp + 9), 4, "spec revision 1.4");
	for (unsigned i = 11; i < 16; i++)
		cr_assert_eq(u8_at(fp + i), 0, "feature byte %u: table present, no IMCR", i - 10);

	uint64_t cfg = u32_at(fp + 4);
	cr_assert_eq(cfg, PLATFORM_MP_CONFIG);
	cr_assert_eq(memcmp(at(cfg, 4), "PCMP", 4), 0);
	uint16_t len = u16_at(cfg + 4);
	cr_assert_geq(len, HDR_LEN);
	cr_assert_leq(cfg + len, PLATFORM_MP_END, "table fits its window");
	cr_assert_eq(u8_at(cfg + 6), 4, "spec revision 1.4");
	cr_assert_eq(sum(cfg, len), 0, "base table checksum");
	cr_assert_eq(memcmp(at(cfg + 8, 8), "TINYVM  ", 8), 0, "OEM ID");
	cr_assert_eq(memcmp(at(cfg + 16, 12), "TINYVMM     ", 12), 0, "product ID");
	cr_assert_eq(u32_at(cfg + 28), 0, "no OEM table");
	cr_assert_eq(u32_at(cfg + 36), 0xFEE00000u, "local APIC address");
	cr_assert_eq(u16_at(cfg + 40), 0, "no extended table");
	uint16_t count = u16_at(cfg + 34);

	struct mp_seen s = {0};
	for (unsigned i = 0; i < 16; i++)
		s.irq_pin[i] = -1;
	uint64_t off = HDR_LEN;
	int last_type = -1;
	for (unsigned i = 0; i < count; i++) {
		cr_assert_lt(off, len, "entry %u starts past the table", i);
		uint8_t type = u8_at(cfg + off);
		cr_assert_geq(type, last_type, "entries sorted by type");
		last_type = type;
		unsigned elen = type == 0 ? 20 : 8;
		cr_assert_leq(off + elen, len, "entry %u runs past the table", i);
		walk_entry(cfg + off, ncpus, &s);
		off += elen;
	}
	cr_assert_eq(off, len, "entry count and table length agree");

	cr_assert_eq(s.cpus, ncpus);
	cr_assert_eq(s.apic_ids, ncpus == 64 ? UINT64_MAX : (1ULL << ncpus) - 1, "each ID once");
	cr_assert_eq(s.bsps, 1);
	cr_assert_eq(s.buses, 1);
	cr_assert_eq(s.ioapics, 1);
	cr_assert(s.extint_pin0, "8259 ExtINT on IOAPIC pin 0");
	cr_assert_eq(s.irq_pin[0], 2, "IRQ0 -> pin 2");
	cr_assert_eq(s.irq_pin[2], -1, "no entry for the cascade IRQ 2");
	for (unsigned irq = 1; irq < 16; irq++) {
		if (irq == 2)
			continue;
		cr_assert_eq(s.irq_entries[irq], 1, "one entry for IRQ %u", irq);
		cr_assert_eq(s.irq_pin[irq], (int)irq, "IRQ %u on its own pin", irq);
		uint16_t want = irq == 9 ? 0x000D : 0; /* SCI: level, active high */
		cr_assert_eq(s.irq_flags[irq], want, "IRQ %u flags", irq);
	}
	cr_assert_eq(s.irq_flags[0], 0, "IRQ0 conforms to ISA (edge, high)");
	cr_assert_eq(s.io_ints, 16, "ExtINT + 15 ISA IRQs");
	cr_assert(s.lint0_extint, "ExtINT on LINT0");
	cr_assert(s.lint1_nmi, "NMI on LINT1");
	cr_assert_eq(s.locals, 2);
	cr_assert_eq(s.total, ncpus + 1 + 1 + 16 + 2);
}

TestSuite(mp_table, .init = setup_mem, .fini = teardown_mem);

Test(mp_table, one_cpu)
{
	check_all(1);
}

Test(mp_table, two_cpus)
{
	check_all(2);
}

Test(mp_table, sixty_four_cpus)
{
	check_all(64);
}

Test(mp_table, independent_of_what_ram_held)
{
	memset(gmem_ptr(&mem, PLATFORM_MP_CONFIG, 0x100000 - PLATFORM_MP_CONFIG), 0x5A,
	       0x100000 - PLATFORM_MP_CONFIG);
	check_all(3);
}

Test(mp_table, rebuild_with_fewer_cpus)
{
	check_all(64);
	check_all(2);
}

Test(mp_table, bad_cpu_counts)
{
	cr_assert_eq(mp_table_build(&mem, 0), -EINVAL);
	cr_assert_eq(mp_table_build(&mem, 65), -EINVAL);
	cr_assert_eq(mp_table_build(&mem, ~0u), -EINVAL);
	cr_assert_eq(find_mpfp(), 0, "a refused build writes nothing");
}

Test(mp_table_small, ram_below_the_tables)
{
	struct guest_mem small;
	cr_assert_eq(gmem_alloc(&small, 512 << 10), 0);
	cr_assert_eq(mp_table_build(&small, 1), -ENOSPC);
	gmem_free(&small);
}

Test(mp_table_small, ram_missing_the_floating_pointer)
{
	/* The configuration table would fit, the floating pointer at 0xFFF00 would not. */
	struct guest_mem part;
	cr_assert_eq(gmem_alloc(&part, PLATFORM_MP_FLOAT), 0);
	cr_assert_eq(mp_table_build(&part, 1), -ENOSPC);
	uint8_t *p = gmem_ptr(&part, PLATFORM_MP_CONFIG, 4);
	cr_assert_neq(memcmp(p, "PCMP", 4), 0, "nothing half built");
	gmem_free(&part);
}

Test(mp_table_small, exactly_one_mib)
{
	struct guest_mem one;
	cr_assert_eq(gmem_alloc(&one, 1 << 20), 0);
	cr_assert_eq(mp_table_build(&one, 4), 0);
	gmem_free(&one);
}
