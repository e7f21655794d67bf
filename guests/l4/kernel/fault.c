/* User faults: page faults to the pager (sigma0's mapped here), pager replies, stopped threads. */
#include "abi/report_abi.h"
#include "cpu.h"
#include "sched.h"

#define PF_PRESENT 0x01
#define PF_WRITE   0x02
#define PF_FETCH   0x10
/* sigma0 gets this much around each fault: fewer kernel entries while it sets up. */
#define SIGMA0_BLOCK 0x10000ull

uint64_t sigma0_cr3;

/* The thread leaves every queue and never runs again; the host hears of it. */
static void halt_thread(struct tcb *t)
{
	unlink(t);
	t->state = TS_STOPPED;
	t->pf = 0;
	if (current == t)
		current = NULL;
	outl(REPORT_PORT, REPORT_WORD(REPORT_FAULT, t->tid));
}

void stop(struct tcb *t, const char *what, uint64_t addr, uint64_t ip)
{
	kprintf("l4: thread %u stopped: %s at 0x%lx (ip 0x%lx)\n", t->tid, what, addr, ip);
	halt_thread(t);
}

void stop_pf(struct tcb *t, const char *why)
{
	kprintf("l4: thread %u stopped: page fault at 0x%lx (ip 0x%lx) %s pager %u\n", t->tid,
		t->pf_addr, t->pf_ip, why, t->pager);
	halt_thread(t);
}

/* sigma0 owns RAM: the kernel maps what it touches at the same address, unless it is the kernel's.
 */
static void sigma0_fault(struct tcb *t, struct frame *f, uint64_t addr)
{
	const struct l4_memdesc *m = kip_mem_find(addr);
	if (t->cr3 != sigma0_cr3) {
		stop(t, "page fault without a pager", addr, f->rip);
		return;
	}
	if ((f->error & PF_PRESENT) || addr < L4_KIP_VADDR + PAGE || !m ||
	    (m->type != L4_MEM_FREE && m->type != L4_MEM_IMAGE)) {
		stop(t, "page fault outside sigma0's memory", addr, f->rip);
		return;
	}
	uint64_t lo = addr & ~(SIGMA0_BLOCK - 1), hi = lo + SIGMA0_BLOCK;
	if (lo < m->base)
		lo = m->base;
	if (lo < L4_KIP_VADDR + PAGE)
		lo = L4_KIP_VADDR + PAGE;
	if (hi > m->base + m->size)
		hi = m->base + m->size;
	if (map_identity(t->cr3, lo, (hi - lo) / PAGE))
		stop(t, "page fault (kernel pool exhausted)", addr, f->rip);
}

void page_fault(struct frame *f, uint64_t addr)
{
	struct tcb *t = current;
	if (addr >= L4_USER_TOP) {
		stop(t, "page fault on a kernel address", addr, f->rip);
		return;
	}
	if (t->pager == L4_NILTHREAD) {
		sigma0_fault(t, f, addr);
		return;
	}
	uint64_t access = (f->error & PF_FETCH) ? L4_X : (f->error & PF_WRITE) ? L4_W : L4_R;
	t->pf = 1;
	t->pf_tag = L4_TAG(L4_LABEL_PAGEFAULT | access, 2);
	t->pf_addr = addr;
	t->pf_ip = f->rip;
	ipc(t, t->pager, t->pager, L4_TIMEOUTS(L4_NEVER, L4_NEVER));
}

static uint64_t mr(const struct frame *f, unsigned i)
{
	switch (i) {
	case 1:
		return f->r9;
	case 2:
		return f->r10;
	case 3:
		return f->r12;
	case 4:
		return f->r13;
	case 5:
		return f->r14;
	default:
		return f->r15;
	}
}

/*
 * The pager's reply to t's page fault: a map item is mapped at the fault address and t
 * retries the access; a refusal, no map item or a bad one stops t. Returns the pager's
 * send result.
 */
uint64_t pf_reply(struct tcb *pager, struct tcb *t)
{
	uint64_t tag = pager->pf ? 0 : tcb_frame(pager)->r8;
	unsigned u = L4_TAG_U(tag);
	if (!(tag & L4_TAG_MAP) || L4_TAG_LABEL(tag) == L4_LABEL_REFUSE || u >= 6) {
		stop_pf(t, "refused by");
		return L4_OK;
	}
	uint64_t e = map_fpage(pager->cr3, mr(tcb_frame(pager), u + 1), t->cr3, t->pf_addr);
	if (e != L4_OK) {
		stop_pf(t, e == L4_E_NOMEM ? "(kernel pool exhausted) from"
					   : "with a bad map item from");
		return e;
	}
	t->pf = 0;
	return L4_OK;
}
