/* The L4 guest's user/kernel ABI: memory layout, thread ids, the KIP, system calls, IPC and the pager protocol. */
#ifndef TINYVMM_GUESTS_L4_ABI_H
#define TINYVMM_GUESTS_L4_ABI_H

/*
 * Shared by the kernel (guests/l4/kernel), sigma0 (guests/l4/sigma0) and the root task
 * (guests/l4/roottask, guests/l4/user). Freestanding C; the assembly-visible numbers are
 * plain #defines. Version: L4_ABI_VERSION in the KIP.
 */
#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define L4_ABI_VERSION 1

/* ---- physical and virtual layout (4 KiB pages) -------------------------------------- */

#define L4_PAGE_SIZE  0x1000ull
#define L4_PAGE_SHIFT 12

/*
 * Physical memory, all in the first 640 KiB so the whole system fits in -m 2:
 *   0x00000-0x00FFF  real-mode IVT/BDA, untouched
 *   0x01000-0x0FFFF  free (sigma0's)
 *   0x10000-0x3FFFF  the kernel image (ELF p_paddr), then the kernel's own page pool up to 0x40000
 *   0x40000-0x4FFFF  sigma0's image (linked virt == phys)
 *   0x50000-0x8FFFF  the root task's image (linked virt == phys)
 *   0x90000-...      free (sigma0's), as is all RAM above 1 MiB once kickstart is done
 * The kernel is linked at L4_KERNEL_VBASE + its physical address.
 */
#define L4_KERNEL_PHYS_START   0x10000ull
#define L4_KERNEL_PHYS_END     0x40000ull /* image + kernel pool end here */
#define L4_SIGMA0_PHYS_START   0x40000ull
#define L4_SIGMA0_PHYS_END     0x50000ull
#define L4_ROOTTASK_PHYS_START 0x50000ull
#define L4_ROOTTASK_PHYS_END   0x90000ull

/* Kernel virtual: phys 0..1 GiB at -2 GiB (2 MiB pages); the local APIC's page at its phys + this base. */
#define L4_KERNEL_VBASE 0xFFFFFFFF80000000ull
#define L4_APIC_VBASE	0xFFFFFFFFC0000000ull /* + (0xFEE00000 - 0xC0000000): 0xFFFFFFFFFEE00000 */

/*
 * User virtual (per address space, lower half only; the kernel half is supervisor-only):
 *   0x0000-0x0FFF   never mapped (null guard)
 *   L4_KIP_VADDR    the kernel interface page, read-only, in every space
 *   images          sigma0 and the root task at their link addresses (== physical)
 *   L4_ANON_START.. L4_ANON_END: the root task's zone for fresh memory (heap, stacks);
 *                   sigma0 serves a fault there with a new zeroed page
 */
#define L4_KIP_VADDR   0x1000ull
#define L4_ANON_START  0x10000000ull
#define L4_ANON_END    0x20000000ull
#define L4_USER_TOP    0x00007FFFFFFFF000ull

/* ---- thread ids ----------------------------------------------------------------------- */

/* A thread id is its number; L4_MAX_THREADS bounds it. */
#define L4_NILTHREAD	0ull
#define L4_ANYTHREAD	0xFFFFFFFFFFFFFFFFull
#define L4_MAX_THREADS	256
#define L4_SIGMA0_TID	16
#define L4_ROOTTASK_TID 17
#define L4_FIRST_USER_TID 32 /* the root task numbers the threads it creates from here */

/* ---- the kernel interface page -------------------------------------------------------- */

#define L4_KIP_MAGIC 0x4B50494B344C5654ull /* "TVL4KIPK" */
#define L4_KIP_MAX_MEM 32
#define L4_KIP_CMDLINE 256

/* Memory descriptor types (what sigma0 may do with the range). */
#define L4_MEM_FREE	1 /* conventional RAM nobody uses: sigma0 hands it out */
#define L4_MEM_KERNEL	2 /* kernel image, kernel pool, KIP: never mapped to users */
#define L4_MEM_IMAGE	3 /* a boot image (sigma0, root task): mapped idempotently to its task */
#define L4_MEM_RESERVED 4 /* firmware, ACPI, holes: never handed out */

#ifndef __ASSEMBLER__
struct l4_memdesc {
	uint64_t base, size; /* bytes, page-aligned */
	uint32_t type;	     /* L4_MEM_* */
	uint32_t owner;	     /* L4_MEM_IMAGE: the tid whose image it is; else 0 */
};

struct l4_kip {
	uint64_t magic;	       /* L4_KIP_MAGIC */
	uint32_t abi_version;  /* L4_ABI_VERSION */
	uint32_t n_mem;	       /* entries used in mem[] */
	uint64_t tsc_khz;      /* TSC ticks per millisecond: shim clocks use rdtsc from user mode */
	uint64_t boot_tsc;     /* TSC when the kernel started */
	uint64_t ram_end;      /* highest RAM address + 1 */
	uint64_t sigma0_tid, roottask_tid;
	uint32_t timer_mode;   /* 1 LAPIC one-shot, 2 TSC-deadline */
	uint32_t reserved0;
	uint64_t kernel_ticks; /* timer interrupts taken so far (statistics) */
	uint64_t kernel_ipcs;  /* IPCs delivered so far (statistics) */
	char roottask_cmdline[L4_KIP_CMDLINE]; /* module args after its path, NUL-terminated */
	char kernel_cmdline[L4_KIP_CMDLINE];
	struct l4_memdesc mem[L4_KIP_MAX_MEM];
};
#endif

/* ---- system calls ---------------------------------------------------------------------- */

/*
 * Entry: `int $L4_SYSCALL_VECTOR` (the two bytes CD 30). The IDT gate has DPL 3. On
 * kvm_pvm an `int $N` from user mode raises #UD instead; the kernel's #UD handler checks
 * for exactly these two bytes at the faulting RIP, and if so advances RIP by 2 and runs the
 * same system call, so both backends see one ABI. SYSCALL is never used.
 *
 * Registers: rax = system call number in, error code out (L4_OK or L4_E_*). Arguments as
 * listed per call; every register not named as an output is preserved.
 */
#define L4_SYSCALL_VECTOR 0x30

#define L4_SYS_IPC	      0
#define L4_SYS_THREAD_CONTROL 1
#define L4_SYS_YIELD	      2
#define L4_SYS_KDB_OUT	      3
#define L4_SYS_REPORT	      4
#define L4_SYS_POWEROFF	      5
#define L4_SYS_MAX	      5

/* Error codes (rax out). */
#define L4_OK		  0
#define L4_E_TIMEOUT_SEND 1 /* send phase timed out (or zero timeout and partner not ready) */
#define L4_E_TIMEOUT_RECV 2 /* receive phase timed out: the normal end of a sleep */
#define L4_E_NOPARTNER	  3 /* no such thread, or it was deleted while we waited */
#define L4_E_INVALID	  4 /* bad argument (message too long, bad fpage, bad tid ...) */
#define L4_E_NOPERM	  5 /* only the root task may do this */
#define L4_E_NOMEM	  6 /* the kernel pool is exhausted */
#define L4_E_NOSYS	  7 /* unknown system call number */

/*
 * L4_SYS_IPC: the send phase (if to != NIL), then the receive phase (if from != NIL), as
 * one call; the receive phase starts only after the send phase succeeded.
 *   in:  rdi = to (tid or L4_NILTHREAD)
 *        rsi = from: a tid (closed receive), L4_ANYTHREAD (open), L4_NILTHREAD (no receive)
 *        rdx = timeouts: bits 31..0 receive, bits 63..32 send, each in microseconds;
 *              0 = do not wait at all, L4_NEVER = wait forever
 *        r8 = MR0 (the tag), r9, r10, r12, r13, r14, r15 = MR1..MR6
 *   out: rax = L4_OK or L4_E_*; rsi = the sender of what was received; r8..r15 as above =
 *        the received message (untouched on error)
 * Sleeping for t µs is a receive from the caller's own tid (nobody else can send as it)
 * with to = L4_NILTHREAD and receive timeout t; it returns L4_E_TIMEOUT_RECV.
 */
#define L4_NEVER 0xFFFFFFFFu
#define L4_TIMEOUTS(send_us, recv_us) ((((uint64_t)(send_us)) << 32) | (uint32_t)(recv_us))
#define L4_MAX_MRS 7 /* MR0 (tag) .. MR6 */

/*
 * The tag (MR0): bits 63..16 label, bit 8 L4_TAG_MAP, bits 2..0 u = untyped words that
 * follow in MR1..MRu (0..6). With L4_TAG_MAP set, one more word MR(u+1) is a send fpage
 * (u + 1 <= 6): the receiver gets those pages mapped. Mapping is only accepted by a thread
 * receiving the reply to its page fault (the kernel places the pages at the fault address,
 * rounded down to the fpage's size); elsewhere the map item is dropped.
 */
#define L4_TAG(label, u)   ((((uint64_t)(label)) << 16) | ((uint64_t)(u) & 7))
#define L4_TAG_MAP	   0x100ull
#define L4_TAG_LABEL(t)	   ((uint64_t)(t) >> 16)
#define L4_TAG_U(t)	   ((unsigned)((t) & 7))

/*
 * Fpage (flexpage): base | (order << 4) | rights. base is aligned to 2^order; order is
 * 12 (one page) .. 21 (2 MiB); rights: L4_R | L4_W | L4_X. The sender must have the whole
 * fpage mapped in its own space with at least those rights, else the map item is invalid
 * (L4_E_INVALID to the sender; the faulting receiver is then stopped like a refusal).
 */
#define L4_X 1ull
#define L4_W 2ull
#define L4_R 4ull
#define L4_RWX 7ull
#define L4_FPAGE(base, order, rights) ((uint64_t)(base) | ((uint64_t)(order) << 4) | (rights))
#define L4_FPAGE_BASE(f)   ((uint64_t)(f) & ~0xFFFull)
#define L4_FPAGE_ORDER(f)  ((unsigned)(((f) >> 4) & 0x3F))
#define L4_FPAGE_RIGHTS(f) ((uint64_t)(f) & 7)

/*
 * Page faults. When a user thread faults, the kernel makes it call its pager with
 *   MR0 = L4_TAG(L4_LABEL_PAGEFAULT | access, 2), MR1 = fault address, MR2 = fault RIP,
 * access = L4_R / L4_W / L4_X for what was tried. The pager replies (to the faulting
 * thread) either with L4_TAG_MAP and a map item, and the thread retries the access, or
 * with label L4_LABEL_REFUSE (no map item): the kernel then stops that thread, prints
 * "l4: thread T stopped: page fault at A (ip I) refused by pager P" on its console,
 * sends REPORT_FAULT with T to the host, and carries on with every other thread.
 * A thread with pager L4_NILTHREAD (sigma0) that faults is mapped idempotently by the
 * kernel if the address is RAM not of type L4_MEM_KERNEL, and stopped otherwise.
 * Faults on kernel addresses, #GP, #UD (other than the system call), divide errors and
 * every other exception from user mode stop the thread the same way (no pager IPC).
 */
#define L4_LABEL_PAGEFAULT 0xFFE0ull /* | access (L4_R/L4_W/L4_X) */
#define L4_LABEL_REFUSE	   0xFFF0ull

/*
 * L4_SYS_THREAD_CONTROL (root task only):
 *   in:  rdi = the new thread's tid (L4_FIRST_USER_TID .. L4_MAX_THREADS-1)
 *        rsi = space: the tid of an existing thread whose address space it shares, or the
 *              new tid itself for a new address space (with the KIP mapped);
 *              L4_NILTHREAD deletes thread rdi (and its space, if it was the last one)
 *        rdx = pager tid (L4_NILTHREAD: none; its faults then stop it)
 *        r10 = start RIP, r8 = start RSP (user addresses; the thread starts at once)
 *   out: rax = L4_OK / L4_E_INVALID / L4_E_NOPERM / L4_E_NOMEM
 */

/* L4_SYS_YIELD: no arguments; gives the CPU to the next ready thread. out: rax = L4_OK. */

/*
 * L4_SYS_KDB_OUT: writes up to 48 bytes to the kernel console (COM1) in one go.
 *   in: rdi = length (0..48); the bytes, little-endian, in rsi, rdx, r10, r8, r9, r12
 *   out: rax = L4_OK / L4_E_INVALID (length > 48)
 */
#define L4_KDB_OUT_MAX 48

/* L4_SYS_REPORT: rdi = one report word (abi/report_abi.h), sent to the host. */

/* L4_SYS_POWEROFF (root task only): ends the VM (ACPI S5); does not return on success. */

/*
 * Thread start: every user thread (sigma0 and the root task at boot, and each thread made
 * with L4_SYS_THREAD_CONTROL) starts at its RIP/RSP with rdi = its own tid, rsi =
 * L4_KIP_VADDR, every other general register 0, RFLAGS = IF only. sigma0 and the root task
 * start at their ELF entry with rsp = 0: their start code sets up a stack in its own image.
 */

/* ---- the root task's command line ------------------------------------------------------ */

/*
 * The root task's module line after its path ("roottask app=pattern pattern=B" gives
 * "app=pattern pattern=B") is in kip->roottask_cmdline; see guests/apps/README.md.
 */

#endif
