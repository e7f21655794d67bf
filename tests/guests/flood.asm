; flood.asm: multiboot guest that prints 200 numbered lines (10,000 bytes and more) on COM1, then passes: a serial log's cap must cut it.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

LINES equ 200

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	xor ebx, ebx
.line:
	inc ebx
	PRINT "flood line "
	PRINT_DEC ebx
	PRINTLN ": the quick brown fox jumps over the lazy dog"
	cmp ebx, LINES
	jb .line
	PASS

	LIB_ROUTINES "flood"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
