; vmlinux.asm: an ELF64 shaped like an x86-64 vmlinux (higher-half p_vaddr, "Linux" ELF note) that checks the 64-bit boot protocol entry.
;
; Like a real vmlinux: one PT_LOAD linked at 0xffffffff81000000 and loaded at p_paddr
; 16 MiB, e_entry the physical address of the 64-bit entry, and a PT_NOTE holding a GNU
; build-id note followed by a "Linux" one, which is what tells a vmlinux from any other
; ELF64 kernel. Per the boot protocol's 64-bit entry: long mode, CS = 0x10 and DS = ES =
; SS = 0x18 from a loaded GDT with flat descriptors there, interrupts off, RSI = boot_params
; with the setup header signatures and cmd_line_ptr. The boot test passes
; -append "vmlinux-test" (Linux gets the arguments alone, no kernel path) and -m 32.
%define LIB_BITS 64
PADDR     equ 0x1000000
VADDR     equ 0xffffffff81000000
LOAD_BASE equ PADDR
%include "lib.inc"

BP_EXT_CMD_LINE_PTR equ 0x0C8
BP_E820_ENTRIES     equ 0x1E8
BP_BOOT_FLAG        equ 0x1FE
BP_HEADER           equ 0x202
BP_VERSION          equ 0x206
BP_CMD_LINE_PTR     equ 0x228
BP_E820_TABLE       equ 0x2D0
E820_MAX_ENTRIES    equ 128
RFLAGS_IF           equ 1 << 9

	bits 64
	default rel
	org PADDR

ehdr:
	db 0x7F, "ELF", 2, 1, 1, 0
	times 8 db 0
	dw 2                       ; ET_EXEC
	dw 0x3E                    ; EM_X86_64
	dd 1
	dq start                   ; e_entry: physical, as a vmlinux links it
	dq phdr - ehdr
	dq 0
	dd 0
	dw ehdr_end - ehdr
	dw 56                      ; e_phentsize
	dw (phdr_end - phdr) / 56  ; e_phnum
	dw 0, 0, 0
ehdr_end:
phdr:
	dd 1                       ; PT_LOAD
	dd 7
	dq 0                       ; p_offset
	dq VADDR                   ; p_vaddr: the higher half
	dq PADDR                   ; p_paddr
	dq file_end - ehdr
	dq bss_end - ehdr
	dq 0x200000
	dd 4                       ; PT_NOTE
	dd 4
	dq notes - ehdr
	dq VADDR + (notes - ehdr)
	dq PADDR + (notes - ehdr)
	dq notes_end - notes
	dq notes_end - notes
	dq 4
phdr_end:

	align 4
notes:
	dd 4, 20, 3                ; "GNU", NT_GNU_BUILD_ID, 20-byte id
	db "GNU", 0
	db "tinyvmm-vmlinux-test"
	dd 6, 4, 0x100             ; "Linux", build salt
	db "Linux", 0, 0, 0
	db "TVM", 0
notes_end:

start:
	mov [entry_rsi], rsi
	pushfq
	pop qword [entry_rflags]
	lea rax, [rel start]
	mov [entry_rip], rax
	mov ax, cs
	mov [entry_cs], ax
	mov ax, ds
	mov [entry_ds], ax
	mov ax, es
	mov [entry_es], ax
	mov ax, ss
	mov [entry_ss], ax
	sgdt [entry_gdtr]
	mov rsp, stack_top
	mov rdi, idt
	call lib_idt_exceptions

	PRINTLN "vmlinux: checking the 64-bit boot protocol entry"
	PRINT "entered at "
	PRINT_HEX64 [entry_rip]
	PRINTLN ""
	cmp qword [entry_rip], start
	EXPECT e, 1, "not entered at e_entry (the physical address of start)"
	test dword [entry_rflags], RFLAGS_IF
	EXPECT z, 2, "interrupts enabled at entry"
	cmp word [entry_cs], 0x10
	EXPECT e, 3, "CS is not __BOOT_CS (0x10)"
	cmp word [entry_ds], 0x18
	EXPECT e, 3, "DS is not __BOOT_DS (0x18)"
	cmp word [entry_es], 0x18
	EXPECT e, 3, "ES is not __BOOT_DS (0x18)"
	cmp word [entry_ss], 0x18
	EXPECT e, 3, "SS is not __BOOT_DS (0x18)"
	call check_gdt
	PRINTLN "long mode, IF=0, CS 0x10 and DS/ES/SS 0x18 from flat GDT descriptors ok"

	mov rbx, [entry_rsi]
	test rbx, rbx
	EXPECT nz, 10, "RSI (boot_params) is 0"
	mov rax, rbx
	shr rax, 32
	EXPECT z, 10, "boot_params above 4 GiB"
	PRINT "boot_params at "
	PRINT_HEX32 ebx
	PRINTLN ""
	cmp word [rbx + BP_BOOT_FLAG], 0xAA55
	EXPECT e, 11, "boot_params lacks boot_flag 0xAA55"
	cmp dword [rbx + BP_HEADER], 'HdrS'
	EXPECT e, 11, "boot_params lacks 'HdrS'"
	cmp word [rbx + BP_VERSION], 0x020C
	EXPECT ae, 11, "boot_params says a protocol older than 2.12 (no 64-bit entry)"

	mov esi, [rbx + BP_CMD_LINE_PTR]
	mov eax, [rbx + BP_EXT_CMD_LINE_PTR]
	shl rax, 32
	or rsi, rax
	test rsi, rsi
	EXPECT nz, 12, "cmd_line_ptr is 0"
	PRINT "cmdline '"
	call lib_puts
	PRINTLN "'"
	mov rdi, want_cmdline
	call lib_streq
	EXPECT e, 12, "cmdline is not exactly 'vmlinux-test'"

	; e820: the kernel's memory is RAM
	movzx ecx, byte [rbx + BP_E820_ENTRIES]
	test ecx, ecx
	EXPECT nz, 13, "e820_entries is 0"
	cmp ecx, E820_MAX_ENTRIES
	EXPECT be, 13, "e820_entries above 128"
	lea rsi, [rbx + BP_E820_TABLE]
.e820:
	cmp dword [rsi + 16], 1
	jne .next
	cmp qword [rsi], PADDR
	ja .next
	mov rax, [rsi]
	add rax, [rsi + 8]
	cmp rax, bss_end
	jae .in_ram
.next:
	add rsi, 20
	dec ecx
	jnz .e820
	FAIL 14, "no e820 RAM entry holds the kernel"
.in_ram:
	PRINTLN "boot_params: signatures, cmdline and an e820 RAM entry holding the kernel ok"
	PASS

; The descriptors behind 0x10 and 0x18 in the GDT the loader left loaded: present, flat
; (base 0, 4 GiB granular limit), 0x10 a 64-bit code segment, 0x18 a writable data one.
check_gdt:
	movzx eax, word [entry_gdtr]
	cmp eax, 0x18 + 7
	EXPECT ae, 4, "GDT limit does not cover selector 0x18"
	mov rsi, [entry_gdtr + 2]
	mov rax, [rsi + 0x10]
	call check_flat
	bt rax, 47
	EXPECT c, 5, "descriptor 0x10 is not present"
	bt rax, 43
	EXPECT c, 5, "descriptor 0x10 is not a code segment"
	bt rax, 53
	EXPECT c, 5, "descriptor 0x10 is not a 64-bit (L) code segment"
	mov rax, [rsi + 0x18]
	call check_flat
	bt rax, 47
	EXPECT c, 6, "descriptor 0x18 is not present"
	bt rax, 43
	EXPECT nc, 6, "descriptor 0x18 is not a data segment"
	bt rax, 41
	EXPECT c, 6, "descriptor 0x18 is not writable"
	ret

; rax: descriptor -> fails unless its base is 0 and its limit 0xFFFFF with G set.
check_flat:
	push rcx
	push rdx
	mov rcx, rax
	mov rdx, 0xFF0000FFFFFF0000 ; base bits
	and rcx, rdx
	EXPECT z, 7, "a boot GDT descriptor has a non-zero base"
	mov rcx, rax
	mov rdx, 0x008F00000000FFFF ; G and limit bits
	and rcx, rdx
	cmp rcx, rdx
	EXPECT e, 7, "a boot GDT descriptor is not 4 GiB (limit 0xFFFFF, G=1)"
	pop rdx
	pop rcx
	ret

want_cmdline: db "vmlinux-test", 0
	align 8
entry_rsi:    dq 0
entry_rflags: dq 0
entry_rip:    dq 0
entry_gdtr:   dw 0
	dq 0
entry_cs:     dw 0
entry_ds:     dw 0
entry_es:     dw 0
entry_ss:     dw 0

	LIB_ROUTINES "vmlinux"
	align 16
file_end:

	absolute file_end
	alignb 16
idt: resb 32 * 16
	resb 4096
stack_top:
bss_end:
