/* Unit tests of the shared guest apps (guests/apps/) against a fake shim with a virtual clock. */
#include <criterion/criterion.h>
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guests/apps/fib.h"
#include "guests/apps/fmt.h"
#include "guests/apps/out.h"
#include "abi/report_abi.h"
#include "guests/apps/shim.h"

#define MS 1000000ull
#define S  1000000000ull

/* apps_main() never returned: the fake shim jumped out of an app that runs forever. */
#define ESCAPED (-100)

#define MAX_OUT	    16384
#define MAX_LINES   128
#define MAX_REPORTS 256

struct report {
	unsigned event;
	uint32_t value;
	uint64_t t;
};

/*
 * The fake shim. Time moves only when an app sleeps (to its deadline), reads the clock
 * (clock_cost, standing for the work between two reads) or writes (write_cost, standing
 * for a slow console): so drift and measured durations are exact numbers here.
 */
static struct fake {
	uint64_t now, start;
	uint64_t clock_cost, write_cost;
	char out[MAX_OUT];
	size_t out_len;
	unsigned writes, lines;
	uint64_t line_t[MAX_LINES];
	struct report rep[MAX_REPORTS];
	unsigned nrep;
	unsigned sleeps;
	/* escapes, for apps that never end: a sleep past stop_at, or the nth write */
	uint64_t stop_at;
	unsigned stop_after_writes;
	int armed;
	jmp_buf escape;
	/* the self-tests' canned answers and what they were asked */
	uint64_t ipc_ns, ipc_rounds;
	int fault_rc;
	unsigned fault_pages, ipc_calls, fault_calls;
} fk;

static void escape(void)
{
	cr_assert(fk.armed, "the fake shim's escape fired outside run()");
	longjmp(fk.escape, 1);
}

void shim_write(const char *s, size_t len)
{
	cr_assert_leq(fk.out_len + len, (size_t)MAX_OUT, "too much output");
	memcpy(fk.out + fk.out_len, s, len);
	fk.out_len += len;
	fk.out[fk.out_len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' && fk.lines < MAX_LINES)
			fk.line_t[fk.lines++] = fk.now;
	fk.now += fk.write_cost;
	fk.writes++;
	if (fk.stop_after_writes && fk.writes >= fk.stop_after_writes)
		escape();
}

uint64_t shim_clock_ns(void)
{
	fk.now += fk.clock_cost;
	return fk.now;
}

void shim_sleep_until(uint64_t deadline_ns)
{
	fk.sleeps++;
	if (fk.stop_at && deadline_ns > fk.stop_at)
		escape();
	if (deadline_ns > fk.now)
		fk.now = deadline_ns;
}

void shim_report(unsigned event, uint32_t value)
{
	cr_assert_lt(fk.nrep, MAX_REPORTS, "too many reports");
	cr_assert_leq(value, REPORT_VALUE_MAX, "report value 0x%x not saturated", value);
	fk.rep[fk.nrep++] = (struct report){event, value, fk.now};
}

uint64_t shim_ipc_roundtrips(uint64_t rounds)
{
	fk.ipc_calls++;
	fk.ipc_rounds = rounds;
	return fk.ipc_ns;
}

int shim_fault_selftest(unsigned pages)
{
	fk.fault_calls++;
	fk.fault_pages = pages;
	return fk.fault_rc;
}

_Noreturn void shim_exit(int status)
{
	(void)status;
	abort(); /* apps return; only a guest's own code calls shim_exit */
}

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.now = fk.start = 1000 * S; /* not 0: an app must not assume its clock starts there */
}

TestSuite(apps, .init = fake_reset);

static int run(const char *cmdline)
{
	if (setjmp(fk.escape))
		return ESCAPED;
	fk.armed = 1;
	int rc = apps_main(cmdline);
	fk.armed = 0;
	return rc;
}

/* Line k (from 0) of the captured output, without its newline. */
static const char *line(unsigned k)
{
	static char buf[256];
	const char *p = fk.out;
	for (unsigned i = 0; i < k; i++) {
		p = strchr(p, '\n');
		cr_assert(p != NULL, "no line %u in:\n%s", k, fk.out);
		p++;
	}
	size_t n = strcspn(p, "\n");
	cr_assert(p[n] == '\n', "line %u unterminated in:\n%s", k, fk.out);
	cr_assert_lt(n, sizeof(buf));
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void expect_line(unsigned k, const char *want)
{
	cr_assert_str_eq(line(k), want, "line %u; output:\n%s", k, fk.out);
}

static void expect_report(unsigned i, unsigned event, uint32_t value)
{
	cr_assert_lt(i, fk.nrep, "report %u missing (%u reports)", i, fk.nrep);
	cr_assert_eq(fk.rep[i].event, event, "report %u: event %u, expected %u", i, fk.rep[i].event,
		     event);
	cr_assert_eq(fk.rep[i].value, value, "report %u: value %u, expected %u", i, fk.rep[i].value,
		     value);
}

/* ---- hello ---------------------------------------------------------------------------- */

Test(apps, hello_runs_forever_a_period_apart_without_drift)
{
	fk.write_cost =
	    3 * MS; /* a slow console: a sleep-after-print loop would drift 3 ms a line */
	fk.stop_at = fk.start + 3 * MS + 10 * S;
	cr_assert_eq(run("app=hello"), ESCAPED, "hello ended by itself");
	expect_line(0, "Starting infinite loop");
	/* Count 1 at once (after the first line's 3 ms), Count N exactly (N - 1) s later */
	cr_assert_eq(fk.lines, 1 + 11);
	uint64_t first = fk.start + 3 * MS;
	for (unsigned n = 1; n <= 11; n++) {
		char want[40];
		snprintf(want, sizeof(want), "Sleeping. Count %u", n);
		expect_line(n, want);
		cr_assert_eq(fk.line_t[n], first + (n - 1) * S, "line %u at %llu ns", n,
			     (unsigned long long)(fk.line_t[n] - fk.start));
	}
	expect_report(0, REPORT_APP_START, REPORT_APP_HELLO);
	for (unsigned n = 1; n <= 11; n++)
		expect_report(n, REPORT_LAP, n);
	cr_assert_eq(fk.nrep, 12, "no done report for an app that runs forever");
	/* one console write per line: on L4 each is one trip through the kernel */
	cr_assert_eq(fk.writes, fk.lines);
}

Test(apps, hello_count_ends_after_k_lines)
{
	fk.write_cost = 1 * MS;
	cr_assert_eq(run("app=hello count=3 period=250ms"), 0);
	cr_assert_eq(fk.lines, 4);
	expect_line(3, "Sleeping. Count 3");
	for (unsigned n = 1; n <= 3; n++)
		cr_assert_eq(fk.line_t[n], fk.start + 1 * MS + (n - 1) * 250 * MS);
	expect_report(0, REPORT_APP_START, REPORT_APP_HELLO);
	expect_report(1, REPORT_LAP, 1);
	expect_report(2, REPORT_LAP, 2);
	expect_report(3, REPORT_LAP, 3);
	expect_report(4, REPORT_APP_DONE, 3);
	cr_assert_eq(fk.nrep, 5);
	/* it ends at once after the last line, no trailing sleep */
	cr_assert_eq(fk.now, fk.start + 1 * MS + 500 * MS + 1 * MS);
}

Test(apps, hello_is_the_default_app)
{
	cr_assert_eq(run("count=2 period=2"), 0);
	expect_line(0, "Starting infinite loop");
	expect_line(2, "Sleeping. Count 2");
	cr_assert_eq(fk.line_t[2] - fk.line_t[1], 2 * S);
	expect_report(0, REPORT_APP_START, REPORT_APP_HELLO);
}

Test(apps, an_empty_or_missing_command_line_runs_hello)
{
	fk.stop_after_writes = 2;
	cr_assert_eq(run(""), ESCAPED);
	expect_line(1, "Sleeping. Count 1");
	fake_reset();
	fk.stop_after_writes = 2;
	cr_assert_eq(run(NULL), ESCAPED);
	expect_line(1, "Sleeping. Count 1");
	fake_reset();
	fk.stop_after_writes = 2;
	cr_assert_eq(run(" \t\r\n "), ESCAPED);
	expect_line(1, "Sleeping. Count 1");
}

/* The gap between hello's first two lines with period=`value`. */
static uint64_t hello_period(const char *value)
{
	fake_reset();
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "app=hello count=2 period=%s", value);
	cr_assert_eq(run(cmd), 0, "%s refused: %s", cmd, fk.out);
	return fk.line_t[2] - fk.line_t[1];
}

