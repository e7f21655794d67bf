/* In-memory kernel images and guest RAM for the loader tests (no binary files in the tree). */
#ifndef TINYVMM_TESTS_LOADER_FIXTURES_H
#define TINYVMM_TESTS_LOADER_FIXTURES_H

#include <criterion/criterion.h>
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/boot/layout.h"
#include "vmm/boot/loader.h"
#include "vmm/guest_mem.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Guest RAM over a calloc'd buffer, pre-filled so "zeroed by the loader" is observable. */
struct fx_vm {
	uint8_t *buf;
	struct guest_mem mem;
};

static inline void fx_vm_init(struct fx_vm *vm, uint64_t ram)
{
	vm->buf = calloc(1, ram);
	cr_assert_not_null(vm->buf);
	memset(vm->buf, 0xCC, ram);
	gmem_layout(&vm->mem, vm->buf, ram);
}

static inline void fx_vm_fini(struct fx_vm *vm)
{
	free(vm->buf);
	vm->buf = NULL;
}

static inline uint8_t *fx_at(struct fx_vm *vm, uint64_t gpa, uint64_t len)
{
	uint8_t *p = gmem_ptr(&vm->mem, gpa, len);
	cr_assert_not_null(p, "guest range 0x%llx+0x%llx not in RAM", (unsigned long long)gpa,
			   (unsigned long long)len);
	return p;
}

static inline uint16_t fx_r16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t fx_r32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t fx_r64(const uint8_t *p)
{
	return fx_r32(p) | (uint64_t)fx_r32(p + 4) << 32;
}

static inline void fx_w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void fx_w32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void fx_w64(uint8_t *p, uint64_t v)
{
	fx_w32(p, (uint32_t)v);
	fx_w32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t fx_r32g(struct fx_vm *vm, uint64_t gpa)
{
	return fx_r32(fx_at(vm, gpa, 4));
}

/* The recognisable byte a fixture puts at offset i of segment `seed`. */
static inline uint8_t fx_pattern(unsigned seed, uint64_t i)
{
	return (uint8_t)(seed * 31 + i * 7 + 1);
}

static inline bool fx_is_pattern(const uint8_t *p, unsigned seed, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i] != fx_pattern(seed, i))
			return false;
	return true;
}

static inline bool fx_is_zero(const uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* A program header to emit; file data is `data` (filesz bytes) or fx_pattern(index). */
struct fx_seg {
	uint32_t type;
	uint64_t paddr, vaddr;
	uint64_t filesz, memsz;
	uint64_t align;
	const void *data;
};

struct fx_elf {
	bool is64;
	uint16_t machine;
	uint16_t type;
	uint64_t entry;
	unsigned nseg;
	struct fx_seg seg[6];
};

/*
 * Writes an ELF file into buf: header, program headers right after it, then each
 * segment's file bytes at the next 16-byte boundary. Returns the file size.
 */
static inline size_t fx_build_elf(uint8_t *buf, size_t cap, const struct fx_elf *e)
{
	size_t eh = e->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t ph = e->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t off = (eh + e->nseg * ph + 15) & ~(size_t)15;
	memset(buf, 0, cap);
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = e->is64 ? ELFCLASS64 : ELFCLASS32;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	fx_w16(buf + 16, e->type ? e->type : ET_EXEC);
	fx_w16(buf + 18, e->machine);
	fx_w32(buf + 20, EV_CURRENT);
	if (e->is64) {
		fx_w64(buf + 24, e->entry);
		fx_w64(buf + 32, eh); /* e_phoff */
		fx_w16(buf + 52, (uint16_t)eh);
		fx_w16(buf + 54, (uint16_t)ph);
		fx_w16(buf + 56, (uint16_t)e->nseg);
	} else {
		fx_w32(buf + 24, (uint32_t)e->entry);
		fx_w32(buf + 28, (uint32_t)eh);
		fx_w16(buf + 40, (uint16_t)eh);
		fx_w16(buf + 42, (uint16_t)ph);
		fx_w16(buf + 44, (uint16_t)e->nseg);
	}
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct fx_seg *s = &e->seg[i];
		uint8_t *p = buf + eh + i * ph;
		cr_assert_leq(off + s->filesz, cap, "fixture buffer too small");
		if (s->data)
			memcpy(buf + off, s->data, s->filesz);
		else
			for (uint64_t j = 0; j < s->filesz; j++)
				buf[off + j] = fx_pattern(i, j);
		if (e->is64) {
			fx_w32(p + 0, s->type);
			fx_w32(p + 4, PF_R | PF_X);
			fx_w64(p + 8, off);
			fx_w64(p + 16, s->vaddr);
			fx_w64(p + 24, s->paddr);
			fx_w64(p + 32, s->filesz);
			fx_w64(p + 40, s->memsz);
			fx_w64(p + 48, s->align);
		} else {
			fx_w32(p + 0, s->type);
			fx_w32(p + 4, (uint32_t)off);
			fx_w32(p + 8, (uint32_t)s->vaddr);
			fx_w32(p + 12, (uint32_t)s->paddr);
			fx_w32(p + 16, (uint32_t)s->filesz);
			fx_w32(p + 20, (uint32_t)s->memsz);
			fx_w32(p + 24, PF_R | PF_X);
			fx_w32(p + 28, (uint32_t)s->align);
		}
		off = (off + s->filesz + 15) & ~(size_t)15;
	}
	return off;
}

