; portcount.asm: multiboot guest that writes the POST port (0x80) exactly 1000 times, then passes, for -exit-stats to count.
;
; Every other exit it makes is a COM1 byte (one OUT per byte, lib.inc) or the debug-exit
; write, so the host can tell the exact number of exits from its output.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

POST_WRITES equ 1000

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	PRINTLN "portcount: 1000 writes to port 0x80"
	mov ecx, POST_WRITES
.write:
	mov al, cl
	out 0x80, al
	dec ecx
	jnz .write
	PASS

	LIB_ROUTINES "portcount"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