Test(apps, durations_take_a_unit_seconds_by_default)
{
	cr_assert_eq(hello_period("20"), 20 * S);
	cr_assert_eq(hello_period("20s"), 20 * S);
	cr_assert_eq(hello_period("250ms"), 250 * MS);
	cr_assert_eq(hello_period("1500us"), 1500000ull);
	cr_assert_eq(hello_period("1000000"), 1000000 * S);
	cr_assert_eq(hello_period("0020"), 20 * S);
}

Test(apps, words_may_be_separated_by_any_blanks)
{
	cr_assert_eq(run("  app=hello\tcount=1   period=1s\n"), 0);
	expect_report(2, REPORT_APP_DONE, 1);
}

/* ---- pattern -------------------------------------------------------------------------- */

Test(apps, fib_values_follow_fib0_equals_fib1_equals_1)
{
	uint64_t a = 1, b = 1; /* fib(n - 1), fib(n) */
	cr_assert_eq(apps_fib(0), 1);
	for (unsigned n = 1; n <= 30; n++) {
		cr_assert_eq(apps_fib(n), b, "fib(%u)", n);
		uint64_t c = a + b;
		a = b;
		b = c;
	}
	cr_assert_eq(apps_fib(20), 10946);
	cr_assert_eq(apps_fib(25), 121393);
}

/* The first line pattern prints (before any fib) for `cmd`. */
static const char *pattern_header(const char *cmd)
{
	fake_reset();
	fk.stop_after_writes = 1;
	cr_assert_eq(run(cmd), ESCAPED, "%s: %s", cmd, fk.out);
	return line(0);
}

Test(apps, pattern_defaults_are_the_thesis_table)
{
	cr_assert_str_eq(pattern_header("app=pattern pattern=A"),
			 "pattern A: fib(40), then sleep 20000 ms; forever");
	cr_assert_str_eq(pattern_header("app=pattern pattern=B"),
			 "pattern B: fib(43), then sleep 40000 ms; forever");
	cr_assert_str_eq(pattern_header("app=pattern pattern=C"),
			 "pattern C: fib(40), then sleep 5000 ms; forever");
	expect_report(0, REPORT_APP_START, REPORT_APP_PATTERN);
}

Test(apps, pattern_n_sleep_and_laps_override)
{
	cr_assert_str_eq(pattern_header("app=pattern pattern=B n=41"),
			 "pattern B: fib(41), then sleep 40000 ms; forever");
	cr_assert_str_eq(pattern_header("pattern=A app=pattern sleep=250ms"),
			 "pattern A: fib(40), then sleep 250 ms; forever");
	cr_assert_str_eq(pattern_header("app=pattern pattern=C laps=7 n=0 sleep=0"),
			 "pattern C: fib(0), then sleep 0 ms; 7 laps");
}

Test(apps, pattern_laps_compute_then_sleep_the_pattern_s_time)
{
	fk.clock_cost = 7 * MS; /* each clock read "takes" 7 ms, so fib seems to take 7 ms */
	cr_assert_eq(run("app=pattern pattern=B n=20 laps=3"), 0);
	expect_line(1, "pattern B: lap 1 fib(20) = 10946 in 7 ms");
	expect_line(2, "pattern B: lap 2 fib(20) = 10946 in 7 ms");
	expect_line(3, "pattern B: lap 3 fib(20) = 10946 in 7 ms");
	cr_assert_eq(fk.lines, 4);
	expect_report(0, REPORT_APP_START, REPORT_APP_PATTERN);
	for (unsigned k = 1; k <= 3; k++)
		expect_report(k, REPORT_LAP, k);
	expect_report(4, REPORT_APP_DONE, 3);
	cr_assert_eq(fk.nrep, 5);
	/* lap k + 1 ends 40 s (B's sleep from the end of lap k's fib) + two clock reads later */
	for (unsigned k = 2; k <= 3; k++)
		cr_assert_eq(fk.rep[k].t - fk.rep[k - 1].t, 40 * S + 14 * MS, "lap %u", k);
	/* no sleep after the last lap */
	cr_assert_eq(fk.sleeps, 2);
}

Test(apps, pattern_without_laps_runs_forever)
{
	fk.stop_at = fk.start + 60 * S - 1;
	cr_assert_eq(run("app=pattern pattern=C n=10"), ESCAPED);
	/* C sleeps 5 s: laps at 0, 5, ... 55 s, then the sleep to 60 s escapes */
	cr_assert_eq(fk.nrep, 1 + 12);
	expect_line(12, "pattern C: lap 12 fib(10) = 89 in 0 ms");
	for (unsigned i = 1; i < fk.nrep; i++)
		cr_assert_eq(fk.rep[i].event, REPORT_LAP);
}

/* ---- context -------------------------------------------------------------------------- */

Test(apps, context_sleeps_then_times_its_laps)
{
	fk.clock_cost = 5 * MS;
	cr_assert_eq(run("app=context sleep=2s laps=3 n=20"), 0);
	expect_line(0, "context: sleep 2000 ms, then 3 laps of fib(20)");
	/* clock reads: before the sleep, at the start of the laps, at their end */
	expect_line(1, "context: 3 laps of fib(20) = 10946 in 5 ms");
	cr_assert_eq(fk.lines, 2);
	expect_report(0, REPORT_APP_START, REPORT_APP_CONTEXT);
	expect_report(1, REPORT_LAP, 1);
	expect_report(2, REPORT_LAP, 2);
	expect_report(3, REPORT_LAP, 3);
	expect_report(4, REPORT_RESULT, 5);
	expect_report(5, REPORT_APP_DONE, 3);
	cr_assert_eq(fk.nrep, 6);
	/* the first lap comes after the 2 s sleep, which starts after the first clock read */
	cr_assert_geq(fk.rep[1].t - fk.rep[0].t, 2 * S);
	cr_assert_leq(fk.rep[1].t - fk.rep[0].t, 2 * S + 3 * 5 * MS);
}

Test(apps, context_defaults)
{
	fk.stop_after_writes = 1;
	cr_assert_eq(run("app=context"), ESCAPED);
	expect_line(0, "context: sleep 0 ms, then 1 laps of fib(40)");
}

Test(apps, context_elapsed_time_counts_only_the_laps)
{
	fk.clock_cost = 1500 * MS;
	cr_assert_eq(run("app=context sleep=60 n=1"), 0);
	expect_line(1, "context: 1 laps of fib(1) = 1 in 1500 ms");
	expect_report(2, REPORT_RESULT, 1500);
}

/* ---- ipc and fault -------------------------------------------------------------------- */

Test(apps, ipc_prints_the_rate)
{
	fk.ipc_ns = 2 * S;
	cr_assert_eq(run("app=ipc"), 0);
	cr_assert_eq(fk.ipc_rounds, 100000, "default rounds");
	expect_line(0, "ipc: 100000 round trips in 2000000 us: 50000 per second");
	expect_line(1, "ipc: 20000 ns per round trip");
	expect_report(0, REPORT_APP_START, REPORT_APP_IPC);
	expect_report(1, REPORT_RESULT, 50000);
	expect_report(2, REPORT_APP_DONE, 100000);
	cr_assert_eq(fk.nrep, 3);
}

Test(apps, ipc_rounds_override_and_large_rates_saturate)
{
	fk.ipc_ns = 1000;
	cr_assert_eq(run("app=ipc rounds=1000000000"), 0);
	cr_assert_eq(fk.ipc_rounds, 1000000000ull);
	expect_line(0, "ipc: 1000000000 round trips in 1 us: 1000000000000000 per second");
	expect_report(1, REPORT_RESULT, REPORT_VALUE_MAX);
	expect_report(2, REPORT_APP_DONE, REPORT_VALUE_MAX);
}

Test(apps, ipc_failure_in_the_shim_is_an_error)
{
	fk.ipc_ns = 0;
	cr_assert_eq(run("app=ipc rounds=7"), 1);
	cr_assert_eq(fk.ipc_rounds, 7);
	cr_assert(strstr(line(0), "ipc: FAIL") == line(0), "%s", fk.out);
	expect_report(0, REPORT_APP_START, REPORT_APP_IPC);
	expect_report(1, REPORT_APP_ERROR, 0);
	cr_assert_eq(fk.nrep, 2);
}

Test(apps, fault_pass)
{
	cr_assert_eq(run("app=fault"), 0);
	cr_assert_eq(fk.fault_pages, 16, "default pages");
	cr_assert(strncmp(line(0), "fault: PASS", 11) == 0, "%s", fk.out);
	expect_report(0, REPORT_APP_START, REPORT_APP_FAULT);
	expect_report(1, REPORT_RESULT, 16);
	expect_report(2, REPORT_APP_DONE, 1);
	fake_reset();
	cr_assert_eq(run("app=fault pages=256"), 0);
	cr_assert_eq(fk.fault_pages, 256);
}

