; mbkick.asm: multiboot test kernel for the GRUB images (/kickstart): checks what GRUB hands over, then PASS.
;
; GRUB Legacy loads it from a floppy or disk built by images/mkimage with the thesis's
; menu: kernel /kickstart, module /x86-kernel, module /sigma0, module /hello. It checks
; that a real GRUB booted it (boot_loader_name), the memory map and mem_lower/mem_upper
; (GRUB 0.97 derives them from the map: the RAM run starting at 0 and at 1 MiB), the
; command line, and the three modules: strings as GRUB passes them ("/x86-kernel"),
; sizes, page alignment, placement above the kernel and every byte (modules.inc).
;
; "/kickstart write-disk" also writes a marker sector to the primary IDE disk (ATA PIO),
; so a test can tell whether a guest's writes reach the image file (-snapshot).
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"
%include "modules.inc"

MBI_BOOTDEV equ 12
MBI_LOADER  equ 64
MBI_F_BOOTDEV equ 1 << 1
MBI_F_LOADER  equ 1 << 9

; ATA primary channel, and how long to wait for it. The bound is counted in status reads
; (no timer is set up): each is a VM exit, about 14 us on a software KVM, so a dead disk
; fails the test within half a minute there, while QEMU's slower host writes still fit.
ATA_DATA    equ 0x1F0
ATA_COUNT   equ 0x1F2
ATA_LBA0    equ 0x1F3
ATA_LBA1    equ 0x1F4
ATA_LBA2    equ 0x1F5
ATA_DRIVE   equ 0x1F6
ATA_CMD     equ 0x1F7
ATA_ST_BSY  equ 0x80
ATA_ST_DF   equ 0x20
ATA_ST_DRQ  equ 0x08
ATA_ST_ERR  equ 0x01
ATA_WAIT_MAX equ 2000000

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	mov [mbi], ebx
	mov [magic], eax
	mov byte [write_disk], 0
	SETUP_GDT32

	PRINTLN "mbkick: checking what the boot loader handed over"
	cmp dword [magic], MB_BOOT_MAGIC
	EXPECT e, 1, "EAX is not 0x2BADB002"
	mov ebx, [mbi]
	test ebx, ebx
	EXPECT nz, 2, "EBX (info pointer) is 0"
	mov eax, [ebx + MBI_FLAGS]
	PRINT "flags "
	PRINT_HEX32 eax
	PRINTLN ""
	and eax, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP | MBI_F_LOADER
	cmp eax, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS | MBI_F_MMAP | MBI_F_LOADER
	EXPECT e, 3, "flags lack one of bits 0 (mem), 2 (cmdline), 3 (mods), 6 (mmap), 9 (loader name)"

	call check_loader
	call check_mmap
	call check_mem
	call check_cmdline
	call check_modules
	cmp byte [write_disk], 0
	je .done
	call disk_write_marker
.done:
	PASS

; ---- the boot loader: GRUB Legacy names itself; boot_device says which BIOS drive.
check_loader:
	mov ebx, [mbi]
	mov esi, [ebx + MBI_LOADER]
	mov eax, esi
	mov ecx, 1
	call check_in_low4g
	PRINT "boot loader '"
	call lib_puts
	PRINTLN "'"
	mov edi, want_loader
	mov ecx, want_loader_len
	repe cmpsb
	EXPECT e, 4, "boot loader name does not start with 'GNU GRUB'"
	mov ebx, [mbi]
	test dword [ebx + MBI_FLAGS], MBI_F_BOOTDEV
	jz .no_bootdev
	PRINT "boot_device "
	PRINT_HEX32 [ebx + MBI_BOOTDEV]
	PRINTLN ""
.no_bootdev:
	ret

; ---- memory map: the checks every multiboot guest makes (lib.inc), the map below 4 GiB;
; its end is kept for ram_run_from.
check_mmap:
	mov ebx, [mbi]
	mov esi, [ebx + MBI_MMAP_ADDR]
	mov ecx, [ebx + MBI_MMAP_LEN]
	mov eax, esi
	call check_in_low4g
	call lib_check_mmap
	lea edi, [esi + ecx]
	mov [mmap_end], edi
	ret

; eax: start address -> eax: bytes of RAM reachable from it through adjacent type-1
; entries, clamped below 4 GiB (what GRUB 0.97 reports as mem_lower/mem_upper, in bytes).
ram_run_from:
	push ebx
	push ecx
	push edx
	push esi
	mov edx, eax ; start
	mov ebx, eax ; current top
	mov ecx, LIB_MMAP_MAX
