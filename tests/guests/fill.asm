; fill.asm: multiboot guest that fills 8 MiB of its RAM with one pattern, reports KERNEL_UP and halts forever: pages for KSM to merge.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"
%include "report.inc"

FILL_BASE equ 0x400000
FILL_SIZE equ 8 << 20

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	SETUP_GDT32
	mov edi, FILL_BASE
	mov ecx, FILL_SIZE / 4
	mov eax, 0x5AA5C33C
	cld
	rep stosd
	PRINTLN "filled 8 MiB"
	REPORT REPORT_KERNEL_UP, 0
.halt:
	cli
	hlt
	jmp .halt

	REPORT_ROUTINES
	LIB_ROUTINES "fill"
image_end:

	absolute image_end
	alignb 16
report_args_buf: resb REPORT_ARGS_MAX
	alignb 16
	resb 4096
stack_top:
bss_end:
