; crt0.asm: the start of every bm C app -- the BAPP header the kernel checks, then .bss cleared and bm_start(cmdline) called; its return value is the app's exit status.
;
; The kernel enters `_start` in ring 3 with rdi = the command line (NUL-terminated, at the
; top of RAM) and rsi = its length. A libc's own start-up (Newlib's, later) would take
; this file's place in the link; the header stays first (app.ld).
%include "calls.inc"

	bits 64
	default rel

	section .bm_header progbits alloc noexec nowrite align=8
	extern _end
	global bm_app_header
bm_app_header:
	dd BM_APP_MAGIC
	dd 1				; version
	dq _start			; BM_APP_HDR_ENTRY
	dq _end				; BM_APP_HDR_END: the kernel puts the heap after it

	section .text
	global _start
	extern bm_start, __bss_start
_start:
	mov r12, rdi
	mov rdi, __bss_start
	mov rcx, _end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov rdi, r12
	and rsp, -16
	call bm_start
	mov edi, eax
	mov eax, BM_CALL_EXIT
	int BM_CALL_VECTOR
.never:	jmp .never

	section .note.GNU-stack noalloc noexec nowrite progbits
