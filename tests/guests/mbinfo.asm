; mbinfo.asm: multiboot ELF32 guest (hand-made ELF with a .bss) that checks the multiboot info it is given.
;
; What the boot test passes: -append "mbinfo-test key=value" and three modules named
; "mod-a alpha", "mod-b", "mod-c gamma delta", whose files begin with the 8 bytes
; "TVM-MOD" + letter and are filled with that letter to the sizes below.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

MOD_A_SIZE equ 100
MOD_B_SIZE equ 5000
MOD_C_SIZE equ 4096

	bits 32
	org LOAD_BASE

; ---- ELF32 header and one PT_LOAD: file [0, file_end) at LOAD_BASE, memory to bss_end.
ehdr:
	db 0x7F, "ELF", 1, 1, 1, 0 ; 32-bit, little endian, version 1, SysV
	times 8 db 0
	dw 2                       ; ET_EXEC
	dw 3                       ; EM_386
	dd 1
	dd start                   ; e_entry
	dd phdr - ehdr             ; e_phoff
	dd 0                       ; e_shoff
	dd 0
	dw ehdr_end - ehdr         ; e_ehsize
	dw phdr_end - phdr         ; e_phentsize
	dw 1                       ; e_phnum
	dw 0, 0, 0
ehdr_end:
phdr:
	dd 1                       ; PT_LOAD
	dd 0                       ; p_offset
	dd LOAD_BASE               ; p_vaddr
	dd LOAD_BASE               ; p_paddr
	dd file_end - ehdr         ; p_filesz
	dd bss_end - ehdr          ; p_memsz
	dd 7                       ; RWX
	dd 0x1000
phdr_end:

; No a.out kludge bit: the loader must use the ELF program header.
	align 4
	dd MB_HDR_MAGIC
	dd 0x00000003              ; page-align modules, give memory info
	dd -(MB_HDR_MAGIC + 3)

start:
	; Everything that must not be touched before the bss check is held in registers.
	mov ebp, eax
	mov edx, ebx
	; bss must read as zero; the file holds 0xCC bytes right after p_filesz so a loader
	; that copies p_memsz bytes from the file (instead of zero-filling) is caught.
	mov edi, bss_start
	mov ecx, (bss_end - bss_start) / 4
	xor eax, eax
	repe scasd
	jne bss_dirty
	mov esp, stack_top
	mov [mbi], edx
	SETUP_GDT32

	PRINTLN "mbinfo: checking the multiboot information"
	cmp ebp, MB_BOOT_MAGIC
	EXPECT e, 1, "EAX is not 0x2BADB002"
	PRINTLN "magic 0x2BADB002 ok, bss zeroed"

	mov ebx, [mbi]
	test ebx, ebx
	EXPECT nz, 2, "EBX (info pointer) is 0"
	mov eax, [ebx + MBI_FLAGS]
	PRINT "flags "
	PRINT_HEX32 eax
	PRINTLN ""
	and eax, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP
	cmp eax, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP
	EXPECT e, 3, "flags lack one of bits 0 (mem), 2 (cmdline), 3 (mods), 6 (mmap)"

	call check_mmap
	call check_mem
	call check_cmdline
	call check_modules
	PASS

bss_dirty:
	FAIL 4, ".bss is not zero (the loader copied file bytes past p_filesz?)"

; ---- memory map: the checks every multiboot guest makes (lib.inc); keeps the lengths of the
; first entry and of the entry at 1 MiB for check_mem.
check_mmap:
	mov ebx, [mbi]
	mov esi, [ebx + MBI_MMAP_ADDR]
	mov ecx, [ebx + MBI_MMAP_LEN]
	call lib_check_mmap
	mov [low_len], eax
	mov [high_len], edx
	ret

; ---- mem_lower / mem_upper agree with the map's first entry and its entry at 1 MiB.
check_mem:
	mov ebx, [mbi]
	PRINT "mem_lower "
	PRINT_DEC [ebx + MBI_MEM_LOWER]
	PRINT " KiB, mem_upper "
	PRINT_DEC [ebx + MBI_MEM_UPPER]
	PRINTLN " KiB"
	mov eax, [ebx + MBI_MEM_LOWER]
	cmp eax, 640
	EXPECT be, 20, "mem_lower above 640 KiB"
	mov ecx, [low_len]
	shr ecx, 10
	cmp eax, ecx
	EXPECT e, 21, "mem_lower differs from the mmap's first entry"
	mov eax, [ebx + MBI_MEM_UPPER]
	mov ecx, [high_len]
	shr ecx, 10
	cmp eax, ecx
	EXPECT e, 22, "mem_upper differs from the mmap's RAM entry at 1 MiB"
	; RAM top (below 4 GiB) bounds every pointer the loader hands over
	cmp eax, (0xFFFFFFFF - 0x100000) >> 10
	jb .small
	mov eax, 0xFFFFFFFF
	jmp .top
