; bioscall.asm: a 1.44 MB floppy image whose boot sector loads the rest with int 13h and
; then calls every BIOS service tinyvmm offers, checking each answer. Needs -hda with a
; disk whose LBA 1 starts with "HDMARK" (the boot test writes one). PASS or FAIL on the
; console (int 10h, which tinyvmm copies to the serial port) and through port 0xf4.
	bits 16
	org 0x7C00

STAGE2_SECTORS equ 8
FLAG           equ 0x0600		; survives int 19h: the second entry checks it
SCRATCH        equ 0x2000		; sector buffers
E820_BUF       equ 0x3000
DAP            equ 0x3100
PARAMS         equ 0x3200

boot:
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7C00
	cld
	mov [drive], dl
	; stage 2: sectors 2.. of track 0 to 0x7E00 (int 13h AH=02, CHS)
	mov ax, 0x0200 | STAGE2_SECTORS
	mov cx, 0x0002
	xor dh, dh
	mov bx, stage2
	int 0x13
	jc .fail
	cmp word [stage2_magic], 0x5A5A
	jne .fail
	jmp stage2
.fail:
	mov al, 1
	out 0xf4, al
	hlt

drive: db 0
	times 510-($-$$) db 0
	dw 0xAA55

; ---------------------------------------------------------------------------------------
stage2:
	cmp byte [FLAG], 'R'
	je rebooted
	mov si, s_start
	call puts

	; --- int 10h: mode, cursor, teletype, write char ---
	mov ax, 0x0003
	int 0x10
	mov ah, 0x0F
	int 0x10
	cmp al, 3
	jne fail_10
	cmp ah, 80
	jne fail_10
	mov ah, 0x01
	mov cx, 0x0607
	int 0x10
	mov ah, 0x02
	xor bh, bh
	mov dx, 0x050A			; row 5, column 10
	int 0x10
	mov ah, 0x03
	xor bh, bh
	int 0x10
	cmp dx, 0x050A
	jne fail_10
	mov ax, 0x0941			; 'A' three times at the cursor
	mov bx, 0x0007
	mov cx, 3
	int 0x10
	push es
	mov ax, 0xB800
	mov es, ax
	mov di, (5 * 80 + 10) * 2
	cmp byte [es:di], 'A'
	jne .bad09
	cmp byte [es:di + 4], 'A'
