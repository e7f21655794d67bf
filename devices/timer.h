/* The clock and deadline-timer interface device models are given (real service or a test clock). */
#ifndef TINYVMM_DEVICES_TIMER_H
#define TINYVMM_DEVICES_TIMER_H

#include <stddef.h>
#include <stdint.h>

struct timer_base;

/*
 * One deadline owned by a device. The device fills `fire` and `opaque`, then arms and
 * cancels it through its timer_base. fire() runs on the timer service's thread with no
 * service lock held; it may re-arm its own timer. Because a cancel can race with a fire
 * already under way, fire() must tolerate being called when the device no longer
 * expects it (re-check the device state under the device's own lock).
 */
struct timer {
	void (*fire)(struct timer *t, uint64_t now_ns);
	void *opaque;
	/* owned by the timer_base implementation */
	uint64_t deadline_ns;
	size_t slot; /* heap index + 1, 0 when not armed */
};

struct timer_base {
	/* monotonic nanoseconds */
	uint64_t (*now)(struct timer_base *tb);
	/* arm or re-arm `t` to fire at `deadline_ns` (past deadlines fire promptly) */
	void (*arm)(struct timer_base *tb, struct timer *t, uint64_t deadline_ns);
	/* disarm; never waits for a fire in progress */
	void (*cancel)(struct timer_base *tb, struct timer *t);
	/* disarm and wait until no fire of `t` is running; never call from fire() or under
	 * a lock that fire() takes. Used when a device is torn down. */
	void (*detach)(struct timer_base *tb, struct timer *t);
	/* wall-clock seconds since the epoch at now() == 0, for the RTC's initial time */
	int64_t (*wall_epoch_s)(struct timer_base *tb);
};

static inline uint64_t timer_now(struct timer_base *tb)
{
	return tb->now(tb);
}

/* Periods shorter than this are raised to it: a thousand guests must not flood the host. */
#define TIMER_MIN_PERIOD_NS 100000ULL /* 100 µs, i.e. at most 10 kHz per timer */

#endif
