/* Unit tests of guest RAM layout, the checked accessor and the E820 map. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "vmm/e820.h"
#include "vmm/guest_mem.h"

Test(guest_mem, small_ram_is_one_region)
{
	struct guest_mem m;
	static uint8_t buf[4 << 20];
	gmem_layout(&m, buf, sizeof(buf));
	cr_assert_eq(m.nregions, 1);
	cr_assert_eq(gmem_top(&m), sizeof(buf));
	cr_assert_eq(gmem_ptr(&m, 0, 16), buf);
	cr_assert_eq(gmem_ptr(&m, sizeof(buf) - 1, 1), buf + sizeof(buf) - 1);
	cr_assert_eq(gmem_ptr(&m, sizeof(buf), 0), buf + sizeof(buf), "empty range at the end");
	cr_assert_null(gmem_ptr(&m, sizeof(buf) - 1, 2), "one byte past the end");
	cr_assert_null(gmem_ptr(&m, sizeof(buf) + 1, 0));
}

Test(guest_mem, accessor_is_overflow_safe)
{
	struct guest_mem m;
	static uint8_t buf[1 << 20];
	gmem_layout(&m, buf, sizeof(buf));
	cr_assert_null(gmem_ptr(&m, 16, UINT64_MAX));
	cr_assert_null(gmem_ptr(&m, UINT64_MAX, 2));
	cr_assert_null(gmem_ptr(&m, UINT64_MAX - 4, 16));
	uint8_t tmp[8];
	cr_assert_eq(gmem_read(&m, sizeof(buf) - 4, tmp, 8), -EFAULT);
	cr_assert_eq(gmem_write(&m, 0x1000, "abc", 3), 0);
	cr_assert_eq(buf[0x1001], 'b');
}

Test(guest_mem, large_ram_skips_the_pci_hole)
{
	/* Layout only: no 5 GiB allocation is needed to check the arithmetic. */
	struct guest_mem m;
	uint8_t *fake = (uint8_t *)(uintptr_t)0x10000000;
	gmem_layout(&m, fake, 5ULL << 30);
	cr_assert_eq(m.nregions, 2);
	cr_assert_eq(m.regions[0].size, GUEST_LOW_RAM_LIMIT);
	cr_assert_eq(m.regions[1].gpa, GUEST_HIGH_RAM_BASE);
	cr_assert_eq(m.regions[1].size, (5ULL << 30) - GUEST_LOW_RAM_LIMIT);
	cr_assert_eq(gmem_top(&m), GUEST_HIGH_RAM_BASE + (2ULL << 30));
	cr_assert_null(gmem_ptr(&m, GUEST_LOW_RAM_LIMIT, 1), "the hole has no RAM");
	cr_assert_null(gmem_ptr(&m, GUEST_LOW_RAM_LIMIT - 1, 2), "no range spans the hole");
	cr_assert_eq(gmem_ptr(&m, GUEST_HIGH_RAM_BASE, 1), fake + GUEST_LOW_RAM_LIMIT);
}

Test(guest_mem, alloc_is_lazy_and_zeroed)
{
	struct guest_mem m;
	cr_assert_eq(gmem_alloc(&m, 64ULL << 20), 0);
	uint8_t *p = gmem_ptr(&m, 32ULL << 20, 1);
	cr_assert_not_null(p);
	cr_assert_eq(*p, 0);
	gmem_free(&m);
	cr_assert_eq(gmem_alloc(&m, 0), -EINVAL);
}

Test(e820, map_of_a_small_guest)
{
	struct guest_mem m;
	static uint8_t buf[32 << 20];
	gmem_layout(&m, buf, sizeof(buf));
	struct e820_map map;
	e820_build(&map, &m);
	cr_assert_eq(map.n, 4);
	cr_assert_eq(map.e[0].addr, 0);
	cr_assert_eq(map.e[0].size, 0x9FC00);
	cr_assert_eq(map.e[0].type, E820_RAM);
	cr_assert_eq(map.e[1].type, E820_RESERVED);
	cr_assert_eq(map.e[2].addr, 0xE0000);
	cr_assert_eq(map.e[2].type, E820_RESERVED);
	cr_assert_eq(map.e[3].addr, 0x100000);
	cr_assert_eq(map.e[3].size, (32 << 20) - 0x100000);
	cr_assert_eq(e820_mem_lower_kib(&m), 639);
	cr_assert_eq(e820_mem_upper_kib(&m), 31 * 1024);
	for (unsigned i = 1; i < map.n; i++)
		cr_assert(map.e[i].addr >= map.e[i - 1].addr + map.e[i - 1].size,
			  "sorted, disjoint");
}

Test(e820, map_with_high_ram_and_tiny_guest)
{
	struct guest_mem m;
	gmem_layout(&m, (uint8_t *)(uintptr_t)0x10000000, 6ULL << 30);
	struct e820_map map;
	e820_build(&map, &m);
	cr_assert_eq(map.e[map.n - 1].addr, GUEST_HIGH_RAM_BASE);
	cr_assert_eq(map.e[map.n - 1].size, (6ULL << 30) - GUEST_LOW_RAM_LIMIT);

	static uint8_t small[512 << 10];
	gmem_layout(&m, small, sizeof(small));
	e820_build(&map, &m);
	cr_assert_eq(map.n, 1, "512 KiB: conventional memory only, no zero-sized entries");
	cr_assert_eq(map.e[0].size, sizeof(small));
	cr_assert_eq(e820_mem_upper_kib(&m), 0);
}
