/* The kernel page pool (TCBs, page tables, the KIP): from the image's end to L4_KERNEL_PHYS_END. */
#include "cpu.h"
#include "kernel.h"

/*
 * Never-used pages come from a bump pointer and freed ones go to a list, so nothing has to
 * be zeroed at boot: each page is zeroed when it is handed out.
 */
static uint64_t bump, end;
static void *free_list;
static unsigned n_free;

void pool_init(uint64_t start, uint64_t stop)
{
	bump = (start + PAGE - 1) & ~(PAGE - 1);
	end = stop;
	n_free = bump < end ? (unsigned)((end - bump) / PAGE) : 0;
}

void *page_alloc(void)
{
	void *p = free_list;
	if (p) {
		free_list = *(void **)p;
	} else if (bump < end) {
		p = KVIRT(bump);
		bump += PAGE;
	} else {
		return NULL;
	}
	n_free--;
	zero_words(p, PAGE / 8);
	return p;
}

void page_free(void *p)
{
	*(void **)p = free_list;
	free_list = p;
	n_free++;
}

unsigned pool_free_pages(void)
{
	return n_free;
}
