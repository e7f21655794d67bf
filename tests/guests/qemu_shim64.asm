; qemu_shim64.asm: validation aid, not a test guest: lets QEMU (-kernel takes only multiboot v1 32-bit images) run
; the 64-bit test guests with the entry state tinyvmm promises them.
;
; Usage: qemu-system-x86_64 -m 64 -kernel qemu_shim64 -initrd "GUEST [cmdline],[INITRD]"
; Module 0 is an ELF64 kernel or a bzImage; its string after the first space becomes the
; kernel command line; module 1, if any, is the bzImage's initrd. The shim builds the
; layout of vmm/boot/layout.h (GDT 0x500, identity map of 4 GiB at 0x1000, boot_params
; 0x7000, multiboot info 0x8000, cmdline 0x10000), enters long mode and jumps:
;   ELF64:   CS 0x10, DS 0x18, RSP 0x10000, RAX 0x2BADB002, RBX = RDI = info
;   bzImage: protected-mode part at 0x100000, RIP 0x100200, RSI = boot_params
; It lives at 8 MiB so that copying a kernel to 1 MiB cannot overwrite it.
%define LIB_BITS 32
LOAD_BASE equ 0x800000
%include "lib.inc"

GDT_ADDR    equ 0x500
PT_ADDR     equ 0x1000
ZERO_PAGE   equ 0x7000
MBI_ADDR    equ 0x8000
MMAP_ADDR   equ 0x8100
STACK_TOP   equ 0x10000
CMDLINE     equ 0x10000
KERNEL_MIN  equ 0x100000
MMAP_BUF    equ 2048

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	cmp eax, MB_BOOT_MAGIC
	EXPECT e, 1, "not started by a multiboot loader"
	mov [qmbi], ebx
	SETUP_GDT32
	mov ebx, [qmbi]
	test dword [ebx + MBI_FLAGS], MBI_F_MODS
	EXPECT nz, 2, "no modules: pass the 64-bit guest with -initrd"
	cmp dword [ebx + MBI_MODS_CNT], 1
	EXPECT ae, 2, "no modules: pass the 64-bit guest with -initrd"
	test dword [ebx + MBI_FLAGS], MBI_F_MMAP
	EXPECT nz, 3, "QEMU gave no memory map"

	; Snapshot what QEMU gave before low memory is rewritten.
	mov eax, [ebx + MBI_MEM_LOWER]
	mov [mem_lower], eax
	mov eax, [ebx + MBI_MEM_UPPER]
	mov [mem_upper], eax
	mov esi, [ebx + MBI_MMAP_ADDR]
	mov ecx, [ebx + MBI_MMAP_LEN]
	cmp ecx, MMAP_BUF
	EXPECT be, 3, "memory map too long"
	mov [mmap_len], ecx
	mov edi, mmap_buf
	rep movsb
	mov edx, [ebx + MBI_MODS_ADDR]
	mov eax, [edx]
	mov [kernel], eax
	mov eax, [edx + 4]
	sub eax, [kernel]
	mov [kernel_len], eax
	cmp dword [ebx + MBI_MODS_CNT], 2
	jb .no_initrd
	mov eax, [edx + 16]
	mov [initrd], eax
	mov eax, [edx + 20]
	sub eax, [initrd]
	mov [initrd_len], eax
.no_initrd:
	; command line: module 0's string past its first space
	mov esi, [edx + 8]
	mov edi, cmdline_buf
	mov ecx, 4095
.skip_path:
	lodsb
	test al, al
	jz .cmd_end
	cmp al, ' '
	jne .skip_path
.copy_cmd:
	lodsb
	test al, al
	jz .cmd_end
	stosb
	loop .copy_cmd
.cmd_end:
	mov byte [edi], 0

	call write_low_memory
	mov esi, [kernel]
	cmp dword [esi], 0x464C457F ; "\x7FELF"
	je load_elf64
	cmp dword [esi + 0x202], 'HdrS'
	je load_bzimage
	FAIL 4, "module 0 is neither ELF64 nor a bzImage"

; GDT, identity page tables (2 MiB pages, 4 GiB), command line.
write_low_memory:
	mov edi, GDT_ADDR
	mov esi, contract_gdt
	mov ecx, contract_gdt_end - contract_gdt
	rep movsb
	mov edi, PT_ADDR
	mov ecx, (0x7000 - PT_ADDR) / 4
	xor eax, eax
	rep stosd
	mov dword [PT_ADDR], PT_ADDR + 0x1000 + 3            ; PML4[0] -> PDPT
	mov edi, PT_ADDR + 0x1000
	mov eax, PT_ADDR + 0x2000 + 3
	mov ecx, 4
.pdpt:
	mov [edi], eax                                      ; PDPT[i] -> PD i
	add edi, 8
	add eax, 0x1000
	loop .pdpt
	mov edi, PT_ADDR + 0x2000
	mov eax, 0x83                                       ; present, writable, 2 MiB
	xor edx, edx
	mov ecx, 4 * 512
.pd:
	mov [edi], eax
	mov [edi + 4], edx
	add edi, 8
	add eax, 0x200000
	adc edx, 0
	loop .pd
	mov esi, cmdline_buf
	mov edi, CMDLINE
	mov ecx, 4096
	rep movsb
	ret

load_elf64:
	cmp byte [esi + 4], 2
	EXPECT e, 5, "ELF is not 64-bit"
	mov ebx, esi
	add ebx, [esi + 0x20]      ; e_phoff
	movzx ebp, word [esi + 0x38] ; e_phnum
