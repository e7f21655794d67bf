; hostile.asm: a multiboot guest that attacks its VMM in the way its command line names ("mode=..."); tinyvmm must end it alone, or outlive it.
;
; Modes (the first four letters of the word after "mode=" count):
;   ports    random port I/O over the whole 64 KiB space, every width, forever -- all but
;            the few writes that would end the VM at once (debug exit, ACPI sleep, the
;            keyboard controller's reset pulse, port 0x92's reset bit)
;   serial   COM1 flooded: every byte to the THR, as fast as the exits go, forever
;   report   the report port flooded with random words (milestones, unknown events,
;            console records at random addresses), and the argument port read, forever
;   mmio     loads and stores to random addresses with no RAM (the PCI hole, above RAM),
;            each an exit, forever
;   memtouch every page of its RAM written, again and again, as fast as it can
;   triple   a triple fault (an empty IDT, then #BP)
;   reset    the keyboard controller's reset pulse: a reset storm under `tinyvmm run`
;   emul     a jump into the PCI hole: an instruction KVM cannot fetch (emulation failure)
;   smp      INIT/SIPI storms at every AP (run with -smp 8); each AP, in real mode, floods
;            the serial, report, RTC and PIT ports until the next INIT
; Anything else (or no mode) fails with status 3. The seed of the random words may follow
; as "seed=HEX".
%define LIB_BITS 32
LOAD_BASE equ 0x100000
%include "lib.inc"

DEFAULT_SEED equ 0x9E3779B9
REPORT_PORT  equ 0xEC
LAPIC        equ 0xFEE00000
ICR_LO       equ 0x300
ICR_HI       equ 0x310
TRAMPOLINE   equ 0x8000
HOLE         equ 0xD0000000

	bits 32
	org LOAD_BASE

	MULTIBOOT_AOUT image_end, bss_end, start

start:
	cli
	mov esp, stack_top
	cmp eax, MB_BOOT_MAGIC
	EXPECT e, 1, "EAX is not 0x2BADB002"
	mov eax, [ebx + MBI_MEM_UPPER]	; KiB above 1 MiB
	shl eax, 10
	add eax, 0x100000
	mov [ram_top], eax
	xor esi, esi
	test dword [ebx + MBI_FLAGS], MBI_F_CMDLINE
	jz .no_cmdline
	mov esi, [ebx + MBI_CMDLINE]
.no_cmdline:
	mov [cmdline], esi
	mov edi, key_seed
	call find_key
	call parse_hex
	test eax, eax
	jnz .seeded
	mov eax, DEFAULT_SEED
.seeded:
	mov [rng], eax
	mov esi, [cmdline]
	mov edi, key_mode
	call find_key
	test esi, esi
	jz .unknown
	mov eax, [esi]
	mov edi, modes
.mode:
	cmp dword [edi], 0
	je .unknown
	cmp [edi], eax
	je .found
	add edi, 8
	jmp .mode
.found:
	PRINT "hostile: "
	push esi
	mov esi, edi
	mov byte [name_end], 0
	mov eax, [edi]
	mov [name], eax
	mov esi, name
	call lib_puts
	pop esi
	PRINTLN ""
	jmp [edi + 4]
.unknown:
	FAIL 2, "no known mode=... on the command line"

	align 4
modes:
	dd 'port', do_ports
	dd 'seri', do_serial
	dd 'repo', do_report
	dd 'mmio', do_mmio
	dd 'memt', do_memtouch
	dd 'trip', do_triple
	dd 'rese', do_reset
	dd 'emul', do_emul
	dd 'smp', do_smp	; "smp" and the byte after it
	dd 0, 0
key_mode: db "mode=", 0
key_seed: db "seed=", 0

; esi: command line or 0, edi: "key=" -> esi: the text after the key, or 0.
find_key:
	test esi, esi
	jz .none
	mov ecx, LIB_STR_MAX
.scan:
	cmp byte [esi], 0
	je .none
	xor edx, edx
.cmp:
	mov al, [edi + edx]
	test al, al
	jz .hit
	cmp al, [esi + edx]
	jne .next
	inc edx
	jmp .cmp
.hit:
	add esi, edx
	ret
.next:
	inc esi
	loop .scan
.none:
	xor esi, esi
	ret

; esi: text or 0 -> eax: its leading hex number (8 digits at most), 0 if none.
parse_hex:
	xor eax, eax
	test esi, esi
	jz .out
	mov ecx, 8
.digit:
	movzx edx, byte [esi]
	sub edx, '0'
	cmp edx, 9
	jbe .add
	or edx, 0x20
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

; -> eax: the next xorshift32 word.
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

; ---- ports: every port, every width, all but the writes that end the VM --------------------
do_ports:
	call rand
	mov edx, eax
	shr edx, 16			; the port
	mov ebx, eax			; the width, from bits 0-1
	call rand			; the value
	test bl, 4
	jnz .read
	; lanes that would end the VM (a wider access covers port .. port+3)
	lea ecx, [edx - DEBUG_EXIT + 3]
	cmp ecx, 6
	jbe .read
	lea ecx, [edx - 0x604 + 3]
	cmp ecx, 4
	jbe .read
	lea ecx, [edx - 0x64 + 3]
	cmp ecx, 3
	jbe .read
	lea ecx, [edx - 0x92 + 3]
	cmp ecx, 3
	jbe .read
	and bl, 3
	jz .b
	cmp bl, 1
	je .w
	out dx, eax
	jmp do_ports
.w:	out dx, ax
	jmp do_ports
.b:	out dx, al
	jmp do_ports
.read:
	and bl, 3
	jz .rb
	cmp bl, 1
	je .rw
	in eax, dx
	jmp do_ports
.rw:	in ax, dx
	jmp do_ports
.rb:	in al, dx
	jmp do_ports

; ---- serial: COM1's THR, byte after byte -------------------------------------------------
do_serial:
	mov dx, COM1
	xor eax, eax
.loop:
	out dx, al
	inc eax
	test eax, 0xFFFF
	jnz .loop
	; now and then the FIFO reset and loopback toggled, as a confused driver would
	mov dx, COM1 + 2
	mov al, 0x07
	out dx, al
	mov dx, COM1 + 4
	in al, dx
	xor al, 0x10
	out dx, al
	mov dx, COM1
	jmp .loop

; ---- report: random words at the report port; the argument port read in between ----------
do_report:
	call rand
	mov ebx, eax
	mov dx, REPORT_PORT
	out dx, eax
	test bl, 0x0F
	jnz do_report
	in eax, dx			; the magic, which rewinds the arguments
	mov dx, REPORT_PORT + 1
	mov ecx, 300			; past the end of the argument string
	mov edi, args
	rep insb
	jmp do_report

; ---- mmio: no RAM there, every access an exit --------------------------------------------
do_mmio:
	call rand
	mov ebx, eax
	and eax, 0x0FFFFFFC
	or eax, HOLE			; 0xD0000000 .. 0xDFFFFFFC: the PCI hole
	test bl, 1
	jz .store
	mov ecx, [eax]
	jmp do_mmio
.store:
	mov [eax], ebx
	jmp do_mmio

; ---- memtouch: every page of RAM above this image, round after round ----------------------
do_memtouch:
	mov edi, bss_end + 0xFFF
	and edi, ~0xFFF
	inc dword [rounds]
	mov eax, [rounds]
.page:
	cmp edi, [ram_top]
	jae do_memtouch
	mov [edi], eax
	add edi, 4096
	jmp .page

; ---- triple fault, reset, emulation failure ------------------------------------------------
do_triple:
	lidt [empty_idt]
	int3
	FAIL 3, "survived a triple fault"
do_reset:
	mov al, 0xFE
	out 0x64, al
	jmp do_reset			; until the reset lands
do_emul:
	jmp HOLE			; KVM must fetch an instruction where no memory is
	align 4
empty_idt:
	dw 0
	dd 0

; ---- smp: INIT/SIPI storms; the APs flood shared devices from real mode --------------------
do_smp:
	mov esi, ap_code
	mov edi, TRAMPOLINE
	mov ecx, ap_code_end - ap_code
	rep movsb
.storm:
	mov dword [LAPIC + ICR_HI], 0
	mov dword [LAPIC + ICR_LO], 0x000C4500	; INIT to all but self
	mov dword [LAPIC + ICR_LO], 0x000C4600 | (TRAMPOLINE >> 12)
	mov dword [LAPIC + ICR_LO], 0x000C4600 | (TRAMPOLINE >> 12)
	; let them run a while (each OUT here is an exit, so this takes real time)
	mov ecx, 2000
.wait:
	mov dx, REPORT_PORT
	mov eax, ecx
	out dx, eax
	loop .wait
	jmp .storm

	bits 16
ap_code:
	cli
	xor ax, ax
	mov ds, ax
.loop:
	rdtsc
	mov bx, ax
	mov dx, COM1			; serial
	out dx, al
	mov dx, REPORT_PORT		; reports from every CPU at once
	db 0x66
	out dx, ax			; (out dx, eax in 16-bit code)
	mov al, bl
	and al, 0x7F
	out 0x70, al			; RTC index and data
	in al, 0x71
	mov al, 0x36			; PIT channel 0 reprogrammed, read back
	out 0x43, al
	mov al, bh
	out 0x40, al
	out 0x40, al
	in al, 0x40
	jmp .loop
ap_code_end:
	bits 32

	LIB_ROUTINES "hostile"
image_end:

	absolute image_end
	alignb 4
rng:     resd 1
ram_top: resd 1
cmdline: resd 1
rounds:  resd 1
name:    resd 1
name_end: resd 1
args:    resb 512
	alignb 16
	resb 4096
stack_top:
bss_end:
