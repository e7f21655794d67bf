/* Inline queue helpers for the scheduler and IPC hot paths: circular FIFO lists of TCBs. */
#ifndef L4_KERNEL_SCHED_H
#define L4_KERNEL_SCHED_H

#include "kernel.h"

static inline void q_push(struct tcb **q, struct tcb *t)
{
	struct tcb *h = *q;
	if (!h) {
		t->next = t->prev = t;
		*q = t;
		return;
	}
	t->next = h;
	t->prev = h->prev;
	h->prev->next = t;
	h->prev = t;
}

static inline void q_remove(struct tcb **q, struct tcb *t)
{
	if (t->next == t) {
		*q = NULL;
		return;
	}
	t->prev->next = t->next;
	t->next->prev = t->prev;
	if (*q == t)
		*q = t->next;
}

/* The ready queue going empty or non-empty turns the time slice off or on: re-arm. */
static inline void make_ready(struct tcb *t)
{
	t->state = TS_READY;
	if (!ready)
		timer_dirty = 1;
	q_push(&ready, t);
}

static inline struct tcb *ready_pop(void)
{
	struct tcb *t = ready;
	q_remove(&ready, t);
	if (!ready)
		timer_dirty = 1;
	t->state = TS_RUNNING;
	return t;
}

/* A thread whose IPC completed runs again (current stays as it is). */
static inline void wake(struct tcb *t)
{
	if (t->state != TS_RUNNING)
		make_ready(t);
}

#endif
