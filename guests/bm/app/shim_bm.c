/* The apps' shim for the bm guest (STARTUP.APP): console and exit through Newlib, clock, sleep and
 * reports through the bm call table. */
#include <stdlib.h>
#include <unistd.h>

#include "abi/report_abi.h"
#include "apps/shim.h"
#include "bm/calls.h"
#include "guests/bm/libc/bm_os.h"

/*
 * The shared apps (guests/apps) know nothing of Newlib: they format their own lines and
 * call these. Only the console and the exit go through the C library, so STARTUP.APP
 * links write() and exit() but no stdio; time, sleep and reports have no C library
 * equivalent worth its cost and go straight to the kernel.
 */
void shim_write(const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);
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
	exit(status);
}

/* The shared apps read the whole line themselves (app=NAME key=value ...), not argv. */
int main(void)
{
	return apps_main(bm_os_cmdline());
}
