/* Threads and spaces: the TCB table, creation and deletion, and the THREAD_CONTROL system call. */
#include "sched.h"

struct tcb *tcbs[L4_MAX_THREADS];

/* Threads per space, indexed by the PML4's page number (every PML4 is a pool page). */
static uint16_t space_refs[L4_KERNEL_PHYS_END / PAGE];

struct tcb *thread_new(uint32_t tid, uint64_t cr3, uint32_t pager, uint64_t ip, uint64_t sp)
{
	struct tcb *t = page_alloc();
	if (!t)
		return NULL;
	t->tid = tid;
	t->pager = pager;
	t->cr3 = cr3;
	/* abi.h: rdi = own tid, rsi = the KIP, every other register 0, IF only */
	struct frame *f = tcb_frame(t);
	f->rip = ip;
	f->cs = SEL_UCODE;
	f->rflags = RFLAGS_IF;
	f->rsp = sp;
	f->ss = SEL_UDATA;
	f->rdi = tid;
	f->rsi = L4_KIP_VADDR;
	tcbs[tid] = t;
	space_refs[cr3 / PAGE]++;
	make_ready(t);
	return t;
}

static void thread_delete(struct tcb *t)
{
	unlink(t);
	t->state = TS_STOPPED;
	tcbs[t->tid] = NULL;
	unblock_all(t);
	sched_forget(t);
	if (!--space_refs[t->cr3 / PAGE])
		space_free(t->cr3);
	page_free(t);
}

void sys_thread_control(struct frame *f)
{
	uint64_t tid = f->rdi, space = f->rsi, pager = f->rdx, ip = f->r10, sp = f->r8;
	if (current->tid != L4_ROOTTASK_TID) {
		f->rax = L4_E_NOPERM;
		return;
	}
	if (tid < L4_FIRST_USER_TID || tid >= L4_MAX_THREADS) {
		f->rax = L4_E_INVALID;
		return;
	}
	struct tcb *t = tcbs[tid];
	if (space == L4_NILTHREAD) {
		if (!t) {
			f->rax = L4_E_INVALID;
			return;
		}
		thread_delete(t);
		f->rax = L4_OK;
		return;
	}
	/* iretq to a non-canonical RIP would fault in the kernel: user addresses only */
	if (t || (pager != L4_NILTHREAD && pager >= L4_MAX_THREADS) || ip >= L4_USER_TOP ||
	    sp > L4_USER_TOP || (space != tid && (space >= L4_MAX_THREADS || !tcbs[space]))) {
		f->rax = L4_E_INVALID;
		return;
	}
	uint64_t cr3 = space == tid ? space_new() : tcbs[space]->cr3;
	if (!cr3) {
		f->rax = L4_E_NOMEM;
		return;
	}
	if (!thread_new((uint32_t)tid, cr3, (uint32_t)pager, ip, sp)) {
		if (space == tid)
			space_free(cr3);
		f->rax = L4_E_NOMEM;
		return;
	}
	f->rax = L4_OK;
}
