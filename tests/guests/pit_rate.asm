; pit_rate.asm: multiboot guest that counts PIT channel 0 interrupts (mode 2, ~1000 Hz) over one RTC second.
;
; The RTC gives the reference second through its update-ended interrupt (IRQ8); IRQ0
; ticks are counted between two of them. The main loop only HLTs.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

PIT_HZ    equ 1193182
DIVISOR   equ 1193
RATE_HZ   equ PIT_HZ / DIVISOR ; 1000
TOLERANCE equ RATE_HZ * 15 / 100
NO_UIE_AFTER equ 2 * RATE_HZ

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	SETUP_GDT32
	PRINTLN "pit_rate: counting PIT channel 0 interrupts (divisor 1193) over one RTC second"
	mov edi, idt
	mov esi, handlers
	mov ecx, 48
	call lib_idt_fill
	lidt [idtr]
	PIC_REMAP 0xFA, 0xFE ; master: IRQ0 and the cascade; slave: IRQ8
	mov al, 0x34         ; channel 0, low then high byte, mode 2 (rate generator), binary
	out 0x43, al
	mov al, DIVISOR & 0xFF
	out 0x40, al
	mov al, DIVISOR >> 8
	out 0x40, al
	RTC_WRITE 0x0A, 0x26 ; oscillator on (the update cycle needs it)
	RTC_WRITE 0x0B, 0x12 ; UIE | 24-hour; no periodic interrupt
	mov al, 0x0C
	out 0x70, al
	in al, 0x71

.wait:
	cli
	cmp dword [phase], 2
	je .done
	cmp dword [phase], 0
	jne .halt
	cmp dword [early_ticks], NO_UIE_AFTER
	jae .no_uie
.halt:
	sti
	hlt
	jmp .wait

.no_uie:
	FAIL 2, "no update-ended interrupt within two seconds of PIT ticks"

.done:
	RTC_WRITE 0x0B, 0x02
	PRINT "PIT interrupts in one RTC second: "
	PRINT_DEC [ticks]
	PRINTLN ""
	mov eax, [ticks]
	cmp eax, RATE_HZ - TOLERANCE
	EXPECT ae, 3, "PIT rate below 1000 Hz - 15%"
	cmp eax, RATE_HZ + TOLERANCE
	EXPECT be, 4, "PIT rate above 1000 Hz + 15%"
	PASS

irq0:
	push eax
	cmp dword [phase], 1
	jne .early
	inc dword [ticks]
	jmp .eoi
.early:
	inc dword [early_ticks]
.eoi:
	mov al, 0x20
	out 0x20, al
	pop eax
	iret

irq8:
	push eax
	mov al, 0x0C
	out 0x70, al
	in al, 0x71
	test al, 0x10
	jz .eoi
	cmp dword [phase], 2
	jae .eoi
	inc dword [phase]
.eoi:
	mov al, 0x20
	out 0xA0, al
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
	dd irq8
	times 7 dd irq_slave_spurious
idtr:
	dw 48 * 8 - 1
	dd idt

	LIB_ROUTINES "pit_rate"
image_end:

	absolute image_end
	alignb 8
idt:         resb 48 * 8
phase:       resd 1
ticks:       resd 1
early_ticks: resd 1
	alignb 16
	resb 4096
stack_top:
bss_end:
