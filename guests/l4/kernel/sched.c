/* The scheduler: running thread, ready queue, IPC timeouts, and the way back to user mode. */
#include "cpu.h"
#include "sched.h"

struct tcb *current;  /* NULL: idle */
struct tcb *ready;    /* FIFO, without current */
struct tcb *timeouts; /* sorted by deadline */
int timer_dirty;      /* the earliest deadline or the time slice may have changed */

/* The thread whose kernel stack (TSS.RSP0) and space (CR3) are loaded. */
static struct tcb *loaded;

/*
 * Every kernel entry ends here: pick a thread if the running one blocked, re-arm the timer
 * if its deadline changed, and load the next thread's stack and space only if it changed.
 * Returns the frame to enter, or NULL to idle.
 */
struct frame *kexit(void)
{
	struct tcb *t = current;
	if (!t) {
		if (!ready) {
			if (timer_dirty)
				timer_update();
			return NULL;
		}
		t = current = ready_pop();
	}
	if (timer_dirty)
		timer_update();
	if (t != loaded) {
		loaded = t;
		tss.rsp[0] = (uint64_t)t + PAGE;
		if (t->cr3 != loaded_cr3) {
			loaded_cr3 = t->cr3;
			write_cr3(t->cr3);
		}
	}
	return tcb_frame(t);
}

/* A deleted TCB's page may come back as another thread: never trust the old pointer. */
void sched_forget(struct tcb *t)
{
	if (loaded == t)
		loaded = NULL;
	if (current == t)
		current = NULL;
}

void timeout_add(struct tcb *t, uint32_t us)
{
	uint64_t dl = rdtsc() + (uint64_t)us * tsc_khz / 1000;
	struct tcb **pp = &timeouts, *prev = NULL;
	t->deadline = dl ? dl : 1;
	while (*pp && (*pp)->deadline <= t->deadline) {
		prev = *pp;
		pp = &prev->tnext;
	}
	t->tnext = *pp;
	t->tprev = prev;
	if (*pp)
		(*pp)->tprev = t;
	*pp = t;
	if (!prev)
		timer_dirty = 1;
}

void timeout_remove(struct tcb *t)
{
	if (!t->deadline)
		return;
	if (t->tprev) {
		t->tprev->tnext = t->tnext;
	} else {
		timeouts = t->tnext;
		timer_dirty = 1;
	}
	if (t->tnext)
		t->tnext->tprev = t->tprev;
	t->deadline = 0;
}

void expire_timeouts(uint64_t now)
{
	while (timeouts && timeouts->deadline <= now) {
		struct tcb *t = timeouts;
		timeout_remove(t);
		if (t->state == TS_SEND) {
			q_remove(&tcbs[t->partner]->sendq, t);
			t->state = TS_BUSY;
			finish(t, L4_E_TIMEOUT_SEND);
		} else {
			finish(t, L4_E_TIMEOUT_RECV);
		}
	}
}

/* Takes t out of every queue it is in (the ready queue, a send queue, the timeouts). */
void unlink(struct tcb *t)
{
	if (t->state == TS_READY) {
		q_remove(&ready, t);
		if (!ready)
			timer_dirty = 1;
	} else if (t->state == TS_SEND) {
		q_remove(&tcbs[t->partner]->sendq, t);
	}
	timeout_remove(t);
	t->state = TS_BUSY;
}

/* The time slice ran out: the running thread goes to the back of the queue. */
void preempt(void)
{
	if (!current || !ready)
		return;
	make_ready(current);
	current = ready_pop();
}

void sys_yield(struct frame *f)
{
	f->rax = L4_OK;
	preempt();
}
