/* app=context: the thesis's overhead test, an optional sleep, then L laps of fib(n), timed. */
#include "apps.h"
#include "fib.h"
#include "out.h"
#include "abi/report_abi.h"
#include "shim.h"

int apps_context(const struct apps_args *a)
{
	uint64_t sleep, laps, n;
	if (apps_args_only(a,
			   APPS_KEY_BIT(APPS_KEY_SLEEP) | APPS_KEY_BIT(APPS_KEY_LAPS) |
			       APPS_KEY_BIT(APPS_KEY_N),
			   "context") ||
	    apps_args_duration(a, APPS_KEY_SLEEP, 0, 0, APPS_DURATION_MAX_NS, &sleep) ||
	    apps_args_uint(a, APPS_KEY_LAPS, 1, 1, UINT64_MAX, &laps) ||
	    apps_args_uint(a, APPS_KEY_N, 40, 0, APPS_FIB_N_MAX, &n))
		return APPS_EXIT_USAGE;

	apps_report(REPORT_APP_START, REPORT_APP_CONTEXT);
	apps_print("context: sleep %llu ms, then %llu laps of fib(%u)\n",
		   (unsigned long long)(sleep / NS_PER_MS), (unsigned long long)laps, (unsigned)n);
	shim_sleep_until(shim_clock_ns() + sleep);

	/* The time counted is the laps' alone: the sleep only lets a population finish booting. */
	uint64_t t0 = shim_clock_ns(), v = 0;
	for (uint64_t lap = 1; lap <= laps; lap++) {
		v = apps_fib((unsigned)n);
		apps_report(REPORT_LAP, lap);
	}
	uint64_t ms = (shim_clock_ns() - t0) / NS_PER_MS;
	apps_print("context: %llu laps of fib(%u) = %llu in %llu ms\n", (unsigned long long)laps,
		   (unsigned)n, (unsigned long long)v, (unsigned long long)ms);
	apps_report(REPORT_RESULT, ms);
	apps_report(REPORT_APP_DONE, laps);
	return APPS_EXIT_OK;
}
