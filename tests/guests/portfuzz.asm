; portfuzz.asm: multiboot guest that writes pseudo-random values to the PC's busy ports and reads each back; it must survive.
;
; Ports 0x00-0xFF, 0x3F0-0x3FF, 0x60-0x64, 0x70-0x71 and 0x600-0x60F get one write and
; one read each, in three passes: bytes, words, dwords. What could legitimately end the
; machine is left out, lane by lane (a wider access covers port, port+1, ...):
;   0xF4-0xF7        debug exit (QEMU's isa-debug-exit ends the VM on a write to any
;                    of its four ports, tinyvmm's only on 0xF4)
;   0x604, 0x605     ACPI PM1a control (SLP_EN powers off)
;   0x64             values 0xF0-0xFE even (pulse the reset line) and 0xD1 (the next
;                    data byte would set the output port) are changed to harmless ones
;   0x92             bit 0 (fast reset) is cleared
; The seed comes from the command line ("seed=HEX"), so a failing run can be repeated;
; interrupts stay off throughout, so whatever the PIC, PIT and RTC were told cannot
; reach the guest. COM1 is put back to 8N1 without loopback before the result is printed.
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

DEFAULT_SEED equ 0x2545F491

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	cli
	mov esp, stack_top
	cmp eax, MB_BOOT_MAGIC
	EXPECT e, 1, "EAX is not 0x2BADB002"
	mov esi, 0
	test dword [ebx + MBI_FLAGS], MBI_F_CMDLINE
	jz .no_cmdline
	mov esi, [ebx + MBI_CMDLINE]
.no_cmdline:
	call find_seed
	test eax, eax
	jnz .seeded
	mov eax, DEFAULT_SEED ; xorshift never leaves 0
.seeded:
	mov [rng], eax
	PRINT "portfuzz: seed "
	PRINT_HEX32 eax
	PRINTLN ""

	mov ecx, 1
	call fuzz_pass
	mov ecx, 2
	call fuzz_pass
	mov ecx, 4
	call fuzz_pass

	; COM1 back to a state that transmits: DLAB off first, so 0x3F9 is IER again
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 4
	mov al, 0x03
	out dx, al

	PRINT "portfuzz: survived "
	PRINT_DEC [writes]
	PRINT " writes and "
	PRINT_DEC [reads]
	PRINTLN " reads"
	PASS

; esi: command line or 0 -> eax: the hex number after "seed=", 0 if there is none.
find_seed:
	xor eax, eax
	test esi, esi
	jz .out
	mov ecx, LIB_STR_MAX
.scan:
	cmp byte [esi], 0
	je .out
	cmp dword [esi], 'seed'
	jne .next
	cmp byte [esi + 4], '='
	je .found
.next:
	inc esi
	loop .scan
	ret
.found:
	add esi, 5
	mov ecx, 8
.digit:
	movzx edx, byte [esi]
	sub edx, '0'
	cmp edx, 9
	jbe .add
	or edx, 0x20 ; ASCII lower case
	sub edx, 'a' - '0'
	cmp edx, 5
	ja .out
	add edx, 10
.add:
	shl eax, 4
	or eax, edx
	inc esi
	loop .digit
.out:
	ret

; -> eax: next xorshift32 value.
rand:
	push edx
	mov eax, [rng]
	mov edx, eax
	shl edx, 13
	xor eax, edx
	mov edx, eax
	shr edx, 17
	xor eax, edx
	mov edx, eax
	shl edx, 5
	xor eax, edx
	mov [rng], eax
	pop edx
	ret

; ecx: access size (1, 2, 4). One write and one read of every port in `ranges`.
fuzz_pass:
	pushad
	mov [size], ecx
	mov ebp, ranges
.range:
	cmp ebp, ranges_end
	jae .done
	movzx edx, word [ebp]
	movzx edi, word [ebp + 2]
.port:
	call rand
	call sanitize
	jc .read
	call port_out
	inc dword [writes]
.read:
	call port_in
	inc dword [reads]
	inc edx
	cmp edx, edi
	jbe .port
	add ebp, 4
	jmp .range
.done:
	popad
	ret

; edx: port, eax: value of [size] bytes -> eax made harmless lane by lane, or CF set if a
; lane hits a port that must not be written at all.
sanitize:
	push ebx
	push ecx
	push esi
	xor ecx, ecx
.lane:
	cmp ecx, [size]
	jae .ok
	lea ebx, [edx + ecx]
	mov esi, ebx
	sub esi, DEBUG_EXIT
	cmp esi, 3
	jbe .skip
	cmp ebx, 0x604
	je .skip
	cmp ebx, 0x605
	je .skip
	cmp ebx, 0x64
	jne .not_kbc
	cmp al, 0xD1
	jne .not_d1
	mov al, 0xD0 ; "read output port": harmless
.not_d1:
	cmp al, 0xF0
	jb .next
	or al, 0x01 ; a pulse that leaves the reset line alone
	jmp .next
.not_kbc:
	cmp ebx, 0x92
	jne .next
	and al, 0xFE
.next:
	ror eax, 8
	inc ecx
	jmp .lane
.ok:
	shl ecx, 3 ; undo the rotation: 8 bits per lane (rol by 32 is rol by 0)
	rol eax, cl
	pop esi
	pop ecx
	pop ebx
	clc
	ret
.skip:
	pop esi
	pop ecx
	pop ebx
	stc
	ret

port_out:
	cmp dword [size], 2
	je .w
	ja .d
	out dx, al
	ret
.w:
	out dx, ax
	ret
.d:
	out dx, eax
	ret

port_in:
	push eax
	cmp dword [size], 2
	je .w
	ja .d
	in al, dx
	jmp .out
.w:
	in ax, dx
	jmp .out
.d:
	in eax, dx
.out:
	pop eax
	ret

	align 4
ranges: ; first, last
	dw 0x0000, 0x00FF
	dw 0x03F0, 0x03FF
	dw 0x0060, 0x0064
	dw 0x0070, 0x0071
	dw 0x0600, 0x060F
ranges_end:

	LIB_ROUTINES "portfuzz"
image_end:

	absolute image_end
	alignb 4
rng:    resd 1
size:   resd 1
writes: resd 1
reads:  resd 1
	alignb 16
	resb 4096
stack_top:
bss_end:
