/* Kernel entry from kickstart, the interrupt/exception stubs, the return to user mode and idle. */

#define N_VECTORS 0x40
#define STUB_SIZE 16

	.section .text.entry, "ax"
	.globl _start
_start:
	/* rdi = physical address of struct l4_bootinfo (bootinfo.h); leave kickstart's stack */
	lea boot_stack_top(%rip), %rsp
	call kmain
	jmp trap_return

	.text
/*
 * One 16-byte stub per vector: the vectors without a CPU error code push a 0 in its place,
 * so every frame has the same layout (struct frame in kernel.h).
 */
	.balign STUB_SIZE
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept N_VECTORS
	.balign STUB_SIZE
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14)
	.elseif (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	push $0
	.endif
	push $vec
	.if (vec == 0x30) || (vec == 6)
	jmp syscall_common
	.else
	jmp trap_common
	.endif
	.set vec, vec + 1
	.endr

/* Completes the frame below what the CPU and the stub pushed; rdi = the frame. */
.macro SAVE_REGS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	cld /* user mode may have set DF; C code assumes it clear */
	mov %rsp, %rdi
.endm

/* The system call (int 0x30, or #UD where kvm_pvm turns it into one) skips the trap dispatch. */
syscall_common:
	SAVE_REGS
	call syscall_entry
	jmp trap_return

trap_common:
	SAVE_REGS
	call trap

/* rax = the frame of the thread to run, or 0 to idle. */
	.globl trap_return
trap_return:
	test %rax, %rax
	jz idle
	mov %rax, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq

/*
 * Nothing to run: wait for the next deadline. The interrupt that ends the wait never comes
 * back here (trap_return enters a thread or idles afresh), so the stack restarts each time.
 */
idle:
	lea boot_stack_top(%rip), %rsp
	sti
	hlt
	jmp idle

	.bss
	.balign 16
boot_stack:
	.skip 2048 /* boot, then idle: the deepest path (a timer wake-up) needs under 1 KiB */
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
