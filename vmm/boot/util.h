/* Helpers shared by the direct-boot loaders: little-endian fields, overflow-safe range checks,
 * error returns. */
#ifndef TINYVMM_VMM_BOOT_UTIL_H
#define TINYVMM_VMM_BOOT_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmm/boot/layout.h"
#include "vmm/boot/loader.h"
#include "vmm/guest_mem.h"

/* Boot headers are little-endian and so are KVM x86 hosts; plain loads are then correct. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tinyvmm's boot loaders assume a little-endian host"
#endif

#define BOOT_PAGE_SIZE 4096ULL

static inline uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* [off, off + len) lies inside the blob; written so that no sum can wrap. */
static inline bool blob_has(const struct blob *b, uint64_t off, uint64_t len)
{
	return off <= b->size && len <= b->size - off;
}

/* Rounds v up to a power-of-two `align`; false if that would pass 2^64. */
static inline bool align_up_ok(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t t;
	if (__builtin_add_overflow(v, align - 1, &t))
		return false;
	*out = t & ~(align - 1);
	return true;
}

/* End of the RAM region that starts at 0: everything a loader places must stay below it. */
static inline uint64_t boot_low_ram_top(const struct guest_mem *mem)
{
	return mem->nregions ? mem->regions[0].gpa + mem->regions[0].size : 0;
}

/* Records the reason (when the caller asked for one) and hands back the error code. */
static inline int boot_fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/* Every loader first makes sure the fixed low-memory areas of layout.h exist. */
static inline int boot_check_ram(const struct guest_mem *mem, const char **why)
{
	if (boot_low_ram_top(mem) < BOOT_MIN_RAM)
		return boot_fail(why, "guest RAM ends below 1 MiB, where direct-boot kernels load",
				 BOOT_ETOOBIG);
	return BOOT_OK;
}

#endif
