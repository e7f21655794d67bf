/* The guest's physical memory map (E820), derived from its RAM layout; shared by all loaders and
 * the BIOS. */
#ifndef TINYVMM_VMM_E820_H
#define TINYVMM_VMM_E820_H

#include <stdint.h>

#include "vmm/guest_mem.h"

#define E820_RAM      1
#define E820_RESERVED 2

#define E820_MAX 8

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed)); /* 20 bytes: the BIOS and Linux layout */

struct e820_map {
	unsigned n;
	struct e820_entry e[E820_MAX];
};

/*
 * Usable RAM [0, EBDA), reserved EBDA..1 MiB-hole pieces that real kernels expect
 * (EBDA and the BIOS area 0xE0000-0xFFFFF), usable RAM from 1 MiB up, and the part moved
 * above 4 GiB. No zero-sized entries, sorted, non-overlapping.
 */
void e820_build(struct e820_map *map, const struct guest_mem *m);

/* KiB of conventional memory below 640K, and of contiguous RAM from 1 MiB (multiboot's
 * mem_lower/upper). */
uint32_t e820_mem_lower_kib(const struct guest_mem *m);
uint32_t e820_mem_upper_kib(const struct guest_mem *m);

#endif
