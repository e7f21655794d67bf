/* The apps' shim for the L4 root task: console, clock, sleep, reports and exit as system calls. */
#include "roottask.h"

#include "abi/report_abi.h"
#include "apps/shim.h"
#include "l4/syscalls.h"

/* The thread the shim's sleeps receive from: only the root task's main thread sleeps here. */
static uint64_t self_tid;

void shim_l4_init(uint64_t self)
{
	self_tid = self;
}

uint64_t shim_l4_self(void)
{
	return self_tid;
}

void shim_write(const char *s, size_t len)
{
	while (len) {
		/*
		 * Each call is one trip through the kernel: fill it, but when more follows, end
		 * the piece after its last newline so a line that fits is never split in two.
		 */
		size_t piece = len < L4_KDB_OUT_MAX ? len : L4_KDB_OUT_MAX;
		if (piece < len)
			for (size_t i = piece; i > 0; i--)
				if (s[i - 1] == '\n') {
					piece = i;
					break;
				}
		if (l4_kdb_out(s, piece) != piece)
			return; /* the console refused: dropping the rest beats spinning */
		s += piece;
		len -= piece;
	}
}

void rt_say(const char *msg)
{
	char line[160];
	size_t n = 0;
	for (const char *p = "roottask: "; *p; p++)
		line[n++] = *p;
	for (; *msg && n < sizeof(line) - 1; msg++)
		line[n++] = *msg;
	line[n++] = '\n';
	shim_write(line, n);
}

uint64_t shim_clock_ns(void)
{
	const struct l4_kip *kip = l4_kip();
	uint64_t khz = kip->tsc_khz, tsc = l4_rdtsc();
	uint64_t ticks = tsc > kip->boot_tsc ? tsc - kip->boot_tsc : 0;
	/* Whole milliseconds and the rest apart: ticks * 10^6 would overflow after hours. */
	return ticks / khz * 1000000ull + ticks % khz * 1000000ull / khz;
}

void shim_sleep_until(uint64_t deadline_ns)
{
	/* The kernel's timeout is 32-bit microseconds and L4_NEVER means forever: go in pieces. */
	const uint64_t max_us = L4_NEVER - 1;
	for (;;) {
		uint64_t now = shim_clock_ns();
		if (now >= deadline_ns)
			return;
		/* Rounded up: waking a little late is fine, a loop of 0 us sleeps is not. */
		uint64_t us = (deadline_ns - now + 999) / 1000;
		l4_sleep_us(self_tid, (uint32_t)(us > max_us ? max_us : us));
	}
}

void shim_report(unsigned event, uint32_t value)
{
	l4_report(REPORT_WORD(event, value));
}

_Noreturn void shim_exit(int status)
{
	(void)status; /* ACPI S5 carries no status; a failing app has said so on the console */
	l4_poweroff();
	for (;;)
		l4_sleep_us(self_tid, L4_NEVER);
}
