/* A virtual clock implementing timer_base for unit tests: time moves only when a test says so. */
#ifndef TINYVMM_TESTS_VCLOCK_H
#define TINYVMM_TESTS_VCLOCK_H

#include "devices/timer.h"

#define VCLOCK_MAX_TIMERS 16

struct vclock {
	struct timer_base base;
	uint64_t now_ns;
	int64_t epoch_s;
	struct timer *armed[VCLOCK_MAX_TIMERS];
	unsigned fired; /* total fire() calls, for tests that count them */
};

/* Starts at now = 0 with the wall clock at `epoch_s`. */
void vclock_init(struct vclock *vc, int64_t epoch_s);
/* Moves time forward by `ns`, firing every deadline reached, in order. */
void vclock_advance(struct vclock *vc, uint64_t ns);

#endif
