/* Unit tests of the ACPI tables, parsed back from guest memory the way an OS finds and walks them.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "tests/support/tables.h"
#include "vmm/platform/layout.h"
#include "vmm/platform/tables.h"

/* Offsets and values below come from the ACPI 1.0b/2.0 specification, not from acpi.c. */
#define SDT_HDR_LEN 36
#define FADT_V1_LEN 116

/* As Linux and Pure64 do: every 16-byte boundary of the BIOS area, signature and checksum. */
static uint64_t find_rsdp(void)
{
	for (uint64_t gpa = 0xE0000; gpa < 0x100000; gpa += 16)
		if (memcmp(at(gpa, 8), "RSD PTR ", 8) == 0 && sum(gpa, 20) == 0)
			return gpa;
	return 0;
}

/* A table an OS would accept: right signature, sane length, inside the window, summing to 0. */
static uint32_t check_table(uint32_t gpa, const char *sig)
{
	cr_assert_geq(gpa, PLATFORM_ACPI_BASE, "%s below the ACPI window", sig);
	cr_assert_eq(memcmp(at(gpa, 4), sig, 4), 0, "expected %s at 0x%x", sig, gpa);
	uint32_t len = u32_at(gpa + 4);
	cr_assert_geq(len, SDT_HDR_LEN, "%s length", sig);
	cr_assert_leq(gpa + (uint64_t)len, PLATFORM_ACPI_END, "%s runs past the ACPI window", sig);
	cr_assert_eq(sum(gpa, len), 0, "%s checksum", sig);
	cr_assert_eq(memcmp(at(gpa + 10, 6), "TINYVM", 6), 0, "%s OEMID", sig);
	return len;
}

static void check_rsdt(uint32_t rsdt, uint32_t *fadt, uint32_t *madt)
{
	uint32_t len = check_table(rsdt, "RSDT");
	cr_assert_eq(len, SDT_HDR_LEN + 2 * 4, "two entries");
	*fadt = u32_at(rsdt + SDT_HDR_LEN);
	*madt = u32_at(rsdt + SDT_HDR_LEN + 4);
	/* Order matters: Pure64 mis-parses a list that does not start with FACP. */
	check_table(*fadt, "FACP");
	check_table(*madt, "APIC");
}

static void check_facs(uint32_t facs)
{
	cr_assert_eq(facs % 64, 0, "FACS must be 64-byte aligned");
	cr_assert_geq(facs, PLATFORM_ACPI_BASE);
	cr_assert_leq(facs + 64ULL, PLATFORM_ACPI_END);
	cr_assert_eq(memcmp(at(facs, 4), "FACS", 4), 0);
	cr_assert_eq(u32_at(facs + 4), 64, "FACS length");
	cr_assert_eq(u32_at(facs + 12), 0, "no firmware waking vector");
	cr_assert_eq(u32_at(facs + 16), 0, "global lock free");
}

static void check_dsdt(uint32_t dsdt)
{
	/* Name(\_S5, Package(4) { S5, S5, Zero, Zero }) with S5 = 0: ZeroOp for each. */
	_Static_assert(ACPI_PM_SLP_TYP_S5 == 0, "the expected AML below assumes S5 = 0");
	static const uint8_t aml[] = {0x08, 0x5C, '_',	'S', '5', '_', /* NameOp \_S5_ */
				      0x12, 0x06, 0x04,		       /* PackageOp, len, 4 */
				      0x00, 0x00, 0x00, 0x00};
	uint32_t len = check_table(dsdt, "DSDT");
	cr_assert_eq(len, SDT_HDR_LEN + sizeof(aml));
	cr_assert_eq(u8_at(dsdt + 8), 1, "DSDT revision 1: 32-bit AML integers");
	cr_assert_eq(memcmp(at(dsdt + SDT_HDR_LEN, sizeof(aml)), aml, sizeof(aml)), 0,
		     "DSDT AML differs from Name(\\_S5, Package(){0, 0, 0, 0})");
}

