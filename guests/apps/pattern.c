/* app=pattern: the thesis's usage patterns A, B and C, fib(n) then a sleep, lap after lap. */
#include "apps.h"
#include "fib.h"
#include "out.h"
#include "abi/report_abi.h"
#include "shim.h"

struct pattern {
	char name;
	unsigned n;
	uint64_t sleep_s;
};

/* Table 4.1 of the thesis, as TCL and BareMetal ran it (the same code runs everywhere here). */
static const struct pattern patterns[] = {
    {'A', 40, 20},
    {'B', 43, 40},
    {'C', 40, 5},
};

int apps_pattern(const struct apps_args *a)
{
	if (apps_args_only(a,
			   APPS_KEY_BIT(APPS_KEY_PATTERN) | APPS_KEY_BIT(APPS_KEY_N) |
			       APPS_KEY_BIT(APPS_KEY_SLEEP) | APPS_KEY_BIT(APPS_KEY_LAPS),
			   "pattern"))
		return APPS_EXIT_USAGE;
	struct apps_value which = a->val[APPS_KEY_PATTERN];
	const struct pattern *p = 0;
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (which.s && which.len == 1 && which.s[0] == patterns[i].name)
			p = &patterns[i];
	if (!p)
		return apps_usage_error("app=pattern needs pattern=A, B or C");

	uint64_t n, sleep, laps;
	if (apps_args_uint(a, APPS_KEY_N, p->n, 0, APPS_FIB_N_MAX, &n) ||
	    apps_args_duration(a, APPS_KEY_SLEEP, p->sleep_s * NS_PER_S, 0, APPS_DURATION_MAX_NS,
			       &sleep) ||
	    apps_args_uint(a, APPS_KEY_LAPS, 0, 1, UINT64_MAX, &laps))
		return APPS_EXIT_USAGE;

	apps_report(REPORT_APP_START, REPORT_APP_PATTERN);
	if (laps)
		apps_print("pattern %c: fib(%u), then sleep %llu ms; %llu laps\n", p->name,
			   (unsigned)n, (unsigned long long)(sleep / NS_PER_MS),
			   (unsigned long long)laps);
	else
		apps_print("pattern %c: fib(%u), then sleep %llu ms; forever\n", p->name,
			   (unsigned)n, (unsigned long long)(sleep / NS_PER_MS));
	for (uint64_t lap = 1;; lap++) {
		uint64_t t0 = shim_clock_ns();
		uint64_t v = apps_fib((unsigned)n);
		uint64_t t1 = shim_clock_ns();
		apps_print("pattern %c: lap %llu fib(%u) = %llu in %llu ms\n", p->name,
			   (unsigned long long)lap, (unsigned)n, (unsigned long long)v,
			   (unsigned long long)((t1 - t0) / NS_PER_MS));
		apps_report(REPORT_LAP, lap);
		if (lap == laps) {
			apps_report(REPORT_APP_DONE, lap);
			return APPS_EXIT_OK;
		}
		/* From the end of the computation: the pause between bursts is what the pattern
		 * sets. */
		shim_sleep_until(t1 + sleep);
	}
}
