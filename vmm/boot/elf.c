/* ELF parsing and segment loading with every offset, size and address checked before use. */
#include "vmm/boot/elf.h"

#include <elf.h>
#include <string.h>

#include "vmm/boot/layout.h"
#include "vmm/boot/util.h"

bool elf_is(const struct blob *b, bool is64, uint16_t machine)
{
	if (!b->data || b->size < EI_NIDENT + 4)
		return false;
	const uint8_t *d = b->data;
	if (memcmp(d, ELFMAG, SELFMAG) != 0)
		return false;
	if (d[EI_CLASS] != (is64 ? ELFCLASS64 : ELFCLASS32) || d[EI_DATA] != ELFDATA2LSB)
		return false;
	/* e_machine sits at the same offset in both classes. */
	return get16(d + offsetof(Elf32_Ehdr, e_machine)) == machine;
}

static int open64(struct elf_file *f, const struct blob *b, const char **why)
{
	Elf64_Ehdr eh;
	if (b->size < sizeof(eh))
		return boot_fail(why, "ELF64 header truncated", BOOT_EMALFORMED);
	memcpy(&eh, b->data, sizeof(eh));
	f->type = eh.e_type;
	f->machine = eh.e_machine;
	f->entry = eh.e_entry;
	f->phoff = eh.e_phoff;
	f->phentsize = eh.e_phentsize;
	f->phnum = eh.e_phnum;
	if (f->phentsize < sizeof(Elf64_Phdr))
		return boot_fail(why, "ELF64 program header entries are too small",
				 BOOT_EMALFORMED);
	return BOOT_OK;
}

static int open32(struct elf_file *f, const struct blob *b, const char **why)
{
	Elf32_Ehdr eh;
	if (b->size < sizeof(eh))
		return boot_fail(why, "ELF32 header truncated", BOOT_EMALFORMED);
	memcpy(&eh, b->data, sizeof(eh));
	f->type = eh.e_type;
	f->machine = eh.e_machine;
	f->entry = eh.e_entry;
	f->phoff = eh.e_phoff;
	f->phentsize = eh.e_phentsize;
	f->phnum = eh.e_phnum;
	if (f->phentsize < sizeof(Elf32_Phdr))
		return boot_fail(why, "ELF32 program header entries are too small",
				 BOOT_EMALFORMED);
	return BOOT_OK;
}

int elf_open(struct elf_file *f, const struct blob *b, const char **why)
{
	memset(f, 0, sizeof(*f));
	f->blob = b;
	if (!b->data || b->size < EI_NIDENT || memcmp(b->data, ELFMAG, SELFMAG) != 0)
		return boot_fail(why, "not an ELF file", BOOT_ENOTKERNEL);
	if (b->data[EI_DATA] != ELFDATA2LSB)
		return boot_fail(why, "big-endian ELF files are not x86 kernels",
				 BOOT_EUNSUPPORTED);

	int err;
	if (b->data[EI_CLASS] == ELFCLASS64) {
		f->is64 = true;
		err = open64(f, b, why);
	} else if (b->data[EI_CLASS] == ELFCLASS32) {
		err = open32(f, b, why);
	} else {
		return boot_fail(why, "ELF class is neither 32 nor 64 bit", BOOT_EMALFORMED);
	}
	if (err)
		return err;

	if (f->type != ET_EXEC)
		return boot_fail(why, "ELF file is not an executable (e_type != ET_EXEC)",
				 BOOT_EUNSUPPORTED);
	/* PN_XNUM moves the real count into section 0; no kernel needs that many segments. */
	if (f->phnum == 0xFFFF)
		return boot_fail(why, "ELF extended program header numbering is not supported",
				 BOOT_EUNSUPPORTED);
	if (f->phnum == 0)
		return boot_fail(why, "ELF file has no program headers", BOOT_EMALFORMED);
	/* phnum < 2^16 and phentsize < 2^16, so the product cannot wrap. */
	if (!blob_has(b, f->phoff, (uint64_t)f->phnum * f->phentsize))
		return boot_fail(why, "ELF program header table extends past end of file",
				 BOOT_EMALFORMED);
	return BOOT_OK;
}

void elf_phdr(const struct elf_file *f, unsigned i, struct elf_seg *s)
{
	const uint8_t *p = f->blob->data + f->phoff + (uint64_t)i * f->phentsize;
	if (f->is64) {
		Elf64_Phdr ph;
		memcpy(&ph, p, sizeof(ph));
		*s = (struct elf_seg){ph.p_type,  ph.p_offset, ph.p_filesz, ph.p_vaddr,
				      ph.p_paddr, ph.p_memsz,  ph.p_align};
	} else {
		Elf32_Phdr ph;
		memcpy(&ph, p, sizeof(ph));
		*s = (struct elf_seg){ph.p_type,  ph.p_offset, ph.p_filesz, ph.p_vaddr,
				      ph.p_paddr, ph.p_memsz,  ph.p_align};
	}
}

