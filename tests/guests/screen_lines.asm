; screen_lines.asm: multiboot guest that writes 30 numbered lines to the VGA text screen, scrolling it, then idles.
;
; Each line goes on the bottom row after the screen scrolled up by one, the way a PC
; console does, about 50 ms apart (PIT channel 2 one-shots, polled through port 0x61, so
; no interrupt is taken). Then it reports APP_DONE(30) on the report port and halts with
; interrupts off for good: only the host can end it (SIGINT, SIGTERM). For -screen live.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

LINES     equ 30
VGA       equ 0xB8000
ROW_BYTES equ 160
REPORT    equ 0xEC
APP_DONE  equ 0x04
; 50 ms of the 1.193182 MHz PIT clock: 59659 counts
WAIT_COUNT equ 59659

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	PRINTLN "screen_lines: 30 lines on the text screen, 50 ms apart"
	mov ebx, 1
.line:
	; scroll: rows 1..24 up to 0..23, then a blank bottom row
	mov esi, VGA + ROW_BYTES
	mov edi, VGA
	mov ecx, ROW_BYTES * 24 / 4
	rep movsd
	mov edi, VGA + ROW_BYTES * 24
	mov eax, 0x07200720
	mov ecx, ROW_BYTES / 4
	rep stosd
	; "screen line N" on the bottom row
	mov edi, VGA + ROW_BYTES * 24
	mov esi, text
	mov ah, 0x07
.put:	lodsb
	test al, al
	jz .number
	stosw
	jmp .put
.number:
	mov eax, ebx
	call put_dec
	call wait_50ms
	inc ebx
	cmp ebx, LINES
	jbe .line
	mov eax, (APP_DONE << 24) | LINES
	out REPORT, eax
	PRINTLN "screen_lines: done; halting until the host stops the VM"
.idle:	cli
	hlt
	jmp .idle

; writes eax (< 100) in decimal at [edi] as screen cells
put_dec:
	xor edx, edx
	mov ecx, 10
	div ecx
	test eax, eax
	jz .ones
	add al, '0'
	mov ah, 0x07
	stosw
.ones:	mov al, dl
	add al, '0'
	mov ah, 0x07
	stosw
	ret

; PIT channel 2, mode 0, one-shot of WAIT_COUNT: OUT2 (port 0x61 bit 5) rises at the end
wait_50ms:
	in al, 0x61
	and al, 0xFC
	or al, 0x01 ; gate on, speaker off
	out 0x61, al
	mov al, 0xB0 ; channel 2, lobyte/hibyte, mode 0, binary
	out 0x43, al
	mov al, WAIT_COUNT & 0xFF
	out 0x42, al
	mov al, WAIT_COUNT >> 8
	out 0x42, al
.poll:	in al, 0x61
	test al, 0x20
	jz .poll
	ret

text: db "screen line ", 0

	LIB_ROUTINES "screen_lines"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