Test(apps, fault_fail_names_the_step)
{
	fk.fault_rc = -3;
	cr_assert_eq(run("app=fault pages=32"), 1);
	cr_assert_eq(fk.fault_pages, 32);
	expect_line(0, "fault: FAIL step 3");
	expect_report(1, REPORT_RESULT, 3);
	expect_report(2, REPORT_APP_ERROR, 0);
}

Test(apps, fault_not_supported)
{
	fk.fault_rc = 1;
	cr_assert_eq(run("app=fault"), 1);
	expect_line(0, "fault: not supported by this guest");
	expect_report(1, REPORT_APP_ERROR, 0);
}

/* ---- bad input ------------------------------------------------------------------------ */

/* `cmd` is refused: status 2, one "apps: " line (containing `says`), one APP_ERROR, nothing run. */
static void expect_refused(const char *cmd, const char *says)
{
	fake_reset();
	fk.stop_at = fk.start + 1; /* an app that started anyway cannot hang the test */
	int rc = run(cmd);
	cr_assert_eq(rc, 2, "'%s' gave %d; output:\n%s", cmd, rc, fk.out);
	cr_assert_eq(fk.lines, 1, "'%s': output:\n%s", cmd, fk.out);
	cr_assert(strncmp(fk.out, "apps: ", 6) == 0, "'%s': output:\n%s", cmd, fk.out);
	cr_assert(strstr(fk.out, says), "'%s': no '%s' in:\n%s", cmd, says, fk.out);
	cr_assert_eq(fk.nrep, 1, "'%s': %u reports", cmd, fk.nrep);
	expect_report(0, REPORT_APP_ERROR, 0);
	cr_assert_eq(fk.sleeps + fk.ipc_calls + fk.fault_calls, 0, "'%s' ran something", cmd);
}

Test(apps, bad_words_and_keys_are_refused)
{
	expect_refused("app=nope", "unknown app 'nope'");
	expect_refused("app=", "unknown app ''");
	expect_refused("app", "'app' is not key=value");
	expect_refused("=x", "'=x' is not key=value");
	expect_refused("foo=1", "unknown key 'foo'");
	expect_refused("APP=hello", "unknown key 'APP'");
	expect_refused("app=hello app=hello", "app= given twice");
	expect_refused("count=1 count=2", "count= given twice");
	expect_refused("app=hello n=3", "n= does not apply to app=hello");
	expect_refused("app=ipc pages=3", "pages= does not apply to app=ipc");
	expect_refused("app=fault rounds=3", "rounds= does not apply to app=fault");
	expect_refused("app=context pattern=A", "pattern= does not apply to app=context");
	expect_refused("app=pattern pattern=A period=1", "period= does not apply to app=pattern");
}

Test(apps, bad_numbers_are_refused)
{
	expect_refused("count=0", "bad value '0' for count=");
	expect_refused("count=-1", "bad value '-1' for count=");
	expect_refused("count=+1", "bad value '+1' for count=");
	expect_refused("count=1e3", "bad value '1e3' for count=");
	expect_refused("count=", "bad value '' for count=");
	expect_refused("count=18446744073709551616", "for count=");
	expect_refused("count=99999999999999999999999999999999999999999", "for count=");
	expect_refused("app=pattern pattern=A n=61", "bad value '61' for n= (a number, 0 to 60)");
	expect_refused("app=pattern pattern=A laps=0", "for laps=");
	expect_refused("app=context laps=0", "for laps=");
	expect_refused("app=context n=100", "for n=");
	expect_refused("app=ipc rounds=0", "for rounds=");
	expect_refused("app=ipc rounds=1000000001", "for rounds=");
	expect_refused("app=fault pages=0", "for pages=");
	expect_refused("app=fault pages=257", "for pages=");
}

Test(apps, bad_durations_are_refused)
{
	expect_refused("period=0", "bad duration '0' for period=");
	expect_refused("period=500us", "bad duration '500us' for period=");
	expect_refused("period=1h", "bad duration '1h'");
	expect_refused("period=10x", "bad duration '10x'");
	expect_refused("period=ms", "bad duration 'ms'");
	expect_refused("period=", "bad duration ''");
	expect_refused("period=1.5s", "bad duration '1.5s'");
	expect_refused("period=1000001", "bad duration '1000001'");
	expect_refused("period=18446744073709551615s", "bad duration");
	expect_refused("period=18446744073709551616", "bad duration");
	expect_refused("app=pattern pattern=A sleep=-1", "bad duration '-1' for sleep=");
	expect_refused("app=context sleep=5m", "bad duration '5m' for sleep=");
}

Test(apps, bad_patterns_are_refused)
{
	expect_refused("app=pattern", "app=pattern needs pattern=A, B or C");
	expect_refused("app=pattern pattern=Q", "needs pattern=A, B or C");
	expect_refused("app=pattern pattern=a", "needs pattern=A, B or C");
	expect_refused("app=pattern pattern=AB", "needs pattern=A, B or C");
	expect_refused("app=pattern pattern=", "needs pattern=A, B or C");
	expect_refused("app=hello pattern=A", "pattern= does not apply to app=hello");
}

Test(apps, long_values_are_cut_in_messages)
{
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "app=%0120d", 7);
	expect_refused(cmd, "unknown app '00000000000000000000000000000000' (hello");
}

Test(apps, the_command_line_scan_is_bounded)
{
	char cmd[1200];
	memset(cmd, ' ', sizeof(cmd));
	strcpy(cmd + 1030, "app=hello");
	expect_refused(cmd, "command line longer than 1024 bytes");
	/* the same words within the bound run */
	fake_reset();
	memset(cmd, ' ', sizeof(cmd));
	strcpy(cmd + 1000, "app=hello count=1");
	cr_assert_eq(run(cmd), 0, "%s", fk.out);
}

/* ---- formatting and reports ----------------------------------------------------------- */

Test(apps, format_conversions)
{
	char b[64];
	cr_assert_eq(apps_format(b, sizeof(b), "%d %d %d", 0, -42, INT_MIN), 17);
	cr_assert_str_eq(b, "0 -42 -2147483648");
	apps_format(b, sizeof(b), "%u %lu %llu", UINT_MAX, ULONG_MAX, ULLONG_MAX);
	cr_assert_str_eq(b, "4294967295 18446744073709551615 18446744073709551615");
	apps_format(b, sizeof(b), "%x %lx %llx", 0xABCDu, 0x1ul, 0xFFFFFFFFFFFFFFFFull);
	cr_assert_str_eq(b, "abcd 1 ffffffffffffffff");
	apps_format(b, sizeof(b), "[%s] [%.*s] [%c] 100%%", "ab", 3, "abcdef", 'z');
	cr_assert_str_eq(b, "[ab] [abc] [z] 100%");
	const char *volatile none = NULL; /* volatile: the compiler would refuse a literal NULL */
	apps_format(b, sizeof(b), "%.*s|%s", 10, "ab", none);
	cr_assert_str_eq(b, "ab|(null)");
}

Test(apps, format_never_overruns)
{
	char b[8];
	memset(b, 'X', sizeof(b));
	cr_assert_eq(apps_format(b, 5, "%s", "abcdefgh"), 4);
	cr_assert_str_eq(b, "abcd");
	cr_assert_eq(b[5], 'X');
	cr_assert_eq(apps_format(b, 1, "%llu", 12345ull), 0);
	cr_assert_str_eq(b, "");
	b[0] = 'Q';
	cr_assert_eq(apps_format(b, 0, "abc"), 0);
	cr_assert_eq(b[0], 'Q', "cap 0 writes nothing at all");
}

Test(apps, format_shows_what_it_does_not_know)
{
	char b[32];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	apps_format(b, sizeof(b), "a%qb %", 1);
#pragma GCC diagnostic pop
	cr_assert_str_eq(b, "a%qb %");
}

Test(apps, reports_saturate_instead_of_wrapping)
{
	apps_report(REPORT_RESULT, 1ull << 40);
	apps_report(REPORT_RESULT, 0x100000000ull + 5);
	apps_report(REPORT_LAP, REPORT_VALUE_MAX);
	expect_report(0, REPORT_RESULT, REPORT_VALUE_MAX);
	expect_report(1, REPORT_RESULT, REPORT_VALUE_MAX);
	expect_report(2, REPORT_LAP, REPORT_VALUE_MAX);
}

Test(apps, long_lines_are_cut_not_overrun)
{
	char big[400];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	apps_print("%s", big);
	cr_assert_eq(fk.out_len, (size_t)APPS_LINE_MAX - 1);
	fake_reset();
	cr_assert_eq(apps_usage_error("%s", big), 2);
	cr_assert_eq(fk.out_len, (size_t)APPS_LINE_MAX - 1);
	cr_assert_eq(fk.out[fk.out_len - 1], '\n', "the error line still ends its line");
}
