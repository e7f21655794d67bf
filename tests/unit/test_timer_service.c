/* Unit tests of the shared timer service with the real clock (short, generous bounds). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <time.h>

#include "vmm/timer_service.h"

struct counter {
	struct timer t;
	struct timer_base *tb;
	pthread_mutex_t lock;
	unsigned fires;
	unsigned rearm; /* re-arm this many more times */
	uint64_t period;
	uint64_t last_fire;
};

static void count_fire(struct timer *t, uint64_t now)
{
	struct counter *c = t->opaque;
	pthread_mutex_lock(&c->lock);
	c->fires++;
	c->last_fire = now;
	if (c->rearm) {
		c->rearm--;
		c->tb->arm(c->tb, t, t->deadline_ns + c->period);
	}
	pthread_mutex_unlock(&c->lock);
}

static void counter_init(struct counter *c, struct timer_base *tb)
{
	*c = (struct counter){.t = {.fire = count_fire}, .tb = tb};
	c->t.opaque = c;
	pthread_mutex_init(&c->lock, NULL);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

Test(timer_service, fires_in_deadline_order_and_not_before)
{
	struct timer_service ts;
	cr_assert_eq(timer_service_start(&ts), 0);
	struct counter a, b, c;
	counter_init(&a, &ts.base);
	counter_init(&b, &ts.base);
	counter_init(&c, &ts.base);
	uint64_t now = timer_now(&ts.base);
	ts.base.arm(&ts.base, &a.t, now + 30000000);
	ts.base.arm(&ts.base, &b.t, now + 10000000);
	ts.base.arm(&ts.base, &c.t, now + 5000000000ULL); /* far future */
	sleep_ms(100);
	cr_assert_eq(a.fires, 1);
	cr_assert_eq(b.fires, 1);
	cr_assert_eq(c.fires, 0);
	cr_assert(a.last_fire >= now + 30000000, "never early");
	cr_assert(b.last_fire < a.last_fire);
	ts.base.detach(&ts.base, &c.t);
	cr_assert_eq(c.t.slot, 0);
	timer_service_stop(&ts);
}

Test(timer_service, periodic_rearm_and_cancel)
{
	struct timer_service ts;
	cr_assert_eq(timer_service_start(&ts), 0);
	struct counter a;
	counter_init(&a, &ts.base);
	a.period = 1000000; /* 1 ms */
	a.rearm = 1000000;
	ts.base.arm(&ts.base, &a.t, timer_now(&ts.base) + a.period);
	sleep_ms(60);
	ts.base.detach(&ts.base, &a.t);
	unsigned seen = a.fires;
	cr_assert(seen >= 20 && seen <= 70, "about 60 fires in 60 ms, saw %u", seen);
	sleep_ms(20);
	cr_assert_eq(a.fires, seen, "nothing fires after detach");
	timer_service_stop(&ts);
}

Test(timer_service, many_timers_keep_heap_order)
{
	struct timer_service ts;
	cr_assert_eq(timer_service_start(&ts), 0);
	enum { N = 200 };
	static struct counter cs[N];
	uint64_t now = timer_now(&ts.base);
	for (unsigned i = 0; i < N; i++) {
		counter_init(&cs[i], &ts.base);
		/* a scrambled order of deadlines between 1 and 40 ms */
		ts.base.arm(&ts.base, &cs[i].t,
			    now + 1000000 + (uint64_t)((i * 7919) % N) * 200000);
	}
	for (unsigned i = 0; i < N; i += 3)
		ts.base.cancel(&ts.base, &cs[i].t);
	sleep_ms(150);
	for (unsigned i = 0; i < N; i++)
		cr_assert_eq(cs[i].fires, i % 3 ? 1u : 0u, "timer %u", i);
	for (unsigned i = 0; i < N; i++)
		for (unsigned j = 0; j < N; j++)
			if (i % 3 && j % 3 && cs[i].t.deadline_ns < cs[j].t.deadline_ns)
				cr_assert(cs[i].last_fire <= cs[j].last_fire);
	timer_service_stop(&ts);
}
