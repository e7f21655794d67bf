/* Builds the E820 map of a guest from its RAM layout. */
#include "vmm/e820.h"

#include "vmm/platform/layout.h"

static void add(struct e820_map *map, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size == 0 || map->n >= E820_MAX)
		return;
	map->e[map->n++] = (struct e820_entry){addr, size, type};
}

void e820_build(struct e820_map *map, const struct guest_mem *m)
{
	map->n = 0;
	uint64_t low_end = m->regions[0].size;
	uint64_t conv = low_end < PLATFORM_EBDA_BASE ? low_end : PLATFORM_EBDA_BASE;
	add(map, 0, conv, E820_RAM);
	if (low_end > PLATFORM_EBDA_BASE)
		add(map, PLATFORM_EBDA_BASE, GUEST_VGA_BASE - PLATFORM_EBDA_BASE, E820_RESERVED);
	/* the firmware's top of the first MiB: ACPI and MP tables, then the BIOS */
	if (low_end > PLATFORM_ACPI_BASE)
		add(map, PLATFORM_ACPI_BASE, GUEST_HIGH_MEM - PLATFORM_ACPI_BASE, E820_RESERVED);
	if (low_end > GUEST_HIGH_MEM)
		add(map, GUEST_HIGH_MEM, low_end - GUEST_HIGH_MEM, E820_RAM);
	if (m->nregions > 1)
		add(map, m->regions[1].gpa, m->regions[1].size, E820_RAM);
}

uint32_t e820_mem_lower_kib(const struct guest_mem *m)
{
	uint64_t low_end = m->regions[0].size;
	return (uint32_t)((low_end < PLATFORM_EBDA_BASE ? low_end : PLATFORM_EBDA_BASE) >> 10);
}

uint32_t e820_mem_upper_kib(const struct guest_mem *m)
{
	uint64_t low_end = m->regions[0].size;
	if (low_end <= GUEST_HIGH_MEM)
		return 0;
	uint64_t kib = (low_end - GUEST_HIGH_MEM) >> 10;
	return kib > UINT32_MAX ? UINT32_MAX : (uint32_t)kib;
}
