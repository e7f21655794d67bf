; tables.asm: finds the firmware tables a kernel would (RSDP, RSDT -> FACP first, MP floating
; pointer and config table) with valid checksums, then writes a line to the VGA text screen.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

; sums ecx bytes at esi into al (zero for a valid ACPI/MP checksum)
sum8:
	xor eax, eax
.next:	add al, [esi]
	inc esi
	loop .next
	ret

start:
	mov esp, stack_top
	; RSDP: "RSD PTR " on a 16-byte boundary in 0xE0000-0xFFFFF
	mov ebx, 0xE0000
.scan_rsdp:
	cmp dword [ebx], 'RSD '
	jne .next_rsdp
	cmp dword [ebx + 4], 'PTR '
	je .found_rsdp
.next_rsdp:
	add ebx, 16
	cmp ebx, 0x100000
	jb .scan_rsdp
	FAIL 1, "no RSDP in 0xE0000-0xFFFFF"
.found_rsdp:
	mov esi, ebx
	mov ecx, 20
	call sum8
	test al, al
	EXPECT z, 2, "RSDP checksum"
	cmp byte [ebx + 15], 0
	EXPECT e, 3, "RSDP revision is not 0"
	mov edi, [ebx + 16]		; RSDT
	cmp dword [edi], 'RSDT'
	EXPECT e, 4, "RSDT signature"
	mov esi, edi
	mov ecx, [edi + 4]
	call sum8
	test al, al
	EXPECT z, 5, "RSDT checksum"
	mov eax, [edi + 36]		; first entry
	cmp dword [eax], 'FACP'
	EXPECT e, 6, "RSDT does not list FACP first"
	mov eax, [edi + 40]
	cmp dword [eax], 'APIC'
	EXPECT e, 7, "RSDT does not list APIC second"
	PRINTLN "ACPI: RSDP, RSDT, FACP, APIC found"

	; MP floating pointer "_MP_" on a 16-byte boundary in 0xF0000-0xFFFFF
	mov ebx, 0xF0000
.scan_mp:
	cmp dword [ebx], '_MP_'
	je .found_mp
	add ebx, 16
	cmp ebx, 0x100000
	jb .scan_mp
	FAIL 8, "no MP floating pointer"
.found_mp:
	mov esi, ebx
	mov ecx, 16
	call sum8
	test al, al
	EXPECT z, 9, "MP floating pointer checksum"
	mov edi, [ebx + 4]
	cmp dword [edi], 'PCMP'
	EXPECT e, 10, "MP config table signature"
	mov esi, edi
	movzx ecx, word [edi + 4]
	call sum8
	test al, al
	EXPECT z, 11, "MP config table checksum"
	PRINTLN "MP: floating pointer and configuration table found"

	; a line on the text screen, white on blue
	mov esi, screen_msg
	mov edi, 0xB8000 + 160 * 2
	mov ah, 0x1F
.put:	lodsb
	test al, al
	jz .done
	stosw
	jmp .put
.done:
	PASS

screen_msg: db "TINYVMM TEXT SCREEN OK", 0

	LIB_ROUTINES "tables"
image_end:

	absolute image_end
	alignb 16
	resb 4096
stack_top:
bss_end:
