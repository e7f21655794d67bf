/* The tcl app's entry: hands the initial stack (argc, argv, envp) to tcl_main, with no libc. */

	.text
	.globl	_start
	.type	_start, @function
_start:
	/* The kernel leaves rsp at argc; the ABI wants rbp = 0 (outermost frame) and a 16-byte
	 * aligned stack at the call. */
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	tcl_main
	/* tcl_main never returns; if it did, #UD ends the process with SIGILL. */
	ud2
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
