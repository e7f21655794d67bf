/* Unit tests of admission control: memory floor, load ceiling, descriptor budget. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "population/admission.h"
#include "population/procstat.h"

static const struct admission_policy floor_1g = {.min_free_kb = 1 << 20};

Test(pop_admission, admits_while_above_the_floor)
{
	char why[256] = "x";
	struct admission_state s = {.mem_available_kb = 4 << 20, .next_guest_kb = 2600};
	cr_assert_eq(admission_decide(&floor_1g, &s, why, sizeof(why)), ADMIT);
	cr_assert_str_empty(why);
}

Test(pop_admission, refuses_what_would_cross_the_floor)
{
	char why[256];
	/* exactly at the floor after this guest: still admitted */
	struct admission_state s = {.mem_available_kb = (1 << 20) + 2600, .next_guest_kb = 2600};
	cr_assert_eq(admission_decide(&floor_1g, &s, why, sizeof(why)), ADMIT);
	s.mem_available_kb--;
	cr_assert_eq(admission_decide(&floor_1g, &s, why, sizeof(why)), REFUSE_MEMORY);
	cr_assert(strstr(why, "--min-free 1024 MiB"), "%s", why);
}

Test(pop_admission, counts_ram_running_guests_may_still_touch)
{
	char why[256];
	/* 2 GiB free, but 1.5 GiB promised to running guests that have not touched it yet */
	struct admission_state s = {
	    .mem_available_kb = 2 << 20, .untouched_kb = 3 << 19, .next_guest_kb = 2600};
	cr_assert_eq(admission_decide(&floor_1g, &s, why, sizeof(why)), REFUSE_MEMORY);
	cr_assert(strstr(why, "1536 MiB the running guests may still touch"), "%s", why);
	s.untouched_kb = 1 << 19;
	cr_assert_eq(admission_decide(&floor_1g, &s, why, sizeof(why)), ADMIT);
}

Test(pop_admission, never_wraps_when_memory_is_short)
{
	char why[256];
	struct admission_state s = {.mem_available_kb = 100, .next_guest_kb = 2600};
	struct admission_policy none = {.min_free_kb = 0};
	cr_assert_eq(admission_decide(&none, &s, why, sizeof(why)), ADMIT,
		     "a zero floor admits anything");
	struct admission_policy one = {.min_free_kb = 1};
	cr_assert_eq(admission_decide(&one, &s, why, sizeof(why)), REFUSE_MEMORY);
}

Test(pop_admission, load_ceiling)
{
	char why[256];
	struct admission_policy p = {.has_max_load = true, .max_load = 2.0};
	struct admission_state s = {.mem_available_kb = 4 << 20, .load_1 = 2.0};
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT, "at the ceiling is fine");
	s.load_1 = 2.01;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_LOAD);
	cr_assert(strstr(why, "2.01") && strstr(why, "--max-load 2.00"), "%s", why);
	p.has_max_load = false;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT, "no ceiling given");
}

Test(pop_admission, descriptor_budget)
{
	char why[256];
	struct admission_policy p = {0};
	struct admission_state s = {
	    .mem_available_kb = 4 << 20, .fd_limit = 1024, .fds_in_use = 1015, .next_guest_fds = 2};
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_FDS);
	cr_assert(strstr(why, "RLIMIT_NOFILE"), "%s", why);
	s.fds_in_use = 1014;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT);
	s.fd_limit = 0;
	s.fds_in_use = 1 << 30;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT, "0: no limit known");
}

Test(pop_admission, guest_cost_is_ram_and_overhead)
{
	uint64_t kb = admission_guest_kb(2 << 20, 1);
	cr_assert_gt(kb, 2048);
	cr_assert_lt(kb, 2048 + 1024);
	cr_assert_gt(admission_guest_kb(2 << 20, 4), kb, "more vCPUs cost more");
}

/* A decision made from /proc text, the way the manager reads it. */
Test(pop_admission, from_proc_text)
{
	const char *meminfo = "MemTotal:       24684436 kB\n"
			      "MemFree:          102400 kB\n"
			      "MemAvailable:     307200 kB\n"
			      "Buffers:             100 kB\n"
			      "Cached:           204800 kB\n"
			      "SwapCached:            0 kB\n"
			      "SwapTotal:             0 kB\n"
			      "SwapFree:              0 kB\n";
	struct mem_info m;
	struct load_avg l;
	cr_assert_eq(procstat_parse_meminfo(meminfo, &m), 0);
	cr_assert_eq(procstat_parse_loadavg("7.25 3.10 1.00 9/812 4242\n", &l), 0);
	struct admission_state s = {.mem_available_kb = m.available,
				    .load_1 = l.one,
				    .next_guest_kb = admission_guest_kb(2 << 20, 1)};
	struct admission_policy def = {.min_free_kb = 256 << 10};
	char why[256];
	cr_assert_eq(admission_decide(&def, &s, why, sizeof(why)), ADMIT);
	struct admission_policy tight = {.min_free_kb = 299 << 10};
	cr_assert_eq(admission_decide(&tight, &s, why, sizeof(why)), REFUSE_MEMORY);
	cr_assert(strstr(why, "MemAvailable 300 MiB"), "%s", why);
	struct admission_policy load = {.has_max_load = true, .max_load = 4};
	cr_assert_eq(admission_decide(&load, &s, why, sizeof(why)), REFUSE_LOAD);
}
