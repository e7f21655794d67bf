/* Checked little-endian access to BIOS data area fields in guest RAM. */
#include "vmm/firmware/bda.h"

static uint32_t get(const struct guest_mem *m, uint32_t addr, unsigned n)
{
	const uint8_t *p = gmem_ptr(m, addr, n);
	uint32_t v = 0;
	for (unsigned i = 0; p && i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put(const struct guest_mem *m, uint32_t addr, unsigned n, uint32_t v)
{
	uint8_t *p = gmem_ptr(m, addr, n);
	for (unsigned i = 0; p && i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint8_t bda_get8(const struct guest_mem *m, uint32_t addr)
{
	return (uint8_t)get(m, addr, 1);
}

uint16_t bda_get16(const struct guest_mem *m, uint32_t addr)
{
	return (uint16_t)get(m, addr, 2);
}

uint32_t bda_get32(const struct guest_mem *m, uint32_t addr)
{
	return get(m, addr, 4);
}

void bda_put8(const struct guest_mem *m, uint32_t addr, uint8_t v)
{
	put(m, addr, 1, v);
}

void bda_put16(const struct guest_mem *m, uint32_t addr, uint16_t v)
{
	put(m, addr, 2, v);
}

void bda_put32(const struct guest_mem *m, uint32_t addr, uint32_t v)
{
	put(m, addr, 4, v);
}
