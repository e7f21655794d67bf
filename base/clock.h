/* The host clocks every part of tinyvmm stamps with: monotonic nanoseconds and wall milliseconds.
 */
#ifndef TINYVMM_BASE_CLOCK_H
#define TINYVMM_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A (non-negative) timespec in ns: the one conversion. */
static inline uint64_t timespec_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

/* CLOCK_MONOTONIC in ns: timer deadlines, report stamps, rates and uptimes. */
static inline uint64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return timespec_ns(&ts);
}

/* CLOCK_REALTIME in ms since the epoch: what CSV rows carry for other tools. */
static inline int64_t clock_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