.pass:
	push ecx
	xor ecx, ecx ; progress in this pass
	mov esi, [mbi]
	mov esi, [esi + MBI_MMAP_ADDR]
.scan:
	cmp esi, [mmap_end]
	jae .scanned
	cmp dword [esi + 20], 1
	jne .skip
	cmp dword [esi + 8], 0
	jne .skip
	cmp [esi + 4], ebx
	ja .skip
	; entry end, clamped to 4 GiB - 1
	mov eax, [esi + 4]
	cmp dword [esi + 16], 0
	jne .clamp
	add eax, [esi + 12]
	jnc .have_end
.clamp:
	mov eax, 0xFFFFFFFF
.have_end:
	cmp eax, ebx
	jbe .skip
	mov ebx, eax
	inc ecx
.skip:
	add esi, [esi]
	add esi, 4
	jmp .scan
.scanned:
	test ecx, ecx
	pop ecx
	jz .out
	dec ecx
	jnz .pass
.out:
	mov eax, ebx
	sub eax, edx
	pop esi
	pop edx
	pop ecx
	pop ebx
	ret

check_mem:
	mov ebx, [mbi]
	PRINT "mem_lower "
	PRINT_DEC [ebx + MBI_MEM_LOWER]
	PRINT " KiB, mem_upper "
	PRINT_DEC [ebx + MBI_MEM_UPPER]
	PRINTLN " KiB"
	mov eax, [ebx + MBI_MEM_LOWER]
	test eax, eax
	EXPECT nz, 20, "mem_lower is 0"
	cmp eax, 640
	EXPECT be, 20, "mem_lower above 640 KiB"
	xor eax, eax
	call ram_run_from
	shr eax, 10
	cmp [ebx + MBI_MEM_LOWER], eax
	EXPECT e, 21, "mem_lower differs from the mmap's RAM run at 0"
	mov eax, 0x100000
	call ram_run_from
	mov ecx, eax
	shr eax, 10
	cmp [ebx + MBI_MEM_UPPER], eax
	EXPECT e, 22, "mem_upper differs from the mmap's RAM run at 1 MiB"
	cmp eax, 512
	EXPECT ae, 22, "less than 512 KiB of RAM above 1 MiB"
	add ecx, 0x100000
	jnc .top
	mov ecx, 0xFFFFFFFF
.top:
	mov [ram_top], ecx
	ret

; eax: pointer, ecx: length -> fails unless [eax, eax+ecx) ends below 4 GiB.
check_in_low4g:
	push eax
	add eax, ecx
	EXPECT nc, 23, "loader pointer range wraps"
	pop eax
	ret

; eax: pointer, ecx: length -> fails unless [eax, eax+ecx) lies in the RAM run from 1 MiB.
check_in_ram:
	push eax
	cmp eax, 0x100000
	EXPECT ae, 23, "module below 1 MiB"
	add eax, ecx
	EXPECT nc, 23, "module range wraps"
	cmp eax, [ram_top]
	EXPECT be, 23, "module beyond the RAM above 1 MiB"
	pop eax
	ret

; ---- command line: "/kickstart", optionally followed by " write-disk".
check_cmdline:
	mov ebx, [mbi]
	mov esi, [ebx + MBI_CMDLINE]
	mov eax, esi
	mov ecx, 1
	call check_in_low4g
	PRINT "cmdline '"
	call lib_puts
	PRINTLN "'"
	mov edi, want_cmdline
	call lib_streq
	je .ok
	mov edi, want_cmdline_write
	call lib_streq
	EXPECT e, 30, "cmdline is neither '/kickstart' nor '/kickstart write-disk'"
	mov byte [write_disk], 1
.ok:
	ret

; ---- modules: count, strings, sizes, placement, every byte.
check_modules:
	mov ebx, [mbi]
	mov eax, [ebx + MBI_MODS_CNT]
	cmp eax, 3
	EXPECT e, 40, "mods_count is not 3"
	mov ebx, [ebx + MBI_MODS_ADDR]
	mov eax, ebx
	mov ecx, 3 * 16
	call check_in_low4g
	mov ebp, mod_expect
.mod:
	mov eax, [ebx]     ; mod_start
	mov edx, [ebx + 4] ; mod_end
	PRINT "module '"
	mov esi, [ebx + 8]
	push eax
	mov eax, esi
	mov ecx, 1
	call check_in_low4g
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
	call lib_streq
	EXPECT e, 41, "module string is not the path in menu.lst"
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
	mov ecx, MOD_HEAD_LEN
	repe cmpsb
	EXPECT e, 45, "module does not begin with its TVM-MOD header"
	; the pattern: byte i = (letter + i + (i >> 9)) & 0xFF from i = 8 on
	mov edi, [ebp + 8]
	movzx edi, byte [edi + MOD_HEAD_LEN - 1] ; the letter
	mov ecx, MOD_HEAD_LEN
