/* kickstart entry: multiboot header, the few 32-bit steps into long mode, the kernel jump. */

#define MB_HEADER_MAGIC 0x1BADB002
#define MB_BOOT_MAGIC	0x2BADB002
/* Bit 0: modules page-aligned; bit 1: memory info; bit 16: load addresses in the header. */
#define MB_FLAGS 0x00010003

#define COM1	   0x3F8
#define CR4_PAE	   0x20
#define MSR_EFER   0xC0000080
#define EFER_BITS  0x900	  /* LME | NXE */
#define CR0_BITS   0x80010001 /* PG | WP | PE */
#define PTE_RW	   0x3	      /* present, writable, supervisor only */
#define PDE_2M	   0x83	      /* present, writable, 2 MiB page */
#define KERNEL_PDPT_SLOT 510  /* L4_KERNEL_VBASE = -2 GiB: PML4 slot 511, PDPT slot 510 */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_HEADER_MAGIC, MB_FLAGS, -(MB_HEADER_MAGIC + MB_FLAGS)
	/* a.out kludge: the flat file loads at __ks_start; the loader zeroes up to __ks_end. */
	.long mb_header, __ks_start, __ks_load_end, __ks_end, ks_entry32

	.section .text.entry, "ax"
	.code32
	.globl ks_entry32
/*
 * Unpaged 32-bit code is emulated instruction by instruction on the target host, so this
 * part does only what needs protected mode: the tables' six non-zero entries (the BSS is
 * zeroed by the loader), then paging and the jump to 64-bit code. EBX (the multiboot
 * info) is carried through untouched.
 */
ks_entry32:
	cmp $MB_BOOT_MAGIC, %eax
	jne bad_magic
	rdtsc
	mov %eax, ks_entry_tsc
	mov %edx, ks_entry_tsc + 4
	/* One page directory serves both the identity and the -2 GiB alias of 0..4 MiB. */
	movl $(ks_pdpt_low + PTE_RW), ks_pml4
	movl $(ks_pdpt_high + PTE_RW), ks_pml4 + 511 * 8
	movl $(ks_pd + PTE_RW), ks_pdpt_low
	movl $(ks_pd + PTE_RW), ks_pdpt_high + KERNEL_PDPT_SLOT * 8
	movl $PDE_2M, ks_pd
	movl $(0x200000 + PDE_2M), ks_pd + 8
	mov $CR4_PAE, %eax
	mov %eax, %cr4
	mov $ks_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	mov $EFER_BITS, %eax
	xor %edx, %edx
	wrmsr
	mov $CR0_BITS, %eax
	mov %eax, %cr0
	lgdt ks_gdt_desc
	ljmp $8, $ks_entry64

/* Not started by a multiboot loader: EBX means nothing, so say so and stop. */
bad_magic:
	mov $bad_magic_msg, %esi
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	cli
	hlt
	jmp 2b

	.code64
ks_entry64:
	cld
	mov $ks_stack_top, %esp
	mov %ebx, %edi
	call ks_main
3:	cli
	hlt
	jmp 3b

/* ks_enter_kernel(entry, bootinfo): the hand-over of bootinfo.h on a fresh, aligned stack. */
	.globl ks_enter_kernel
ks_enter_kernel:
	mov $ks_stack_top, %esp
	mov %rdi, %rax
	mov %rsi, %rdi
	xor %ebp, %ebp
	jmp *%rax

	.section .rodata
bad_magic_msg:
	.asciz "kickstart: not started by a multiboot loader (EAX is not 0x2BADB002)\n"
	.align 8
ks_gdt:
	.quad 0
	.quad 0x00209A0000000000 /* 64-bit code, DPL 0: selector 8 */
ks_gdt_desc:
	.word 2 * 8 - 1
	.long ks_gdt

	.section .bss.pagetables, "aw", @nobits
	.align 4096
ks_pml4:
	.skip 4096
ks_pdpt_low:
	.skip 4096
ks_pdpt_high:
	.skip 4096
ks_pd:
	.skip 4096

	.section .bss
	.align 16
	/* kickstart's stack, then the kernel's first one (bootinfo.h asks for at least 4 KiB). */
	.skip 8192
ks_stack_top:
	.globl ks_entry_tsc
	.align 8
ks_entry_tsc:
	.skip 8

	.section .note.GNU-stack, "", @progbits