static void check_fadt(uint32_t fadt)
{
	uint32_t len = check_table(fadt, "FACP");
	cr_assert_eq(len, FADT_V1_LEN, "revision 1 layout");
	cr_assert_eq(u8_at(fadt + 8), 1, "FADT revision");
	check_facs(u32_at(fadt + 36));
	check_dsdt(u32_at(fadt + 40));
	cr_assert_eq(u16_at(fadt + 46), 9, "SCI_INT");
	cr_assert_eq(u16_at(fadt + 46), ACPI_PM_SCI_IRQ);
	cr_assert_eq(u32_at(fadt + 48), 0, "SMI_CMD 0: no SMM, ACPI always on");
	cr_assert_eq(u32_at(fadt + 56), ACPI_PM1A_EVT_BLK, "PM1a_EVT_BLK");
	cr_assert_eq(u32_at(fadt + 60), 0, "no PM1b_EVT_BLK");
	cr_assert_eq(u32_at(fadt + 64), ACPI_PM1A_CNT_BLK, "PM1a_CNT_BLK");
	cr_assert_eq(u32_at(fadt + 68), 0, "no PM1b_CNT_BLK");
	cr_assert_eq(u32_at(fadt + 72), 0, "no PM2_CNT_BLK");
	cr_assert_eq(u32_at(fadt + 76), ACPI_PM_TMR_BLK, "PM_TMR_BLK");
	cr_assert_eq(u32_at(fadt + 80), 0, "no GPE0_BLK");
	cr_assert_eq(u32_at(fadt + 84), 0, "no GPE1_BLK");
	cr_assert_eq(u8_at(fadt + 88), 4, "PM1_EVT_LEN");
	cr_assert_eq(u8_at(fadt + 89), 2, "PM1_CNT_LEN");
	cr_assert_eq(u8_at(fadt + 90), 0, "PM2_CNT_LEN");
	cr_assert_eq(u8_at(fadt + 91), 4, "PM_TM_LEN");
	cr_assert_eq(u8_at(fadt + 92), 0, "GPE0_BLK_LEN");
	cr_assert_gt(u16_at(fadt + 96), 100, "no C2");
	cr_assert_gt(u16_at(fadt + 98), 1000, "no C3");
	cr_assert_eq(u8_at(fadt + 108), 0x32, "CENTURY is CMOS register 0x32");
	uint32_t flags = u32_at(fadt + 112);
	cr_assert(flags & (1u << 0), "WBINVD");
	cr_assert(flags & (1u << 2), "PROC_C1");
	cr_assert_not(flags & (1u << 4), "PWR_BUTTON clear: the fixed power button exists");
	cr_assert(flags & (1u << 5), "SLP_BUTTON: no sleep button");
	cr_assert_not(flags & (1u << 8), "TMR_VAL_EXT clear: 24-bit PM timer");
	cr_assert_not(flags & (1u << 10), "RESET_REG_SUP is not claimed");
}

struct madt_counts {
	unsigned lapic, ioapic, iso, nmi, other, total;
	uint64_t apic_ids_seen; /* bit per APIC ID */
	bool irq0_to_gsi2, sci_level_high;
};

static void check_madt(uint32_t madt, unsigned ncpus)
{
	uint32_t len = check_table(madt, "APIC");
	cr_assert_eq(u32_at(madt + 36), 0xFEE00000u, "local APIC address");
	cr_assert_eq(u32_at(madt + 40) & 1, 1, "PCAT_COMPAT");

	struct madt_counts n = {0};
	uint32_t off = 44;
	while (off < len) {
		cr_assert_leq(off + 2, len, "entry header past the end");
		uint8_t type = u8_at(madt + off), elen = u8_at(madt + off + 1);
		cr_assert_geq(elen, 2, "entry length");
		cr_assert_leq(off + elen, len, "entry past the end");
		uint64_t e = madt + off;
		switch (type) {
		case 0:
			cr_assert_eq(elen, 8);
			cr_assert_lt(u8_at(e + 3), ncpus, "APIC ID in 0..ncpus-1");
			cr_assert_eq(u32_at(e + 4) & 1, 1, "processor enabled");
			n.apic_ids_seen |= 1ULL << u8_at(e + 3);
			n.lapic++;
			break;
		case 1:
			cr_assert_eq(elen, 12);
			cr_assert_eq(u8_at(e + 2), ncpus, "IOAPIC ID follows the CPUs");
			cr_assert_eq(u32_at(e + 4), 0xFEC00000u, "IOAPIC address");
			cr_assert_eq(u32_at(e + 8), 0, "GSI base");
			n.ioapic++;
			break;
		case 2:
			cr_assert_eq(elen, 10);
			cr_assert_eq(u8_at(e + 2), 0, "bus ISA");
			if (u8_at(e + 3) == 0 && u32_at(e + 4) == 2 && u16_at(e + 8) == 0)
				n.irq0_to_gsi2 = true;
			/* polarity 01 active high, trigger 11 level */
			if (u8_at(e + 3) == 9 && u32_at(e + 4) == 9 && u16_at(e + 8) == 0x000D)
				n.sci_level_high = true;
			n.iso++;
			break;
		case 4:
			cr_assert_eq(elen, 6);
			cr_assert_eq(u8_at(e + 2), 0xFF, "all processors");
			cr_assert_eq(u8_at(e + 5), 1, "on LINT1");
			n.nmi++;
			break;
		default:
			n.other++;
		}
		n.total++;
		off += elen;
	}
	cr_assert_eq(off, len, "entries fill the table exactly");
	cr_assert_eq(n.lapic, ncpus);
	uint64_t all = ncpus == 64 ? UINT64_MAX : (1ULL << ncpus) - 1;
	cr_assert_eq(n.apic_ids_seen, all, "each APIC ID once");
	cr_assert_eq(n.ioapic, 1);
	cr_assert_eq(n.iso, 2);
	cr_assert(n.irq0_to_gsi2, "IRQ0 -> GSI 2 override");
	cr_assert(n.sci_level_high, "IRQ9 level/high override");
	cr_assert_eq(n.nmi, 1);
	cr_assert_eq(n.other, 0);
	cr_assert_eq(n.total, ncpus + 1 + 2 + 1);
}

