; stringio.asm: multiboot guest doing string port I/O: rep outsb of a line to COM1, rep ins from an unclaimed port.
;
; Both buffers straddle a 4 KiB page boundary, where KVM splits a rep instruction into
; several exits. COM2 (0x2F8) is claimed by nobody, so every byte, word and dword read
; from it floats high; the bytes around each buffer must stay as they were.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

UNCLAIMED equ 0x2F8
IN_BYTES  equ 600 ; starts 100 bytes before a page boundary
GUARD     equ 0x5A

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	cld
	PRINTLN "stringio: rep outsb to COM1, rep insb/insw/insd from unclaimed port 0x2F8"

	mov esi, line
	mov ecx, line_end - line
	mov dx, COM1
	rep outsb
	test ecx, ecx
	EXPECT z, 1, "rep outsb left ECX non-zero"
	cmp esi, line_end
	EXPECT e, 1, "rep outsb left ESI short of the line's end"

	; bytes
	call fill_guarded
	mov edi, in_buf
	mov ecx, IN_BYTES
	mov dx, UNCLAIMED
	rep insb
	cmp edi, in_buf + IN_BYTES
	EXPECT e, 2, "rep insb left EDI short of the buffer's end"
	mov edx, IN_BYTES
	call check_ff
	PRINTLN "rep insb: 600 bytes of 0xFF across a page boundary, guards intact"

	; words
	call fill_guarded
	mov edi, in_buf
	mov ecx, IN_BYTES / 2
	mov dx, UNCLAIMED
	rep insw
	mov edx, IN_BYTES
	call check_ff
	PRINTLN "rep insw: 300 words of 0xFFFF, guards intact"

	; dwords
	call fill_guarded
	mov edi, in_buf
	mov ecx, IN_BYTES / 4
	mov dx, UNCLAIMED
	rep insd
	mov edx, IN_BYTES
	call check_ff
	PRINTLN "rep insd: 150 dwords of 0xFFFFFFFF, guards intact"

	; a count of zero transfers nothing
	call fill_guarded
	mov edi, in_buf
	xor ecx, ecx
	mov dx, UNCLAIMED
	rep insb
	cmp byte [in_buf], GUARD
	EXPECT e, 5, "rep insb with ECX = 0 wrote a byte"
	PASS

; Fills the buffer and 16 bytes either side with GUARD.
fill_guarded:
	push eax
	push ecx
	push edi
	mov edi, in_buf - 16
	mov ecx, IN_BYTES + 32
	mov al, GUARD
	rep stosb
	pop edi
	pop ecx
	pop eax
	ret

; edx: bytes expected as 0xFF from in_buf; the guards around them must be intact.
check_ff:
	mov esi, in_buf
	xor ecx, ecx
.byte:
	cmp byte [esi + ecx], 0xFF
	EXPECT e, 3, "a byte read from the unclaimed port is not 0xFF"
	inc ecx
	cmp ecx, edx
	jb .byte
	lea edi, [esi + edx - 1]
	mov ecx, 16
.guard:
	cmp byte [esi - 17 + ecx], GUARD
	EXPECT e, 4, "a guard byte before the buffer changed"
	cmp byte [edi + ecx], GUARD
	EXPECT e, 4, "a guard byte after the buffer changed"
	dec ecx
	jnz .guard
	ret

	LIB_ROUTINES "stringio"

; The line printed with one rep outsb starts 20 bytes before a page boundary.
	align 4096
	times 4096 - 20 db 0
line:
	db "rep outsb: this whole line went to COM1 in one string instruction, across a page boundary", 10
line_end:
image_end:

	absolute image_end
	alignb 4096
	resb 4096 - 100 - 16
	resb 16 ; guard before
in_buf:
	resb IN_BYTES
	resb 16 ; guard after
	alignb 16
	resb 4096
stack_top:
bss_end:
