/* Guest-virtual to guest-physical translation by walking the guest's own page tables. */
#ifndef TINYVMM_VMM_GVA_H
#define TINYVMM_VMM_GVA_H

#include <stdint.h>

#include "vmm/guest_mem.h"

struct gva_ctx {
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * Translates a linear address. Paging off: identity. Long mode (4- or 5-level): walks the
 * tables through gmem_ptr, so a hostile CR3 or PTE can only produce -EFAULT. Legacy 32-bit
 * and PAE paging are not walked (-ENOTSUP): no path that needs this runs there.
 */
int gva_translate(const struct guest_mem *m, const struct gva_ctx *c, uint64_t gva, uint64_t *gpa);

/* Reads up to `len` bytes at a linear address, stopping at the first untranslatable page. */
size_t gva_read(const struct guest_mem *m, const struct gva_ctx *c, uint64_t gva, uint8_t *dst,
		size_t len);

#endif