.small:
	shl eax, 10
	add eax, 0x100000
.top:
	mov [ram_top], eax
	ret

; eax: pointer, ecx: length -> fails unless [eax, eax+ecx) lies in RAM below ram_top.
check_in_ram:
	push eax
	add eax, ecx
	EXPECT nc, 23, "loader pointer range wraps"
	cmp eax, [ram_top]
	EXPECT be, 23, "loader pointer beyond RAM"
	pop eax
	ret

check_cmdline:
	mov ebx, [mbi]
	mov esi, [ebx + MBI_CMDLINE]
	mov eax, esi
	mov ecx, 1
	call check_in_ram
	PRINT "cmdline '"
	call lib_puts
	PRINTLN "'"
	mov edi, want_cmdline
	call lib_cmdline_is
	EXPECT e, 30, "cmdline is not 'mbinfo-test key=value'"
	ret

; ---- modules: count, strings, sizes, first bytes, placement.
check_modules:
	mov ebx, [mbi]
	mov eax, [ebx + MBI_MODS_CNT]
	cmp eax, 3
	EXPECT e, 40, "mods_count is not 3"
	mov ebx, [ebx + MBI_MODS_ADDR]
	mov eax, ebx
	mov ecx, 3 * 16
	call check_in_ram
	mov ebp, mod_expect
.mod:
	mov eax, [ebx]      ; mod_start
	mov edx, [ebx + 4]  ; mod_end
	PRINT "module '"
	mov esi, [ebx + 8]
	push eax
	mov eax, esi
	mov ecx, 1
	call check_in_ram
	pop eax
	call lib_puts
	PRINT "' at "
	PRINT_HEX32 eax
	PRINT " size "
	mov ecx, edx
	sub ecx, eax
	PRINT_DEC ecx
	PRINTLN ""
	mov edi, [ebp]
	call lib_cmdline_is
	EXPECT e, 41, "module string differs from the one given"
	cmp edx, eax
	EXPECT ae, 42, "mod_end below mod_start"
	cmp ecx, [ebp + 4]
	EXPECT e, 42, "module size differs from its file"
	call check_in_ram
	test eax, 0xFFF
	EXPECT z, 43, "module not page aligned (header flag 0 asks for it)"
	cmp eax, bss_end
	EXPECT ae, 44, "module overlaps the kernel image or its bss"
	mov esi, eax
	mov edi, [ebp + 8]
	mov ecx, 8
	repe cmpsb
	EXPECT e, 45, "module contents do not begin with the test's bytes"
	mov esi, [ebp + 8]
	mov al, [esi + 7]   ; the letter fills the rest of the file
	cmp [edx - 1], al
	EXPECT e, 45, "module's last byte differs from the file"
	add ebx, 16
	add ebp, 12
	cmp ebp, mod_expect_end
	jb .mod
	PRINTLN "modules ok: strings, sizes, contents, page aligned, above the kernel"
	ret

want_cmdline: db "mbinfo-test key=value", 0
mod_a_str:    db "mod-a alpha", 0
mod_b_str:    db "mod-b", 0
mod_c_str:    db "mod-c gamma delta", 0
mod_a_head:   db "TVM-MODA"
mod_b_head:   db "TVM-MODB"
mod_c_head:   db "TVM-MODC"
	align 4
mod_expect: ; string, size, first bytes
	dd mod_a_str, MOD_A_SIZE, mod_a_head
	dd mod_b_str, MOD_B_SIZE, mod_b_head
	dd mod_c_str, MOD_C_SIZE, mod_c_head
mod_expect_end:

	LIB_ROUTINES "mbinfo"
	LIB_MMAP_CHECK

	align 16
file_end:
; Not part of the segment (p_filesz stops above): the bytes a sloppy loader would copy into .bss.
	times 4096 db 0xCC

	absolute file_end
bss_start:
mbi:         resd 1
low_len:     resd 1
high_len:    resd 1
ram_top:     resd 1
	alignb 16
	resb 4096
stack_top:
	resb 4096 ; more zeroed space, so the check covers beyond the file's 0xCC tail
bss_end:
