; hello.asm: the smallest multiboot guest (flat binary, a.out kludge): prints a greeting and PASS.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	PRINTLN "Hello from a tinyvmm guest"
	PASS

	LIB_ROUTINES "hello"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
