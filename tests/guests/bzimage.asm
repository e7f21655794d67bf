; bzimage.asm: a minimal bzImage (Linux boot protocol 2.15, 64-bit entry) that checks the boot_params it is handed.
;
; File layout: boot sector + SETUP_SECTS setup sectors (real-mode part, holding the setup
; header at 0x1F1), then the protected-mode part, loaded at 0x100000. Its offset 0 is the
; 32-bit entry (not supported here: it reports and fails), offset 0x200 the 64-bit entry
; that tinyvmm uses. The boot test passes -append "bz-test" and, optionally, an initrd of
; INITRD_SIZE bytes where byte i is (i * 7 + 3) & 0xFF.
%define LIB_BITS 64
PM_BASE   equ 0x100000
LOAD_BASE equ PM_BASE
%include "lib.inc"

SETUP_SECTS    equ 1
PM_FILE_OFFSET equ (SETUP_SECTS + 1) * 512
INITRD_SIZE    equ 5000
INITRD_MAX     equ 0x7FFFFFFF
E820_MAX_ENTRIES equ 128

; boot_params ("zero page") offsets
BP_EXT_RAMDISK_IMAGE equ 0x0C0
BP_EXT_RAMDISK_SIZE  equ 0x0C4
BP_EXT_CMD_LINE_PTR  equ 0x0C8
BP_E820_ENTRIES      equ 0x1E8
BP_BOOT_FLAG         equ 0x1FE
BP_HEADER            equ 0x202
BP_VERSION           equ 0x206
BP_TYPE_OF_LOADER    equ 0x210
BP_RAMDISK_IMAGE     equ 0x218
BP_RAMDISK_SIZE      equ 0x21C
BP_CMD_LINE_PTR      equ 0x228
BP_E820_TABLE        equ 0x2D0

; ==== real-mode part: boot sector and setup header ====
	section setup start=0 vstart=0
	bits 16
boot_sector:
	; Booted as a floppy by mistake: there is no real-mode setup code to run.
	cli
	mov al, 61
	out DEBUG_EXIT, al
	hlt
	times 0x1F1 - ($ - $$) db 0
