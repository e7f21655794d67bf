/* sigma0's policy for one message: map a root-task image page, a fresh zeroed page, or refuse. */
#include "sigma0.h"

#define PAGE L4_PAGE_SIZE

static void refuse(struct l4_msg *m)
{
	m->mr[0] = L4_TAG(L4_LABEL_REFUSE, 0);
}

static void map(struct l4_msg *m, uint64_t page)
{
	m->mr[0] = L4_TAG(0, 0) | L4_TAG_MAP;
	m->mr[1] = L4_FPAGE(page, L4_PAGE_SHIFT, L4_RWX);
}

/* The whole page at `page` lies in the root task's image (overflow-safe). */
static int in_roottask_image(const struct s0_mem *mem, uint64_t page)
{
	for (unsigned i = 0; i < mem->n; i++) {
		const struct l4_memdesc *d = &mem->d[i];
		if (d->type == L4_MEM_IMAGE && d->owner == L4_ROOTTASK_TID &&
		    page - d->base < d->size && d->size - (page - d->base) >= PAGE)
			return 1;
	}
	return 0;
}

/*
 * A write that changes nothing, done atomically: the kernel maps the page into sigma0's
 * space (it must have a page to map it on) without disturbing what the root task keeps there.
 */
static void touch(uint64_t page)
{
	__asm__ volatile("lock orb $0, (%0)" : : "r"(page) : "memory", "cc");
}

/* Fresh memory is zeroed here, in user mode, where it runs at native speed. */
static void zero(uint64_t page)
{
	uint64_t n = PAGE / 8;
	__asm__ volatile("rep stosq" : "+D"(page), "+c"(n) : "a"(0ull) : "memory");
}

uint64_t pager_serve(const struct s0_mem *mem, uint64_t from, struct l4_msg *m)
{
	uint64_t tag = m->mr[0], addr = m->mr[1], page = addr & ~(PAGE - 1);
	if ((L4_TAG_LABEL(tag) & ~L4_RWX) != L4_LABEL_PAGEFAULT || L4_TAG_U(tag) != 2 ||
	    (tag & L4_TAG_MAP)) {
		refuse(m);
		return 0;
	}
	if (in_roottask_image(mem, page)) {
		touch(page);
		map(m, page);
		return 0;
	}
	if (addr < L4_ANON_START || addr >= L4_ANON_END) {
		refuse(m);
		return 0;
	}
	uint64_t fresh = alloc_page();
	if (!fresh) {
		say("sigma0: out of memory serving thread ", from, "\n");
		refuse(m);
		return 0;
	}
	zero(fresh);
	map(m, fresh);
	return fresh;
}
