/* For tests that find firmware tables in guest RAM as an OS does: the RAM, checked reads, sums. */
#ifndef TINYVMM_TESTS_SUPPORT_TABLES_H
#define TINYVMM_TESTS_SUPPORT_TABLES_H

#include <criterion/criterion.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

/* Each test file that includes this gets its own 2 MiB of guest RAM, set up per test. */
static struct guest_mem mem;

static inline void setup_mem(void)
{
	cr_assert_eq(gmem_alloc(&mem, 2 << 20), 0);
}

static inline void teardown_mem(void)
{
	gmem_free(&mem);
}

/* A pointer to [gpa, gpa + len); the test fails when that is not guest RAM. */
static inline const uint8_t *at(uint64_t gpa, uint64_t len)
{
	const uint8_t *p = gmem_ptr(&mem, gpa, len);
	cr_assert_not_null(p, "0x%llx+%llu is not guest RAM", (unsigned long long)gpa,
			   (unsigned long long)len);
	return p;
}

static inline uint8_t u8_at(uint64_t gpa)
{
	return *at(gpa, 1);
}

static inline uint16_t u16_at(uint64_t gpa)
{
	const uint8_t *p = at(gpa, 2);
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t u32_at(uint64_t gpa)
{
	const uint8_t *p = at(gpa, 4);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The byte sum every table checksum makes zero. */
static inline uint8_t sum(uint64_t gpa, uint64_t len)
{
	const uint8_t *p = at(gpa, len);
	uint8_t s = 0;
	for (uint64_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

#endif
