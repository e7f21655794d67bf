/* Guest RAM: PC layout with the PCI hole, anonymous lazily-backed mapping, checked access. */
#include "vmm/guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

void gmem_layout(struct guest_mem *m, uint8_t *host, uint64_t ram_size)
{
	memset(m, 0, sizeof(*m));
	m->host = host;
	m->ram_size = ram_size;
	if (ram_size <= GUEST_LOW_RAM_LIMIT) {
		m->regions[0] = (struct guest_region){0, ram_size, 0};
		m->nregions = 1;
		return;
	}
	m->regions[0] = (struct guest_region){0, GUEST_LOW_RAM_LIMIT, 0};
	m->regions[1] = (struct guest_region){GUEST_HIGH_RAM_BASE, ram_size - GUEST_LOW_RAM_LIMIT,
					      GUEST_LOW_RAM_LIMIT};
	m->nregions = 2;
}

int gmem_alloc(struct guest_mem *m, uint64_t ram_size)
{
	if (ram_size == 0 || ram_size > SIZE_MAX)
		return -EINVAL;
	void *p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* Where the host's THP setting is "always", a guest touching 32 KiB would be charged
	 * a 2 MiB page; a population of small guests must cost only what they touch. */
	(void)madvise(p, ram_size, MADV_NOHUGEPAGE);
	gmem_layout(m, p, ram_size);
	return 0;
}

void gmem_free(struct guest_mem *m)
{
	if (m->host)
		munmap(m->host, m->ram_size);
	memset(m, 0, sizeof(*m));
}

void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < m->nregions; i++) {
		const struct guest_region *r = &m->regions[i];
		if (gpa < r->gpa)
			continue;
		uint64_t off = gpa - r->gpa;
		if (off > r->size || len > r->size - off)
			continue;
		return m->host + r->host_offset + off;
	}
	return NULL;
}

int gmem_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len)
{
	const void *p = gmem_ptr(m, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int gmem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len)
{
	void *p = gmem_ptr(m, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

uint64_t gmem_top(const struct guest_mem *m)
{
	if (!m->nregions)
		return 0;
	const struct guest_region *r = &m->regions[m->nregions - 1];
	return r->gpa + r->size;
}
