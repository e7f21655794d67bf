/* Direct-boot loaders: kernel bytes + a guest memory window in, an entry CPU state out. No KVM
 * here. */
#ifndef TINYVMM_VMM_BOOT_LOADER_H
#define TINYVMM_VMM_BOOT_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

/* A file's bytes (usually an mmap of it; the loader never writes to them). */
struct blob {
	const uint8_t *data;
	size_t size;
	const char *name; /* for messages */
};

#define BOOT_MAX_MODULES 16

struct boot_request {
	struct blob kernel;
	const char *cmdline; /* kernel command line, "" if none */
	unsigned nmodules;   /* multiboot modules, or one Linux initrd */
	struct blob modules[BOOT_MAX_MODULES];
	const char *module_args[BOOT_MAX_MODULES]; /* multiboot module strings */
	uint64_t flat_load_addr;		   /* BOOT_FLAT64 only */
};

enum boot_format {
	BOOT_UNKNOWN = 0,
	BOOT_MULTIBOOT, /* multiboot v1 header in the first 8 KiB (ELF32/ELF64 or a.out kludge) */
	BOOT_BZIMAGE,	/* Linux boot protocol, "HdrS" setup header */
	BOOT_VMLINUX,	/* uncompressed Linux ELF64 */
	BOOT_ELF64,	/* any other ELF64 kernel: 64-bit entry */
	BOOT_FLAT64,	/* raw 64-bit image at flat_load_addr (must be asked for) */
};

enum cpu_mode {
	CPU_REAL16,
	CPU_PROT32, /* flat 4 GiB segments: code 0x08, data 0x18; paging off */
	CPU_LONG64, /* identity-mapped long mode: code 0x10, data 0x18 (Linux's __BOOT_CS/DS) */
};

/* What the vCPU is set to before its first KVM_RUN. */
struct boot_entry {
	enum cpu_mode mode;
	uint64_t rip;
	uint64_t rsp;
	uint64_t rax, rbx, rsi, rdi;
	uint64_t cr3;	   /* CPU_LONG64: root of the identity page tables */
	uint64_t gdt_base; /* a GDT the loader placed in guest memory */
	uint16_t gdt_limit;
};

/* Loader errors, reported once by the caller with the message from boot_strerror(). */
enum boot_error {
	BOOT_OK = 0,
	BOOT_ENOTKERNEL = -1,	/* neither multiboot nor bzImage nor ELF64 */
	BOOT_EMALFORMED = -2,	/* header or segment table inconsistent with the file */
	BOOT_ETOOBIG = -3,	/* kernel, modules or initrd do not fit in guest RAM */
	BOOT_EUNSUPPORTED = -4, /* valid but asks for something we do not do (e.g. video mode) */
	BOOT_ETOOMANY = -5,	/* too many modules */
};

const char *boot_strerror(int err);

/* Which loader fits these bytes. */
enum boot_format boot_detect(const struct blob *kernel);
const char *boot_format_name(enum boot_format f);

/*
 * Each loader writes the kernel, its modules, boot information and (for long mode) page
 * tables and a GDT into `mem`, and fills `entry`. On failure it returns an enum boot_error
 * and sets *why to a constant string naming what was wrong.
 */
int multiboot_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
		   const char **why);
int linux_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
	       const char **why);
int elf64_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
	       const char **why);
int flat64_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
		const char **why);

/* Detects the format (or uses BOOT_FLAT64 when flat_load_addr is set) and loads. */
int boot_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
	      const char **why);

/*
 * Long-mode identity map of [0, map_bytes) rounded up to 1 GiB using 2 MiB pages, placed
 * at `at` (4 KiB aligned; needs 4 KiB * (2 + GiB count)). Returns the CR3 value or 0 if
 * it does not fit.
 */
uint64_t boot_identity_map(struct guest_mem *mem, uint64_t at, uint64_t map_bytes);

/* Writes the boot GDT at `at`: 0x00 null, 0x08 flat code32, 0x10 code64, 0x18 flat data. */
int boot_write_gdt(struct guest_mem *mem, uint64_t at, struct boot_entry *entry);

#endif
