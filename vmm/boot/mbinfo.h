/* Multiboot v1 boot information (modules, strings, memory map) shared by the multiboot and 64-bit
 * loaders. */
#ifndef TINYVMM_VMM_BOOT_MBINFO_H
#define TINYVMM_VMM_BOOT_MBINFO_H

#include <stdint.h>

#include "vmm/boot/loader.h"
#include "vmm/guest_mem.h"

/*
 * What a loader that hands over multiboot information checks before touching memory: RAM
 * holds the low areas of layout.h, and there are at most BOOT_MAX_MODULES modules. Clears
 * *why first. Returns BOOT_OK or an error.
 */
int mbi_check_request(const struct guest_mem *mem, const struct boot_request *req,
		      const char **why);

/*
 * Places req's modules page-aligned from kernel_end upwards, writes the command line and
 * module strings into the BOOT_CMDLINE area, and the information structure, its memory
 * map, module list and loader name into the BOOT_MBI area. Returns BOOT_OK or an error.
 */
int mbi_build(struct guest_mem *mem, const struct boot_request *req, uint64_t kernel_end,
	      const char **why);

#endif