/* Offset of program header i in a file built by fx_build_elf. */
static inline size_t fx_phdr_off(bool is64, unsigned i)
{
	return is64 ? sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr)
		    : sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr);
}

/* A multiboot v1 header (spec section 3.1) at p; 32 bytes when the a.out fields are used. */
static inline void fx_mb_header(uint8_t *p, uint32_t flags, const uint32_t aout[5])
{
	fx_w32(p, 0x1BADB002u);
	fx_w32(p + 4, flags);
	fx_w32(p + 8, (uint32_t) - (0x1BADB002u + flags));
	if (aout)
		for (int i = 0; i < 5; i++)
			fx_w32(p + 12 + 4 * i, aout[i]);
}

/* One ELF note: name (with NUL), empty-ish 4-byte descriptor. Returns its size. */
static inline size_t fx_note(uint8_t *p, const char *name, uint32_t type)
{
	size_t n = strlen(name) + 1, pad = (n + 3) & ~(size_t)3;
	memset(p, 0, 12 + pad + 4);
	fx_w32(p, (uint32_t)n);
	fx_w32(p + 4, 4);
	fx_w32(p + 8, type);
	memcpy(p + 12, name, n);
	fx_w32(p + 12 + pad, 0x12345678);
	return 12 + pad + 4;
}

/* Walks 4-level long-mode paging from cr3 as the CPU would; false if not mapped. */
static inline bool fx_walk(struct fx_vm *vm, uint64_t cr3, uint64_t va, uint64_t *pa)
{
	const uint64_t mask = 0x000FFFFFFFFFF000ULL;
	uint64_t e = fx_r64(fx_at(vm, (cr3 & mask) + ((va >> 39) & 511) * 8, 8));
	if (!(e & 1))
		return false;
	e = fx_r64(fx_at(vm, (e & mask) + ((va >> 30) & 511) * 8, 8));
	if (!(e & 1))
		return false;
	if (e & 0x80) {
		*pa = (e & 0x000FFFFFC0000000ULL) + (va & (GiB - 1));
		return true;
	}
	e = fx_r64(fx_at(vm, (e & mask) + ((va >> 21) & 511) * 8, 8));
	if (!(e & 1))
		return false;
	if (e & 0x80) {
		*pa = (e & 0x000FFFFFFFE00000ULL) + (va & (2 * MiB - 1));
		return true;
	}
	e = fx_r64(fx_at(vm, (e & mask) + ((va >> 12) & 511) * 8, 8));
	if (!(e & 1))
		return false;
	*pa = (e & mask) + (va & 0xFFF);
	return true;
}

/* Checks the GDT the entry points at against the descriptor encoding of the Intel SDM. */
static inline void fx_check_gdt(struct fx_vm *vm, const struct boot_entry *e)
{
	cr_assert_geq(e->gdt_limit, 0x1F, "GDT must reach selector 0x18");
	const uint8_t *g = fx_at(vm, e->gdt_base, e->gdt_limit + 1ULL);
	cr_assert_eq(fx_r64(g), 0, "null descriptor");
	for (unsigned sel = 0x08; sel <= 0x18; sel += 8) {
		uint64_t d = fx_r64(g + sel);
		uint64_t base = ((d >> 16) & 0xFFFFFF) | ((d >> 56) << 24);
		uint64_t limit = (d & 0xFFFF) | ((d >> 32) & 0xF0000);
		unsigned type = (d >> 40) & 0xF, s = (d >> 44) & 1, dpl = (d >> 45) & 3,
			 present = (d >> 47) & 1, l = (d >> 53) & 1, db = (d >> 54) & 1,
			 gran = (d >> 55) & 1;
		cr_assert_eq(base, 0, "selector 0x%x base", sel);
		cr_assert_eq(limit, 0xFFFFF, "selector 0x%x limit", sel);
		cr_assert(gran && present && s && dpl == 0, "selector 0x%x attributes", sel);
		if (sel == 0x18) {
			cr_assert(!(type & 8) && (type & 2), "0x18 is writable data");
		} else {
			cr_assert((type & 8) && (type & 2), "0x%x is readable code", sel);
			if (sel == 0x08)
				cr_assert(db && !l, "0x08 is 32-bit code");
			else
				cr_assert(l && !db, "0x10 is 64-bit code");
		}
	}
}

#endif
