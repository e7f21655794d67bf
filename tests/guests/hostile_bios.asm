; hostile_bios.asm: a 1.44 MB floppy whose boot sector calls the BIOS forever with garbage registers and buffers at the end of RAM.
;
; Each round draws a vector (int 10h-16h, 1Ah), every general register and ES/DS from a
; xorshift generator and calls it. Buffers point anywhere from 64 KiB up to the end of the
; first MiB, or at FFFF:xxxx -- past the end of RAM when the guest has 1 MiB (-m 1). A few
; draws are tamed so the attack goes on rather than ends by itself: no int 16h key waits,
; int 15h waits of at most 65 ms, no writes below 64 KiB (this code, its stack, the IVT).
; The VMM must answer every call or end this guest alone, with a message.
	bits 16
	org 0x7C00

	cli
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7C00
	sti
	mov dword [seed], 0x2545F491
round:
	call rand
	mov [draw], eax
	movzx bx, al
	and bl, 7
	mov bl, [vectors + bx]
	mov [vector], bl
	; the registers
	call rand
	mov [regs], eax		; EAX
	call rand
	mov [regs + 4], eax	; EBX
	call rand
	mov [regs + 8], eax	; ECX
	call rand
	mov [regs + 12], eax	; EDX
	call rand
	mov [regs + 16], eax	; ESI
	mov [regs + 20], eax	; EDI (the same: fewer draws)
	; the segment for buffers: 1000h-8FFFh, or FFFFh (the end of RAM) one time in four
	call rand
	and ax, 0x7FFF
	add ax, 0x1000
	cmp ax, 0x9000
	jb .seg_ok
	mov ax, 0xFFFF
.seg_ok:
	mov [seg_es], ax
	; tame what would only stall the attack
	mov al, [vector]
	cmp al, 0x16
	jne .not16
	mov byte [regs + 1], 0x01	; AH=01h: peek, never wait for a key
.not16:
	cmp al, 0x15
	jne .not15
	cmp byte [regs + 1], 0x86
	jne .not15
	mov word [regs + 8], 0		; CX=0: at most 65 ms
.not15:
	; int N through a patched INT instruction
	mov al, [vector]
	mov [do_int + 1], al
	mov eax, [regs]
	mov ebx, [regs + 4]
	mov ecx, [regs + 8]
	mov edx, [regs + 12]
	mov esi, [regs + 16]
	mov edi, [regs + 20]
	push ds
	push word [seg_es]
	pop es
	push es
	pop ds
	jmp do_int			; flush the prefetch after the patch
do_int:
	int 0x10
	pop ds
	xor ax, ax
	mov es, ax
	mov ss, ax			; a service must not have moved our stack
	mov sp, 0x7C00
	inc dword [calls]
	jmp round

; -> eax: next xorshift32 word
rand:
	mov eax, [seed]
	mov edx, eax
	shl edx, 13
	xor eax, edx
	mov edx, eax
	shr edx, 17
	xor eax, edx
	mov edx, eax
	shl edx, 5
	xor eax, edx
	mov [seed], eax
	ret

vectors: db 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x1A
seed:   dd 0
draw:   dd 0
calls:  dd 0
vector: db 0
seg_es: dw 0
regs:   times 6 dd 0

	times 510 - ($-$$) db 0
	dw 0xAA55
	times 1474560 - ($-$$) db 0
