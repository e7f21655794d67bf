; bigmem.asm: multiboot guest for -m 3584: RAM above 3 GiB must move to 4 GiB, leaving the 32-bit PCI hole empty.
;
; With 3.5 GiB of RAM the map must show RAM from 1 MiB up to exactly 3 GiB, the other
; 512 MiB as one RAM entry at 4 GiB, and no RAM in between; mem_upper counts only the
; RAM below the hole. The last bytes below 3 GiB are written and read back, and the
; first byte of the hole reads as all ones (no RAM behind it).
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

HOLE_START   equ 0xC0000000
HIGH_LEN     equ 512 << 20
MEM_UPPER    equ (HOLE_START - 0x100000) >> 10
MMAP_MAX     equ 64

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	mov esp, stack_top
	cmp eax, MB_BOOT_MAGIC
	EXPECT e, 1, "EAX is not 0x2BADB002"
	mov ebp, ebx
	PRINTLN "bigmem: checking the memory map of a 3584 MiB guest"
	mov eax, [ebp + MBI_FLAGS]
	and eax, MBI_F_MEM | MBI_F_MMAP
	cmp eax, MBI_F_MEM | MBI_F_MMAP
	EXPECT e, 2, "multiboot info flags lack bit 0 (mem) or bit 6 (mmap)"

	mov eax, [ebp + MBI_MEM_UPPER]
	PRINT "mem_upper "
	PRINT_DEC eax
	PRINTLN " KiB"
	cmp eax, MEM_UPPER
	EXPECT e, 3, "mem_upper is not 3 GiB - 1 MiB (RAM from 1 MiB up to the hole)"

	mov esi, [ebp + MBI_MMAP_ADDR]
	mov ecx, [ebp + MBI_MMAP_LEN]
	cmp ecx, MMAP_MAX * 24
	EXPECT be, 4, "mmap_length is absurdly large"
	lea edi, [esi + ecx]
	xor ebx, ebx ; bit 0: high RAM entry seen, bit 1: RAM at 1 MiB ends at the hole
.entry:
	cmp esi, edi
	jae .done
	PRINT "mmap "
	PRINT_HEX_HILO [esi + 8], [esi + 4]
	PRINT " len "
	PRINT_HEX_HILO [esi + 16], [esi + 12]
	PRINT " type "
	PRINT_DEC [esi + 20]
	PRINTLN ""
	cmp dword [esi + 20], 1
	jne .next
	; RAM: [base, end) must not reach into [HOLE_START, 4 GiB)
	mov eax, [esi + 4]
	mov edx, [esi + 8]
	test edx, edx
	jnz .high
	cmp eax, HOLE_START
	EXPECT b, 5, "a RAM entry starts inside the PCI hole"
	add eax, [esi + 12]
	adc edx, [esi + 16]
	test edx, edx
	EXPECT z, 5, "a RAM entry below 4 GiB runs into the PCI hole"
	cmp eax, HOLE_START
	EXPECT be, 5, "a RAM entry below 4 GiB runs into the PCI hole"
	cmp dword [esi + 4], 0x100000
	jne .next
	cmp eax, HOLE_START
	jne .next
	or ebx, 2
	jmp .next
.high:
	cmp edx, 1
	jne .next
	test eax, eax
	jnz .next
	cmp dword [esi + 12], HIGH_LEN
	EXPECT e, 6, "RAM entry at 4 GiB is not 512 MiB long"
	cmp dword [esi + 16], 0
	EXPECT e, 6, "RAM entry at 4 GiB is not 512 MiB long"
	or ebx, 1
.next:
	add esi, [esi]
	add esi, 4
	jmp .entry
.done:
	test ebx, 2
	EXPECT nz, 7, "no RAM entry from 1 MiB up to exactly 3 GiB"
	test ebx, 1
	EXPECT nz, 8, "no RAM entry at 0x100000000"
	PRINTLN "mmap ok: RAM 1 MiB..3 GiB, 512 MiB at 4 GiB, nothing in the hole"

	; the last 16 bytes of low RAM
	mov edi, HOLE_START - 16
	mov eax, 0xC0DEF00D
	mov [edi], eax
	mov [edi + 4], edi
	mov dword [edi + 12], 0x600DBEEF
	cmp [edi], eax
	EXPECT e, 9, "write just below 3 GiB did not read back"
	cmp [edi + 4], edi
	EXPECT e, 9, "write just below 3 GiB did not read back"
	cmp dword [edi + 12], 0x600DBEEF
	EXPECT e, 9, "write to the last dword below 3 GiB did not read back"
	mov eax, [HOLE_START]
	cmp eax, 0xFFFFFFFF
	EXPECT e, 10, "the first dword of the PCI hole does not read as all ones"
	PRINTLN "RAM just below 3 GiB holds what was written; the hole reads all ones"
	PASS

	LIB_ROUTINES "bigmem"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