.ph:
	test ebp, ebp
	jz .loaded
	cmp dword [ebx], 1         ; PT_LOAD
	jne .next
	mov edi, [ebx + 0x18]      ; p_paddr
	cmp edi, KERNEL_MIN
	EXPECT ae, 6, "ELF segment below 1 MiB"
	mov esi, [kernel]
	add esi, [ebx + 8]         ; p_offset
	mov ecx, [ebx + 0x20]      ; p_filesz
	rep movsb
	mov ecx, [ebx + 0x28]      ; p_memsz
	sub ecx, [ebx + 0x20]
	xor eax, eax
	rep stosb
.next:
	mov esi, [kernel]
	movzx eax, word [esi + 0x36]
	add ebx, eax
	dec ebp
	jmp .ph
.loaded:
	mov esi, [kernel]
	mov eax, [esi + 0x18]
	mov [entry], eax
	; multiboot info: mem, cmdline, mmap
	mov edi, MBI_ADDR
	mov ecx, 0x1000 / 4
	xor eax, eax
	rep stosd
	mov dword [MBI_ADDR + MBI_FLAGS], MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MMAP
	mov eax, [mem_lower]
	mov [MBI_ADDR + MBI_MEM_LOWER], eax
	mov eax, [mem_upper]
	mov [MBI_ADDR + MBI_MEM_UPPER], eax
	mov dword [MBI_ADDR + MBI_CMDLINE], CMDLINE
	mov ecx, [mmap_len]
	mov [MBI_ADDR + MBI_MMAP_LEN], ecx
	mov dword [MBI_ADDR + MBI_MMAP_ADDR], MMAP_ADDR
	mov esi, mmap_buf
	mov edi, MMAP_ADDR
	rep movsb
	mov dword [reg_rax], MB_BOOT_MAGIC
	mov dword [reg_rbx], MBI_ADDR
	mov dword [reg_rdi], MBI_ADDR
	jmp go64

load_bzimage:
	movzx ecx, byte [esi + 0x1F1]
	test ecx, ecx
	jnz .sects
	mov ecx, 4
.sects:
	inc ecx
	shl ecx, 9                 ; protected-mode part's file offset
	mov edx, ecx
	add esi, ecx
	mov edi, KERNEL_MIN
	mov ecx, [kernel_len]
	sub ecx, edx
	rep movsb
	mov edi, ZERO_PAGE
	mov ecx, 0x1000 / 4
	xor eax, eax
	rep stosd
	mov esi, [kernel]
	movzx ecx, byte [esi + 0x201]
	add ecx, 0x202 - 0x1F1     ; setup header length
	add esi, 0x1F1
	mov edi, ZERO_PAGE + 0x1F1
	rep movsb
	mov byte [ZERO_PAGE + 0x210], 0xFF ; type_of_loader: undefined
	mov dword [ZERO_PAGE + 0x228], CMDLINE
	mov eax, [initrd]
	mov [ZERO_PAGE + 0x218], eax
	mov eax, [initrd_len]
	mov [ZERO_PAGE + 0x21C], eax
	; e820 table: QEMU's size-prefixed entries as 20-byte records
	mov esi, mmap_buf
	mov ebx, esi
	add ebx, [mmap_len]
	mov edi, ZERO_PAGE + 0x2D0
	xor edx, edx
.e820:
	cmp esi, ebx
	jae .e820_done
	cmp edx, 128
	jae .e820_done
	push esi
	add esi, 4
	mov ecx, 20
	rep movsb
	pop esi
	add esi, [esi]
	add esi, 4
	inc edx
	jmp .e820
.e820_done:
	mov [ZERO_PAGE + 0x1E8], dl
	mov dword [entry], KERNEL_MIN + 0x200
	mov dword [reg_rsi], ZERO_PAGE
	jmp go64

go64:
	lgdt [contract_gdtr]
	mov eax, cr4
	or eax, 1 << 5             ; PAE
	mov cr4, eax
	mov eax, PT_ADDR
	mov cr3, eax
	mov ecx, 0xC0000080        ; EFER
	rdmsr
	or eax, 1 << 8             ; LME
	wrmsr
	mov eax, cr0
	or eax, 1 << 31            ; PG
	mov cr0, eax
	jmp 0x10:long_entry

	bits 64
long_entry:
	mov ax, 0x18
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov esp, STACK_TOP
	mov eax, [reg_rsi]
	mov rsi, rax
	mov eax, [reg_rdi]
	mov rdi, rax
	mov eax, [reg_rbx]
	mov rbx, rax
	mov ecx, [entry]
	push rcx
	mov eax, [reg_rax]
	xor ecx, ecx
	xor edx, edx
	ret
	bits 32

	align 8
contract_gdt:
	dq 0
	dq 0x00CF9A000000FFFF ; 0x08 flat code32
	dq 0x00AF9A000000FFFF ; 0x10 code64
	dq 0x00CF92000000FFFF ; 0x18 flat data
contract_gdt_end:
contract_gdtr:
	dw contract_gdt_end - contract_gdt - 1
	dd GDT_ADDR

	LIB_ROUTINES "qemu_shim64"
image_end:

	absolute image_end
	alignb 4
qmbi:        resd 1
mem_lower:   resd 1
mem_upper:   resd 1
mmap_len:    resd 1
kernel:      resd 1
kernel_len:  resd 1
initrd:      resd 1
initrd_len:  resd 1
entry:       resd 1
reg_rax:     resd 1
reg_rbx:     resd 1
reg_rsi:     resd 1
reg_rdi:     resd 1
mmap_buf:    resb MMAP_BUF
cmdline_buf: resb 4096
	alignb 16
	resb 4096
stack_top:
bss_end:
