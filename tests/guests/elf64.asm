; elf64.asm: ELF64 guest (hand-made headers, no multiboot header) entered in long mode; checks the 64-bit entry state.
;
; tinyvmm's contract for such kernels: identity map of the first 4 GiB, CS 0x10, DS 0x18,
; RSP 0x10000, RAX 0x2BADB002, RBX = RDI = a multiboot v1 info block. The boot test
; passes -append "elf64-test" and at least 4 MiB of RAM.
%define LIB_BITS 64
LOAD_BASE equ 0x100000
%include "lib.inc"

PROBE_ADDR equ 0x300000 ; 3 MiB: beyond the 2 MiB page that holds the kernel
TOP_PAGE   equ 0xFFE00000 ; last 2 MiB below 4 GiB: the map must reach that far

	bits 64
	default rel
	org LOAD_BASE

	ELF64_EXEC_HEADER

start:
	; The entry state first, before any push or call disturbs it. The bss variables
	; are checked for zero below, so storing the entry state happens in .data instead.
	mov [entry_rsp], rsp
	mov [entry_rax], rax
	mov [entry_rbx], rbx
	mov [entry_rdi], rdi
	mov ax, cs
	mov [entry_cs], ax
	mov ax, ds
	mov [entry_ds], ax
	mov rsp, stack_top
	mov rdi, idt
	call lib_idt_exceptions

	PRINTLN "elf64: checking the long-mode entry state"
	mov rdi, bss_start
	mov ecx, (bss_check_end - bss_start) / 8
	xor eax, eax
	repe scasq
	EXPECT e, 1, ".bss (p_memsz beyond p_filesz) is not zero"

	mov rax, [entry_rax]
	mov ecx, MB_BOOT_MAGIC
	cmp rax, rcx
	EXPECT e, 2, "RAX is not 0x2BADB002"
	PRINTLN "RAX 0x2BADB002 ok"
	PRINT "RSP at entry "
	PRINT_HEX64 [entry_rsp]
	PRINTLN ""
	cmp qword [entry_rsp], 0x10000
	EXPECT e, 3, "RSP at entry is not 0x10000"
	movzx eax, word [entry_cs]
	PRINT "CS "
	PRINT_HEX32 eax
	movzx eax, word [entry_ds]
	PRINT " DS "
	PRINT_HEX32 eax
	PRINTLN ""
	cmp word [entry_cs], 0x10
	EXPECT e, 4, "CS is not 0x10"
	cmp word [entry_ds], 0x18
	EXPECT e, 4, "DS is not 0x18"

	mov rbx, [entry_rbx]
	cmp rbx, [entry_rdi]
	EXPECT e, 5, "RBX and RDI differ"
	test rbx, rbx
	EXPECT nz, 5, "RBX (info pointer) is 0"
	mov rax, rbx
	shr rax, 32
	EXPECT z, 5, "info pointer above 4 GiB"
	PRINT "multiboot info at "
	PRINT_HEX32 ebx
	PRINTLN ""
	test dword [rbx + MBI_FLAGS], MBI_F_CMDLINE
	EXPECT nz, 6, "info flags lack the cmdline bit"
	mov esi, [rbx + MBI_CMDLINE]
	PRINT "cmdline '"
	call lib_puts
	PRINTLN "'"
	mov rdi, want_cmdline
	call lib_cmdline_is
	EXPECT e, 6, "cmdline is not 'elf64-test'"
	test dword [rbx + MBI_FLAGS], MBI_F_MMAP
	EXPECT nz, 7, "info flags lack the mmap bit"
	mov esi, [rbx + MBI_MMAP_ADDR]
	cmp dword [rbx + MBI_MMAP_LEN], 24
	EXPECT ae, 7, "mmap shorter than one entry"
	cmp qword [rsi + 4], 0
	EXPECT e, 7, "mmap does not start at 0"
	cmp dword [rsi + 20], 1
	EXPECT e, 7, "first mmap entry is not RAM"
	PRINTLN "info: magic, cmdline and mmap ok"

	; Identity map: the page tables translate both probes to themselves.
	mov rdi, PROBE_ADDR
	call walk
	EXPECT nc, 8, "3 MiB is not mapped"
	cmp rax, PROBE_ADDR
	EXPECT e, 8, "3 MiB is not identity-mapped"
	mov edi, TOP_PAGE
	call walk
	EXPECT nc, 9, "the last 2 MiB below 4 GiB are not mapped"
	mov ecx, TOP_PAGE
	cmp rax, rcx
	EXPECT e, 9, "the last 2 MiB below 4 GiB are not identity-mapped"
	mov rax, 0x5A5AA5A5DEADBEEF
	mov rdi, PROBE_ADDR
	mov [rdi], rax
	mov [rdi + 8], rdi
	cmp [rdi], rax
	EXPECT e, 10, "write at 3 MiB did not read back"
	cmp [rdi + 8], rdi
	EXPECT e, 10, "write at 3 MiB + 8 did not read back"
	PRINTLN "identity map ok: 3 MiB and 4 GiB - 2 MiB translate to themselves, 3 MiB is writable"
	PASS

; rdi: virtual address -> rax: physical address; CF set if not present. Reads the tables
; through the identity map, which is what is being tested: a wrong map faults and the
; exception stub reports it.
walk:
	push rcx
	push rdx
	mov rdx, 0x000FFFFFFFFFF000
	mov rax, cr3
	and rax, rdx
	mov rcx, rdi
	shr rcx, 39
	and ecx, 511
	mov rax, [rax + rcx * 8] ; PML4E
	test al, 1
	jz .absent
	and rax, rdx
	mov rcx, rdi
	shr rcx, 30
	and ecx, 511
	mov rax, [rax + rcx * 8] ; PDPTE
	test al, 1
	jz .absent
	test al, 0x80
	jnz .page1g
	and rax, rdx
	mov rcx, rdi
	shr rcx, 21
	and ecx, 511
	mov rax, [rax + rcx * 8] ; PDE
	test al, 1
	jz .absent
	test al, 0x80
	jnz .page2m
	and rax, rdx
	mov rcx, rdi
	shr rcx, 12
	and ecx, 511
	mov rax, [rax + rcx * 8] ; PTE
	test al, 1
	jz .absent
	and rax, rdx
	mov rcx, rdi
	and ecx, 0xFFF
	jmp .add
.page2m:
	mov rcx, 0x000FFFFFFFE00000
	and rax, rcx
	mov rcx, rdi
	and ecx, 0x1FFFFF
	jmp .add
.page1g:
	mov rcx, 0x000FFFFFC0000000
	and rax, rcx
	mov rcx, rdi
	and ecx, 0x3FFFFFFF
.add:
	add rax, rcx
	clc
	jmp .out
.absent:
	stc
.out:
	pop rdx
	pop rcx
	ret

want_cmdline: db "elf64-test", 0
	align 8
entry_rsp: dq 0
entry_rax: dq 0
entry_rbx: dq 0
entry_rdi: dq 0
entry_cs:  dw 0
entry_ds:  dw 0

	LIB_ROUTINES "elf64"
	align 16
file_end:

	absolute file_end
bss_start:
	resb 256
bss_check_end:
	alignb 16
idt: resb 32 * 16
	resb 4096
stack_top:
bss_end:
