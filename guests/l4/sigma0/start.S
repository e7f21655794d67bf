/* sigma0's entry: a stack in its own BSS, then sigma0_main(own tid, KIP address). */

	.section .text.start, "ax"
	.globl	_start
	.type	_start, @function
_start:
	/* The kernel starts us with rsp = 0 (abi.h); rdi and rsi already hold the arguments. */
	lea	stack_top(%rip), %rsp
	call	sigma0_main
	/* sigma0_main never returns; if it did, #UD makes the kernel stop us with a message. */
	ud2
	.size	_start, . - _start

	.section .bss
	.balign	16
	.skip	4096
stack_top:

	.section .note.GNU-stack, "", @progbits
