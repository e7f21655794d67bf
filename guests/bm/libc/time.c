/* time.c: gettimeofday and times for Newlib (time(), clock()) from the kernel's monotonic clock and
 * RTC seconds. */
#define _COMPILING_NEWLIB
#include <errno.h>
#include <stddef.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include "bm_os.h"
#include "sys.h"

#define NS_PER_S    1000000000ull
#define NS_PER_TICK (NS_PER_S / CLOCKS_PER_SEC)

/* Both clocks read once, together, before main; see bm_time_start. */
static unsigned long long start_ns, start_wall_s;
static int started;

/*
 * The RTC only counts whole seconds, so the time of day is its reading at the app's start
 * plus the monotonic time since: it then has the monotonic clock's resolution and never
 * goes back, at the cost of being up to a second behind the RTC. The app's start is also
 * what times() counts its CPU time from (the app is the only thing running). A
 * constructor, so apps that never ask the time never link this file, and those that do
 * read both clocks before main -- or at their first call, if another constructor asks
 * before this one ran (their order is not defined).
 */
__attribute__((constructor)) static void bm_time_start(void)
{
	if (started)
		return;
	start_ns = bm_os_time_ns();
	start_wall_s = bm_os_wall_s();
	started = 1;
}

int _gettimeofday(struct timeval *tv, void *tz)
{
	bm_time_start();
	if (tv) {
		unsigned long long since = bm_os_time_ns() - start_ns;
		tv->tv_sec = (time_t)(start_wall_s + since / NS_PER_S);
		tv->tv_usec = (suseconds_t)(since % NS_PER_S / 1000);
	}
	/* No time zones: UTC. */
	if (tz) {
		struct timezone *z = tz;
		z->tz_minuteswest = 0;
		z->tz_dsttime = 0;
	}
	return 0;
}

/* The app's time since its start, all of it user time; returns the ticks since boot. */
clock_t _times(struct tms *t)
{
	bm_time_start();
	unsigned long long now = bm_os_time_ns();
	if (!t)
		return bm_fail(EFAULT);
	t->tms_utime = (clock_t)((now - start_ns) / NS_PER_TICK);
	t->tms_stime = 0;
	t->tms_cutime = 0;
	t->tms_cstime = 0;
	return (clock_t)(now / NS_PER_TICK);
}

BM_WEAK_ALIAS(gettimeofday, _gettimeofday);
BM_WEAK_ALIAS(times, _times);
