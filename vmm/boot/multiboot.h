/* Multiboot v1 (spec 0.6.96): header and information-structure layout, and the header search. */
#ifndef TINYVMM_VMM_BOOT_MULTIBOOT_H
#define TINYVMM_VMM_BOOT_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/boot/loader.h"

#define MB_HEADER_MAGIC	    0x1BADB002u
#define MB_BOOTLOADER_MAGIC 0x2BADB002u
#define MB_SEARCH_BYTES	    8192u /* the header lies wholly within the first 8 KiB */
#define MB_HEADER_ALIGN	    4u
#define MB_HEADER_MIN	    12u /* magic, flags, checksum */
#define MB_HEADER_AOUT	    32u /* ... plus the five address fields of the a.out kludge */

/* Header flags: bits 0-15 are requirements a loader must refuse if it cannot meet them. */
#define MB_FLAG_PAGE_ALIGN  (1u << 0)
#define MB_FLAG_MEMORY_INFO (1u << 1)
#define MB_FLAG_VIDEO_MODE  (1u << 2)
#define MB_FLAG_AOUT_KLUDGE (1u << 16)
#define MB_FLAGS_REQUIRED   0x0000FFFFu
#define MB_FLAGS_UNDERSTOOD (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_VIDEO_MODE)

/* Information structure flags: which fields are valid. */
#define MBI_FLAG_MEM	     (1u << 0)
#define MBI_FLAG_BOOT_DEVICE (1u << 1)
#define MBI_FLAG_CMDLINE     (1u << 2)
#define MBI_FLAG_MODS	     (1u << 3)
#define MBI_FLAG_MMAP	     (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)

/* The information structure handed over in EBX. */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB from 0 */
	uint32_t mem_upper; /* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
	uint8_t color_info[6];
} __attribute__((packed));

_Static_assert(offsetof(struct mb_info, mmap_length) == 44, "multiboot info layout");
_Static_assert(offsetof(struct mb_info, boot_loader_name) == 64, "multiboot info layout");
_Static_assert(offsetof(struct mb_info, framebuffer_addr) == 88, "multiboot info layout");
_Static_assert(sizeof(struct mb_info) == 116, "multiboot info layout");

struct mb_module {
	uint32_t mod_start;
	uint32_t mod_end; /* one past the last byte */
	uint32_t string;
	uint32_t reserved;
};

/* `size` counts the bytes after itself (20), so a reader steps by size + 4. */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct mb_mmap_entry) == 24, "multiboot mmap entry layout");

/* A header found in a kernel file; the address fields are meaningful only with MB_FLAG_AOUT_KLUDGE.
 */
struct mb_header {
	size_t offset; /* in the file */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/*
 * Finds the first 4-byte aligned magic with a valid checksum wholly inside the first 8 KiB.
 * Returns BOOT_OK, or BOOT_ENOTKERNEL / BOOT_EMALFORMED with *why set.
 */
int multiboot_find_header(const struct blob *k, struct mb_header *h, const char **why);

#endif
