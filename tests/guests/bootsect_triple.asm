; bootsect_triple.asm: a floppy boot sector that triple-faults (#UD with an empty real-mode IVT limit): firmware boot that crashes, not "no bootable disk".
;
; The test pads it to a 1.44 MB floppy image. Every interrupt vector lies beyond an IVT
; limit of 0, so #UD cannot be delivered, nor the fault that follows: shutdown.
	bits 16
	org 0x7C00

start:
	cli
	lidt [cs:empty_ivt]
	ud2
.stop:
	hlt
	jmp .stop

empty_ivt:
	dw 0
	dd 0

	times 510 - ($ - $$) db 0
	dw 0xAA55
