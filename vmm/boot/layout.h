/* Where direct boot puts things in low guest memory: the one drawing of the boot-time memory map.
 */
#ifndef TINYVMM_VMM_BOOT_LAYOUT_H
#define TINYVMM_VMM_BOOT_LAYOUT_H

/*
 * 0x00000-0x004FF  real-mode IVT and BIOS data area (left zero for direct boot)
 * 0x00500-0x0053F  boot GDT
 * 0x01000-0x06FFF  identity page tables: PML4, PDPT, 4 PDs of 2 MiB pages (4 GiB)
 * 0x07000-0x07FFF  Linux boot_params ("zero page")
 * 0x08000-0x08FFF  multiboot info structure and its memory map
 * 0x09000-0x0FFFF  initial stack for 64-bit entries (grows down from 0x10000)
 * 0x10000-0x1FFFF  command lines: kernel first, then module strings
 * 0x100000-        kernel; modules / initrd after it (multiboot) or at the top of RAM (Linux)
 */
#define BOOT_GDT_ADDR	     0x500ULL
#define BOOT_PAGE_TABLE_ADDR 0x1000ULL
#define BOOT_PAGE_TABLE_END  0x7000ULL
#define BOOT_ZERO_PAGE_ADDR  0x7000ULL
#define BOOT_MBI_ADDR	     0x8000ULL
#define BOOT_MBI_END	     0x9000ULL
#define BOOT_STACK_TOP	     0x10000ULL
#define BOOT_CMDLINE_ADDR    0x10000ULL
#define BOOT_CMDLINE_END     0x20000ULL
#define BOOT_KERNEL_MIN	     0x100000ULL

/* Direct boot needs the areas above and RAM at 1 MiB; whether a kernel fits is checked as it is placed. */
#define BOOT_MIN_RAM (BOOT_KERNEL_MIN + 0x1000ULL)

#define BOOT_SEL_CODE32 0x08
#define BOOT_SEL_CODE64 0x10
#define BOOT_SEL_DATA	0x18

#endif
