/* The ELF64 header and program header fields kickstart checks and loads. */
#ifndef TINYVMM_GUESTS_L4_KICKSTART_ELF64_H
#define TINYVMM_GUESTS_L4_KICKSTART_ELF64_H

#include <stdint.h>

#define ELF_MAGIC     0x464C457Fu /* "\177ELF" read little-endian */
#define ELF_CLASS64   2
#define ELF_DATA_LSB  1
#define ELF_VERSION   1
#define ELF_ET_EXEC   2
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD   1
#define ELF_PF_X      1

struct elf64_ehdr {
	uint32_t magic;
	uint8_t class, data, version, osabi, pad[8];
	uint16_t type, machine;
	uint32_t e_version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header layout");

#endif
