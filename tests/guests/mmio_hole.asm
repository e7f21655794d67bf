; mmio_hole.asm: multiboot guest that reads and writes guest-physical addresses with no RAM and no device behind them.
;
; 0xD0000000 lies in the 32-bit PCI hole (RAM never goes there); the address just past
; the end of RAM is the other case. Like an empty bus on a PC, reads of any width return
; all ones and writes are dropped: a later read still returns all ones. The guest must
; simply continue. The boot test runs it with -m 8, so RAM ends at 8 MiB.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

HOLE     equ 0xD0000000
PAST_RAM equ 8 << 20

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	PRINTLN "mmio_hole: reads and writes where there is neither RAM nor a device"
	mov ebx, HOLE
	call probe
	PRINTLN "0xD0000000 (PCI hole): reads all ones at 8, 16 and 32 bits; writes ignored"
	mov ebx, PAST_RAM
	call probe
	PRINTLN "0x00800000 (end of RAM): reads all ones at 8, 16 and 32 bits; writes ignored"
	PASS

; ebx: address to probe.
probe:
	mov eax, [ebx]
	cmp eax, 0xFFFFFFFF
	EXPECT e, 1, "32-bit read is not all ones"
	movzx eax, word [ebx + 2]
	cmp eax, 0xFFFF
	EXPECT e, 2, "16-bit read is not all ones"
	movzx eax, byte [ebx + 1]
	cmp eax, 0xFF
	EXPECT e, 3, "8-bit read is not all ones"
	mov dword [ebx], 0x12345678
	mov word [ebx + 4], 0x9ABC
	mov byte [ebx + 6], 0
	mov eax, [ebx]
	cmp eax, 0xFFFFFFFF
	EXPECT e, 4, "a written dword reads back (nothing should have kept it)"
	mov eax, [ebx + 4]
	cmp eax, 0xFFFFFFFF
	EXPECT e, 5, "a written word or byte reads back (nothing should have kept it)"
	ret

	LIB_ROUTINES "mmio_hole"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
