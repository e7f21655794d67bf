/* Guest-physical RAM of one VM: the PC layout, and the one checked accessor for guest ranges. */
#ifndef TINYVMM_VMM_GUEST_MEM_H
#define TINYVMM_VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RAM above this guest-physical address is moved to 4 GiB, leaving the 32-bit PCI hole. */
#define GUEST_LOW_RAM_LIMIT 0xC0000000ULL
#define GUEST_HIGH_RAM_BASE 0x100000000ULL

/* Legacy PC areas inside the first MiB (RAM-backed, but not usable by the OS); the firmware
 * pieces in and around them (EBDA, ACPI, MP, BIOS) are placed by vmm/platform/layout.h. */
#define GUEST_VGA_BASE 0xA0000ULL  /* VGA window; text buffer at 0xB8000 */
#define GUEST_HIGH_MEM 0x100000ULL /* 1 MiB */

struct guest_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t host_offset; /* into guest_mem.host */
};

struct guest_mem {
	uint8_t *host; /* one anonymous mapping of ram_size bytes */
	uint64_t ram_size;
	unsigned nregions; /* 1, or 2 when RAM crosses GUEST_LOW_RAM_LIMIT */
	struct guest_region regions[2];
};

/* How much of `ram_size` bytes of RAM stays below GUEST_LOW_RAM_LIMIT (the rest moves to 4 GiB). */
static inline uint64_t gmem_low_bytes(uint64_t ram_size)
{
	return ram_size < GUEST_LOW_RAM_LIMIT ? ram_size : GUEST_LOW_RAM_LIMIT;
}

/* Lays out `ram_size` bytes of RAM over an existing host buffer (no allocation). */
void gmem_layout(struct guest_mem *m, uint8_t *host, uint64_t ram_size);

/* Maps anonymous MAP_PRIVATE|MAP_NORESERVE memory and lays it out. Returns 0 or -errno. */
int gmem_alloc(struct guest_mem *m, uint64_t ram_size);
void gmem_free(struct guest_mem *m);

/*
 * The checked accessor: a host pointer to [gpa, gpa + len) when the whole range lies in
 * one RAM region, else NULL. Overflow-safe; len 0 is valid if gpa is inside or at the
 * end of a region.
 */
void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Copy helpers on top of gmem_ptr; return 0 or -EFAULT. */
int gmem_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len);
int gmem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len);

/* Highest guest-physical address + 1 backed by RAM. */
uint64_t gmem_top(const struct guest_mem *m);

#endif
