/* ELF32/ELF64 executables as the loaders see them: headers checked against the file before any use.
 */
#ifndef TINYVMM_VMM_BOOT_ELF_H
#define TINYVMM_VMM_BOOT_ELF_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/boot/loader.h"
#include "vmm/guest_mem.h"

/* An opened ELF file: the program header table is known to lie inside the blob. */
struct elf_file {
	const struct blob *blob;
	bool is64;
	uint16_t type;
	uint16_t machine;
	uint64_t entry;
	uint64_t phoff;
	uint64_t phentsize;
	unsigned phnum;
};

/* One program header, widened to 64 bits whatever the class. */
struct elf_seg {
	uint32_t type;
	uint64_t offset, filesz;
	uint64_t vaddr, paddr, memsz;
	uint64_t align;
};

/* Identification only (magic, class, little-endian, machine): enough for format detection. */
bool elf_is(const struct blob *b, bool is64, uint16_t machine);

/* Validates the ELF header and the program header table. */
int elf_open(struct elf_file *f, const struct blob *b, const char **why);

/* Program header i (< phnum) of an opened file. */
void elf_phdr(const struct elf_file *f, unsigned i, struct elf_seg *s);

/*
 * Copies every PT_LOAD segment to its p_paddr and zeroes its bss tail, after checking all
 * of them (inside the file, no wrap-around, at or above 1 MiB, inside guest RAM). On
 * success [*lo, *hi) spans everything loaded.
 */
int elf_load(const struct elf_file *f, struct guest_mem *mem, uint64_t *lo, uint64_t *hi,
	     const char **why);

/* The physical entry point: e_entry itself, or translated through the segment whose virtual range
 * holds it. */
int elf_entry_phys(const struct elf_file *f, uint64_t *entry, const char **why);

/*
 * elf_open, elf_load and elf_entry_phys in one, as every ELF kernel loader does them: on
 * success *end is where the highest segment ends and *entry the physical entry point.
 */
int elf_load_kernel(const struct blob *b, struct guest_mem *mem, uint64_t *end, uint64_t *entry,
		    const char **why);

/* True when a PT_NOTE segment carries a note whose owner name is `name`. */
bool elf_has_note(const struct elf_file *f, const char *name);

#endif
