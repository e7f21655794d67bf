/* Turns the boot loader's memory map (any order, overlaps allowed) into bootinfo's sorted one. */
#include "kickstart.h"

#define MAX_RAW	 (L4_BI_MAX_MEM + 1) /* the boot loader's entries and kickstart's own area */
#define ADDR_TOP 0xFFFFFFFFFFFFF000ull

/* Where ranges overlap the highest rank wins: reserved, then kickstart's area, then RAM. */
enum { RANK_RAM = 1, RANK_BOOT, RANK_RESERVED, N_RANKS };
static const uint32_t rank_type[N_RANKS] = {0, L4_BI_MEM_RAM, L4_BI_MEM_BOOT, L4_BI_MEM_RESERVED};

/*
 * An event: a range of some rank starts or ends at a page-aligned address. All three
 * fit one word (address | rank << 1 | starts), so sorting moves single words.
 */
static uint64_t ev[2 * MAX_RAW];
static unsigned n_ev;

/* Insertion keeps ev[] sorted; boot loaders list their map in order, so this rarely moves. */
static void insert(uint64_t e)
{
	unsigned j = n_ev++;
	for (; j > 0 && ev[j - 1] > e; j--)
		ev[j] = ev[j - 1];
	ev[j] = e;
}

static void add(uint64_t base, uint64_t end, uint32_t rank)
{
	if (n_ev == 2 * MAX_RAW)
		ks_fail("more than %u memory map entries", (uint64_t)L4_BI_MAX_MEM);
	insert(base | rank << 1 | 1);
	insert(end | rank << 1);
}

/* RAM shrinks to whole pages, everything else grows to them: no page is half reserved. */
void ks_mem_add(uint64_t base, uint64_t size, uint32_t e820_type)
{
	if (base >= ADDR_TOP)
		return;
	uint64_t end = size > ADDR_TOP - base ? ADDR_TOP : base + size;
	uint32_t rank = e820_type == 1 ? RANK_RAM : RANK_RESERVED;
	if (rank == RANK_RAM) {
		base = (base + KS_PAGE - 1) & ~(KS_PAGE - 1);
		end &= ~(KS_PAGE - 1);
	} else {
		base &= ~(KS_PAGE - 1);
		end = (end + KS_PAGE - 1) & ~(KS_PAGE - 1);
	}
	if (end > base)
		add(base, end, rank);
}

/* One pass over the sorted boundaries, counting the ranges of each rank that are open. */
void ks_mem_build(struct l4_bootinfo *bi, uint64_t boot_base, uint64_t boot_end)
{
	int32_t open[N_RANKS] = {0, 0, 0, 0};
	struct l4_bi_mem *out = bi->mem;
	unsigned n = 0;

	add(boot_base, boot_end, RANK_BOOT);
	for (unsigned e = 0; e < n_ev;) {
		uint64_t at = ev[e] & ~(KS_PAGE - 1);
		for (; e < n_ev && (ev[e] & ~(KS_PAGE - 1)) == at; e++)
			open[(ev[e] >> 1) & 3] += ev[e] & 1 ? 1 : -1;
		if (e == n_ev)
			break;
		uint32_t rank = open[RANK_RESERVED] ? RANK_RESERVED
				: open[RANK_BOOT]   ? RANK_BOOT
				: open[RANK_RAM]    ? RANK_RAM
						    : 0;
		if (!rank)
			continue;
		uint32_t type = rank_type[rank];
		uint64_t end = ev[e] & ~(KS_PAGE - 1);
		if (n && out[n - 1].type == type && out[n - 1].base + out[n - 1].size == at) {
			out[n - 1].size += end - at;
		} else {
			if (n == L4_BI_MAX_MEM)
				ks_fail("memory map needs more than %u entries", (uint64_t)n);
			out[n].base = at;
			out[n].size = end - at;
			out[n].type = type;
			n++;
		}
		if (type != L4_BI_MEM_RESERVED)
			bi->ram_end = end;
	}
	bi->n_mem = n;
}

/* [base, end) lies inside one RAM entry (kickstart's own area is not RAM for this). */
int ks_mem_is_ram(const struct l4_bootinfo *bi, uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < bi->n_mem; i++)
		if (bi->mem[i].type == L4_BI_MEM_RAM && bi->mem[i].base <= base &&
		    end <= bi->mem[i].base + bi->mem[i].size)
			return 1;
	return 0;
}
