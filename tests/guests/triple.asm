; triple.asm: multiboot guest that triple-faults on purpose (#UD with an empty IDT); the VMM must end it as a crash.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	SETUP_GDT32
	PRINTLN "triple: loading an empty IDT and executing ud2"
	; #UD cannot be delivered (limit 0), nor the #GP that raises, nor the #DF: shutdown.
	lidt [empty_idtr]
	ud2
	; Reaching here means the fault was swallowed; a distinct code makes the test say so.
	FAIL 85, "survived ud2 with an empty IDT"

empty_idtr:
	dw 0
	dd 0

	LIB_ROUTINES "triple"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
