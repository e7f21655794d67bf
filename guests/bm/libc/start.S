/* start.S: the app's entry at its load address -- zeroes the BSS, takes the app's own stack, calls __bm_start. */

/*
 * The kernel jumps to the image's first byte (bm_os.h, "the app's image and entry"):
 * bm_app.ld puts this section first. Nothing here may touch memory in the BSS or the
 * stack before the BSS is zeroed, and nothing needs the kernel's RSP, which is never used.
 */
	.section .text.bm_entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* The ABI wants DF clear at every call; the kernel's value is unknown. */
	cld
	/* A flat image carries no BSS: zero it, stack excluded (it needs no zeroes). */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	/* 16-byte aligned, so __bm_start is entered as the ABI says (RSP + 8 aligned). */
	leaq	__bm_stack_top(%rip), %rsp
	xorl	%ebp, %ebp /* the end of the frame chain for debuggers */
	/* SSE as the ABI starts a process: exceptions masked, round to nearest. */
	ldmxcsr	mxcsr_default(%rip)
	call	__bm_start
	/* __bm_start ends in exit(); an app that comes back here faults rather than runs on. */
	ud2
	.size	_start, . - _start

/*
 * Newlib's __libc_init_array and __libc_fini_array call _init and _fini (its build has
 * HAVE_INIT_FINI); the apps keep their constructors in .init_array, so these are empty.
 */
	.text
	.globl	_init
	.type	_init, @function
_init:
	ret
	.size	_init, . - _init

	.globl	_fini
	.type	_fini, @function
_fini:
	ret
	.size	_fini, . - _fini

	.section .rodata
	.balign	4
mxcsr_default:
	.long	0x1f80

	.section .note.GNU-stack, "", @progbits
