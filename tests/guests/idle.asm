; idle.asm: prints "ready" and then halts with interrupts off forever, for memory measurements (make bench).
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	PRINTLN "ready"
.halt:
	cli
	hlt
	jmp .halt

	LIB_ROUTINES "idle"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