static int check_load_seg(const struct elf_file *f, const struct guest_mem *mem,
			  const struct elf_seg *s, const char **why)
{
	if (s->filesz > s->memsz)
		return boot_fail(why, "ELF segment has p_filesz larger than p_memsz",
				 BOOT_EMALFORMED);
	if (!blob_has(f->blob, s->offset, s->filesz))
		return boot_fail(why, "ELF segment extends past end of file", BOOT_EMALFORMED);
	uint64_t end;
	if (__builtin_add_overflow(s->paddr, s->memsz, &end))
		return boot_fail(why, "ELF segment address plus p_memsz overflows",
				 BOOT_EMALFORMED);
	/* Below 1 MiB live the page tables, zero page, MBI and command lines of layout.h. */
	if (s->paddr < BOOT_KERNEL_MIN)
		return boot_fail(why, "kernel loads below 1 MiB", BOOT_EMALFORMED);
	if (!gmem_ptr(mem, s->paddr, s->memsz))
		return boot_fail(why, "ELF segment extends past the end of guest RAM",
				 BOOT_ETOOBIG);
	return BOOT_OK;
}

int elf_load(const struct elf_file *f, struct guest_mem *mem, uint64_t *lo, uint64_t *hi,
	     const char **why)
{
	uint64_t low = UINT64_MAX, high = 0;
	struct elf_seg s;

	/* Check everything first so a bad file leaves guest memory untouched. */
	for (unsigned i = 0; i < f->phnum; i++) {
		elf_phdr(f, i, &s);
		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		int err = check_load_seg(f, mem, &s, why);
		if (err)
			return err;
		if (s.paddr < low)
			low = s.paddr;
		if (s.paddr + s.memsz > high)
			high = s.paddr + s.memsz;
	}
	if (high == 0)
		return boot_fail(why, "ELF file has no loadable segment", BOOT_EMALFORMED);

	for (unsigned i = 0; i < f->phnum; i++) {
		elf_phdr(f, i, &s);
		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		uint8_t *dst = gmem_ptr(mem, s.paddr, s.memsz);
		memcpy(dst, f->blob->data + s.offset, s.filesz);
		memset(dst + s.filesz, 0, s.memsz - s.filesz);
	}
	*lo = low;
	*hi = high;
	return BOOT_OK;
}

static bool in_range(uint64_t x, uint64_t base, uint64_t len)
{
	return x >= base && x - base < len;
}

int elf_entry_phys(const struct elf_file *f, uint64_t *entry, const char **why)
{
	struct elf_seg s;
	for (unsigned i = 0; i < f->phnum; i++) {
		elf_phdr(f, i, &s);
		if (s.type == PT_LOAD && in_range(f->entry, s.paddr, s.memsz)) {
			*entry = f->entry;
			return BOOT_OK;
		}
	}
	/* Higher-half kernels link e_entry at a virtual address; the CPU starts unpaged or
	 * identity-mapped. */
	for (unsigned i = 0; i < f->phnum; i++) {
		elf_phdr(f, i, &s);
		if (s.type == PT_LOAD && in_range(f->entry, s.vaddr, s.memsz)) {
			*entry = f->entry - s.vaddr + s.paddr;
			return BOOT_OK;
		}
	}
	return boot_fail(why, "ELF entry point lies outside every loadable segment",
			 BOOT_EMALFORMED);
}

int elf_load_kernel(const struct blob *b, struct guest_mem *mem, uint64_t *end, uint64_t *entry,
		    const char **why)
{
	struct elf_file f;
	int err = elf_open(&f, b, why);
	if (err)
		return err;
	uint64_t lo;
	err = elf_load(&f, mem, &lo, end, why);
	if (err)
		return err;
	return elf_entry_phys(&f, entry, why);
}

static bool note_seg_has(const uint8_t *p, uint64_t len, uint64_t align, const char *name)
{
	size_t want = strlen(name);
	uint64_t pos = 0;
	/* Each round consumes at least the 12-byte note header, so the loop ends. */
	while (len - pos >= 12) {
		uint64_t namesz = get32(p + pos), descsz = get32(p + pos + 4);
		uint64_t name_at = pos + 12;
		uint64_t name_pad = (namesz + align - 1) & ~(align - 1);
		uint64_t desc_pad = (descsz + align - 1) & ~(align - 1);
		if (name_pad > len - name_at || desc_pad > len - name_at - name_pad)
			return false;
		if ((namesz == want || (namesz == want + 1 && p[name_at + want] == 0)) &&
		    memcmp(p + name_at, name, want) == 0)
			return true;
		pos = name_at + name_pad + desc_pad;
	}
	return false;
}

bool elf_has_note(const struct elf_file *f, const char *name)
{
	struct elf_seg s;
	for (unsigned i = 0; i < f->phnum; i++) {
		elf_phdr(f, i, &s);
		if (s.type != PT_NOTE || !blob_has(f->blob, s.offset, s.filesz))
			continue;
		/* Notes are 4-byte aligned unless the segment says 8 (GNU property notes). */
		uint64_t align = s.align == 8 ? 8 : 4;
		if (note_seg_has(f->blob->data + s.offset, s.filesz, align, name))
			return true;
	}
	return false;
}