.bad09:	pop es
	jne fail_10
	mov ah, 0x02
	xor bh, bh
	mov dx, 0x0600
	int 0x10
	mov si, s_ok10
	call puts

	; --- int 11h, 12h ---
	int 0x11
	test al, 1
	jz fail_11
	int 0x12
	cmp ax, 639
	jne fail_12

	; --- int 13h on the floppy ---
	mov ah, 0x00
	mov dl, [drive]
	int 0x13
	jc fail_13
	mov ah, 0x08
	mov dl, 0
	int 0x13
	jc fail_13
	cmp bl, 4			; 1.44 MB
	jne fail_13
	cmp cx, 0x4F12			; 79 cylinders, 18 sectors
	jne fail_13
	cmp dh, 1
	jne fail_13
	mov ax, es			; ES:DI = the diskette parameter table
	cmp ax, 0xF000
	jne fail_13
	xor ax, ax
	mov es, ax
	mov ah, 0x15
	mov dl, 0
	int 0x13
	jc fail_13
	cmp ah, 0
	je fail_13			; a drive is there
	mov ax, 0x4B01			; boot-emulation status: must fail
	mov dl, 0
	int 0x13
	jnc fail_13
	; write sector 18 (track 0) and read it back
	mov di, SCRATCH
	mov cx, 256
	mov ax, 0xC35A
	rep stosw
	mov ax, 0x0301
	mov cx, 0x0012
	xor dh, dh
	mov dl, 0
	mov bx, SCRATCH
	int 0x13
	jc fail_13
	mov di, SCRATCH
	mov cx, 256
	xor ax, ax
	rep stosw
	mov ax, 0x0201
	mov cx, 0x0012
	xor dh, dh
	mov dl, 0
	mov bx, SCRATCH
	int 0x13
	jc fail_13
	cmp word [SCRATCH + 510], 0xC35A
	jne fail_13
	; a read past the last cylinder fails with CF
	mov ax, 0x0201
	mov cx, 0x5001			; cylinder 80
	xor dh, dh
	mov dl, 0
	mov bx, SCRATCH
	int 0x13
	jnc fail_13

	; --- int 13h on the hard disk: extensions ---
	mov ah, 0x41
	mov bx, 0x55AA
	mov dl, 0x80
	int 0x13
	jc fail_13h
	cmp bx, 0xAA55
	jne fail_13h
	mov ah, 0x08
	mov dl, 0x80
	int 0x13
	jc fail_13h
	cmp dl, 1			; one hard disk
	jne fail_13h
	xor ax, ax
	mov es, ax
	mov word [DAP], 16
	mov word [DAP + 2], 1
	mov word [DAP + 4], SCRATCH
	mov word [DAP + 6], 0
	mov dword [DAP + 8], 1
	mov dword [DAP + 12], 0
	mov ah, 0x42
	mov dl, 0x80
	mov si, DAP
	int 0x13
	jc fail_13h
	cmp dword [SCRATCH], 'HDMA'
	jne fail_13h
	mov byte [SCRATCH + 8], '!'
	mov ax, 0x4300
	mov dl, 0x80
	mov si, DAP
	int 0x13
	jc fail_13h
	mov byte [SCRATCH + 8], 0
	mov ah, 0x42
	mov dl, 0x80
	mov si, DAP
	int 0x13
	jc fail_13h
	cmp byte [SCRATCH + 8], '!'
	jne fail_13h
	mov word [PARAMS], 26
	mov ah, 0x48
	mov dl, 0x80
	mov si, PARAMS
	int 0x13
	jc fail_13h
	cmp dword [PARAMS + 16], 2048	; the test's disk: 1 MiB
	jne fail_13h
	mov ah, 0x41			; no second hard disk
	mov bx, 0x55AA
	mov dl, 0x81
	int 0x13
	jnc fail_13h
	mov si, s_ok13
	call puts

	; --- int 14h on COM1 ---
	mov ax, 0x00E3			; 9600 8N1
	xor dx, dx
	int 0x14
	mov ax, 0x015A			; 'Z'
	xor dx, dx
	int 0x14
	test ah, 0x80
	jnz fail_14
	mov ah, 0x03
	xor dx, dx
	int 0x14
	test ah, 0x20			; transmitter holding register empty
	jz fail_14
	mov al, 13
	mov ah, 0x01
	xor dx, dx
	int 0x14
	mov al, 10
	mov ah, 0x01
	xor dx, dx
	int 0x14

	; --- int 15h ---
	xor ebx, ebx
	xor bp, bp			; entries seen
.e820:
	mov eax, 0xE820
	mov ecx, 20
	mov edx, 'PAMS'
	mov di, E820_BUF
	int 0x15
	jc fail_15
	cmp eax, 'PAMS'
	jne fail_15
	cmp ecx, 20
	jne fail_15
	test bp, bp
	jnz .notfirst
	cmp dword [E820_BUF], 0		; the first entry starts at 0, usable
	jne fail_15
	cmp dword [E820_BUF + 16], 1
	jne fail_15
