/* Copies what kickstart needs out of the multiboot info before loading overwrites low memory. */
#include "kickstart.h"
#include "multiboot.h"

/* A boot loader's string longer than this is taken as unterminated. */
#define MAX_STRING 4096

static const char *const mod_name[KS_N_MODULES] = {"kernel", "sigma0", "roottask"};

/* The arguments: what follows the first word (the path) of a kernel or module string. */
static void copy_args(char dst[L4_BI_CMDLINE], uint32_t at, const char *who)
{
	if (!at)
		return;
	if (!ks_mapped(at, 1))
		ks_fail("%s: command line at 0x%x is outside the first 4 MiB", who, (uint64_t)at);
	const char *s = (const char *)(uint64_t)at;
	uint64_t max = KS_MAPPED_END - at < MAX_STRING ? KS_MAPPED_END - at : MAX_STRING;
	uint64_t n = ks_find(s, 0, max);
	if (n == max)
		ks_fail("%s: command line at 0x%x is not terminated", who, (uint64_t)at);
	/* The path ends at the first blank: a space, or a tab before any space. */
	uint64_t i = ks_find(s, '\t', ks_find(s, ' ', n));
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i >= L4_BI_CMDLINE)
		ks_fail("%s: arguments longer than %u bytes", who, (uint64_t)L4_BI_CMDLINE - 1);
	ks_copy(dst, s + i, n - i); /* the terminating NUL is there: *dst was zero */
}

static void read_mmap(const struct mb_info *mb)
{
	if (!ks_mapped(mb->mmap_addr, mb->mmap_length))
		ks_fail("memory map at 0x%x (+0x%x) is outside the first 4 MiB",
			(uint64_t)mb->mmap_addr, (uint64_t)mb->mmap_length);
	uint64_t off = 0, len = mb->mmap_length;
	while (len - off >= 4) {
		const struct mb_mmap_entry *e = (const void *)(uint64_t)(mb->mmap_addr + off);
		if (e->size < sizeof(*e) - 4 || e->size > len - off - 4)
			ks_fail("memory map entry at offset %u has a bad size (%u)", off,
				(uint64_t)e->size);
		ks_mem_add(e->base, e->length, e->type);
		off += 4 + (uint64_t)e->size;
	}
}

void ks_read_mbi(uint64_t mbi, struct ks_module mods[KS_N_MODULES], struct l4_bootinfo *bi)
{
	if (!ks_mapped(mbi, sizeof(struct mb_info)))
		ks_fail("multiboot info at 0x%x is outside the first 4 MiB", mbi);
	const struct mb_info *mb = (const void *)mbi;

	if (mb->flags & MBI_FLAG_CMDLINE)
		copy_args(bi->kickstart_cmdline, mb->cmdline, "kickstart");

	if (!(mb->flags & MBI_FLAG_MODS) || mb->mods_count < KS_N_MODULES)
		ks_fail("needs %u modules (kernel, sigma0, roottask), got %u",
			(uint64_t)KS_N_MODULES,
			(uint64_t)(mb->flags & MBI_FLAG_MODS ? mb->mods_count : 0));
	if (!ks_mapped(mb->mods_addr, KS_N_MODULES * sizeof(struct mb_module)))
		ks_fail("module list at 0x%x is outside the first 4 MiB", (uint64_t)mb->mods_addr);
	const struct mb_module *m = (const void *)(uint64_t)mb->mods_addr;
	for (unsigned i = 0; i < KS_N_MODULES; i++) {
		if (m[i].end < m[i].start || !ks_mapped(m[i].start, m[i].end - m[i].start))
			ks_fail("%s: module at 0x%x-0x%x is not inside the first 4 MiB",
				mod_name[i], (uint64_t)m[i].start, (uint64_t)m[i].end);
		mods[i].start = m[i].start;
		mods[i].end = m[i].end;
		copy_args(bi->img[i].cmdline, m[i].string, mod_name[i]);
	}

	if (mb->flags & MBI_FLAG_MMAP) {
		read_mmap(mb);
	} else if (mb->flags & MBI_FLAG_MEM) {
		ks_mem_add(0, (uint64_t)mb->mem_lower << 10, 1);
		ks_mem_add(0x100000, (uint64_t)mb->mem_upper << 10, 1);
	} else {
		ks_fail("the boot loader gave no memory information");
	}
}
