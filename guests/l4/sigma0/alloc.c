/* sigma0's free-page allocator: hands out the KIP's FREE pages once each, lowest first. */
#include "sigma0.h"

/* Below this, sigma0's own space has the null page and the KIP: their frames are unreachable. */
#define FIRST_PAGE (L4_KIP_VADDR + L4_PAGE_SIZE)

static const struct s0_mem *mem;
static unsigned cur;   /* the descriptor being used up */
static uint64_t next;  /* the next page in it */
static uint64_t spare; /* a page given back, handed out first */

/* The usable pages of descriptor i: [*lo, *hi), empty unless it is FREE. */
static void usable(unsigned i, uint64_t *lo, uint64_t *hi)
{
	const struct l4_memdesc *d = &mem->d[i];
	*lo = *hi = 0;
	if (d->type != L4_MEM_FREE || d->base >= L4_USER_TOP)
		return;
	uint64_t end = d->size > L4_USER_TOP - d->base ? L4_USER_TOP : d->base + d->size;
	uint64_t base = d->base < FIRST_PAGE ? FIRST_PAGE : d->base;
	base = (base + L4_PAGE_SIZE - 1) & ~(L4_PAGE_SIZE - 1);
	end &= ~(L4_PAGE_SIZE - 1);
	if (base < end) {
		*lo = base;
		*hi = end;
	}
}

/*
 * `next` only ever grows, so no page is handed out twice even if the descriptors were
 * out of order (the kernel keeps them sorted; then nothing is skipped either).
 */
uint64_t alloc_init(const struct s0_mem *m)
{
	uint64_t free = 0, lo, hi;
	mem = m;
	for (unsigned i = 0; i < m->n; i++) {
		usable(i, &lo, &hi);
		free += hi - lo;
	}
	return free;
}

uint64_t alloc_page(void)
{
	uint64_t p = spare, lo, hi;
	if (p) {
		spare = 0;
		return p;
	}
	for (; cur < mem->n; cur++) {
		usable(cur, &lo, &hi);
		if (next < lo)
			next = lo;
		if (next < hi) {
			p = next;
			next += L4_PAGE_SIZE;
			return p;
		}
	}
	return 0;
}

void alloc_undo(uint64_t page)
{
	spare = page;
}