static void check_all(unsigned ncpus)
{
	cr_assert_eq(acpi_tables_build(&mem, ncpus), 0);
	uint64_t rsdp = find_rsdp();
	cr_assert_eq(rsdp, PLATFORM_ACPI_BASE, "RSDP found first at the window's base");
	cr_assert_eq(u8_at(rsdp + 15), 0, "RSDP revision 0 (ACPI 1.0)");
	cr_assert_eq(memcmp(at(rsdp + 9, 6), "TINYVM", 6), 0, "RSDP OEMID");
	uint32_t fadt, madt;
	check_rsdt(u32_at(rsdp + 16), &fadt, &madt);
	check_fadt(fadt);
	check_madt(madt, ncpus);
}

TestSuite(acpi_tables, .init = setup_mem, .fini = teardown_mem);

Test(acpi_tables, one_cpu)
{
	check_all(1);
}

Test(acpi_tables, two_cpus)
{
	check_all(2);
}

Test(acpi_tables, sixty_four_cpus)
{
	check_all(64);
}

Test(acpi_tables, independent_of_what_ram_held)
{
	/* A reset reuses RAM: stale bytes must not leak into reserved fields or checksums. */
	memset(gmem_ptr(&mem, PLATFORM_ACPI_BASE, PLATFORM_ACPI_END - PLATFORM_ACPI_BASE), 0xA5,
	       PLATFORM_ACPI_END - PLATFORM_ACPI_BASE);
	check_all(2);
}

Test(acpi_tables, rebuild_with_fewer_cpus)
{
	check_all(64);
	check_all(3);
}

Test(acpi_tables, facs_has_no_vector_lock_or_flags)
{
	memset(gmem_ptr(&mem, PLATFORM_ACPI_BASE, PLATFORM_ACPI_END - PLATFORM_ACPI_BASE), 0xFF,
	       PLATFORM_ACPI_END - PLATFORM_ACPI_BASE);
	cr_assert_eq(acpi_tables_build(&mem, 1), 0);
	uint32_t rsdt = u32_at(find_rsdp() + 16);
	uint32_t facs = u32_at(u32_at(rsdt + SDT_HDR_LEN) + 36);
	const uint8_t *p = at(facs, 64);
	for (unsigned i = 8; i < 64; i++)
		cr_assert_eq(p[i], 0, "FACS byte %u", i);
}

Test(acpi_tables, bad_cpu_counts)
{
	cr_assert_eq(acpi_tables_build(&mem, 0), -EINVAL);
	cr_assert_eq(acpi_tables_build(&mem, 65), -EINVAL);
	cr_assert_eq(acpi_tables_build(&mem, ~0u), -EINVAL);
	cr_assert_eq(find_rsdp(), 0, "a refused build writes nothing");
}

Test(acpi_tables_small, ram_below_the_window)
{
	struct guest_mem small;
	cr_assert_eq(gmem_alloc(&small, 512 << 10), 0);
	cr_assert_eq(acpi_tables_build(&small, 1), -ENOSPC);
	gmem_free(&small);
}

Test(acpi_tables_small, ram_ending_inside_the_window)
{
	struct guest_mem part;
	cr_assert_eq(gmem_alloc(&part, PLATFORM_ACPI_BASE + 0x1000), 0);
	cr_assert_eq(acpi_tables_build(&part, 1), -ENOSPC);
	uint8_t *p = gmem_ptr(&part, PLATFORM_ACPI_BASE, 8);
	cr_assert_neq(memcmp(p, "RSD PTR ", 8), 0, "no RSDP left pointing at missing RAM");
	gmem_free(&part);
}

Test(acpi_tables_small, exactly_one_mib)
{
	struct guest_mem one;
	cr_assert_eq(gmem_alloc(&one, 1 << 20), 0);
	cr_assert_eq(acpi_tables_build(&one, 4), 0);
	gmem_free(&one);
}
