/* Unit tests of admission control: memory floor, load ceiling, the host limits' budgets. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "population/admission.h"
#include "population/host_limits.h"
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
	struct admission_state s = {.mem_available_kb = 4 << 20,
				    .limits = {.nofile = 1024},
				    .fds_in_use = 1015,
				    .next = {.fds = 2}};
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_FDS);
	cr_assert(strstr(why, "RLIMIT_NOFILE") && strstr(why, "1024"), "%s", why);
	s.fds_in_use = 1014;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT);
	s.limits.nofile = 0;
	s.fds_in_use = 1 << 30;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT, "0: no limit known");
}

Test(pop_admission, mapping_budget)
{
	char why[256];
	struct admission_policy p = {0};
	/* 65530 is Linux's default vm.max_map_count */
	struct admission_state s = {.mem_available_kb = 4 << 20,
				    .limits = {.max_map_count = 65530},
				    .maps_in_use = 65530 - ADMISSION_MAP_SLACK - 5,
				    .next = {.maps = 5}};
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT, "exactly at the slack");
	s.maps_in_use++;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_MAPS);
	cr_assert(strstr(why, "vm.max_map_count") && strstr(why, "65530"), "%s", why);
	cr_assert(strstr(why, "needs 5"), "%s", why);
}

Test(pop_admission, task_budget_names_the_tighter_of_pid_max_and_threads_max)
{
	char why[256];
	struct admission_policy p = {0};
	struct admission_state s = {.mem_available_kb = 4 << 20,
				    .limits = {.pid_max = 32768, .threads_max = 190000},
				    .next = {.threads = 1, .kthreads = 1}};
	/* pid_max leaves 32768 - 300 PIDs, fewer than threads-max allows */
	s.host_tasks = 32768 - ADMISSION_RESERVED_PIDS - ADMISSION_TASK_SLACK - 2;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT);
	s.host_tasks++;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_TASKS);
	cr_assert(strstr(why, "kernel.pid_max"), "%s", why);
	cr_assert(strstr(why, "adds 2"), "a vCPU thread and KVM's worker: %s", why);
	/* a host with a small threads-max is bound by that instead */
	s.limits.threads_max = 20000;
	s.host_tasks = 20000 - ADMISSION_TASK_SLACK - 1;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_TASKS);
	cr_assert(strstr(why, "kernel.threads-max") && strstr(why, "20000"), "%s", why);
	/* the host's task count unknown (an old /proc/loadavg): not checked */
	s.host_tasks = 0;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT);
	/* only one of the two known */
	s.limits = (struct host_limits){.pid_max = 4096};
	s.host_tasks = 4096 - ADMISSION_RESERVED_PIDS - ADMISSION_TASK_SLACK - 1;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_TASKS);
	cr_assert(strstr(why, "kernel.pid_max"), "%s", why);
	s.limits = (struct host_limits){.threads_max = 4096};
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT);
}

Test(pop_admission, user_task_budget)
{
	char why[256];
	struct admission_policy p = {0};
	struct admission_state s = {.mem_available_kb = 4 << 20,
				    .limits = {.nproc = 4096},
				    .user_tasks = 4096 - ADMISSION_TASK_SLACK - 3,
				    .next = {.threads = 2, .kthreads = 1}};
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT);
	s.user_tasks++;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), REFUSE_NPROC);
	cr_assert(strstr(why, "RLIMIT_NPROC") && strstr(why, "4096"), "%s", why);
	s.limits.nproc = 0;
	cr_assert_eq(admission_decide(&p, &s, why, sizeof(why)), ADMIT, "0: not enforced");
}

Test(pop_admission, memory_is_checked_before_host_limits)
{
	char why[256];
	struct admission_state s = {.mem_available_kb = 100,
				    .next_guest_kb = 2600,
				    .limits = {.nofile = 16},
				    .fds_in_use = 100,
				    .next = {.fds = 2}};
	cr_assert_eq(admission_decide(&floor_1g, &s, why, sizeof(why)), REFUSE_MEMORY);
}

