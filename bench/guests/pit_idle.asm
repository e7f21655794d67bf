; pit_idle.asm: multiboot guest that idles on PIT channel 0 ticks (mode 2, HZ per second) and exits after TICKS of them.
;
; It prints "ready" just before it starts the PIT, so the host can time the ticking phase
; alone: everything after "ready" is TICKS interrupts, each taken out of HLT and answered
; with an EOI, then the exit. Build with -DHZ=n -DTICKS=n (default 1000 Hz, 3000 ticks).
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

%ifndef HZ
%define HZ 1000
%endif
%ifndef TICKS
%define TICKS 3000
%endif

PIT_INPUT_HZ equ 1193182
DIVISOR      equ (PIT_INPUT_HZ + HZ / 2) / HZ
%if DIVISOR < 2 || DIVISOR > 0xFFFF
%error "HZ out of the PIT's range"
%endif

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	SETUP_GDT32
	mov edi, idt
	mov esi, handlers
	mov ecx, 48
	call lib_idt_fill
	lidt [idtr]
	PIC_REMAP 0xFE, 0xFF ; IRQ0 only
	PRINTLN "ready"
	mov al, 0x34 ; channel 0, low then high byte, mode 2 (rate generator), binary
	out 0x43, al
	mov al, DIVISOR & 0xFF
	out 0x40, al
	mov al, DIVISOR >> 8
	out 0x40, al

	; The check and the HLT run with IF=0 until STI, whose one-instruction shadow keeps
	; a tick from landing between the check and the HLT (it would then wait a whole tick).
.wait:
	cli
	cmp dword [ticks], TICKS
	jae .done
	sti
	hlt
	jmp .wait

.done:
	mov al, 0x30 ; channel 0 back to mode 0, so no tick arrives during the exit
	out 0x43, al
	PRINT "ticks: "
	PRINT_DEC [ticks]
	PRINTLN ""
	PASS

irq0:
	push eax
	inc dword [ticks]
	mov al, 0x20
	out 0x20, al
	pop eax
	iret

irq_master_spurious:
	iret
irq_slave_spurious:
	push eax
	mov al, 0x20
	out 0x20, al
	pop eax
	iret

	align 4
handlers:
	EXC_TABLE
	dd irq0
	times 7 dd irq_master_spurious
	times 8 dd irq_slave_spurious
idtr:
	dw 48 * 8 - 1
	dd idt

	LIB_ROUTINES "pit_idle"
image_end:

	absolute image_end
	alignb 8
idt:   resb 48 * 8
ticks: resd 1
	alignb 16
	resb 4096
stack_top:
bss_end:
