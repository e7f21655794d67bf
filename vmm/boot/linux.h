/* The Linux loaders' shared parts: bzImage and vmlinux paths, and the zero page both fill. */
#ifndef TINYVMM_VMM_BOOT_LINUX_H
#define TINYVMM_VMM_BOOT_LINUX_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/boot/loader.h"
#include "vmm/guest_mem.h"

/* What the kernel told us about itself, for placing the command line and the initrd. */
struct linux_kernel {
	uint64_t end;	      /* first byte above everything the kernel occupies or needs early */
	uint64_t initrd_max;  /* highest address the initrd may occupy (inclusive) */
	uint32_t cmdline_max; /* longest command line, NUL excluded */
	uint64_t entry64;     /* physical 64-bit entry point */
};

/*
 * Completes a zero page in `zp` (setup header already in place): command line, initrd,
 * E820 table, loader fields; writes it to BOOT_ZERO_PAGE_ADDR and sets the 64-bit entry
 * state with RSI pointing at it.
 */
int linux_finish(struct guest_mem *mem, const struct boot_request *req,
		 const struct linux_kernel *k, uint8_t *zp, struct boot_entry *entry,
		 const char **why);

int linux_load_bzimage(struct guest_mem *mem, const struct boot_request *req,
		       struct boot_entry *entry, const char **why);
int linux_load_vmlinux(struct guest_mem *mem, const struct boot_request *req,
		       struct boot_entry *entry, const char **why);

/* bzImage signature: boot flag 0xAA55 and "HdrS". */
bool linux_is_bzimage(const struct blob *k);

#endif
