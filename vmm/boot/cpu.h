/* The CPU state a direct-boot entry starts in: protected-mode or identity-mapped long-mode setup.
 */
#ifndef TINYVMM_VMM_BOOT_CPU_H
#define TINYVMM_VMM_BOOT_CPU_H

#include <stdint.h>

#include "vmm/boot/loader.h"
#include "vmm/guest_mem.h"

/* What the long-mode entries identity-map: all of the 32-bit space, which is what fits the
 * page-table area. */
#define BOOT_IDENTITY_BYTES (4ULL << 30)

/* Clears *e, writes the boot GDT and sets flat 32-bit protected mode at rip (paging off). */
int boot_enter_prot32(struct guest_mem *mem, struct boot_entry *e, uint64_t rip, const char **why);

/* Clears *e, writes the GDT and the identity map of BOOT_IDENTITY_BYTES, and sets long mode at rip.
 */
int boot_enter_long64(struct guest_mem *mem, struct boot_entry *e, uint64_t rip, const char **why);

#endif
