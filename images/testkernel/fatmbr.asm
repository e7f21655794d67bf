; fatmbr.asm: MBR boot code for the FAT16 test image: reads the loader sector and the FAT16 volume with int 13h AH=42, then PASS.
;
; images/mkimage fat16 --mbr puts these bytes (at most 446: the partition table follows)
; in sector 0 and --loader puts "TVM-LOADER" at sector 1. The code checks what a
; Pure64-style loader relies on: extended reads by LBA from the boot drive in DL, the
; partition table's first entry (FAT16, type 0x06), the volume's boot sector (FAT16
; signature, 512-byte sectors, hidden sectors = partition start) and a file in the root
; directory, /HELLO.TXT, whose first cluster begins with "TVM-FAT16".
;
; Leaves through isa-debug-exit like the other test guests: PASS writes 0 (status 1), a
; failure writes its letter's code and prints "FAIL fatmbr: <letter>".

COM1       equ 0x3F8
DEBUG_EXIT equ 0xF4
BUF        equ 0x8000 ; one sector at a time
PART1      equ 0x7C00 + 0x1BE
; variables live below the code, in free conventional memory: every byte counts here
drive      equ 0x0600
part_lba   equ 0x0604
root_lba   equ 0x0608
data_lba   equ 0x060C
spc        equ 0x0610

	bits 16
	org 0x7C00

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7C00
	sti
	cld
	mov [drive], dl

	; sector 1: the loader written by --loader
	mov eax, 1
	call read_sector
	mov si, want_loader
	mov di, BUF
	mov cx, want_loader_len
	repe cmpsb
	mov al, 'L'
	jne fail

	; the first partition entry: FAT16 (0x06), start LBA
	cmp byte [PART1 + 4], 0x06
	mov al, 'T'
	jne fail
	mov eax, [PART1 + 8]
	mov [part_lba], eax
	call read_sector
	cmp word [BUF + 0x1FE], 0xAA55
	mov al, 'S'
	jne fail
	mov si, want_fat16
	mov di, BUF + 0x36
	mov cx, 8
	repe cmpsb
	mov al, 'F'
	jne fail
	cmp word [BUF + 0x0B], 512
	mov al, 'B'
	jne fail
	mov eax, [BUF + 0x1C] ; hidden sectors
	cmp eax, [part_lba]
	mov al, 'H'
	jne fail

	; root directory: after the reserved sectors and the FATs; data after the root
	movzx eax, word [BUF + 0x0E]
	add eax, [part_lba]
	movzx ecx, byte [BUF + 0x10]
	movzx edx, word [BUF + 0x16]
	imul ecx, edx
	add eax, ecx
	mov [root_lba], eax
	movzx ecx, word [BUF + 0x11] ; root entries, 32 bytes each
	add ecx, 15
	shr ecx, 4
	add eax, ecx
	mov [data_lba], eax
	movzx eax, byte [BUF + 0x0D]
	mov [spc], eax
	mov eax, [root_lba]
	call read_sector

	; /HELLO.TXT among the first sector's 16 entries (long-name entries skipped)
	mov bx, BUF
.entry:
	cmp byte [bx + 11], 0x0F
	je .next
	mov si, want_name
	mov di, bx
	mov cx, 11
	repe cmpsb
	je .found
.next:
	add bx, 32
	cmp bx, BUF + 512
	jb .entry
	mov al, 'N'
	jmp fail
.found:
	movzx eax, word [bx + 26] ; first cluster
	cmp eax, 2
	mov al, 'C'
	jb fail
	movzx eax, word [bx + 26]
	sub eax, 2
	imul eax, [spc]
	add eax, [data_lba]
	call read_sector
	mov si, want_data
	mov di, BUF
	mov cx, want_data_len
	repe cmpsb
	mov al, 'D'
	jne fail

	mov si, msg_pass
	call puts
	xor al, al
	out DEBUG_EXIT, al
halt:
	cli
	hlt
	jmp halt

; al: the failing check's letter; its code (1..127) goes to debug-exit.
fail:
	mov bl, al
	mov si, msg_fail
	call puts
	mov al, bl
	out dx, al ; dx is COM1 after puts
	mov al, 10
	out dx, al
	mov al, bl
	and al, 0x7F
	out DEBUG_EXIT, al
	jmp halt

; si: NUL-terminated string to COM1 (tinyvmm's and QEMU's UARTs take bytes unpolled).
puts:
	mov dx, COM1
.c:
	lodsb
	test al, al
	jz .done
	out dx, al
	jmp .c
.done:
	ret

; eax: LBA -> one sector at BUF, through the packet below; a failed read ends the test.
read_sector:
	mov [dap_lba], eax
	mov si, dap
	mov dl, [drive]
	mov ah, 0x42
	int 0x13
	mov al, 'R'
	jc fail
	ret

	align 4
dap:
	db 16, 0
	dw 1      ; sectors
	dw BUF, 0 ; offset, segment
dap_lba:
	dd 0, 0

want_loader:     db "TVM-LOADER"
want_loader_len  equ $ - want_loader
want_fat16:      db "FAT16   "
want_name:       db "HELLO   TXT"
want_data:       db "TVM-FAT16"
want_data_len    equ $ - want_data
msg_pass:        db "PASS fatmbr", 10, 0
msg_fail:        db "FAIL fatmbr: ", 0

%if $ - $$ > 446
%error "fatmbr is over 446 bytes and would cover the partition table"
%endif
