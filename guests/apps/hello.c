/* app=hello: the thesis's hello world, one "Sleeping. Count N" line every period, without drift. */
#include "apps.h"
#include "out.h"
#include "abi/report_abi.h"
#include "shim.h"

int apps_hello(const struct apps_args *a)
{
	uint64_t period, count;
	if (apps_args_only(a, APPS_KEY_BIT(APPS_KEY_PERIOD) | APPS_KEY_BIT(APPS_KEY_COUNT),
			   "hello") ||
	    apps_args_duration(a, APPS_KEY_PERIOD, NS_PER_S, NS_PER_MS, APPS_DURATION_MAX_NS,
			       &period) ||
	    apps_args_uint(a, APPS_KEY_COUNT, 0, 1, UINT64_MAX, &count))
		return APPS_EXIT_USAGE;

	apps_report(REPORT_APP_START, REPORT_APP_HELLO);
	apps_print("Starting infinite loop\n");
	/*
	 * Line N is due at start + (N - 1) x period, whatever printing and waking cost: the
	 * deadline advances by exact periods, never from the time a line went out.
	 */
	uint64_t due = shim_clock_ns();
	for (uint64_t n = 1;; n++) {
		shim_sleep_until(due);
		apps_print("Sleeping. Count %llu\n", (unsigned long long)n);
		apps_report(REPORT_LAP, n);
		if (n == count) {
			apps_report(REPORT_APP_DONE, n);
			return APPS_EXIT_OK;
		}
		due += period;
	}
}
