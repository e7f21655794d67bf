; kernel.asm: the bm kernel, a mono-tasking 64-bit OS in the BareMetal tradition: one app in ring 3, a call table behind one gate, HLT when idle.
;
; The loader (boot/loader.asm) copies this file to 1 MiB and jumps to its first byte in
; long mode, on its identity-mapped page tables, with the system-info block at BM_SYSINFO
; (include/bm/boot.inc). The kernel then: takes the tables over (ring 3 gets the RAM above
; 2 MiB, the first 2 MiB stay supervisor-only), sets up its GDT, TSS and IDT, the console
; (COM1 or tinyvmm's console records, and the VGA text screen), the clocks (TSC, local
; APIC timer, the RTC's periodic interrupt through the IOAPIC), mounts the FAT16
; partition over ATA PIO, loads the app at 2 MiB and enters it in ring 3.
;
; kvm_pvm emulates every ring-0 instruction at about 1 us and cannot complete an IRET to
; ring 0, so the kernel never returns to itself through IRET: it runs with interrupts off,
; and the only place it enables them is the idle HLT, whose interrupt handlers discard
; their frame and go to `resume` (cpu.inc). Tables are assembled, not built in loops.
;
; Routines follow the SysV rule: rax, rcx, rdx, rsi, rdi, r8-r11 are scratch; rbx, rbp,
; r12-r15 are kept. A trap frame's address travels in rbx.
%include "boot.inc"
%include "calls.inc"
%include "report.inc"
%include "macros.inc"

; Fixed buffers and stacks in the kernel's supervisor-only first 2 MiB, past the image.
KBUF           equ 0x1E0000
SECTOR_BUF     equ KBUF		; 512 bytes: directory and partial data sectors
FAT_BUF        equ KBUF + 0x200	; 512 bytes: the FAT sector last read
LINE_BUF       equ KBUF + 0x400	; 256 bytes: the kernel's console line being built
REC            equ KBUF + 0x500	; console record: a length byte, then up to 255 bytes
ARGS_BUF       equ KBUF + 0x600	; BM_ARGS_MAX bytes: the app's command line
SMP_QUEUE      equ KBUF + 0x800	; SMP_SLOTS entries of code, data
SMP_SLOTS      equ 64
IDLE_STACK_TOP equ 0x1EC000	; the idle HLT's stack: interrupts that end it land here
KSTACK_TOP     equ 0x1F0000	; TSS.RSP0: every entry from ring 3 saves its frame here

COM1       equ 0x3F8
DEBUG_EXIT equ 0xF4
VGA_TEXT   equ 0xB8000

	bits 64
	org BM_KERNEL_BASE

kernel_start:
	jmp start
	align 8
	db "BMKERNEL"			; +8: the loader checks it
	dq kernel_end			; +16: where the kernel's memory ends

start:
	cli
	mov rsp, KSTACK_TOP
	cmp dword [BM_SI_MAGIC], BM_SI_MAGIC_VALUE
	je .info_ok
	mov al, BM_STOP_BOOT		; no loader handed over: nothing to print with yet
	out DEBUG_EXIT, al
	jmp halt_forever
.info_ok:
	call cpu_init
	call console_init
	call timer_init
	call banner
	mov edi, REPORT_KERNEL_UP
	xor esi, esi
	call report
	call fat_mount
	jmp app_start

; "bm: BareMetal-style kernel: 4 cores (APIC IDs 0 1 2 3), 4096 KiB RAM, TSC 2994 MHz ..."
banner:
	KSAY "bm: BareMetal-style kernel on "
	mov eax, [cores]
	call kputdec
	KSAY " cores (APIC IDs"
	xor ebx, ebx
.id:	cmp ebx, [cores]
	jae .ids_done
	mov al, ' '
	call kputc
	movzx eax, byte [BM_SI_APIC_IDS + rbx]
	call kputdec
	inc ebx
	jmp .id
.ids_done:
	KSAY "), "
	mov rax, [ram_end]
	shr rax, 10
	call kputdec
	KSAY " KiB RAM, TSC "
	mov rax, [tsc_khz]
	xor edx, edx
	mov ecx, 1000
	div rcx
	call kputdec
	KSAY " MHz ("
	mov rsi, txt_from_cpuid
	cmp byte [clock_from_pit], 0
	je .src
	mov rsi, txt_from_pit
.src:	call kputs
	mov rsi, txt_oneshot
	cmp byte [tsc_dl], 0
	je .mode
	mov rsi, txt_tsc_dl
.mode:	call kputs
	KLINE "), RTC at 8 Hz on IOAPIC"
	ret

halt_forever:
	cli
	hlt
	jmp halt_forever

%include "cpu.inc"
%include "console.inc"
%include "timer.inc"
%include "ata.inc"
%include "fat16.inc"
%include "table.inc"
%include "app.inc"

; The kernel's variables (in the image: no BSS to clear at boot).
	align 8
ram_end:        dq 0
lapic:          dq 0
ioapic:         dq 0
tsc_khz:        dq 0
apic_khz:       dq 0
boot_tsc:       dq 0
wall_base_ns:   dq 0
rtc_ticks:      dq 0
sleep_until:    dq 0
heap_base:      dq 0
heap_end:       dq 0
app_entry:      dq 0
files:          times BM_FILES_MAX dq 0	; size (4 bytes), first cluster (2), -, in use (1)
cores:          dd 0
args_len:       dd 0
line_len:       dd 0
vga_pos:        dd 0
smp_head:       dd 0
smp_tail:       dd 0
part_lba:       dd 0
fat_lba:        dd 0
root_lba:       dd 0
root_secs:      dd 0
data_lba:       dd 0
spc:            dd 0
max_cluster:    dd 0
fat_cached:     dd 0
use_records:    db 0
tsc_dl:         db 0
clock_from_pit: db 0
sleeping:       db 0
rtc_regb:       db 0
name_tmp:       times 11 db 0
app_file:       times 16 db 0

txt_from_cpuid: db "cpuid 0x40000010, ", 0
txt_from_pit:   db "PIT, ", 0
txt_oneshot:    db "APIC one-shot", 0
txt_tsc_dl:     db "TSC-deadline", 0

kernel_end:
%if kernel_end - $$ > KBUF - BM_KERNEL_BASE
%error "the kernel image reaches its fixed buffers at KBUF"
%endif
