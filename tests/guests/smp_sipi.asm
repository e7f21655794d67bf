; smp_sipi.asm: the BSP starts every application processor with INIT and SIPI through its
; local APIC; each AP, in real mode at the SIPI vector, sets its APIC ID's bit and halts.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

TRAMPOLINE equ 0x8000		; SIPI vector 0x08: the AP starts at 0800:0000
SEEN       equ 0x7000		; bitmap of APIC IDs that arrived
LAPIC      equ 0xFEE00000
ICR_LO     equ 0x300
ICR_HI     equ 0x310

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	mov dword [SEEN], 0
	; copy the trampoline below 1 MiB, where a real-mode AP can run it
	mov esi, ap_code
	mov edi, TRAMPOLINE
	mov ecx, ap_code_end - ap_code
	rep movsb

	mov eax, 1
	cpuid
	shr ebx, 16
	and ebx, 0xFF			; logical processors (tinyvmm: the vCPU count)
	mov [ncpus], ebx
	PRINT "CPUs reported by CPUID: "
	mov eax, ebx
	PRINT_DEC eax
	PRINTLN ""
	cmp ebx, 2
	EXPECT ae, 1, "run this guest with -smp 2 or more"

	; INIT to all but self, then SIPI twice, as the MP spec's universal start-up does
	mov dword [LAPIC + ICR_HI], 0
	mov dword [LAPIC + ICR_LO], 0x000C4500
	mov dword [LAPIC + ICR_LO], 0x000C4600 | (TRAMPOLINE >> 12)
	mov dword [LAPIC + ICR_LO], 0x000C4600 | (TRAMPOLINE >> 12)

	; every AP but the BSP (APIC ID 0) must set its bit; poll with an exit between
	; looks so the wait is bounded in time on every backend
	mov ecx, [ncpus]
	mov edx, 1
	shl edx, cl
	sub edx, 2			; bits 1 .. ncpus-1
	mov ecx, 400000
.wait:
	cmp [SEEN], edx
	je .arrived
	out 0x80, al
	loop .wait
	PRINT "APs seen: "
	mov eax, [SEEN]
	PRINT_HEX32 eax
	PRINTLN ""
	FAIL 2, "not every application processor started"
.arrived:
	PRINT "application processors started: bitmap "
	mov eax, [SEEN]
	PRINT_HEX32 eax
	PRINTLN ""
	PASS

ncpus: dd 0

	bits 16
ap_code:
	cli
	xor ax, ax
	mov ds, ax
	mov eax, 1
	cpuid
	shr ebx, 24			; initial APIC ID
	lock bts dword [SEEN], ebx
.halt:	hlt
	jmp .halt
ap_code_end:

	bits 32
	LIB_ROUTINES "smp_sipi"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
