; loader.asm: LOADER.SYS, the Pure64-style loader: E820, A20, KERNEL.SYS from the FAT16 disk, long mode, ACPI, local APIC and IOAPIC, every AP started and parked, then the kernel at 1 MiB.
;
; The MBR jumps here (0000:8000) with the FAT16 geometry in BM_V_* (boot.inc). What needs
; the BIOS happens in real mode: the E820 map, A20, reading the kernel file to 0x10000.
; Then to long mode through a few unpaged 32-bit instructions, on page tables assembled
; into this file, because kvm_pvm allows paging only in long mode and emulates every
; real-mode or ring-0 instruction at about 1 us: no 32-bit paging, no tables built in loops, no
; interrupts (IRET outside real mode is beyond kvm_pvm's emulator, and none is needed),
; no x87. In long mode: the ACPI tables (RSDP -> RSDT/XSDT -> MADT and FADT), the BSP's
; local APIC, every IOAPIC pin masked, INIT/SIPI/SIPI to the other CPUs, and the kernel
; copied to 1 MiB. The system-info block (BM_SI_*) tells the kernel what was found.
;
; APs enter this same file at its first byte (SIPI vector 0x08: CS = 0x0800), switch to
; long mode on the same tables, check in and park with interrupts off. Whoever wants them
; later stores an entry address in BM_SI_AP_ENTRY and sends INIT/SIPI again: they come back
; through here and jump to it. So this file must stay in memory.
;
; Failures before long mode print one line through int 10h and call int 18h (no bootable
; disk); after it, one line on COM1 and the screen, then isa-debug-exit BM_STOP_BOOT.
%include "boot.inc"
%include "calls.inc"

%define FAT16_CHECK_CHAIN

MSR_EFER     equ 0xC0000080
EFER_LME     equ 1 << 8
CR4_PAE      equ 1 << 5
CR0_PG       equ 0x80000000
LAPIC_ID     equ 0x20
LAPIC_SVR    equ 0xF0
LAPIC_ICR_LO equ 0x300
LAPIC_ICR_HI equ 0x310
ICR_INIT_ALL equ 0x000C4500	; INIT, level assert, to all but self
ICR_SIPI_ALL equ 0x000C4600 | (BM_LOADER >> 12)
AP_WAIT_POLLS equ 200000	; each poll is one exit (port 0x80): bounded in time on every backend
GDT_CODE64   equ 0x08
GDT_DATA     equ 0x10
GDT_CODE32   equ 0x18
COM1         equ 0x3F8
DEBUG_EXIT   equ 0xF4
RAM_CAP      equ 0x40000000	; the page tables map the first GiB

	bits 16
	org BM_LOADER

entry16:
	cli
	mov ax, cs
	test ax, ax
	jnz ap16			; an AP, at 0800:0000
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov esp, BM_STACK_TOP
	sti
	cld

	; the system-info block starts zeroed (it is small: fields, then the APIC IDs)
	mov di, BM_SYSINFO
	mov cx, (BM_SI_APIC_IDS + BM_SI_MAX_CORES - BM_SYSINFO) / 2
	xor ax, ax
	rep stosw

	; the E820 map, entries as the BIOS gives them
	xor ebx, ebx
	mov di, BM_E820
.e820:
	mov dword [di + 20], 1		; ACPI 3.0 attributes: valid, unless the BIOS says otherwise
	mov eax, 0xE820
	mov edx, 0x534D4150		; "SMAP"
	mov ecx, 24
	int 0x15
	jc .e820_done
	cmp eax, 0x534D4150
	jne .e820_done
	add di, 24
	inc word [BM_SI_E820_N]
	test ebx, ebx
	jz .e820_done
	cmp word [BM_SI_E820_N], BM_E820_MAX
	jb .e820
.e820_done:
	mov si, msg_e820
	cmp word [BM_SI_E820_N], 0
	je fail16

	; A20 through the BIOS, else the fast gate at port 0x92
	mov ax, 0x2401
	int 0x15
	jnc .a20
	in al, 0x92
	or al, 2
	and al, 0xFE
	out 0x92, al
.a20:
	; a 64-bit CPU?
	mov si, msg_lm
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb fail16
	mov eax, 0x80000001
	cpuid
	bt edx, 29
	jnc fail16

	mov si, name_kernel
	mov dx, BM_KFILE_SEG
	call load_file
	mov si, msg_nokernel
	jc fail16
	mov eax, [BM_V_FILE_SIZE]
	mov [BM_SI_KSIZE], eax
	mov eax, [BM_V_PART_LBA]
	mov [BM_SI_PART_LBA], eax

	; both 8259s masked for good: the kernel takes interrupts through the IOAPIC
	mov al, 0xFF
	out 0xA1, al
	out 0x21, al
	cli
	mov ebx, long64
	jmp go_long

; An AP: real mode at 0800:0000; only relative jumps and DS = 0 addresses until long mode.
ap16:
	xor ax, ax
	mov ds, ax
	mov ebx, ap64
; ebx = the 64-bit code to continue with. Real mode, unpaged 32-bit protected mode for a
; few instructions, then long mode: kvm_pvm pages only in long mode, and its tested path
; into it is the one GRUB-booted kernels take, from unpaged 32-bit code.
go_long:
	lgdt [gdtr]
	mov eax, cr0
	or al, 1			; PE
	mov cr0, eax
	jmp dword GDT_CODE32:pm32

	bits 32
pm32:
	mov eax, GDT_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov eax, CR4_PAE
	mov cr4, eax
	mov eax, pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp GDT_CODE64:in64

	bits 16
; si = the message; one line through int 10h, then int 18h
fail16:
	push si
	mov si, msg_prefix
	call puts16
	pop si
	call puts16
	mov si, msg_crlf
	call puts16
	int 0x18
.halt:
	hlt
	jmp .halt
puts16:
	mov ah, 0x0E
	xor bx, bx
.c:	lodsb
	test al, al
	jz .done
	int 0x10
	jmp .c
.done:	ret

fail_disk:
	mov si, msg_disk
	jmp fail16
fail_chain:
	mov si, msg_chain
	jmp fail16
fail_big:
	mov si, msg_big
	jmp fail16

%include "fat16rm.inc"

	bits 64
in64:
	mov ebx, ebx			; upper halves are undefined after 32-bit code
	jmp rbx

; An AP in long mode: check in, record its APIC ID, then park until someone wants it.
ap64:
	mov r8d, 1
	lock xadd [BM_SI_APS_IN], r8d
	inc r8d				; slot 0 is the BSP's
	mov eax, 1
	cpuid
	shr ebx, 24			; the initial APIC ID
	cmp r8d, BM_SI_MAX_CORES
	jae .park
	mov [BM_SI_APIC_IDS + r8], bl
.park:
	mov rax, [BM_SI_AP_ENTRY]
	test rax, rax
	jnz .go
	hlt				; interrupts are off: only INIT (or NMI) ends this
	jmp .park
.go:
	jmp rax

long64:
	mov rsp, BM_STACK_TOP
	mov qword [BM_SI_PML4], pml4
	mov qword [BM_SI_PD0], pd0
	call find_ram
	call acpi_find
	call apic_setup
	call start_aps
	call copy_kernel
	mov dword [BM_SI_MAGIC], BM_SI_MAGIC_VALUE
	mov rax, BM_KERNEL_BASE
	mov esi, BM_SYSINFO
	jmp rax

; The E820 RAM range holding 1 MiB, capped at the mapped first GiB.
find_ram:
	mov rsi, BM_E820
	movzx ecx, word [BM_SI_E820_N]
.next:
	cmp dword [rsi + 16], 1
	jne .skip
	mov rax, [rsi]
	cmp rax, BM_KERNEL_BASE
	ja .skip
	add rax, [rsi + 8]
	cmp rax, BM_KERNEL_BASE
	jbe .skip
	mov edx, RAM_CAP
	cmp rax, rdx
	cmova rax, rdx
	mov [BM_SI_RAM_END], rax
	ret
.skip:
	add rsi, 24
	loop .next
	mov rsi, msg_noram
	jmp fail64

; The RSDP (EBDA, then 0xE0000-0xFFFFF), then every table the RSDT or XSDT lists.
acpi_find:
	movzx esi, word [0x40E]
	shl esi, 4
	mov ecx, 1024 / 16
	call rsdp_scan
	jnc .found
	mov esi, 0xE0000
	mov ecx, 0x20000 / 16
	call rsdp_scan
	jnc .found
	mov rsi, msg_noacpi
	jmp fail64
.found:
	mov [BM_SI_RSDP], esi
	mov dword [BM_SI_RTC_GSI], 8	; IRQ 8 unless an override says otherwise
	cmp byte [rsi + 15], 2		; revision 2 and up have an XSDT
	jae .xsdt
	mov ebx, [rsi + 16]		; RSDT: 32-bit entries
	mov r12d, 4
	jmp .walk
.xsdt:
	mov rbx, [rsi + 24]
	mov r12d, 8
.walk:
	mov ecx, [rbx + 4]		; table length
	lea r13, [rbx + rcx]		; its end
	add rbx, 36			; the entries
.entry:
	lea rax, [rbx + r12]
	cmp rax, r13
	ja .done
	mov edi, [rbx]
	cmp r12d, 4
	je .have
	mov rdi, [rbx]
.have:
	mov eax, [rdi]
	cmp eax, 'APIC'
	jne .not_madt
	call parse_madt
	jmp .next
.not_madt:
	cmp eax, 'FACP'
	jne .next
	call parse_fadt
.next:
	add rbx, r12
	jmp .entry
.done:
	cmp qword [BM_SI_LAPIC], 0
	jne .ok
	mov rsi, msg_nomadt
	jmp fail64
.ok:	ret

; rsi = start, ecx = 16-byte steps. CF = 0 and rsi = the RSDP when found.
rsdp_scan:
	mov rax, 'RSD PTR '
.l:	cmp [rsi], rax
	jne .n
	xor edx, edx
	xor edi, edi
.sum:	add dl, [rsi + rdi]
	inc edi
	cmp edi, 20
	jb .sum
	test dl, dl
	jz .yes
.n:	add rsi, 16
	loop .l
	stc
	ret
.yes:	clc
	ret

; rdi = the MADT: the local APIC base, the first IOAPIC, the RTC's override, CPUs listed
parse_madt:
	push rbx
	mov eax, [rdi + 36]
	mov [BM_SI_LAPIC], rax
	mov ecx, [rdi + 4]
	lea rdx, [rdi + rcx]		; end
	lea rsi, [rdi + 44]
.e:	lea rax, [rsi + 2]
	cmp rax, rdx
	ja .done
	movzx ecx, byte [rsi + 1]
	cmp ecx, 2
	jb .done			; a zero length would loop forever
	mov al, [rsi]
	cmp al, 0
	je .lapic
	cmp al, 1
	je .ioapic
	cmp al, 2
	je .iso
	cmp al, 5
	je .override
	jmp .n
.lapic:
	test byte [rsi + 4], 1		; enabled
	jz .n
	inc dword [madt_cpus]
	jmp .n
.ioapic:
	cmp qword [BM_SI_IOAPIC], 0
	jne .n
	mov eax, [rsi + 4]
	mov [BM_SI_IOAPIC], rax
	mov eax, [rsi + 8]
	mov [BM_SI_IOAPIC_GSI], eax
	jmp .n
.iso:
	cmp byte [rsi + 3], 8		; the RTC's IRQ
	jne .n
	mov eax, [rsi + 4]
	mov [BM_SI_RTC_GSI], eax
	jmp .n
.override:
	mov rax, [rsi + 4]
	mov [BM_SI_LAPIC], rax
.n:	add rsi, rcx
	jmp .e
.done:
	pop rbx
	ret

; rdi = the FADT: PM1a control and PM timer ports; SLP_TYPa of \_S5 from the DSDT's bytes
parse_fadt:
	mov eax, [rdi + 64]
	mov [BM_SI_PM1A_CNT], eax
	mov eax, [rdi + 76]
	mov [BM_SI_PM_TMR], eax
	mov esi, [rdi + 40]		; the DSDT
	test esi, esi
	jz .done
	mov ecx, [rsi + 4]
	cmp ecx, 36 + 8
	jb .done
	lea rdx, [rsi + rcx - 8]
	add rsi, 36
.scan:	cmp dword [rsi], '_S5_'
	je .found
	inc rsi
	cmp rsi, rdx
	jb .scan
	ret
.found:
	cmp byte [rsi + 4], 0x12	; PackageOp
	jne .done
	movzx eax, byte [rsi + 7]	; the first element (after PkgLength and NumElements)
	cmp al, 0x0A			; BytePrefix
	jne .store
	movzx eax, byte [rsi + 8]
.store:
	and eax, 7
	mov [BM_SI_SLP_TYP], eax
.done:	ret

; The BSP's local APIC on (its ID recorded), every IOAPIC pin masked.
apic_setup:
	mov rdi, [BM_SI_LAPIC]
	mov eax, [rdi + LAPIC_ID]
	shr eax, 24
	mov [BM_SI_BSP_ID], eax
	mov [BM_SI_APIC_IDS], al
	mov dword [rdi + LAPIC_SVR], 0x1FF	; enabled, spurious vector 0xFF
	mov rdi, [BM_SI_IOAPIC]
	test rdi, rdi
	jz .done
	mov dword [rdi], 1			; version register: the highest pin
	mov ecx, [rdi + 0x10]
	shr ecx, 16
	and ecx, 0xFF
	lea edx, [0x10 + rcx * 2]		; the highest pin's low word
.pin:	mov [rdi], edx
	mov dword [rdi + 0x10], 1 << 16		; masked
	sub edx, 2
	cmp edx, 0x10
	jge .pin
.done:	ret

; INIT, then SIPI twice, to all the other CPUs; wait until as many as the MADT lists checked in.
start_aps:
	mov ecx, [madt_cpus]
	dec ecx
	jle .done
	mov rdi, [BM_SI_LAPIC]
	mov dword [rdi + LAPIC_ICR_HI], 0
	mov dword [rdi + LAPIC_ICR_LO], ICR_INIT_ALL
	mov dword [rdi + LAPIC_ICR_LO], ICR_SIPI_ALL
	mov dword [rdi + LAPIC_ICR_LO], ICR_SIPI_ALL
	mov edx, AP_WAIT_POLLS
.wait:	cmp [BM_SI_APS_IN], ecx
	jae .done
	out 0x80, al
	dec edx
	jnz .wait
.done:
	mov eax, [BM_SI_APS_IN]
	inc eax
	mov edx, BM_SI_MAX_CORES
	cmp eax, edx
	cmova eax, edx
	mov [BM_SI_CORES], eax
	ret

; KERNEL.SYS from its buffer to 1 MiB, after a look at its signature and size.
copy_kernel:
	mov rsi, msg_badkernel
	mov rax, 'BMKERNEL'
	cmp [BM_KFILE + 8], rax
	jne fail64
	mov ecx, [BM_SI_KSIZE]
	mov rax, [BM_KFILE + 16]		; where its memory ends (.bss included)
	cmp rax, BM_KERNEL_BASE + 0x100000
	ja fail64
	lea rdx, [rcx + BM_KERNEL_BASE]
	cmp rax, rdx
	jb fail64
	cmp rax, [BM_SI_RAM_END]
	ja fail64
	add ecx, 7
	shr ecx, 3
	mov esi, BM_KFILE
	mov edi, BM_KERNEL_BASE
	rep movsq
	ret

; rsi = the message: "bm: loader: ..." on COM1 and the screen's first line, then debug-exit.
fail64:
	push rsi
	mov rsi, msg_prefix
	call puts64
	pop rsi
	call puts64
	mov rsi, msg_crlf
	call puts64
	mov al, BM_STOP_BOOT
	out DEBUG_EXIT, al
.halt:	cli
	hlt
	jmp .halt
puts64:
	mov dx, COM1
.c:	lodsb
	test al, al
	jz .done
	out dx, al
	mov rdi, [vga_at]
	mov ah, 0x07
	mov [rdi], ax
	add qword [vga_at], 2
	jmp .c
.done:	ret

vga_at:       dq 0xB8000
madt_cpus:    dd 0
gdtr:         dw gdt_end - gdt - 1
              dd gdt
	align 8
gdt:          dq 0
              dq 0x00209A0000000000	; 0x08: 64-bit code, ring 0
              dq 0x00CF92000000FFFF	; 0x10: data, flat 4 GiB
              dq 0x00CF9A000000FFFF	; 0x18: 32-bit code, flat 4 GiB (on the way only)
gdt_end:

name_kernel:  db "KERNEL  SYS"
msg_prefix:   db "bm: loader: ", 0
msg_crlf:     db 13, 10, 0
msg_e820:     db "the BIOS gave no E820 memory map", 0
msg_lm:       db "this CPU has no long mode", 0
msg_nokernel: db "no KERNEL.SYS on the disk", 0
msg_disk:     db "disk read failed", 0
msg_chain:    db "KERNEL.SYS: broken FAT cluster chain", 0
msg_big:      db "KERNEL.SYS is too big", 0
msg_noram:    db "no RAM above 1 MiB in the E820 map", 0
msg_noacpi:   db "no ACPI RSDP", 0
msg_nomadt:   db "no MADT (APIC) table in the ACPI RSDT", 0
msg_badkernel: db "KERNEL.SYS is not a bm kernel or does not fit in RAM", 0

; Page tables, assembled rather than built: identity maps of the first GiB and of the
; APIC page directory (3-4 GiB) in 2 MiB pages, all supervisor. The upper levels allow
; user access so the kernel can open ranges to ring 3 by setting bits in pd0 alone.
PG_P   equ 1
PG_RW  equ 2
PG_US  equ 4
PG_PWT equ 8
PG_PCD equ 16
PG_PS  equ 0x80
	align 4096
pml4:	dq pdpt + PG_P + PG_RW + PG_US
	times 511 dq 0
pdpt:	dq pd0 + PG_P + PG_RW + PG_US
	dq 0, 0
	dq pd3 + PG_P + PG_RW + PG_US
	times 508 dq 0
pd0:
%assign i 0
%rep 512
	dq (i << 21) | PG_P | PG_RW | PG_PS
%assign i i + 1
%endrep
pd3:	times 0x1F6 dq 0
	dq 0xFEC00000 | PG_P | PG_RW | PG_PWT | PG_PCD | PG_PS	; IOAPIC
	dq 0xFEE00000 | PG_P | PG_RW | PG_PWT | PG_PCD | PG_PS	; local APIC
	times 512 - 0x1F8 dq 0
loader_end:

%if loader_end - $$ > BM_LOADER_MAX
%error "the loader is over BM_LOADER_MAX bytes"
%endif
