/* Synchronous IPC: send and receive phases, open and closed receive, timeouts, direct switch. */
#include "sched.h"

/* MR0..MR6 travel in r8, r9, r10, r12, r13, r14, r15 (abi.h): register to register. */
static inline void copy_mrs(struct frame *d, const struct frame *s)
{
	d->r8 = s->r8;
	d->r9 = s->r9;
	d->r10 = s->r10;
	d->r12 = s->r12;
	d->r13 = s->r13;
	d->r14 = s->r14;
	d->r15 = s->r15;
}

/*
 * Hands s's message to r, which waits for it, and returns s's send result. Afterwards r
 * is either stopped (its page fault was refused) or done, for the caller to wake.
 */
static uint64_t deliver(struct tcb *s, struct tcb *r)
{
	kip->kernel_ipcs++;
	if (r->deadline)
		timeout_remove(r);
	if (r->pf)
		return pf_reply(s, r);
	struct frame *d = tcb_frame(r);
	if (s->pf) {
		d->r8 = s->pf_tag;
		d->r9 = s->pf_addr;
		d->r10 = s->pf_ip;
		d->r12 = d->r13 = d->r14 = d->r15 = 0;
	} else {
		copy_mrs(d, tcb_frame(s));
	}
	d->rsi = s->tid;
	d->rax = L4_OK;
	return L4_OK;
}

/* Ends t's IPC with err; a page-fault IPC that fails stops the thread instead. */
void finish(struct tcb *t, uint64_t err)
{
	if (!t->pf) {
		tcb_frame(t)->rax = err;
	} else if (err != L4_OK) {
		stop_pf(t, "with no");
		return;
	}
	wake(t);
}

/*
 * t's receive phase. Taking a blocked sender ends that sender's send phase, so its own
 * receive phase follows: a loop, not recursion, since such chains can be long.
 */
static void recv_phase(struct tcb *t, uint64_t from, uint32_t us)
{
	for (;;) {
		struct tcb *s;
		if (from == L4_ANYTHREAD) {
			s = t->sendq;
		} else if (from < L4_MAX_THREADS && (s = tcbs[from])) {
			if (s->state != TS_SEND || s->partner != t->tid)
				s = NULL;
		} else {
			finish(t, L4_E_NOPARTNER);
			return;
		}
		if (!s) {
			if (!us) {
				finish(t, L4_E_TIMEOUT_RECV);
				return;
			}
			t->state = TS_RECV;
			t->partner = from;
			if (us != L4_NEVER)
				timeout_add(t, us);
			return;
		}
		q_remove(&t->sendq, s);
		s->state = TS_BUSY;
		if (s->deadline)
			timeout_remove(s);
		uint64_t r = deliver(s, t);
		if (t->state != TS_STOPPED)
			wake(t);
		if (r != L4_OK || s->recv_from == L4_NILTHREAD) {
			finish(s, r);
			return;
		}
		t = s;
		from = s->recv_from;
		us = s->recv_us;
	}
}

/*
 * One IPC of self (the current thread): a system call, or a page fault (self->pf) whose
 * message is in the TCB. A receiver woken by the send phase runs at once if self blocks
 * in its receive phase (call, reply-and-wait): no trip through the ready queue.
 */
void ipc(struct tcb *self, uint64_t to, uint64_t from, uint64_t tmo)
{
	struct tcb *woken = NULL;
	if (to != L4_NILTHREAD) {
		struct tcb *d = to < L4_MAX_THREADS ? tcbs[to] : NULL;
		if (!d) {
			finish(self, L4_E_NOPARTNER);
			return;
		}
		if (d->state == TS_RECV &&
		    (d->partner == self->tid || d->partner == L4_ANYTHREAD)) {
			uint64_t r = deliver(self, d);
			if (r != L4_OK) {
				finish(self, r);
				return;
			}
			if (d->state == TS_RECV)
				woken = d;
		} else {
			uint32_t send_us = (uint32_t)(tmo >> 32);
			if (!send_us) {
				finish(self, L4_E_TIMEOUT_SEND);
				return;
			}
			self->state = TS_SEND;
			self->partner = to;
			self->recv_from = from;
			self->recv_us = (uint32_t)tmo;
			q_push(&d->sendq, self);
			if (send_us != L4_NEVER)
				timeout_add(self, send_us);
			current = NULL;
			return;
		}
	}
	if (from == L4_NILTHREAD)
		finish(self, L4_OK);
	else
		recv_phase(self, from, (uint32_t)tmo);
	if (self->state == TS_RUNNING) {
		if (woken)
			make_ready(woken);
		return;
	}
	if (woken) {
		woken->state = TS_RUNNING;
		current = woken;
	} else if (current == self) {
		current = NULL;
	}
}

/*
 * The common case of call and reply-and-wait: the partner already waits for us without a
 * timeout (and not for a page-fault reply), the message has no map item, and we then wait
 * without timeout with nobody queued to send to us. The message goes register to register
 * and the partner runs next; no calls, so no saved registers. Returns 0 when the general
 * path has to do it.
 */
static int ipc_fast(struct frame *f, struct tcb *self)
{
	uint64_t to = f->rdi, from = f->rsi;
	struct tcb *d;
	if (to >= L4_MAX_THREADS || !(d = tcbs[to]) || d->state != TS_RECV || d->pf ||
	    d->deadline || (d->partner != self->tid && d->partner != L4_ANYTHREAD))
		return 0;
	if ((f->r8 & (L4_TAG_MAP | 7)) > 6 || (uint32_t)f->rdx != L4_NEVER || self->sendq)
		return 0;
	if (from != L4_ANYTHREAD && (from >= L4_MAX_THREADS || !tcbs[from]))
		return 0;
	kip->kernel_ipcs++;
	struct frame *df = tcb_frame(d);
	copy_mrs(df, f);
	df->rsi = self->tid;
	df->rax = L4_OK;
	self->state = TS_RECV;
	self->partner = from;
	d->state = TS_RUNNING;
	current = d;
	return 1;
}

/* The general path, out of line so that the fast one needs no saved registers. */
static __attribute__((noinline)) void ipc_slow(struct frame *f)
{
	if (f->rdi != L4_NILTHREAD) {
		unsigned u = L4_TAG_U(f->r8);
		if (u > 6 || ((f->r8 & L4_TAG_MAP) && u == 6)) {
			f->rax = L4_E_INVALID;
			return;
		}
	}
	ipc(current, f->rdi, f->rsi, f->rdx);
}

void sys_ipc(struct frame *f)
{
	if (!ipc_fast(f, current))
		ipc_slow(f);
}

/* Every IPC waiting on a deleted thread ends with L4_E_NOPARTNER. */
void unblock_all(struct tcb *gone)
{
	while (gone->sendq) {
		struct tcb *s = gone->sendq;
		q_remove(&gone->sendq, s);
		s->state = TS_BUSY;
		timeout_remove(s);
		finish(s, L4_E_NOPARTNER);
	}
	for (unsigned i = 0; i < L4_MAX_THREADS; i++) {
		struct tcb *r = tcbs[i];
		if (r && r->state == TS_RECV && r->partner == gone->tid) {
			timeout_remove(r);
			finish(r, L4_E_NOPARTNER);
		}
	}
}
