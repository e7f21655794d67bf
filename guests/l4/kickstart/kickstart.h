/* kickstart's internal interfaces: console, memory helpers, multiboot info, memory map, ELF. */
#ifndef TINYVMM_GUESTS_L4_KICKSTART_H
#define TINYVMM_GUESTS_L4_KICKSTART_H

#include <stdint.h>

#include "l4/bootinfo.h"

/* kickstart's page tables map 0..4 MiB (and its -2 GiB alias): nothing else can be touched. */
#define KS_MAPPED_END 0x400000ull
#define KS_PAGE	      0x1000ull
#define KS_N_MODULES  3 /* 0 kernel, 1 sigma0, 2 root task; more are ignored */

/* A module's bytes as the boot loader left them: [start, end). */
struct ks_module {
	uint64_t start, end;
};

/* From entry.S and link.ld. */
extern char __ks_start[], __ks_end[];
extern uint64_t ks_entry_tsc;
_Noreturn void ks_enter_kernel(uint64_t entry, struct l4_bootinfo *bi);

/* console.c: one line on COM1 ("kickstart: " + fmt + "\n"), then halt forever. fmt knows
 * %s (string), %x and %u (uint64_t, hex without "0x" / decimal). */
_Noreturn void ks_fail(const char *fmt, ...);

/* mem.c */
void ks_copy(void *dst, const void *src, uint64_t n);
void ks_zero(void *dst, uint64_t n);
uint64_t ks_find(const char *s, char c, uint64_t max);
int ks_mapped(uint64_t addr, uint64_t len); /* [addr, addr+len) lies inside the mapped 4 MiB */

/* mbi.c: copies what kickstart needs out of the multiboot info: command lines into *bi,
 * the modules into mods[], the memory map into memmap.c. */
void ks_read_mbi(uint64_t mbi, struct ks_module mods[KS_N_MODULES], struct l4_bootinfo *bi);

/* memmap.c */
void ks_mem_add(uint64_t base, uint64_t size, uint32_t e820_type);
void ks_mem_build(struct l4_bootinfo *bi, uint64_t boot_base, uint64_t boot_end);
int ks_mem_is_ram(const struct l4_bootinfo *bi, uint64_t base, uint64_t end);

/* elf.c: loads image `i` from mods[i] (checking it against everything), fills bi->img[i]. */
void ks_load_image(unsigned i, const struct ks_module mods[KS_N_MODULES], struct l4_bootinfo *bi);

#endif
