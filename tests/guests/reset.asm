; reset.asm: multiboot guest that resets the machine the way the command line names: "kbc", "kbc-d1" or "port92".
;
;   kbc     keyboard controller command 0xFE: pulse output-port bit 0 (the reset line)
;   kbc-d1  keyboard controller command 0xD1, then output port 0xFC through port 0x60:
;           the reset line driven low (A20 kept on)
;   port92  port 0x92 bit 0 (fast reset), after a read-modify-write that only sets A20
;
; With -no-reboot the VMM must end the VM with status 0 before the next instruction runs;
; anything after the reset request is a failure. Without it, the guest boots again and
; prints its greeting again.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	cmp eax, MB_BOOT_MAGIC
	EXPECT e, 1, "EAX is not 0x2BADB002"
	test dword [ebx + MBI_FLAGS], MBI_F_CMDLINE
	EXPECT nz, 2, "no command line (flags bit 2 clear)"
	mov esi, [ebx + MBI_CMDLINE]
	PRINTLN "reset: guest started"

	mov edi, want_kbc
	call lib_cmdline_is
	je via_kbc
	mov edi, want_kbc_d1
	call lib_cmdline_is
	je via_kbc_d1
	mov edi, want_port92
	call lib_cmdline_is
	je via_port92
	FAIL 3, "command line names no reset method (kbc, kbc-d1, port92)"

via_kbc:
	PRINTLN "reset: keyboard controller command 0xFE"
	mov al, 0xFE
	out 0x64, al
	jmp survived

via_kbc_d1:
	PRINTLN "reset: keyboard controller output port 0xFC (0xD1 then 0x60)"
	mov al, 0xD1
	out 0x64, al
	mov al, 0xFC ; bit 0 (reset) low, bit 1 (A20) high
	out 0x60, al
	jmp survived

via_port92:
	; What A20 code does: read, set bit 1, write back. It must not reset the machine.
	in al, 0x92
	test al, 0x01
	EXPECT z, 4, "port 0x92 reads with bit 0 (reset) set"
	or al, 0x02
	out 0x92, al
	in al, 0x92
	test al, 0x02
	EXPECT nz, 5, "port 0x92 bit 1 (A20) does not read back set"
	PRINTLN "reset: port 0x92 read-modify-write of A20 kept the machine running"
	PRINTLN "reset: port 0x92 bit 0"
	or al, 0x01
	out 0x92, al
	jmp survived

survived:
	FAIL 6, "still running after the reset request"

want_kbc:    db "kbc", 0
want_kbc_d1: db "kbc-d1", 0
want_port92: db "port92", 0

	LIB_ROUTINES "reset"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