setup_header:
	db SETUP_SECTS                   ; 0x1F1 setup_sects
	dw 0                             ; 0x1F2 root_flags
	dd (pm_file_end - pm_start + 15) / 16 ; 0x1F4 syssize (16-byte units)
	dw 0                             ; 0x1F8 ram_size (obsolete)
	dw 0xFFFF                        ; 0x1FA vid_mode: normal
	dw 0                             ; 0x1FC root_dev
	dw 0xAA55                        ; 0x1FE boot_flag
	jmp short setup_entry            ; 0x200 jump; its offset byte also ends the header
	db "HdrS"                        ; 0x202 header
	dw 0x020F                        ; 0x206 version 2.15
	dd 0                             ; 0x208 realmode_swtch
	dw 0                             ; 0x20C start_sys_seg
	dw kernel_version - 0x200        ; 0x20E kernel_version
	db 0                             ; 0x210 type_of_loader (the loader's to fill)
	db 0x01                          ; 0x211 loadflags: LOADED_HIGH
	dw 0                             ; 0x212 setup_move_size
	dd PM_BASE                       ; 0x214 code32_start
	dd 0                             ; 0x218 ramdisk_image
	dd 0                             ; 0x21C ramdisk_size
	dd 0                             ; 0x220 bootsect_kludge
	dw 0                             ; 0x224 heap_end_ptr
	db 0                             ; 0x226 ext_loader_ver
	db 0                             ; 0x227 ext_loader_type
	dd 0                             ; 0x228 cmd_line_ptr
	dd INITRD_MAX                    ; 0x22C initrd_addr_max
	dd 0x200000                      ; 0x230 kernel_alignment
	db 0                             ; 0x234 relocatable_kernel: load at PM_BASE only
	db 0                             ; 0x235 min_alignment
	dw 0x0001                        ; 0x236 xloadflags: XLF_KERNEL_64
	dd 2047                          ; 0x238 cmdline_size
	dd 0                             ; 0x23C hardware_subarch: PC
	dq 0                             ; 0x240 hardware_subarch_data
	dd 0                             ; 0x248 payload_offset
	dd 0                             ; 0x24C payload_length
	dq 0                             ; 0x250 setup_data
	dq PM_BASE                       ; 0x258 pref_address
	dd init_end - pm_start           ; 0x260 init_size
	dd 0                             ; 0x264 handover_offset (no EFI)
	dd kernel_info - pm_start        ; 0x268 kernel_info_offset
setup_entry:
	cli
	mov al, 61
	out DEBUG_EXIT, al
	hlt
kernel_version:
	db "tinyvmm bzimage test guest", 0
	times (SETUP_SECTS + 1) * 512 - ($ - $$) db 0

; ==== protected-mode part, loaded at PM_BASE ====
	section pm start=PM_FILE_OFFSET vstart=PM_BASE
pm_start:
	bits 32
startup_32:
	; Only the 64-bit entry is supported; say so on COM1 and fail.
	mov esi, msg_entry32
	mov dx, COM1
.putc:
	lodsb
	test al, al
	jz .out
	out dx, al
	jmp .putc
.out:
	mov al, 62
	out DEBUG_EXIT, al
	hlt
msg_entry32:
	db "FAIL bzimage: entered at the 32-bit entry, expected 0x100200 in long mode", 10, 0

kernel_info: ; protocol 2.15: "LToP", size, size_total, setup_type_max
	db "LToP"
	dd 16
	dd 16
	dd 0
	times 0x200 - ($ - $$) db 0

	bits 64
	default rel
startup_64: ; PM_BASE + 0x200
	mov rsp, stack_top
	mov [boot_params], rsi
	mov rdi, idt
	call lib_idt_exceptions
	PRINTLN "bzimage: checking boot_params at the 64-bit entry"

	mov rbx, [boot_params]
	test rbx, rbx
	EXPECT nz, 1, "RSI (boot_params) is 0"
	mov rax, rbx
	shr rax, 32
	EXPECT z, 1, "boot_params above 4 GiB"
	PRINT "boot_params at "
	PRINT_HEX32 ebx
	PRINTLN ""
	cmp word [rbx + BP_BOOT_FLAG], 0xAA55
	EXPECT e, 2, "boot_params lacks boot_flag 0xAA55 (setup header not copied)"
	cmp dword [rbx + BP_HEADER], 'HdrS'
	EXPECT e, 2, "boot_params lacks 'HdrS' (setup header not copied)"
	movzx eax, byte [rbx + BP_TYPE_OF_LOADER]
	PRINT "protocol "
	movzx ecx, word [rbx + BP_VERSION]
	PRINT_HEX32 ecx
	PRINT ", type_of_loader "
	PRINT_HEX32 eax
	PRINTLN ""

	; command line
	mov esi, [rbx + BP_CMD_LINE_PTR]
	mov eax, [rbx + BP_EXT_CMD_LINE_PTR]
	shl rax, 32
	or rsi, rax
	test rsi, rsi
	EXPECT nz, 3, "cmd_line_ptr is 0"
	PRINT "cmdline '"
	call lib_puts
	PRINTLN "'"
	mov rdi, want_cmdline
	call lib_streq
	EXPECT e, 3, "cmdline is not 'bz-test'"

	call check_e820
	call check_initrd
	PASS

; e820: 1..128 entries, the first RAM at 0, none empty, sorted and disjoint, and the
; kernel's init_size area inside one RAM entry.
check_e820:
	movzx ecx, byte [rbx + BP_E820_ENTRIES]
	PRINT "e820 entries: "
	PRINT_DEC ecx
	PRINTLN ""
	test ecx, ecx
	EXPECT nz, 10, "e820_entries is 0"
	cmp ecx, E820_MAX_ENTRIES
	EXPECT be, 10, "e820_entries above 128"
	lea rsi, [rbx + BP_E820_TABLE]
	cmp qword [rsi], 0
	EXPECT e, 11, "e820 does not start at 0"
	cmp dword [rsi + 16], 1
	EXPECT e, 11, "first e820 entry is not RAM"
	xor edx, edx ; previous entry's end
	mov qword [kernel_in_ram], 0
.entry:
	PRINT "  "
	PRINT_HEX64 [rsi]
	PRINT " len "
	PRINT_HEX64 [rsi + 8]
	PRINT " type "
	PRINT_DEC [rsi + 16]
	PRINTLN ""
	mov rax, [rsi + 8]
	test rax, rax
	EXPECT nz, 12, "zero-sized e820 entry"
	cmp [rsi], rdx
	EXPECT ae, 13, "e820 entries unsorted or overlapping"
	mov rdx, [rsi]
	add rdx, rax
	EXPECT nc, 13, "e820 entry wraps past 2^64"
	cmp dword [rsi + 16], 1
	jne .next
	cmp qword [rsi], PM_BASE
	ja .next
	cmp rdx, init_end
	jb .next
	mov qword [kernel_in_ram], 1
.next:
	add rsi, 20
	dec ecx
	jnz .entry
	cmp qword [kernel_in_ram], 1
	EXPECT e, 14, "no e820 RAM entry holds the kernel's init_size area"
	PRINTLN "e820 ok: sorted, none empty, kernel in RAM"
	ret

; rax: address, rcx: length -> CF clear if [rax, rax+rcx) lies inside one e820 RAM entry.
in_e820_ram:
	push rsi
	push rdx
	push rdi
	push r8
	movzx r8d, byte [rbx + BP_E820_ENTRIES]
	lea rsi, [rbx + BP_E820_TABLE]
	lea rdi, [rax + rcx]
.entry:
	test r8d, r8d
	jz .no
	cmp dword [rsi + 16], 1
	jne .next
	cmp rax, [rsi]
	jb .next
	mov rdx, [rsi]
	add rdx, [rsi + 8]
	cmp rdi, rdx
	jbe .yes
.next:
	add rsi, 20
	dec r8d
	jmp .entry
.yes:
	clc
	jmp .out
.no:
	stc
.out:
	pop r8
	pop rdi
	pop rdx
	pop rsi
	ret

check_initrd:
	mov eax, [rbx + BP_RAMDISK_IMAGE]
	mov ecx, [rbx + BP_EXT_RAMDISK_IMAGE]
	shl rcx, 32
	or rax, rcx
	mov ecx, [rbx + BP_RAMDISK_SIZE]
	mov edx, [rbx + BP_EXT_RAMDISK_SIZE]
	shl rdx, 32
	or rcx, rdx
	test rcx, rcx
	jnz .given
	PRINTLN "no initrd"
	ret
.given:
	PRINT "initrd at "
	PRINT_HEX64 rax
	PRINT " size "
	PRINT_DEC ecx
	PRINTLN ""
	cmp rcx, INITRD_SIZE
	EXPECT e, 20, "initrd size is not the file's"
	lea rdx, [rax + rcx - 1]
	cmp rdx, INITRD_MAX
	EXPECT be, 21, "initrd ends above initrd_addr_max"
	cmp rax, init_end
	jae .above_kernel
	cmp rdx, PM_BASE
	EXPECT b, 22, "initrd overlaps the kernel's init_size area"
.above_kernel:
	call in_e820_ram
	EXPECT nc, 23, "initrd is not inside an e820 RAM entry"
	; byte i must be (i * 7 + 3) & 0xFF
	xor edx, edx
.byte:
	imul edi, edx, 7
	add edi, 3
	cmp [rax + rdx], dil
	EXPECT e, 24, "initrd bytes differ from the file"
	inc edx
	cmp edx, ecx
	jb .byte
	PRINTLN "initrd ok: size, placement, contents"
	ret

want_cmdline: db "bz-test", 0

	LIB_ROUTINES "bzimage"
	align 16
pm_file_end:

	absolute pm_file_end
	alignb 16
boot_params:   resq 1
kernel_in_ram: resq 1
idt:           resb 32 * 16
	alignb 16
	resb 4096
stack_top:
	alignb 4096
init_end:
