; rtc_rate.asm: multiboot guest that counts RTC periodic interrupts (1024 Hz) between two update-ended interrupts.
;
; PIC remapped to 0x20/0x28, IRQ8 only (plus the cascade). The handler reads register C,
; which both tells which event fired and re-arms the RTC, then EOIs both PICs. The main
; loop only HLTs: on kvm_pvm a polling loop would be emulated instruction by instruction.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

RATE_HZ   equ 1024
TOLERANCE equ RATE_HZ * 15 / 100
; Periodic ticks seen before the first update-ended interrupt: two seconds' worth means
; the update interrupt is not coming and the test says so instead of hanging.
NO_UIE_AFTER equ 2 * RATE_HZ

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	SETUP_GDT32
	PRINTLN "rtc_rate: counting 1024 Hz periodic interrupts over one RTC second"
	mov edi, idt
	mov esi, handlers
	mov ecx, 48
	call lib_idt_fill
	lidt [idtr]
	PIC_REMAP 0xFB, 0xFE ; master: only the cascade (IRQ2); slave: only IRQ8
	RTC_WRITE 0x0A, 0x26 ; 32.768 kHz time base, rate 6 = 1024 Hz
	RTC_WRITE 0x0B, 0x52 ; PIE | UIE | 24-hour, SET clear
	mov al, 0x0C         ; drop any flag raised before now
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
	sti ; STI's interrupt shadow covers HLT: no wake-up lost between check and sleep
	hlt
	jmp .wait

.no_uie:
	FAIL 2, "no update-ended interrupt within two seconds of periodic ticks"

.done:
	RTC_WRITE 0x0B, 0x02 ; interrupts off again
	PRINT "periodic interrupts in one RTC second: "
	PRINT_DEC [ticks]
	PRINTLN ""
	mov eax, [ticks]
	cmp eax, RATE_HZ - TOLERANCE
	EXPECT ae, 3, "periodic rate below 1024 Hz - 15%"
	cmp eax, RATE_HZ + TOLERANCE
	EXPECT be, 4, "periodic rate above 1024 Hz + 15%"
	PASS

irq8:
	push eax
	mov al, 0x0C
	out 0x70, al
	in al, 0x71
	; Periodic first: when both flags are up the tick belongs to the second that ends.
	test al, 0x40
	jz .no_pf
	cmp dword [phase], 1
	jne .early
	inc dword [ticks]
	jmp .no_pf
.early:
	inc dword [early_ticks]
.no_pf:
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

; Unused lines are masked; only a spurious IRQ7/IRQ15 can arrive. IRQ15's master side
; was acknowledged through the cascade, so it still needs the master's EOI.
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
	times 8 dd irq_master_spurious
	dd irq8
	times 7 dd irq_slave_spurious
idtr:
	dw 48 * 8 - 1
	dd idt

	LIB_ROUTINES "rtc_rate"
image_end:

	absolute image_end
	alignb 8
idt:         resb 48 * 8
phase:       resd 1 ; 0 before the first update interrupt, 1 counting, 2 done
ticks:       resd 1
early_ticks: resd 1
	alignb 16
	resb 4096
stack_top:
bss_end:
