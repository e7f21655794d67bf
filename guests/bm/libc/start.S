/* start.S: the app's entry (start.c's BAPP header names it) -- zeroes the BSS, sets the ABI's DF and MXCSR, calls __bm_start on the stack it was given. */

/*
 * The bm kernel enters here in ring 3 (guests/bm/kernel/app.inc) with RSP at the top of
 * the app's stack, which it keeps at the top of RAM past the heap; Linux (tests/newlib/)
 * enters with RSP at argc on the process's stack. Both are stacks of the app's own, so
 * this code keeps RSP and reads no other register: the command line comes from
 * bm_os_cmdline(). Nothing here may touch the BSS before it is zeroed.
 */
	.section .text.bm_entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* The ABI wants DF clear at every call; the kernel's value is unknown. */
	cld
	/* A flat image carries no BSS: zero it. */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	/* 16-byte aligned before the call, so __bm_start is entered as the ABI says. */
	andq	$-16, %rsp
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
