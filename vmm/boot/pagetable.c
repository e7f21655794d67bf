/* Long-mode identity page tables built from 2 MiB pages, for the 64-bit direct-boot entries. */
#include "vmm/boot/loader.h"

#include <string.h>

#include "vmm/boot/util.h"

#define PTE_PRESENT  (1ULL << 0)
#define PTE_WRITABLE (1ULL << 1)
#define PTE_LARGE    (1ULL << 7) /* in a PD entry: maps 2 MiB directly */

#define GIB	(1ULL << 30)
#define PAGE_2M (2ULL << 20)
#define ENTRIES 512ULL

uint64_t boot_identity_map(struct guest_mem *mem, uint64_t at, uint64_t map_bytes)
{
	/* at == 0 would be indistinguishable from the error return. */
	if (at == 0 || (at & (BOOT_PAGE_SIZE - 1)) || map_bytes == 0)
		return 0;
	uint64_t gibs = map_bytes / GIB + (map_bytes % GIB != 0);
	/* One PDPT covers 512 GiB; more than that is not a boot-time need. */
	if (gibs > ENTRIES)
		return 0;
	uint64_t bytes = (2 + gibs) * BOOT_PAGE_SIZE;
	uint8_t *t = gmem_ptr(mem, at, bytes);
	if (!t)
		return 0;

	memset(t, 0, bytes);
	uint8_t *pml4 = t, *pdpt = t + BOOT_PAGE_SIZE;
	put64(pml4, (at + BOOT_PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE);
	for (uint64_t g = 0; g < gibs; g++) {
		uint64_t pd_gpa = at + (2 + g) * BOOT_PAGE_SIZE;
		uint8_t *pd = t + (2 + g) * BOOT_PAGE_SIZE;
		put64(pdpt + g * 8, pd_gpa | PTE_PRESENT | PTE_WRITABLE);
		for (uint64_t i = 0; i < ENTRIES; i++)
			put64(pd + i * 8,
			      (g * GIB + i * PAGE_2M) | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE);
	}
	return at;
}
