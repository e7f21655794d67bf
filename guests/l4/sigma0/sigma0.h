/* sigma0's parts: the free-page allocator, the page-fault policy, its console lines. */
#ifndef TINYVMM_GUESTS_L4_SIGMA0_H
#define TINYVMM_GUESTS_L4_SIGMA0_H

#include <stdint.h>

#include "l4/syscalls.h"

/* The KIP's memory descriptors sigma0 trusts: none when the KIP looks wrong. */
struct s0_mem {
	const struct l4_memdesc *d;
	unsigned n;
};

/* alloc.c: FREE pages in address order, never below L4_KIP_VADDR + page (page 0 and the
 * KIP's address in sigma0's own space). */
uint64_t alloc_init(const struct s0_mem *mem); /* returns the free bytes */
uint64_t alloc_page(void);		       /* a physical page, or 0 when none is left */
void alloc_undo(uint64_t page);		       /* the last page came back unused */

/* pager.c: turns the message *m from `from` into its reply; returns the page it took from
 * the allocator for it (0 if none), so a reply that cannot be delivered can return it. */
uint64_t pager_serve(const struct s0_mem *mem, uint64_t from, struct l4_msg *m);

/* say.c: one kernel console line: prefix, a decimal number, suffix (48 bytes at most). */
void say(const char *prefix, uint64_t n, const char *suffix);

#endif