.byte:
	cmp ecx, [ebp + 4]
	jae .bytes_ok
	mov edx, ecx
	shr edx, 9
	add edx, ecx
	add edx, edi
	cmp [eax + ecx], dl
	EXPECT e, 46, "module byte differs from its file (wrong sector or offset read?)"
	inc ecx
	jmp .byte
.bytes_ok:
	add ebx, 16
	add ebp, 12
	cmp ebp, mod_expect_end
	jb .mod
	PRINTLN "modules ok: strings, sizes, every byte, page aligned, above the kernel"
	ret

; ---- ATA PIO write of one marker sector to the primary master, LBA28.
; al: status mask, ah: wanted value -> waits until (status & mask) == wanted, bounded.
ata_wait:
	push ebx
	push ecx
	push edx
	mov bx, ax
	mov ecx, ATA_WAIT_MAX
	mov dx, ATA_CMD
.poll:
	in al, dx
	cmp al, 0xFF
	EXPECT ne, 50, "no IDE disk on the primary channel (status 0xFF)"
	test al, ATA_ST_BSY
	jnz .again ; the other bits mean nothing while BSY is set
	test al, ATA_ST_ERR | ATA_ST_DF
	EXPECT z, 51, "IDE disk reports an error"
	and al, bl
	cmp al, bh
	je .ok
.again:
	dec ecx
	jnz .poll
	PRINT "IDE status "
	PRINT_HEX32 eax
	PRINTLN ""
	FAIL 52, "IDE disk never got ready"
.ok:
	pop edx
	pop ecx
	pop ebx
	ret

disk_write_marker:
	PRINTLN "writing the marker sector to the IDE disk"
	mov edi, sector_buf
	mov esi, marker
	mov ecx, marker_len
	rep movsb
	mov ecx, 512 - marker_len
	mov al, 0xA5
	rep stosb
	mov ax, ATA_ST_BSY ; BSY clear
	call ata_wait
	mov dx, ATA_DRIVE
	mov al, 0xE0 | ((DISK_WRITE_LBA >> 24) & 0x0F) ; LBA, master
	out dx, al
	mov dx, ATA_COUNT
	mov al, 1
	out dx, al
	mov dx, ATA_LBA0
	mov al, DISK_WRITE_LBA & 0xFF
	out dx, al
	mov dx, ATA_LBA1
	mov al, (DISK_WRITE_LBA >> 8) & 0xFF
	out dx, al
	mov dx, ATA_LBA2
	mov al, (DISK_WRITE_LBA >> 16) & 0xFF
	out dx, al
	mov dx, ATA_CMD
	mov al, 0x30 ; WRITE SECTORS
	out dx, al
	mov ax, (ATA_ST_DRQ << 8) | ATA_ST_BSY | ATA_ST_DRQ ; BSY clear, DRQ set
	call ata_wait
	mov esi, sector_buf
	mov ecx, 256
	mov dx, ATA_DATA
	rep outsw
	; no FLUSH CACHE: what matters is that the write reaches the VMM, not the platter
	mov ax, ATA_ST_BSY
	call ata_wait
	PRINT "marker written to LBA "
	PRINT_DEC DISK_WRITE_LBA
	PRINTLN ""
	ret

want_loader:        db "GNU GRUB"
want_loader_len     equ $ - want_loader
want_cmdline:       db "/kickstart", 0
want_cmdline_write: db "/kickstart write-disk", 0
marker:             db "TVM-DISK-WRITE mbkick"
marker_len          equ $ - marker
mod_k_str:          db "/x86-kernel", 0
mod_s_str:          db "/sigma0", 0
mod_h_str:          db "/hello", 0
mod_k_head:         db "TVM-MODK"
mod_s_head:         db "TVM-MODS"
mod_h_head:         db "TVM-MODH"
	align 4
mod_expect: ; string, size, first bytes
	dd mod_k_str, MOD_K_SIZE, mod_k_head
	dd mod_s_str, MOD_S_SIZE, mod_s_head
	dd mod_h_str, MOD_H_SIZE, mod_h_head
mod_expect_end:

	LIB_ROUTINES "mbkick"
	LIB_MMAP_CHECK
image_end:

	absolute image_end
	alignb 4
mbi:         resd 1
magic:       resd 1
mmap_end:    resd 1
ram_top:     resd 1
write_disk:  resb 1
	alignb 16
sector_buf:  resb 512
	resb 4096
stack_top:
bss_end:
