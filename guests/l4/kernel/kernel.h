/* The L4 kernel's shared types (trap frame, TCB), globals and cross-file functions. */
#ifndef L4_KERNEL_KERNEL_H
#define L4_KERNEL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "l4/abi.h"
#include "l4/bootinfo.h"

#define PAGE	 0x1000ull
#define KVIRT(p) ((void *)((uint64_t)(p) + L4_KERNEL_VBASE))
#define KPHYS(v) ((uint64_t)(v)-L4_KERNEL_VBASE)

/* Kernel-mapped physical memory: one 2 MiB page at L4_KERNEL_VBASE. */
#define KMAP_END 0x200000ull

/* GDT selectors (desc.c). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS	  0x28

/* IDT: exceptions 0-31, the remapped 8259s (stray only), the system call, timer, spurious. */
#define VEC_PIC0     0x20
#define VEC_PIC_END  0x30
#define VEC_TIMER    0x31
#define VEC_SPURIOUS 0x3F
#define N_VECTORS    0x40

#define RFLAGS_IF 0x200ull

/*
 * What entry.S saves on the kernel stack; every thread's frame sits at the top of its TCB
 * page (TSS.RSP0), so a thread's user state is always at tcb_frame(t).
 */
struct frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

enum tstate {
	TS_RUNNING, /* == current */
	TS_READY,   /* in the ready queue */
	TS_SEND,    /* in tcbs[partner]->sendq */
	TS_RECV,    /* waiting for a message from partner (a tid or L4_ANYTHREAD) */
	TS_STOPPED, /* faulted; waits to be deleted */
	TS_BUSY,    /* taken off a send queue, its IPC being finished: in no queue */
};

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap;
} __attribute__((packed));

/* A thread: this structure at the bottom of its page, its kernel stack above. */
struct tcb {
	struct tcb *next, *prev;   /* ready queue or the partner's send queue (circular) */
	struct tcb *tnext, *tprev; /* timeout list, sorted by deadline */
	struct tcb *sendq;	   /* threads blocked sending to this one, FIFO */
	uint64_t deadline;	   /* TSC; 0: not in the timeout list */
	uint64_t cr3;		   /* its space: physical address of the PML4 */
	uint64_t partner;
	uint64_t recv_from; /* receive phase to run once a blocked send is taken */
	uint32_t recv_us;
	uint32_t tid, pager;
	uint8_t state, pf; /* pf: in a page-fault IPC; its registers are not the message */
	uint64_t pf_tag, pf_addr, pf_ip;
};

static inline struct frame *tcb_frame(struct tcb *t)
{
	return (struct frame *)((char *)t + PAGE) - 1;
}

/* thread.c */
extern struct tcb *tcbs[L4_MAX_THREADS];
struct tcb *thread_new(uint32_t tid, uint64_t cr3, uint32_t pager, uint64_t ip, uint64_t sp);
void sys_thread_control(struct frame *f);

/* sched.c */
extern struct tcb *current, *ready, *timeouts;
extern int timer_dirty;
struct frame *kexit(void);
void unlink(struct tcb *t);
void sched_forget(struct tcb *t);
void timeout_add(struct tcb *t, uint32_t us);
void timeout_remove(struct tcb *t);
void expire_timeouts(uint64_t now);
void preempt(void);
void sys_yield(struct frame *f);

/* ipc.c */
void ipc(struct tcb *self, uint64_t to, uint64_t from, uint64_t timeouts);
void sys_ipc(struct frame *f);
void finish(struct tcb *t, uint64_t err);
void unblock_all(struct tcb *gone);

/* fault.c */
void page_fault(struct frame *f, uint64_t addr);
uint64_t pf_reply(struct tcb *pager, struct tcb *t);
void stop(struct tcb *t, const char *what, uint64_t addr, uint64_t ip);
void stop_pf(struct tcb *t, const char *why);
extern uint64_t sigma0_cr3;

/* trap.c */
struct frame *trap(struct frame *f);

/* syscall.c */
void syscall(struct frame *f);
struct frame *syscall_entry(struct frame *f);

/* pool.c */
void pool_init(uint64_t start, uint64_t end);
void *page_alloc(void);
void page_free(void *p);
unsigned pool_free_pages(void);

/* space.c */
extern uint64_t loaded_cr3;
void paging_init(void);
uint64_t space_new(void);
void space_free(uint64_t cr3);
int user_mapped(uint64_t cr3, uint64_t va);
uint64_t map_fpage(uint64_t src_cr3, uint64_t fpage, uint64_t dst_cr3, uint64_t addr);
int map_identity(uint64_t cr3, uint64_t va, uint64_t n);

/* kip.c */
extern struct l4_kip *kip;
extern uint64_t kip_phys;
int kip_init(const struct l4_bootinfo *bi);
const struct l4_memdesc *kip_mem_find(uint64_t addr);

/* desc.c */
extern struct tss tss;
void desc_init(void);

/* timer.c */
extern uint64_t tsc_khz;
void timer_init(int verbose);
void timer_update(void);
void timer_irq(void);
const char *timer_mode_name(void);

/* console.c */
void console_use_records(void);
void console_write(const void *buf, uint64_t n);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int verbose;

/* acpi.c */
_Noreturn void poweroff(void);

#endif
