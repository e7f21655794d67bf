/* Page tables: the kernel's own, user address spaces, and mapping pages between spaces. */
#include "cpu.h"
#include "kernel.h"

#define PTE_P	 0x001ull
#define PTE_W	 0x002ull
#define PTE_U	 0x004ull
#define PTE_PWT	 0x008ull
#define PTE_PCD	 0x010ull
#define PTE_PS	 0x080ull
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

#define APIC_PHYS 0xFEE00000ull

#define PAGETABLE __attribute__((aligned(4096), section(".bss.pagetables")))

/* Kernel half: PML4[511] -> PDPT: [510] phys 0..2 MiB, [511] the local APIC's 2 MiB page. */
static uint64_t kpml4[512] PAGETABLE;
static uint64_t kpdpt[512] PAGETABLE;
static uint64_t kpd[512] PAGETABLE;
static uint64_t apic_pd[512] PAGETABLE;

uint64_t loaded_cr3;

void paging_init(void)
{
	kpd[0] = PTE_P | PTE_W | PTE_PS;
	apic_pd[(APIC_PHYS - (L4_APIC_VBASE - 0xFFFFFFFF00000000ull)) >> 21] =
	    APIC_PHYS | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | PTE_NX;
	kpdpt[510] = KPHYS(kpd) | PTE_P | PTE_W;
	kpdpt[511] = KPHYS(apic_pd) | PTE_P | PTE_W;
	kpml4[511] = KPHYS(kpdpt) | PTE_P | PTE_W;
	loaded_cr3 = KPHYS(kpml4);
	write_cr3(loaded_cr3);
}

/*
 * The PTE for user address va if its tables exist, else NULL. Straight-line: it is on the
 * page-fault paths and, on kvm_pvm, on every system call's (the #UD check).
 */
static uint64_t *lookup(uint64_t cr3, uint64_t va)
{
	uint64_t e = ((const uint64_t *)KVIRT(cr3))[(va >> 39) & 511];
	if (!(e & PTE_P))
		return NULL;
	e = ((const uint64_t *)KVIRT(e & PTE_ADDR))[(va >> 30) & 511];
	if (!(e & PTE_P))
		return NULL;
	e = ((const uint64_t *)KVIRT(e & PTE_ADDR))[(va >> 21) & 511];
	if (!(e & PTE_P))
		return NULL;
	return (uint64_t *)KVIRT(e & PTE_ADDR) + ((va >> 12) & 511);
}

/* lookup(), creating missing tables (zeroed pool pages); NULL when the pool is exhausted. */
static uint64_t *walk_alloc(uint64_t cr3, uint64_t va)
{
	uint64_t *pte = lookup(cr3, va);
	if (pte)
		return pte;
	uint64_t *t = KVIRT(cr3);
	for (unsigned shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (*e & PTE_P) {
			t = KVIRT(*e & PTE_ADDR);
			continue;
		}
		if (!(t = page_alloc()))
			return NULL;
		*e = KPHYS(t) | PTE_P | PTE_W | PTE_U; /* rights live in the leaves only */
	}
	return &t[(va >> 12) & 511];
}

/* Whether the kernel may read va through the space without faulting. */
int user_mapped(uint64_t cr3, uint64_t va)
{
	if (va >= L4_USER_TOP)
		return 0;
	/* every table entry below the kernel half carries U: the leaf decides */
	const uint64_t *e = lookup(cr3, va);
	return e && (*e & (PTE_P | PTE_U)) == (PTE_P | PTE_U);
}

/* A new space: the kernel half shared, the KIP read-only at L4_KIP_VADDR; 0 if out of pool. */
uint64_t space_new(void)
{
	uint64_t *pml4 = page_alloc();
	if (!pml4)
		return 0;
	pml4[511] = kpml4[511];
	uint64_t cr3 = KPHYS(pml4);
	uint64_t *e = walk_alloc(cr3, L4_KIP_VADDR);
	if (!e) {
		space_free(cr3);
		return 0;
	}
	*e = kip_phys | PTE_P | PTE_U | PTE_NX;
	return cr3;
}

/* Gives the space's page tables back to the pool (the pages they map are not the kernel's). */
void space_free(uint64_t cr3)
{
	if (loaded_cr3 == cr3) {
		loaded_cr3 = KPHYS(kpml4);
		write_cr3(loaded_cr3);
	}
	uint64_t *l4 = KVIRT(cr3);
	for (unsigned i = 0; i < 256; i++) {
		if (!(l4[i] & PTE_P))
			continue;
		uint64_t *l3 = KVIRT(l4[i] & PTE_ADDR);
		for (unsigned j = 0; j < 512; j++) {
			if (!(l3[j] & PTE_P))
				continue;
			uint64_t *l2 = KVIRT(l3[j] & PTE_ADDR);
			for (unsigned k = 0; k < 512; k++)
				if (l2[k] & PTE_P)
					page_free(KVIRT(l2[k] & PTE_ADDR));
			page_free(l2);
		}
		page_free(l3);
	}
	page_free(l4);
}

/*
 * Maps the fpage of the sender's space (src) at addr rounded down to the fpage's size in
 * dst. An fpage is aligned to its size (at most 2 MiB), so its PTEs and those of the
 * destination each lie in one page table: one walk per side, a loop of 2^(order-12).
 */
uint64_t map_fpage(uint64_t src_cr3, uint64_t fpage, uint64_t dst_cr3, uint64_t addr)
{
	unsigned order = L4_FPAGE_ORDER(fpage);
	uint64_t rights = L4_FPAGE_RIGHTS(fpage), base = L4_FPAGE_BASE(fpage);
	if (order < L4_PAGE_SHIFT || order > 21 || !rights)
		return L4_E_INVALID;
	uint64_t size = 1ull << order, n = size >> L4_PAGE_SHIFT;
	if ((base & (size - 1)) || base >= L4_USER_TOP || size > L4_USER_TOP - base)
		return L4_E_INVALID;
	uint64_t dst = addr & ~(size - 1);
	/* never over the null guard or the KIP */
	if (dst < L4_KIP_VADDR + PAGE || size > L4_USER_TOP - dst)
		return L4_E_INVALID;

	uint64_t w = (rights & L4_W) ? PTE_W : 0, need = PTE_P | PTE_U | w;
	uint64_t nx = (rights & L4_X) ? 0 : PTE_NX;
	const uint64_t *s = lookup(src_cr3, base);
	if (!s)
		return L4_E_INVALID;
	for (uint64_t i = 0; i < n; i++)
		if ((s[i] & need) != need || (!nx && (s[i] & PTE_NX)))
			return L4_E_INVALID;
	uint64_t *d = walk_alloc(dst_cr3, dst);
	if (!d)
		return L4_E_NOMEM;
	int flush = dst_cr3 == loaded_cr3;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t old = d[i];
		d[i] = (s[i] & PTE_ADDR) | need | nx;
		if (flush && (old & PTE_P))
			invlpg(dst + i * PAGE);
	}
	return L4_OK;
}

/* sigma0's idempotent mapping: pages [va, va + n pages) at the same physical addresses, RWX. */
int map_identity(uint64_t cr3, uint64_t va, uint64_t n)
{
	uint64_t *d = walk_alloc(cr3, va);
	if (!d)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (!(d[i] & PTE_P))
			d[i] = (va + i * PAGE) | PTE_P | PTE_W | PTE_U;
	return 0;
}
