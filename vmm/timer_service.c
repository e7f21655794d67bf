/* Timer service: a min-heap of deadlines and one thread that sleeps until the earliest. */
#include "vmm/timer_service.h"

#include "base/clock.h"
#include "vmm/seccomp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct timer_service *ts_of(struct timer_base *tb)
{
	return (struct timer_service *)tb;
}

static uint64_t ts_now(struct timer_base *tb)
{
	return clock_mono_ns() - ts_of(tb)->origin_ns;
}

static int64_t ts_epoch(struct timer_base *tb)
{
	return ts_of(tb)->wall_epoch_s;
}

/* Heap slots are 1-based in struct timer so that 0 means "not armed". */
static void heap_set(struct timer_service *ts, size_t i, struct timer *t)
{
	ts->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct timer_service *ts, size_t i)
{
	struct timer *t = ts->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (ts->heap[parent]->deadline_ns <= t->deadline_ns)
			break;
		heap_set(ts, i, ts->heap[parent]);
		i = parent;
	}
	heap_set(ts, i, t);
}

static void sift_down(struct timer_service *ts, size_t i)
{
	struct timer *t = ts->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= ts->n)
			break;
		if (c + 1 < ts->n && ts->heap[c + 1]->deadline_ns < ts->heap[c]->deadline_ns)
			c++;
		if (t->deadline_ns <= ts->heap[c]->deadline_ns)
			break;
		heap_set(ts, i, ts->heap[c]);
		i = c;
	}
	heap_set(ts, i, t);
}

static void heap_remove(struct timer_service *ts, struct timer *t)
{
	size_t i = t->slot - 1;
	t->slot = 0;
	ts->n--;
	if (i == ts->n)
		return;
	struct timer *moved = ts->heap[ts->n];
	heap_set(ts, i, moved);
	sift_down(ts, i);
	sift_up(ts, moved->slot - 1);
}

static int heap_reserve(struct timer_service *ts)
{
	if (ts->n < ts->cap)
		return 0;
	size_t cap = ts->cap ? ts->cap * 2 : 64;
	struct timer **h = realloc(ts->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	ts->heap = h;
	ts->cap = cap;
	return 0;
}

static void ts_cancel_locked(struct timer_service *ts, struct timer *t)
{
	if (t->slot)
		heap_remove(ts, t);
}

static void ts_arm(struct timer_base *tb, struct timer *t, uint64_t deadline_ns)
{
	struct timer_service *ts = ts_of(tb);
	pthread_mutex_lock(&ts->lock);
	ts_cancel_locked(ts, t);
	/* On allocation failure the timer stays disarmed: the device sees a late,
	 * not a corrupted, clock; the next arm retries. */
	if (heap_reserve(ts) == 0) {
		t->deadline_ns = deadline_ns;
		heap_set(ts, ts->n++, t);
		sift_up(ts, ts->n - 1);
		if (ts->heap[0] == t)
			pthread_cond_signal(&ts->wake);
	}
	pthread_mutex_unlock(&ts->lock);
}

static void ts_cancel(struct timer_base *tb, struct timer *t)
{
	struct timer_service *ts = ts_of(tb);
	pthread_mutex_lock(&ts->lock);
	ts_cancel_locked(ts, t);
	pthread_mutex_unlock(&ts->lock);
}

static void ts_detach(struct timer_base *tb, struct timer *t)
{
	struct timer_service *ts = ts_of(tb);
	pthread_mutex_lock(&ts->lock);
	ts_cancel_locked(ts, t);
	while (ts->firing == t)
		pthread_cond_wait(&ts->idle, &ts->lock);
	/* a fire that was running may have re-armed it */
	ts_cancel_locked(ts, t);
	pthread_mutex_unlock(&ts->lock);
}

static void *ts_thread(void *arg)
{
	struct timer_service *ts = arg;
	int confined = sandbox_enter(ts->sandbox, SANDBOX_TIMER);
	pthread_mutex_lock(&ts->lock);
	ts->confine_err = confined;
	ts->confine_done = true;
	pthread_cond_broadcast(&ts->idle);
	if (confined) {
		pthread_mutex_unlock(&ts->lock);
		return NULL; /* never serve timers unconfined when asked to be */
	}
	while (!ts->stop) {
		if (ts->n == 0) {
			pthread_cond_wait(&ts->wake, &ts->lock);
			continue;
		}
		struct timer *t = ts->heap[0];
		uint64_t now = clock_mono_ns() - ts->origin_ns;
		if (t->deadline_ns > now) {
			uint64_t abs = ts->origin_ns + t->deadline_ns;
			struct timespec until = {.tv_sec = (time_t)(abs / 1000000000ULL),
						 .tv_nsec = (long)(abs % 1000000000ULL)};
			pthread_cond_timedwait(&ts->wake, &ts->lock, &until);
			continue;
		}
		heap_remove(ts, t);
		ts->firing = t;
		ts->fires++;
		pthread_mutex_unlock(&ts->lock);
		t->fire(t, now);
		pthread_mutex_lock(&ts->lock);
		ts->firing = NULL;
		pthread_cond_broadcast(&ts->idle);
	}
	pthread_mutex_unlock(&ts->lock);
	return NULL;
}

int timer_service_start(struct timer_service *ts)
{
	return timer_service_start_confined(ts, NULL);
}

int timer_service_start_confined(struct timer_service *ts, const struct sandbox *sb)
{
	return timer_service_start_at(ts, sb, 0);
}

int timer_service_start_at(struct timer_service *ts, const struct sandbox *sb, uint64_t start_ns)
{
	memset(ts, 0, sizeof(*ts));
	ts->sandbox = sb;
	ts->base = (struct timer_base){.now = ts_now,
				       .arm = ts_arm,
				       .cancel = ts_cancel,
				       .detach = ts_detach,
				       .wall_epoch_s = ts_epoch};
	ts->origin_ns = clock_mono_ns() - start_ns;
	ts->wall_epoch_s = (int64_t)time(NULL) - (int64_t)(start_ns / 1000000000ULL);

	pthread_condattr_t ca;
	int err = pthread_condattr_init(&ca);
	if (err)
		return -err;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	err = pthread_cond_init(&ts->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return -err;
	err = pthread_cond_init(&ts->idle, NULL);
	if (err)
		goto err_wake;
	err = pthread_mutex_init(&ts->lock, NULL);
	if (err)
		goto err_idle;
	err = pthread_create(&ts->thread, NULL, ts_thread, ts);
	if (err)
		goto err_lock;
	pthread_setname_np(ts->thread, "tvmm-timers");
	pthread_mutex_lock(&ts->lock);
	while (!ts->confine_done)
		pthread_cond_wait(&ts->idle, &ts->lock);
	err = -ts->confine_err;
	pthread_mutex_unlock(&ts->lock);
	if (err) {
		pthread_join(ts->thread, NULL);
		goto err_lock;
	}
	ts->running = true;
	return 0;

err_lock:
	pthread_mutex_destroy(&ts->lock);
err_idle:
	pthread_cond_destroy(&ts->idle);
err_wake:
	pthread_cond_destroy(&ts->wake);
	return -err;
}

void timer_service_stop(struct timer_service *ts)
{
	if (!ts->running)
		return;
	pthread_mutex_lock(&ts->lock);
	ts->stop = true;
	pthread_cond_signal(&ts->wake);
	pthread_mutex_unlock(&ts->lock);
	pthread_join(ts->thread, NULL);
	for (size_t i = 0; i < ts->n; i++)
		ts->heap[i]->slot = 0;
	free(ts->heap);
	pthread_cond_destroy(&ts->wake);
	pthread_cond_destroy(&ts->idle);
	pthread_mutex_destroy(&ts->lock);
	ts->running = false;
}