Test(pop_admission, guest_cost_per_vcpu_log_and_disk)
{
	struct guest_cost one = admission_guest_cost(1, false, false);
	cr_assert_eq(one.fds, 2, "the VM's fd and the vCPU's");
	cr_assert_eq(one.maps, 5, "RAM, kvm_run, stack and guard, an allocation");
	cr_assert_eq(one.threads, 1);
	cr_assert_eq(one.kthreads, 1);
	struct guest_cost four = admission_guest_cost(4, true, true);
	cr_assert_eq(four.fds, 1 + 4 + 1);
	cr_assert_eq(four.maps, 1 + 4 * 3 + 1 + 1);
	cr_assert_eq(four.threads, 4);
	cr_assert_eq(four.kthreads, 1, "one worker per VM, whatever its vCPUs");
}

Test(pop_admission, running_totals_add_and_never_wrap)
{
	struct guest_cost total = {0};
	struct guest_cost c = admission_guest_cost(2, true, false);
	for (int i = 0; i < 1000; i++)
		admission_cost_add(&total, &c, 1);
	cr_assert_eq(total.fds, 1000 * c.fds);
	cr_assert_eq(total.maps, 1000 * c.maps);
	cr_assert_eq(total.threads, 2000);
	cr_assert_eq(total.kthreads, 1000);
	for (int i = 0; i < 1001; i++)
		admission_cost_add(&total, &c, -1);
	cr_assert_eq(total.fds, 0);
	cr_assert_eq(total.maps, 0);
	cr_assert_eq(total.threads, 0);
	cr_assert_eq(total.kthreads, 0);
}

/* Issue 12's host: RLIMIT_NOFILE 20,000, vm.max_map_count 65,530, pid_max 32,768. How many
 * one-vCPU direct-boot guests each limit lets in, and which one stops the launch first. */
Test(pop_admission, which_host_limit_binds_first)
{
	struct admission_policy p = {0};
	struct admission_state s = {.mem_available_kb = 24u << 20,
				    .limits = {.nofile = 20000,
					       .max_map_count = 65530,
					       .pid_max = 32768,
					       .threads_max = 190000},
				    .fds_in_use = 12,
				    .maps_in_use = 120,
				    .host_tasks = 300};
	struct guest_cost c = admission_guest_cost(1, false, false);
	s.next = c;
	char why[256];
	unsigned n = 0;
	enum admission_verdict v;
	while ((v = admission_decide(&p, &s, why, sizeof(why))) == ADMIT && n < 100000) {
		s.fds_in_use += c.fds;
		s.maps_in_use += c.maps;
		s.host_tasks += c.threads + c.kthreads;
		n++;
	}
	/* descriptors: (20000 - 12 - 8) / 2 = 9990; mappings: (65530 - 120 - 256) / 5 = 13030;
	 * tasks: (32768 - 300 - 300 - 16) / 2 = 16076 */
	cr_assert_eq(v, REFUSE_FDS, "%s", why);
	cr_assert_eq(n, 9990);
	s.limits.nofile = 0;
	while ((v = admission_decide(&p, &s, why, sizeof(why))) == ADMIT && n < 100000) {
		s.fds_in_use += c.fds;
		s.maps_in_use += c.maps;
		s.host_tasks += c.threads + c.kthreads;
		n++;
	}
	cr_assert_eq(v, REFUSE_MAPS, "%s", why);
	cr_assert_eq(n, 13030);
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

Test(pop_admission, loadavg_gives_the_hosts_tasks)
{
	struct load_avg l;
	cr_assert_eq(procstat_parse_loadavg("7.25 3.10 1.00 9/812 4242\n", &l), 0);
	cr_assert_eq(l.tasks, 812);
	cr_assert_eq(procstat_parse_loadavg("0.00 0.01 0.05\n", &l), 0, "an old kernel's");
	cr_assert_eq(l.tasks, 0, "unknown");
	cr_assert_eq(procstat_parse_loadavg("0.00 0.01 0.05 1/x 7\n", &l), 0);
	cr_assert_eq(l.tasks, 0, "malformed: unknown");
}

/* This process's own figures, read as the manager reads them. */
Test(pop_admission, reads_this_hosts_limits)
{
	struct host_limits l;
	host_limits_read(&l);
	cr_assert_gt(l.pid_max, 0, "/proc/sys/kernel/pid_max");
	cr_assert_gt(l.threads_max, 0, "/proc/sys/kernel/threads-max");
	cr_assert_gt(l.max_map_count, 0, "/proc/sys/vm/max_map_count");
	cr_assert_gt(host_count_fds(), 2, "stdin, stdout, stderr at least");
	cr_assert_gt(host_count_maps(), 5, "the program, libc, stack ...");
	cr_assert_geq(host_count_user_tasks(getuid()), 1, "this test's own thread");
}
