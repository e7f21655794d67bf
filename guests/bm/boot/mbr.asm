; mbr.asm: the bm disk's MBR: finds the FAT16 partition's geometry and loads LOADER.SYS from its root directory to 0000:8000 with int 13h AH=42.
;
; images/mkimage fat16 --mbr keeps the first 446 bytes (the partition table follows). The
; BIOS enters at 0000:7C00 with DL = the boot drive. Like Pure64's MBR this uses extended
; reads without asking AH=41 first: every BIOS that boots a disk this size has them. The
; geometry stays in BM_V_* (boot.inc) for the loader, which reads KERNEL.SYS with the same
; code. Any failure prints one line through int 10h (the screen; tinyvmm copies it to the
; console) and calls int 18h, the PC's "no bootable disk".
%include "boot.inc"

	bits 16
	org BM_MBR

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov esp, BM_STACK_TOP
	sti
	cld
	mov [BM_V_DRIVE], dl

	; the first partition's volume boot sector holds the BPB
	mov eax, [BM_MBR + 0x1BE + 8]
	mov [BM_V_PART_LBA], eax
	mov dx, BM_SECTOR_BUF >> 4
	mov cx, 1
	call read_sectors
B equ BM_SECTOR_BUF
	cmp word [B + 0x0B], 512	; bytes per sector
	jne fail_fat
	mov al, [B + 0x0D]		; sectors per cluster
	test al, al
	jz fail_fat
	mov [BM_V_SPC], al
	movzx eax, word [B + 0x0E]	; reserved sectors
	add eax, [BM_V_PART_LBA]
	mov [BM_V_FAT_LBA], eax
	movzx ecx, byte [B + 0x10]	; FATs
	movzx edx, word [B + 0x16]	; sectors per FAT (0 on FAT32)
	imul ecx, edx
	jz fail_fat
	add eax, ecx
	mov [BM_V_ROOT_LBA], eax
	mov cx, [B + 0x11]		; root entries, 16 per sector
	shr cx, 4
	jz fail_fat
	mov [BM_V_ROOT_SECS], cx
	add eax, ecx
	mov [BM_V_DATA_LBA], eax

	mov si, name_loader
	mov dx, BM_LOADER_SEG
	call load_file
	mov si, msg_noloader
	jc fail
	mov dl, [BM_V_DRIVE]
	jmp 0:BM_LOADER

fail_fat:
	mov si, msg_fat
	jmp fail
fail_disk:
	mov si, msg_disk
	jmp fail
fail_big:
	mov si, msg_big
; si: what went wrong; one line "bm: ...", then int 18h (tinyvmm ends the VM, saying why)
fail:
	push si
	mov si, msg_prefix
	call puts
	pop si
	call puts
	mov si, msg_crlf
	call puts
	int 0x18
.halt:
	hlt
	jmp .halt

puts:
	mov ah, 0x0E
	xor bx, bx
.c:	lodsb
	test al, al
	jz .done
	int 0x10
	jmp .c
.done:	ret

%include "fat16rm.inc"

name_loader:  db "LOADER  SYS"
msg_prefix:   db "bm: ", 0
msg_fat:      db "no FAT16", 0
msg_disk:     db "disk error", 0
msg_big:      db "too big", 0
msg_noloader: db "no LOADER.SYS", 0
msg_crlf:     db 13, 10, 0

%if $ - $$ > 446
%error "the MBR code is over 446 bytes and would cover the partition table"
%endif
