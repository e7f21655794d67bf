/* Loads the kernel, sigma0 and the root task from their ELF64 modules, checking every segment. */
#include "elf64.h"
#include "kickstart.h"
#include "l4/abi.h"

#define MAX_PHDRS 16

static const struct {
	const char *name;
	uint64_t lo, hi; /* where its segments must lie (abi.h) */
} image[KS_N_MODULES] = {
    {"kernel", L4_KERNEL_PHYS_START, L4_KERNEL_PHYS_END},
    {"sigma0", L4_SIGMA0_PHYS_START, L4_SIGMA0_PHYS_END},
    {"roottask", L4_ROOTTASK_PHYS_START, L4_ROOTTASK_PHYS_END},
};

static int overlap(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

static const struct elf64_phdr *check_header(unsigned i, const struct ks_module *m)
{
	const char *name = image[i].name;
	uint64_t size = m->end - m->start;
	const struct elf64_ehdr *eh = (const void *)m->start;
	if (size < sizeof(*eh) || (m->start & 7) || eh->magic != ELF_MAGIC ||
	    eh->class != ELF_CLASS64 || eh->data != ELF_DATA_LSB || eh->version != ELF_VERSION)
		ks_fail("%s: module at 0x%x is not an ELF64 file", name, m->start);
	if (eh->type != ELF_ET_EXEC || eh->machine != ELF_EM_X86_64)
		ks_fail("%s: not an x86-64 executable (type %u, machine %u)", name,
			(uint64_t)eh->type, (uint64_t)eh->machine);
	if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS ||
	    (eh->phoff & 7) || eh->phoff > size ||
	    eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
		ks_fail("%s: bad program header table (%u entries of %u bytes at offset 0x%x)",
			name, (uint64_t)eh->phnum, (uint64_t)eh->phentsize, eh->phoff);
	return (const void *)(m->start + eh->phoff);
}

/* Everything a segment must satisfy before a byte of it is written. */
static void check_segment(unsigned i, unsigned k, const struct elf64_phdr *ph,
			  const struct ks_module mods[KS_N_MODULES], const struct l4_bootinfo *bi)
{
	const char *name = image[i].name;
	uint64_t size = mods[i].end - mods[i].start, at = ph->paddr;
	if (ph->filesz > ph->memsz)
		ks_fail("%s: segment %u has file size 0x%x above its memory size 0x%x", name,
			(uint64_t)k, ph->filesz, ph->memsz);
	if (ph->offset > size || ph->filesz > size - ph->offset)
		ks_fail("%s: segment %u data (offset 0x%x, 0x%x bytes) runs past the module", name,
			(uint64_t)k, ph->offset, ph->filesz);
	if (at < image[i].lo || at >= image[i].hi || ph->memsz > image[i].hi - at)
		ks_fail("%s: segment %u at 0x%x (0x%x bytes) is outside 0x%x-0x%x", name,
			(uint64_t)k, at, ph->memsz, image[i].lo, image[i].hi);
	/* Only now is at + memsz known not to wrap. */
	uint64_t end = at + ph->memsz;
	uint64_t alias = i == L4_BI_IMG_KERNEL ? L4_KERNEL_VBASE + at : at;
	if (ph->vaddr != at && ph->vaddr != alias)
		ks_fail("%s: segment %u links at 0x%x, which does not match its address 0x%x", name,
			(uint64_t)k, ph->vaddr, at);
	if (overlap(at, end, (uint64_t)__ks_start, (uint64_t)__ks_end))
		ks_fail("%s: segment %u at 0x%x overlaps kickstart", name, (uint64_t)k, at);
	for (unsigned j = i; j < KS_N_MODULES; j++)
		if (overlap(at, end, mods[j].start, mods[j].end))
			ks_fail("%s: segment %u at 0x%x overlaps module %u", name, (uint64_t)k, at,
				(uint64_t)j);
	if (!ks_mem_is_ram(bi, at, end))
		ks_fail("%s: segment %u at 0x%x (0x%x bytes) is not in RAM", name, (uint64_t)k, at,
			ph->memsz);
}

void ks_load_image(unsigned i, const struct ks_module mods[KS_N_MODULES], struct l4_bootinfo *bi)
{
	const struct elf64_phdr *ph = check_header(i, &mods[i]);
	const struct elf64_ehdr *eh = (const void *)mods[i].start;
	uint64_t lo = UINT64_MAX, hi = 0;
	int entry_ok = 0;
	for (unsigned k = 0; k < eh->phnum; k++) {
		if (ph[k].type != ELF_PT_LOAD || ph[k].memsz == 0)
			continue;
		check_segment(i, k, &ph[k], mods, bi);
		uint64_t at = ph[k].paddr, end = at + ph[k].memsz;
		for (unsigned j = 0; j < k; j++)
			if (ph[j].type == ELF_PT_LOAD && ph[j].memsz &&
			    overlap(at, end, ph[j].paddr, ph[j].paddr + ph[j].memsz))
				ks_fail("%s: segment %u at 0x%x overlaps segment %u", image[i].name,
					(uint64_t)k, at, (uint64_t)j);
		ks_copy((void *)at, (const void *)(mods[i].start + ph[k].offset), ph[k].filesz);
		ks_zero((void *)(at + ph[k].filesz), ph[k].memsz - ph[k].filesz);
		lo = at < lo ? at : lo;
		hi = end > hi ? end : hi;
		if ((ph[k].flags & ELF_PF_X) && eh->entry - ph[k].vaddr < ph[k].memsz)
			entry_ok = 1;
	}
	if (!hi)
		ks_fail("%s: no loadable segment", image[i].name);
	if (!entry_ok)
		ks_fail("%s: entry point 0x%x is not in an executable segment", image[i].name,
			eh->entry);
	bi->img[i].phys_start = lo & ~(KS_PAGE - 1);
	bi->img[i].phys_end = (hi + KS_PAGE - 1) & ~(KS_PAGE - 1);
	bi->img[i].entry = eh->entry;
}