.notfirst:
	inc bp
	cmp bp, 16
	ja fail_15
	test ebx, ebx
	jnz .e820
	cmp bp, 3
	jb fail_15
	mov ax, 0xE801
	int 0x15
	jc fail_15
	cmp ax, 3072			; -m 4: 3 MiB above 1 MiB
	jne fail_15
	mov ah, 0x88
	int 0x15
	jc fail_15
	cmp ax, 3072
	jne fail_15
	mov ax, 0x2401
	int 0x15
	jc fail_15
	test ah, ah
	jnz fail_15
	mov ax, 0x2402
	int 0x15
	jc fail_15
	cmp al, 1
	jne fail_15
	mov ax, 0x2403
	int 0x15
	jc fail_15
	mov ah, 0x86
	xor cx, cx
	mov dx, 1000			; 1 ms
	int 0x15
	jc fail_15
	mov ah, 0xC0
	int 0x15
	jnc fail_15
	mov ax, 0x5300
	xor bx, bx
	int 0x15
	jnc fail_15
	mov si, s_ok15
	call puts

	; --- int 16h: no key waiting ---
	mov ah, 0x01
	int 0x16
	jnz fail_16
	mov ah, 0x02
	int 0x16

	; --- int 1Ah: ticks advance, time and date in BCD ---
	xor ah, ah
	int 0x1A
	mov [ticks], dx
	mov ah, 0x02
	int 0x1A
	jc fail_1a
	cmp ch, 0x23
	ja fail_1a
	cmp cl, 0x59
	ja fail_1a
	cmp dh, 0x59
	ja fail_1a
	mov ah, 0x04
	int 0x1A
	jc fail_1a
	cmp ch, 0x19
	jb fail_1a
	cmp dh, 0x12
	ja fail_1a
	cmp dl, 0x31
	ja fail_1a
	test dl, dl
	jz fail_1a
	sti
	mov cx, 3
.tick:	hlt				; IRQ 0 at 18.2 Hz wakes us and counts
	loop .tick
	xor ah, ah
	int 0x1A
	cmp dx, [ticks]
	je fail_1a
	mov si, s_ok1a
	call puts

	; --- an unknown function answers CF=1, AH=1 ---
	mov ah, 0x77
	int 0x13
	jnc fail_unknown

	; --- int 19h: boot again; the second entry finds FLAG ---
	mov byte [FLAG], 'R'
	int 0x19
	jmp fail_19

rebooted:
	mov si, s_pass
	call puts
	mov al, 0
	out 0xf4, al
	hlt

%macro FAILPOINT 3
%1:
	mov si, %%m
	call puts
	mov al, %2
	out 0xf4, al
	hlt
%%m:	db "FAIL bioscall: ", %3, 13, 10, 0
%endmacro

	FAILPOINT fail_10, 10, "int 10h"
	FAILPOINT fail_11, 11, "int 11h"
	FAILPOINT fail_12, 12, "int 12h"
	FAILPOINT fail_13, 13, "int 13h floppy"
	FAILPOINT fail_13h, 14, "int 13h hard disk"
	FAILPOINT fail_14, 15, "int 14h"
	FAILPOINT fail_15, 16, "int 15h"
	FAILPOINT fail_16, 17, "int 16h"
	FAILPOINT fail_1a, 18, "int 1Ah"
	FAILPOINT fail_unknown, 19, "unknown function did not fail"
	FAILPOINT fail_19, 20, "int 19h returned"

; si: NUL-terminated string through int 10h teletype
puts:
	lodsb
	test al, al
	jz .done
	mov ah, 0x0E
	mov bx, 0x0007
	int 0x10
	jmp puts
.done:	ret

ticks:   dw 0
s_start: db "bioscall: checking every BIOS service", 13, 10, 0
s_ok10:  db "int 10h ok", 13, 10, 0
s_ok13:  db "int 11h 12h 13h ok", 13, 10, 0
s_ok15:  db "int 14h 15h ok", 13, 10, 0
s_ok1a:  db "int 16h 1Ah ok", 13, 10, 0
s_pass:  db "int 19h ok", 13, 10, "PASS bioscall", 13, 10, 0

	times 512 + STAGE2_SECTORS * 512 - 2 - ($-$$) db 0
stage2_magic: dw 0x5A5A
	times 1474560 - ($-$$) db 0
