; flat64.asm: a flat 64-bit image (no headers at all) for -load-addr 0x200000; checks where and how it was entered.
;
; tinyvmm's contract for -load-addr: the file is copied whole to that address and entered
; there in long mode with the same state as an ELF64 kernel: identity map of the first
; 4 GiB, CS 0x10, DS 0x18, RSP 0x10000, RAX 0x2BADB002, RBX = RDI = multiboot info. The
; boot test passes -append "flat-test".
%define LIB_BITS 64
LOAD_BASE equ 0x200000
%include "lib.inc"

	bits 64
	default rel
	org LOAD_BASE

start:
	mov [entry_rsp], rsp
	mov [entry_rax], rax
	mov [entry_rbx], rbx
	mov [entry_rdi], rdi
	lea rax, [rel start] ; where the code really runs, whatever org says
	mov [entry_rip], rax
	mov ax, cs
	mov [entry_cs], ax
	mov ax, ds
	mov [entry_ds], ax
	mov rsp, stack_top
	mov rdi, idt
	call lib_idt_exceptions

	PRINTLN "flat64: checking the entry of a flat image"
	PRINT "entered at "
	PRINT_HEX64 [entry_rip]
	PRINTLN ""
	cmp qword [entry_rip], LOAD_BASE
	EXPECT e, 1, "not entered at the -load-addr (0x200000)"
	; the whole file landed: its last bytes are where the link put them
	mov rsi, tail
	mov rdi, want_tail
	call lib_streq
	EXPECT e, 2, "the image's last bytes are not at load address + file offset"

	mov rax, [entry_rax]
	mov ecx, MB_BOOT_MAGIC
	cmp rax, rcx
	EXPECT e, 3, "RAX is not 0x2BADB002"
	cmp qword [entry_rsp], 0x10000
	EXPECT e, 4, "RSP at entry is not 0x10000"
	cmp word [entry_cs], 0x10
	EXPECT e, 5, "CS is not 0x10"
	cmp word [entry_ds], 0x18
	EXPECT e, 5, "DS is not 0x18"
	PRINTLN "RAX 0x2BADB002, RSP 0x10000, CS 0x10, DS 0x18 ok"

	mov rbx, [entry_rbx]
	cmp rbx, [entry_rdi]
	EXPECT e, 6, "RBX and RDI differ"
	test rbx, rbx
	EXPECT nz, 6, "RBX (info pointer) is 0"
	mov rax, rbx
	shr rax, 32
	EXPECT z, 6, "info pointer above 4 GiB"
	test dword [rbx + MBI_FLAGS], MBI_F_CMDLINE
	EXPECT nz, 7, "info flags lack the cmdline bit"
	mov esi, [rbx + MBI_CMDLINE]
	PRINT "cmdline '"
	call lib_puts
	PRINTLN "'"
	mov rdi, want_cmdline
	call lib_cmdline_is
	EXPECT e, 7, "cmdline is not 'flat-test'"

	; the memory map says the image sits in RAM
	test dword [rbx + MBI_FLAGS], MBI_F_MMAP
	EXPECT nz, 8, "info flags lack the mmap bit"
	mov esi, [rbx + MBI_MMAP_ADDR]
	mov ecx, [rbx + MBI_MMAP_LEN]
	lea rdi, [rsi + rcx]
.entry:
	cmp rsi, rdi
	EXPECT b, 8, "no RAM entry in the mmap holds the image"
	cmp dword [rsi + 20], 1
	jne .next
	mov rax, [rsi + 4]
	cmp rax, LOAD_BASE
	ja .next
	add rax, [rsi + 12]
	cmp rax, image_end
	jae .in_ram
.next:
	mov eax, [rsi]
	lea rsi, [rsi + rax + 4]
	jmp .entry
.in_ram:
	PRINTLN "info: cmdline and an mmap RAM entry holding the image ok"
	PASS

want_cmdline: db "flat-test", 0
want_tail:    db "flat64 tail", 0
	align 8
entry_rsp: dq 0
entry_rax: dq 0
entry_rbx: dq 0
entry_rdi: dq 0
entry_rip: dq 0
entry_cs:  dw 0
entry_ds:  dw 0

	LIB_ROUTINES "flat64"
	align 16
idt: times 32 * 16 db 0
	times 4096 db 0
stack_top:
; Far enough from the start that a loader copying only the first page would miss it.
tail: db "flat64 tail", 0
image_end:
