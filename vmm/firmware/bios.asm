; The tiny BIOS: a flat real-mode blob at F000:0000 whose stubs trap to the VMM's service port.
;
; Everything here runs emulated at about 1 us per instruction on a software KVM, and an
; exit costs about 14 us, so each path is a handful of instructions and one exit at most.
; The VMM reads the caller's FLAGS image at SS:SP+4 (the INT frame), so every stub must
; run with exactly an INT frame on the stack: IP, CS, FLAGS.

%include "bios_abi.inc"

	bits 16
	cpu 386
	org 0

PIC1	equ 0x20
PIC2	equ 0xA0
EOI	equ 0x20
FLAG_CF	equ 0x01

; Pads up to a fixed offset; NASM refuses a negative count, which catches an overlap.
%macro place 1
	times (%1) - ($ - $$) db 0
%endmacro

header:
	place BIOS_HDR_MAGIC
	db BIOS_MAGIC
	place BIOS_HDR_VERSION
	dw BIOS_ABI_VERSION
	place BIOS_HDR_HEADER_LEN
	dw BIOS_HDR_LEN
	place BIOS_HDR_BLOB_LEN
	dw blob_end - header
	place BIOS_HDR_STUBS
	dw stubs
	place BIOS_HDR_STUB_STRIDE
	dw BIOS_STUB_STRIDE
	place BIOS_HDR_STUB_FIRST
	db BIOS_STUB_FIRST
	place BIOS_HDR_STUB_COUNT
	db BIOS_STUB_COUNT
	place BIOS_HDR_IRET
	dw iret_handler
	place BIOS_HDR_IRQ0
	dw irq0_handler
	place BIOS_HDR_IRQ_MASTER
	dw irq_master
	place BIOS_HDR_IRQ_SLAVE
	dw irq_slave
	place BIOS_HDR_INT13
	dw int13_handler
	place BIOS_HDR_INT16
	dw int16_handler
	place BIOS_HDR_FLOPPY_TABLE
	dw floppy_table
	place BIOS_HDR_DISK_TABLE0
	dw disk_table0
	place BIOS_HDR_DISK_TABLE1
	dw disk_table1
	place BIOS_HDR_LEN

; One stub per vector; the VMM finds the vector from the stub's address alone.
%macro stub 1
%%start:
	out BIOS_SERVICE_PORT, al
%if %1 == 0x19
	; The VMM has loaded the boot sector and set DL; start it as the power-on path does.
	sti
	jmp 0x0000:BIOS_BOOT_ADDR
%else
	iret
%endif
	times BIOS_STUB_STRIDE - ($ - %%start) db 0xCC
%endmacro

	place BIOS_STUB_TABLE
stubs:
%assign vec BIOS_STUB_FIRST
%rep BIOS_STUB_COUNT
	stub vec
%assign vec vec + 1
%endrep

STUB_13	equ stubs + (0x13 - BIOS_STUB_FIRST) * BIOS_STUB_STRIDE
STUB_16	equ stubs + (0x16 - BIOS_STUB_FIRST) * BIOS_STUB_STRIDE

; int 13h: only "get drive parameters" of a floppy needs ES, which the VMM cannot set,
; so ES:DI -> the diskette table is completed here; the VMM put the offset in DI.
int13_handler:
	cmp ah, 0x08
	jne STUB_13
	test dl, dl
	js STUB_13
	pushf
	push cs
	call STUB_13
	push bp
	mov bp, sp
	jc .fail
	push cs
	pop es
	and byte [bp + 6], ~FLAG_CF & 0xFF
	pop bp
	iret
.fail:
	or byte [bp + 6], FLAG_CF
	pop bp
	iret

; int 16h: "wait for a key" sleeps in HLT between polls instead of spinning on the port.
; The VMM answers AH=00h/10h with ZF=0 and the key in AX, or ZF=1 and AX untouched.
int16_handler:
	test ah, 0xEF
	jnz STUB_16
.again:
	pushf
	push cs
	call STUB_16
	jnz .done
	sti
	hlt
	jmp .again
.done:
	iret

iret_handler:
	iret

; IRQ 1-7: the in-kernel PIC needs an EOI or the line stays blocked for the guest.
irq_master:
	push ax
	mov al, EOI
	out PIC1, al
	pop ax
	iret

; IRQ 8-15 come through the cascade, so both PICs hold them in service.
irq_slave:
	push ax
	mov al, EOI
	out PIC2, al
	out PIC1, al
	pop ax
	iret

; IRQ 0: the BDA tick count GRUB and DOS read, wrapped at midnight, then the user hook.
irq0_handler:
	push ds
	push ax
	xor ax, ax
	mov ds, ax
	add word [BIOS_BDA_TICKS], 1
	adc word [BIOS_BDA_TICKS + 2], ax
	cmp word [BIOS_BDA_TICKS + 2], BIOS_TICKS_PER_DAY_HI
	jb .chain
	ja .midnight
	cmp word [BIOS_BDA_TICKS], BIOS_TICKS_PER_DAY_LO
	jb .chain
.midnight:
	mov [BIOS_BDA_TICKS], ax
	mov [BIOS_BDA_TICKS + 2], ax
	mov byte [BIOS_BDA_MIDNIGHT], 1
.chain:
	int 0x1C
	mov al, EOI
	out PIC1, al
	pop ax
	pop ds
	iret

; INT 1Eh: 1.44 MB diskette parameters; the VMM patches sectors per track for other sizes.
floppy_table:
	db 0xAF			; step rate 6 ms, head unload 240 ms
	db 0x02			; head load 4 ms, DMA mode
	db 0x25			; motor off delay, in ticks
	db 0x02			; 512 bytes per sector
	db 18			; sectors per track
	db 0x1B			; gap length, 3.5"
	db 0xFF			; data length
	db 0x6C			; format gap length, 3.5"
	db 0xF6			; format filler byte
	db 0x0F			; head settle, ms
	db 0x08			; motor start, 1/8 s
	times BIOS_FLOPPY_TABLE_LEN - ($ - floppy_table) db 0

; INT 41h/46h: fixed disk parameter tables, filled by the VMM from each disk's geometry.
disk_table0:
	times BIOS_DISK_TABLE_LEN db 0
disk_table1:
	times BIOS_DISK_TABLE_LEN db 0

blob_end:
