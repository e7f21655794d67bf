/* What kickstart hands the L4 kernel: the memory map, the loaded images and the command lines. */
#ifndef TINYVMM_GUESTS_L4_BOOTINFO_H
#define TINYVMM_GUESTS_L4_BOOTINFO_H

/*
 * kickstart (a multiboot kernel, guests/l4/kickstart) loads module 0 (the kernel), 1
 * (sigma0) and 2 (the root task) from their ELF64 files at their p_paddr, writes this
 * structure into its own memory (below 2 MiB), enters long mode and
 * jumps to the kernel's e_entry with:
 *   rdi = physical address of struct l4_bootinfo; rsp = a 16-byte aligned stack in
 *   kickstart's memory (at least 4 KiB); IF = 0; CR0.PG/PE/WP, CR4.PAE, EFER.LME/NXE set;
 *   CR3 = kickstart's tables: virtual 0..4 MiB identity and L4_KERNEL_VBASE + (0..4 MiB)
 *   -> physical 0..4 MiB, both with 2 MiB pages, supervisor only; nothing else mapped.
 *   (Everything the kernel touches lies below 2 MiB: its image and pool, this structure,
 *   the BIOS area with the ACPI tables. Mapping more would cost emulated instructions.)
 * The kernel loads its own GDT/IDT/TSS/CR3 before using anything of kickstart's; the
 * memory kickstart used (its image, tables, stack, this structure) is L4_BI_MEM_BOOT and
 * becomes free once the kernel has copied what it needs.
 */
#include <stdint.h>

#define L4_BI_MAGIC   0x4F464E4954424C34ull /* "4LBTINFO" */
#define L4_BI_VERSION 1
#define L4_BI_MAX_MEM 32
#define L4_BI_MAX_IMG 3
#define L4_BI_CMDLINE 256

/* Memory map entry types: the multiboot/E820 ones, plus what kickstart itself uses. */
#define L4_BI_MEM_RAM	   1 /* E820 type 1 */
#define L4_BI_MEM_RESERVED 2 /* E820 2 and everything not 1 */
#define L4_BI_MEM_BOOT	   5 /* kickstart's image, stack, tables and this structure */

#define L4_BI_IMG_KERNEL   0
#define L4_BI_IMG_SIGMA0   1
#define L4_BI_IMG_ROOTTASK 2

struct l4_bi_mem {
	uint64_t base, size;
	uint32_t type; /* L4_BI_MEM_* */
	uint32_t pad;
};

struct l4_bi_image {
	uint64_t phys_start, phys_end; /* page-rounded span its PT_LOAD segments occupy */
	uint64_t entry;		       /* ELF e_entry */
	char cmdline[L4_BI_CMDLINE];   /* the module string after its first word */
};

struct l4_bootinfo {
	uint64_t magic; /* L4_BI_MAGIC */
	uint32_t version, size; /* L4_BI_VERSION, sizeof(struct l4_bootinfo) */
	uint32_t n_mem, n_images; /* n_images is always 3 */
	uint64_t ram_end;	  /* highest RAM byte + 1 */
	uint64_t kickstart_tsc;	  /* rdtsc at kickstart's entry (boot cost accounting) */
	char kickstart_cmdline[L4_BI_CMDLINE]; /* its own multiboot cmdline after the path */
	/* sorted by base, non-overlapping; L4_BI_MEM_BOOT carved out of RAM. The images lie in
	 * RAM entries and are described by img[] only. */
	struct l4_bi_mem mem[L4_BI_MAX_MEM];
	struct l4_bi_image img[L4_BI_MAX_IMG];
};

#endif
