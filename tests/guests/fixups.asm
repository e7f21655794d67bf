; fixups.asm: ELF64 long-mode guest running, in kernel mode, the instructions kvm_pvm cannot emulate and tinyvmm fixes up.
;
; FWAIT with no x87 exception pending is a no-op; INT3 raises #BP with the return address
; after the 0xCC byte; STAC/CLAC set and clear RFLAGS.AC. Each must behave as on hardware.
%define LIB_BITS 64
LOAD_BASE equ 0x100000
%include "lib.inc"

RFLAGS_AC equ 1 << 18

	bits 64
	default rel
	org LOAD_BASE

	ELF64_EXEC_HEADER

start:
	mov rsp, stack_top
	mov rdi, idt
	call lib_idt_exceptions
	mov rdi, idt + 3 * 16 ; #BP goes to the counting handler instead of the stub
	mov rsi, bp_vector
	mov ecx, 1
	call lib_idt_fill
	PRINTLN "fixups: fwait, int3, stac/clac in kernel mode"

	; A #NM or #MF here would reach the exception stub and fail the test.
	fwait
	PRINTLN "fwait: no-op ok"

	mov qword [bp_count], 0
	int3
after_int3:
	cmp qword [bp_count], 1
	EXPECT e, 2, "int3 did not reach the #BP handler exactly once"
	mov rax, after_int3
	cmp [bp_rip], rax
	EXPECT e, 3, "#BP saved RIP is not the byte after int3"
	PRINTLN "int3: #BP handler ran once, returned past the 0xCC"

	; STAC/CLAC raise #UD where CPUID does not offer SMAP.
	xor eax, eax
	cpuid
	cmp eax, 7
	jb .no_smap
	mov eax, 7
	xor ecx, ecx
	cpuid
	bt ebx, 20
	jnc .no_smap
	stac
	pushfq
	pop rax
	test eax, RFLAGS_AC
	EXPECT nz, 4, "stac left RFLAGS.AC clear"
	clac
	pushfq
	pop rax
	test eax, RFLAGS_AC
	EXPECT z, 5, "clac left RFLAGS.AC set"
	PRINTLN "stac/clac: AC set then cleared"
	PASS
.no_smap:
	PRINTLN "SMAP not offered, stac/clac skipped"
	PASS

; #BP is a trap: the saved RIP already points past the int3, so IRETQ simply resumes.
bp_handler:
	inc qword [bp_count]
	push rax
	mov rax, [rsp + 8]
	mov [bp_rip], rax
	pop rax
	iretq

	align 8
bp_vector:
	dq bp_handler

	LIB_ROUTINES "fixups"
	align 16
file_end:

	absolute file_end
	alignb 16
idt:      resb 32 * 16
bp_count: resq 1
bp_rip:   resq 1
	alignb 16
	resb 4096
stack_top:
bss_end:
