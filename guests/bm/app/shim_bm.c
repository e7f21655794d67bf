/* The apps' shim for the bm guest: console, clock, sleep, reports and exit as calls through the bm
 * call table. */
#include "app.h"
#include "apps/report_abi.h"
#include "apps/shim.h"
#include "bm/calls.h"

void shim_write(const char *s, size_t len)
{
	while (len) {
		int64_t n = bm_output(s, len);
		if (n <= 0)
			return; /* the kernel refused the buffer: nothing better to do */
		s += n;
		len -= (size_t)n;
	}
}

uint64_t shim_clock_ns(void)
{
	return bm_time_ns();
}

void shim_sleep_until(uint64_t deadline_ns)
{
	/* the kernel wakes on its TSC form of the deadline, rounded down: look again */
	while (bm_time_ns() < deadline_ns)
		bm_sleep_until(deadline_ns);
}

void shim_report(unsigned event, uint32_t value)
{
	bm_report(REPORT_WORD(event, value));
}

uint64_t shim_ipc_roundtrips(uint64_t rounds)
{
	(void)rounds;
	return 0; /* one app, one address space: nothing to ping-pong with */
}

int shim_fault_selftest(unsigned pages)
{
	(void)pages;
	return 1; /* no pager */
}

_Noreturn void shim_exit(int status)
{
	bm_exit(status);
}

/* STARTUP.APP: the shared apps, named by the command line. */
int bm_start(const char *cmdline)
{
	return apps_main(cmdline);
}
