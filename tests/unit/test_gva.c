/* Unit tests of the guest page-table walker on hand-built long-mode tables. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "vmm/gva.h"

static uint8_t ram[4 << 20];

static void pte(uint64_t table, unsigned idx, uint64_t v)
{
	memcpy(ram + table + idx * 8, &v, 8);
}

Test(gva, paging_off_is_identity)
{
	struct guest_mem m;
	gmem_layout(&m, ram, sizeof(ram));
	struct gva_ctx c = {.cr0 = 1};
	uint64_t gpa;
	cr_assert_eq(gva_translate(&m, &c, 0x12345, &gpa), 0);
	cr_assert_eq(gpa, 0x12345);
}

Test(gva, four_level_walk_with_4k_and_2m_pages)
{
	struct guest_mem m;
	memset(ram, 0, sizeof(ram));
	gmem_layout(&m, ram, sizeof(ram));
	/* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000: entry 0 a 2 MiB page at 2 MiB,
	 * entry 1 -> PT 0x4000 whose entry 5 maps 0x5000 */
	pte(0x1000, 511, 0x2000 | 3); /* top of the address space: kernel-style */
	pte(0x2000, 510, 0x3000 | 3);
	pte(0x3000, 0, 0x200000 | 0x83);
	pte(0x3000, 1, 0x4000 | 3);
	pte(0x4000, 5, 0x5000 | 3);
	struct gva_ctx c = {.cr0 = 0x80000001, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500};
	uint64_t base = 0xFFFFFFFF80000000ULL, gpa;
	cr_assert_eq(gva_translate(&m, &c, base + 0x1234, &gpa), 0);
	cr_assert_eq(gpa, 0x201234);
	cr_assert_eq(gva_translate(&m, &c, base + 0x205678, &gpa), 0);
	cr_assert_eq(gpa, 0x5678);
	cr_assert_eq(gva_translate(&m, &c, base + 0x206000, &gpa), -EFAULT, "not present");
	cr_assert_eq(gva_translate(&m, &c, 0x1000, &gpa), -EFAULT);

	uint8_t buf[4];
	memcpy(ram + 0x5FFE, "\x11\x22", 2);
	cr_assert_eq(gva_read(&m, &c, base + 0x205FFE, buf, 4), 2, "stops at the unmapped page");
	cr_assert_eq(buf[1], 0x22);
}

Test(gva, hostile_tables_cannot_escape_ram)
{
	struct guest_mem m;
	memset(ram, 0, sizeof(ram));
	gmem_layout(&m, ram, sizeof(ram));
	pte(0x1000, 0, 0x7FFFFFFFF000ULL | 3); /* PDPT far outside RAM */
	struct gva_ctx c = {.cr0 = 0x80000001, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500};
	uint64_t gpa;
	cr_assert_eq(gva_translate(&m, &c, 0x1000, &gpa), -EFAULT);
	c.cr3 = 0xFFFFFFFFF000ULL;
	cr_assert_eq(gva_translate(&m, &c, 0x1000, &gpa), -EFAULT);
	c.efer = 0;
	cr_assert_eq(gva_translate(&m, &c, 0x1000, &gpa), -ENOTSUP, "legacy paging is not walked");
}
