/* Virtual clock for unit tests: deterministic deadline timers driven by vclock_advance(). */
#include "tests/support/vclock.h"

#include <stdlib.h>

static struct vclock *vc_of(struct timer_base *tb)
{
	return (struct vclock *)tb;
}

static uint64_t vc_now(struct timer_base *tb)
{
	return vc_of(tb)->now_ns;
}

static void vc_cancel(struct timer_base *tb, struct timer *t)
{
	struct vclock *vc = vc_of(tb);
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++)
		if (vc->armed[i] == t)
			vc->armed[i] = NULL;
	t->slot = 0;
}

static void vc_arm(struct timer_base *tb, struct timer *t, uint64_t deadline_ns)
{
	struct vclock *vc = vc_of(tb);
	vc_cancel(tb, t);
	t->deadline_ns = deadline_ns;
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++) {
		if (!vc->armed[i]) {
			vc->armed[i] = t;
			t->slot = i + 1;
			return;
		}
	}
	abort(); /* a test armed more timers than it should */
}

static int64_t vc_epoch(struct timer_base *tb)
{
	return vc_of(tb)->epoch_s;
}

void vclock_init(struct vclock *vc, int64_t epoch_s)
{
	*vc = (struct vclock){
	    .base = {.now = vc_now,
		     .arm = vc_arm,
		     .cancel = vc_cancel,
		     .detach = vc_cancel,
		     .wall_epoch_s = vc_epoch},
	    .epoch_s = epoch_s,
	};
}

static struct timer *earliest(struct vclock *vc, uint64_t limit)
{
	struct timer *best = NULL;
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++) {
		struct timer *t = vc->armed[i];
		if (t && t->deadline_ns <= limit && (!best || t->deadline_ns < best->deadline_ns))
			best = t;
	}
	return best;
}

void vclock_advance(struct vclock *vc, uint64_t ns)
{
	uint64_t end = vc->now_ns + ns;
	struct timer *t;
	while ((t = earliest(vc, end))) {
		if (t->deadline_ns > vc->now_ns)
			vc->now_ns = t->deadline_ns;
		vc_cancel(&vc->base, t);
		vc->fired++;
		t->fire(t, vc->now_ns);
	}
	vc->now_ns = end;
}
