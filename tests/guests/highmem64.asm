; highmem64.asm: ELF64 guest for -m 3584 that maps the RAM moved to 4 GiB and writes and reads it in long mode.
;
; The loader's identity map covers the first 4 GiB only, so the guest adds a page
; directory of 2 MiB pages for 4-5 GiB to the PDPT it was given. Then: the first and last
; qwords of the 512 MiB at 4 GiB hold what is written, a write there does not show up at
; guest-physical 0 (a slot mapped at the wrong host offset would alias low RAM), and the
; first qword past the end of RAM reads as all ones (no RAM, no device).
%define LIB_BITS 64
LOAD_BASE equ 0x100000
%include "lib.inc"

HIGH_BASE equ 0x100000000
HIGH_LEN  equ 512 << 20
PTE_P     equ 1 << 0
PTE_RW    equ 1 << 1
PTE_PS    equ 1 << 7
ADDR_MASK equ 0x000FFFFFFFFFF000

	bits 64
	default rel
	org LOAD_BASE

	ELF64_EXEC_HEADER

start:
	mov rsp, stack_top
	mov rdi, idt
	call lib_idt_exceptions
	PRINTLN "highmem64: mapping 4-5 GiB and touching the RAM above the hole"

	; PDPT entry 4 (4 GiB) -> our page directory of 2 MiB pages
	mov rdx, ADDR_MASK
	mov rax, cr3
	and rax, rdx
	mov rax, [rax]             ; PML4E 0
	test al, PTE_P
	EXPECT nz, 1, "PML4 entry 0 is not present"
	and rax, rdx
	mov rbx, rax               ; PDPT
	cmp qword [rbx + 4 * 8], 0
	EXPECT e, 2, "PDPT entry for 4 GiB is already in use"
	mov rdi, high_pd
	mov rax, HIGH_BASE | PTE_P | PTE_RW | PTE_PS
	mov ecx, 512
.pde:
	mov [rdi], rax
	add rdi, 8
	add rax, 1 << 21
	dec ecx
	jnz .pde
	mov rax, high_pd
	or rax, PTE_P | PTE_RW
	mov [rbx + 4 * 8], rax
	mov rax, cr3
	mov cr3, rax

	mov rax, 0x0123456789ABCDEF
	mov [abs 0], rax           ; guest-physical 0, to catch aliasing
	mov rdi, HIGH_BASE
	mov rax, 0x4444444444444444
	mov [rdi], rax
	mov rsi, HIGH_BASE + HIGH_LEN - 8
	mov rcx, 0x5A5AA5A5C0FFEE00
	mov [rsi], rcx
	cmp [rdi], rax
	EXPECT e, 3, "the first qword at 4 GiB did not read back"
	cmp [rsi], rcx
	EXPECT e, 4, "the last qword of RAM (4.5 GiB - 8) did not read back"
	mov rax, 0x0123456789ABCDEF
	cmp [abs 0], rax
	EXPECT e, 5, "a write at 4 GiB changed guest-physical 0 (high RAM aliases low RAM)"
	PRINTLN "RAM at 4 GiB and at 4.5 GiB - 8 holds what was written, without aliasing 0"

	mov rdi, HIGH_BASE + HIGH_LEN
	mov rax, [rdi]
	cmp rax, -1
	EXPECT e, 6, "the qword past the end of RAM (4.5 GiB) does not read as all ones"
	PRINTLN "past the end of RAM reads all ones"
	PASS


	LIB_ROUTINES "highmem64"
	align 16
file_end:

	absolute file_end
	alignb 4096
high_pd: resb 4096
idt:     resb 32 * 16
	alignb 16
	resb 4096
stack_top:
bss_end:
