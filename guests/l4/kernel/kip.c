/* The kernel interface page: built from kickstart's boot info, read-only in every space. */
#include "abi/report_abi.h"
#include "cpu.h"
#include "kernel.h"

struct l4_kip *kip;
uint64_t kip_phys;

struct span {
	uint64_t base, end;
	uint32_t type, owner;
};

/*
 * Appends [base, end) to mem[], kept sorted and non-overlapping: RAM types shrink to whole
 * pages, reserved ranges grow to them; a range that continues the last one of the same
 * kind extends it. Ranges beyond L4_KIP_MAX_MEM are dropped: memory not described is
 * memory sigma0 never hands out, which is safe.
 */
static void add(struct l4_kip *k, uint64_t base, uint64_t end, uint32_t type, uint32_t owner)
{
	if (type == L4_MEM_RESERVED) {
		base &= ~(PAGE - 1);
		end = (end + PAGE - 1) & ~(PAGE - 1);
	} else {
		base = (base + PAGE - 1) & ~(PAGE - 1);
		end &= ~(PAGE - 1);
	}
	if (k->n_mem) {
		struct l4_memdesc *p = &k->mem[k->n_mem - 1];
		uint64_t pend = p->base + p->size;
		if (base < pend)
			base = pend;
		if (base < end && base == pend && p->type == type && p->owner == owner) {
			p->size += end - base;
			return;
		}
	}
	if (base >= end || k->n_mem == L4_KIP_MAX_MEM)
		return;
	k->mem[k->n_mem++] = (struct l4_memdesc){base, end - base, type, owner};
}

/* Splits one RAM range around the ranges with an owner (page 0, the kernel, the images). */
static void add_ram(struct l4_kip *k, uint64_t b, uint64_t e, const struct span *sp, unsigned n)
{
	uint64_t cur = b;
	for (unsigned i = 0; i < n; i++) {
		if (sp[i].end <= cur || sp[i].base >= e)
			continue;
		if (sp[i].base > cur)
			add(k, cur, sp[i].base, L4_MEM_FREE, 0);
		uint64_t lo = sp[i].base > cur ? sp[i].base : cur;
		uint64_t hi = sp[i].end < e ? sp[i].end : e;
		add(k, lo, hi, sp[i].type, sp[i].owner);
		cur = hi;
	}
	add(k, cur, e, L4_MEM_FREE, 0);
}

static void copy_str(char *dst, const char *src, unsigned size)
{
	unsigned i = 0;
	for (; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

/* tinyvmm may hand an app command line through the report port; it overrides the module's. */
static void host_args(struct l4_kip *k)
{
	static char buf[REPORT_ARGS_MAX];
	if (inl(REPORT_PORT) != REPORT_MAGIC)
		return;
	console_use_records();
	insb(REPORT_ARGS_PORT, buf, sizeof(buf));
	buf[sizeof(buf) - 1] = 0;
	if (buf[0])
		copy_str(k->roottask_cmdline, buf, L4_KIP_CMDLINE);
}

int kip_init(const struct l4_bootinfo *bi)
{
	const struct l4_bi_image *sig = &bi->img[L4_BI_IMG_SIGMA0];
	const struct l4_bi_image *rt = &bi->img[L4_BI_IMG_ROOTTASK];
	struct span sp[4] = {
	    {0, PAGE, L4_MEM_RESERVED, 0},
	    {L4_KERNEL_PHYS_START, L4_KERNEL_PHYS_END, L4_MEM_KERNEL, 0},
	    {sig->phys_start, sig->phys_end, L4_MEM_IMAGE, L4_SIGMA0_TID},
	    {rt->phys_start, rt->phys_end, L4_MEM_IMAGE, L4_ROOTTASK_TID},
	};
	/* the images must be page-aligned, non-empty and clear of each other and the kernel */
	for (unsigned i = 2; i < 4; i++)
		if (sp[i].base >= sp[i].end || ((sp[i].base | sp[i].end) & (PAGE - 1)) ||
		    sp[i].base < L4_KERNEL_PHYS_END)
			return -1;
	if (sp[3].base < sp[2].end && sp[2].base < sp[3].end)
		return -1;
	if (sp[3].base < sp[2].base) {
		struct span t = sp[2];
		sp[2] = sp[3];
		sp[3] = t;
	}

	struct l4_kip *k = page_alloc();
	if (!k)
		return -1;
	k->magic = L4_KIP_MAGIC;
	k->abi_version = L4_ABI_VERSION;
	k->ram_end = bi->ram_end;
	k->sigma0_tid = L4_SIGMA0_TID;
	k->roottask_tid = L4_ROOTTASK_TID;
	for (uint32_t i = 0; i < bi->n_mem; i++) {
		const struct l4_bi_mem *m = &bi->mem[i];
		uint64_t e = m->base + m->size;
		if (e < m->base)
			e = ~0ull;
		if (m->type == L4_BI_MEM_RAM || m->type == L4_BI_MEM_BOOT)
			add_ram(k, m->base, e, sp, 4);
		else
			add(k, m->base, e, L4_MEM_RESERVED, 0);
	}
	copy_str(k->roottask_cmdline, rt->cmdline, L4_KIP_CMDLINE);
	copy_str(k->kernel_cmdline, bi->img[L4_BI_IMG_KERNEL].cmdline, L4_KIP_CMDLINE);
	host_args(k);
	kip = k;
	kip_phys = KPHYS(k);
	return 0;
}

const struct l4_memdesc *kip_mem_find(uint64_t addr)
{
	for (uint32_t i = 0; i < kip->n_mem; i++)
		if (addr - kip->mem[i].base < kip->mem[i].size)
			return &kip->mem[i];
	return NULL;
}
