/* Unit tests of the /proc parsers on fixture text, and of the readers on this machine's /proc. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "population/procstat.h"

Test(pop_procstat, stat_cpu_line)
{
	struct cpu_times c;
	cr_assert_eq(procstat_parse_stat("cpu  4705 356 584 3699176 23060 0 277 5 7 0\n"
					 "cpu0 1393 280 290 1848290 16219 0 271 0 0 0\n",
					 &c),
		     0);
	cr_assert_eq(c.user, 4705);
	cr_assert_eq(c.nice, 356);
	cr_assert_eq(c.system, 584);
	cr_assert_eq(c.idle, 3699176);
	cr_assert_eq(c.iowait, 23060);
	cr_assert_eq(c.softirq, 277);
	cr_assert_eq(c.steal, 5);
	/* an old kernel's four fields */
	cr_assert_eq(procstat_parse_stat("cpu  1 2 3 4\nintr 0\n", &c), 0);
	cr_assert_eq(c.idle, 4);
	cr_assert_eq(c.steal, 0);
	cr_assert_eq(procstat_parse_stat("cpu0 1 2 3 4\n", &c), -EINVAL);
	cr_assert_eq(procstat_parse_stat("cpu  1 2 x\n", &c), -EINVAL);
	cr_assert_eq(procstat_parse_stat("cpu  99999999999999999999 1 1 1\n", &c), -EINVAL,
		     "overflow");
}

Test(pop_procstat, loadavg)
{
	struct load_avg l;
	cr_assert_eq(procstat_parse_loadavg("0.52 1.07 12.30 2/345 6789\n", &l), 0);
	cr_assert_float_eq(l.one, 0.52, 1e-9);
	cr_assert_float_eq(l.five, 1.07, 1e-9);
	cr_assert_float_eq(l.fifteen, 12.30, 1e-9);
	cr_assert_eq(procstat_parse_loadavg("0.52 1.07\n", &l), -EINVAL);
	cr_assert_eq(procstat_parse_loadavg("", &l), -EINVAL);
}

Test(pop_procstat, meminfo)
{
	const char *t = "MemTotal:       24684436 kB\n"
			"MemFree:        23486088 kB\n"
			"MemAvailable:   24255436 kB\n"
			"Buffers:           41156 kB\n"
			"Cached:          1019908 kB\n"
			"SwapCached:          12 kB\n"
			"Active:           358568 kB\n"
			"SwapTotal:       1000000 kB\n"
			"SwapFree:         999000 kB\n";
	struct mem_info m;
	cr_assert_eq(procstat_parse_meminfo(t, &m), 0);
	cr_assert_eq(m.total, 24684436);
	cr_assert_eq(m.free, 23486088);
	cr_assert_eq(m.available, 24255436);
	cr_assert_eq(m.cached, 1019908, "Cached, not SwapCached");
	cr_assert_eq(m.swap_cached, 12);
	cr_assert_eq(m.swap_total, 1000000);
	cr_assert_eq(m.swap_free, 999000);
	/* before MemAvailable existed: free + cached stands in */
	const char *old = "MemTotal: 100 kB\nMemFree: 10 kB\nCached: 5 kB\nSwapCached: 0 kB\n"
			  "SwapTotal: 0 kB\nSwapFree: 0 kB\n";
	cr_assert_eq(procstat_parse_meminfo(old, &m), 0);
	cr_assert_eq(m.available, 15);
	cr_assert_eq(procstat_parse_meminfo("MemTotal: 100 kB\n", &m), -EINVAL);
}

Test(pop_procstat, vmstat)
{
	const char *t = "nr_free_pages 5871522\n"
			"pgpgin 1083460\n"
			"pgpgout 1380644\n"
			"pswpin 3\n"
			"pswpout 4\n"
			"pgfault 22541375\n"
			"pgmajfault 3641\n"
			"pgfault_extra 1\n";
	struct vm_counters c;
	cr_assert_eq(procstat_parse_vmstat(t, &c), 0);
	cr_assert_eq(c.pgfault, 22541375, "the exact key, not a longer one");
	cr_assert_eq(c.pgmajfault, 3641);
	cr_assert_eq(c.pgpgin, 1083460);
	cr_assert_eq(c.pgpgout, 1380644);
	cr_assert_eq(c.pswpin, 3);
	cr_assert_eq(c.pswpout, 4);
	cr_assert_eq(procstat_parse_vmstat("pgfault 1\n", &c), -EINVAL);
}

Test(pop_procstat, rollup_and_statm)
{
	const char *t = "55d0c0a8e000-7ffd5a1f6000 ---p 00000000 00:00 0 [rollup]\n"
			"Rss:               17412 kB\n"
			"Pss:                9051 kB\n"
			"Pss_Anon:           6120 kB\n";
	uint64_t rss, pss, pages;
	cr_assert_eq(procstat_parse_rollup(t, &rss, &pss), 0);
	cr_assert_eq(rss, 17412);
	cr_assert_eq(pss, 9051, "Pss, not Pss_Anon");
	cr_assert_eq(procstat_parse_statm("6173 1024 768 1 0 4000 0\n", &pages), 0);
	cr_assert_eq(pages, 1024);
	cr_assert_eq(procstat_parse_statm("6173\n", &pages), -EINVAL);
}

Test(pop_procstat, field_lookup)
{
	uint64_t v;
	cr_assert_eq(procstat_field("a: 1\nab: 2\nb 3\n", "ab", &v), 0);
	cr_assert_eq(v, 2);
	cr_assert_eq(procstat_field("a: 1\nab: 2\nb 3\n", "b", &v), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(procstat_field("a: 1\n", "c", &v), -ENOENT);
	cr_assert_eq(procstat_field("a: x\n", "a", &v), -EINVAL);
	cr_assert_eq(procstat_field("", "a", &v), -ENOENT);
}

/* The readers on the real /proc: whatever the machine, the figures must be sane. */
Test(pop_procstat, this_host)
{
	struct host_sample h;
	cr_assert_eq(procstat_host(&h), 0);
	cr_assert_gt(h.mem.total, 0);
	cr_assert_leq(h.mem.available, h.mem.total);
	cr_assert_gt(h.cpu.user + h.cpu.system + h.cpu.idle, 0);
	uint64_t rss = 0, pss = 0, statm = 0;
	cr_assert_eq(procstat_self(&rss, &pss), 0);
	cr_assert_gt(rss, 0);
	cr_assert_eq(procstat_self_rss_kb(&statm), 0);
	cr_assert_gt(statm, 0);
	struct mem_info m;
	struct load_avg l;
	cr_assert_eq(procstat_admission(&m, &l), 0);
	cr_assert_gt(m.available, 0);
}
