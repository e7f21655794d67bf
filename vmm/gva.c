/* Walks a guest's long-mode page tables to find the physical address behind a linear one. */
#include "vmm/gva.h"

#include <errno.h>
#include <string.h>

#define CR0_PG	 (1ULL << 31)
#define CR4_PAE	 (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LMA (1ULL << 10)
#define PTE_P	 1ULL
#define PTE_PS	 (1ULL << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ULL

int gva_translate(const struct guest_mem *m, const struct gva_ctx *c, uint64_t gva, uint64_t *gpa)
{
	if (!(c->cr0 & CR0_PG)) {
		*gpa = gva & 0xFFFFFFFFULL;
		return 0;
	}
	if (!(c->efer & EFER_LMA) || !(c->cr4 & CR4_PAE))
		return -ENOTSUP;
	int levels = (c->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = c->cr3 & PTE_ADDR;
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t idx = (gva >> shift) & 0x1FF;
		uint64_t pte;
		if (gmem_read(m, table + idx * 8, &pte, sizeof(pte)))
			return -EFAULT;
		if (!(pte & PTE_P))
			return -EFAULT;
		/* 1 GiB and 2 MiB pages end the walk at levels 3 and 2 */
		if (level <= 3 && level >= 2 && (pte & PTE_PS)) {
			uint64_t mask = (1ULL << shift) - 1;
			*gpa = (pte & PTE_ADDR & ~mask) | (gva & mask);
			return 0;
		}
		table = pte & PTE_ADDR;
	}
	*gpa = table | (gva & 0xFFF);
	return 0;
}

size_t gva_read(const struct guest_mem *m, const struct gva_ctx *c, uint64_t gva, uint8_t *dst,
		size_t len)
{
	size_t done = 0;
	while (done < len) {
		uint64_t gpa;
		if (gva_translate(m, c, gva + done, &gpa))
			break;
		size_t chunk = 4096 - ((gva + done) & 0xFFF);
		if (chunk > len - done)
			chunk = len - done;
		const void *p = gmem_ptr(m, gpa, chunk);
		if (!p)
			break;
		memcpy(dst + done, p, chunk);
		done += chunk;
	}
	return done;
}
