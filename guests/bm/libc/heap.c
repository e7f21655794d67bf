/* heap.c: _sbrk, the break Newlib's malloc grows, inside the region bm_os_heap gives and never past
 * it. */
#define _COMPILING_NEWLIB
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "bm_os.h"
#include "sys.h"

/* The end of the app's image, its BSS included (bm_app.ld). */
extern char _end[];

/* [start, limit) is the heap; brk is the current break. Set on the first call. */
static uintptr_t start, brk, limit;

/* Aligned as malloc's chunks are, so the first chunk needs no padding. */
#define HEAP_ALIGN 16

static int heap_init(void)
{
	unsigned long size = 0;
	uintptr_t base = (uintptr_t)bm_os_heap(&size);
	if (!base || !size || size > UINTPTR_MAX - base)
		return -1;
	uintptr_t end = base + size;
	/* The region may hold the image itself: the heap starts after it. */
	uintptr_t lo = (uintptr_t)_end > base ? (uintptr_t)_end : base;
	lo = (lo + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
	if (lo >= end)
		return -1;
	start = brk = lo;
	limit = end;
	return 0;
}

void *_sbrk(ptrdiff_t incr)
{
	if (!limit && heap_init() < 0)
		return (void *)bm_fail(ENOMEM);
	/* Compared as distances, never as sums that could wrap. */
	if (incr > 0 ? (uintptr_t)incr > limit - brk : (uintptr_t)0 - (uintptr_t)incr > brk - start)
		return (void *)bm_fail(ENOMEM);
	uintptr_t old = brk;
	brk += (uintptr_t)incr;
	return (void *)old;
}

BM_WEAK_ALIAS(sbrk, _sbrk);
