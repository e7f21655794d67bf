/* The multiboot v1 information structure as a boot loader hands it over (what kickstart reads). */
#ifndef TINYVMM_GUESTS_L4_KICKSTART_MULTIBOOT_H
#define TINYVMM_GUESTS_L4_KICKSTART_MULTIBOOT_H

#include <stdint.h>

#define MBI_FLAG_MEM	 (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS	 (1u << 3)
#define MBI_FLAG_MMAP	 (1u << 6)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 640 KiB / above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mb_module {
	uint32_t start, end; /* [start, end) */
	uint32_t string;
	uint32_t reserved;
};

/* `size` counts the bytes after itself, so entries may be longer than this. */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));

#endif
