/* Unit tests of the statistics and results CSVs: columns, figures, quoting, rows written whole. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/report_abi.h"
#include "population/csv.h"
#include "population/guest.h"
#include "population/results.h"
#include "population/stats.h"

static unsigned count_char(const char *s, char c)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

Test(pop_stats, header_has_the_thesis_columns_then_ours)
{
	cr_assert(
	    !strncmp(stats_header,
		     "timestamp_ms,cpu_user,cpu_system,cpu_idle,cpu_total,load_1,load_5,"
		     "load_15,mem_total_kb,mem_used_kb,mem_free_kb,mem_cached_kb,"
		     "swap_total_kb,swap_used_kb,swap_free_kb,swap_cached_kb,pgfault,"
		     "pgmajfault,pgpgin,pgpgout,pswpin,pswpout,vms_running,",
		     strlen("timestamp_ms,cpu_user,cpu_system,cpu_idle,cpu_total,load_1,load_5,"
			    "load_15,mem_total_kb,mem_used_kb,mem_free_kb,mem_cached_kb,"
			    "swap_total_kb,swap_used_kb,swap_free_kb,swap_cached_kb,pgfault,"
			    "pgmajfault,pgpgin,pgpgout,pswpin,pswpout,vms_running,")),
	    "%s", stats_header);
	cr_assert(strstr(stats_header, "guests_booted,guests_failed,guests_finished"));
	cr_assert(strstr(stats_header, "exits_per_s"));
	cr_assert(strstr(stats_header, "vcpu_cpu_s"));
	cr_assert(strstr(stats_header, "rss_kb,pss_kb"));
	cr_assert(strstr(stats_header, "ksm_saved_kb"));
}

Test(pop_stats, row_from_two_points)
{
	struct stats_point a = {0}, b = {0};
	a.mono_ns = 10000000000ull;
	b.mono_ns = 12000000000ull; /* two seconds later */
	b.wall_ms = 1700000000123ll;
	a.host.cpu = (struct cpu_times){.user = 100, .system = 50, .idle = 800};
	b.host.cpu = (struct cpu_times){.user = 230,
					.nice = 20,
					.system = 90,
					.irq = 5,
					.softirq = 5,
					.idle = 1550,
					.iowait = 50};
	b.host.load = (struct load_avg){0.5, 0.25, 0.1};
	b.host.mem = (struct mem_info){.total = 1000,
				       .free = 600,
				       .available = 700,
				       .cached = 100,
				       .swap_total = 50,
				       .swap_free = 40,
				       .swap_cached = 1};
	b.host.vm =
	    (struct vm_counters){.pgfault = 2000, .pgmajfault = 1, .pgpgin = 4, .pgpgout = 8};
	a.pop = (struct pop_counters){.exits = 100, .vcpu_ns = 1500000000ull};
	b.pop = (struct pop_counters){.running = 3,
				      .paused = 1,
				      .booted = 5,
				      .failed = 1,
				      .finished = 1,
				      .exits = 400,
				      .vcpu_ns = 2500000000ull,
				      .rss_kb = 1234,
				      .pss_kb = 999};
	char row[1024];
	int n = stats_format_row(row, sizeof(row), &a, &b);
	cr_assert_gt(n, 0);
	cr_assert_str_eq(row, "1700000000123,15.00,5.00,80.00,20.00,0.50,0.25,0.10,"
			      "1000,400,600,100,50,10,40,1,"
			      "1000.00,0.50,2.00,4.00,0.00,0.00,"
			      "3,5,1,1,1,150.0,2.500,50.00,1234,999,0");
	cr_assert_eq(count_char(row, ','), count_char(stats_header, ','),
		     "as many fields as the header");
	cr_assert_eq(stats_format_row(row, 20, &a, &b), -ENOSPC);
}

Test(pop_stats, counters_that_go_backwards_read_as_zero)
{
	struct stats_point a = {0}, b = {0};
	a.mono_ns = 2;
	b.mono_ns = 1000000002;
	a.host.vm.pgfault = 50;
	a.pop.exits = 10;
	char row[1024];
	cr_assert_gt(stats_format_row(row, sizeof(row), &a, &b), 0);
	cr_assert(strstr(row, ",0.00,0.00,0.00,0.00,0.00,0.00,"), "%s", row);
	cr_assert_eq(stats_format_row(row, sizeof(row), &b, &b), (int)strlen(row),
		     "a zero interval divides by nothing");
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(pop_stats, rows_are_on_disk_as_soon_as_written)
{
	char path[] = "/tmp/tinyvmm-csv-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	struct csv_file f;
	cr_assert_eq(csv_open(&f, path, "a,b"), 0);
	cr_assert_str_eq(slurp(path), "a,b\n");
	cr_assert_eq(csv_write_row(&f, "1,2", 3), 0);
	/* still open: what a SIGKILL now would leave */
	cr_assert_str_eq(slurp(path), "a,b\n1,2\n");
	char big[3000];
	memset(big, 'x', sizeof(big));
	cr_assert_eq(csv_write_row(&f, big, sizeof(big)), 0, "rows beyond the stack buffer");
	cr_assert_eq(f.rows, 2);
	csv_close(&f);
	cr_assert_eq(strlen(slurp(path)), 4 + 4 + sizeof(big) + 1);
	unlink(path);
	cr_assert_eq(csv_open(&f, "/nonexistent-dir/x.csv", "a"), -ENOENT);
}

Test(pop_stats, write_errors_are_kept)
{
	struct csv_file f;
	cr_assert_eq(csv_open(&f, "/dev/full", "a,b"), -ENOSPC);
	int fd = open("/dev/null", O_RDONLY);
	f = (struct csv_file){.fd = fd, .path = "ro"};
	cr_assert_lt(csv_write_row(&f, "1", 1), 0);
	cr_assert_eq(f.error, EBADF);
	cr_assert_eq(csv_write_row(&f, "1", 1), -EBADF, "later rows are refused too");
	cr_assert_eq(f.rows, 0);
	csv_close(&f);
}

Test(pop_stats, fields_are_quoted_only_when_needed)
{
	char buf[64];
	size_t pos = 0;
	cr_assert_eq(csv_field(buf, sizeof(buf), &pos, "plain"), 0);
	cr_assert_eq(csv_field(buf, sizeof(buf), &pos, ",a \"b\"\n"), 0);
	cr_assert_str_eq(buf, "plain\",a \"\"b\"\"\n\"");
	pos = 0;
	cr_assert_eq(csv_field(buf, 4, &pos, "toolong"), -ENOSPC);
	cr_assert_eq(strlen(buf), 3, "a NUL-terminated prefix");
}

static struct pop_guest *ended_guest(void)
{
	static struct pop_guest g;
	cr_assert_eq(guest_init(&g, 6, 1, GUEST_L4, 7), 0);
	g.launch_ns = 1000000000ull;
	g.launch_wall_ms = 1700000000000ll;
	guest_on_report(&g, 1250000000ull, REPORT_KERNEL_UP, 0);
	guest_on_report(&g, 1300500000ull, REPORT_APP_START, REPORT_APP_PATTERN);
	guest_on_report(&g, 2300000000ull, REPORT_LAP, 1);
	guest_on_report(&g, 3300250000ull, REPORT_LAP, 2);
	guest_on_report(&g, 3400000000ull, REPORT_APP_DONE, 2);
	guest_on_report(&g, 3400000001ull, REPORT_RESULT, 77);
	g.end_ns = 3500000000ull;
	g.state = GUEST_ENDED;
	g.result = (struct vm_result){.end = VM_END_POWEROFF};
	snprintf(g.result.message, sizeof(g.result.message), "guest powered off");
	g.exits = 321;
	g.cpu_ns = 45000000;
	atomic_store(&g.serial_bytes, 99);
	return &g;
}

Test(pop_results, row_of_an_ended_guest)
{
	struct pop_guest *g = ended_guest();
	char row[RESULTS_ROW_MAX];
	int n = results_format_row(row, sizeof(row), g, "app=pattern pattern=B");
	cr_assert_gt(n, 0);
	char want[2048];
	snprintf(want, sizeof(want),
		 "%s,l4_7,l4,2,app=pattern pattern=B,1700000000000,250.000,300.500,2400.000,"
		 "2500.000,2,1300.000;2300.250,77,0,0,poweroff,,321,45,99,0,guest powered off",
		 g->uuid);
	cr_assert_str_eq(row, want);
	cr_assert_eq(count_char(row, ','), count_char(results_header, ','));
	guest_fini(g);
}

Test(pop_results, row_of_a_guest_never_started)
{
	struct pop_guest g;
	cr_assert_eq(guest_init(&g, 0, 0, GUEST_TCL, 1), 0);
	g.state = GUEST_NOT_STARTED;
	snprintf(g.fail_msg, sizeof(g.fail_msg), "not started: admission control: load, high");
	char row[RESULTS_ROW_MAX];
	cr_assert_gt(results_format_row(row, sizeof(row), &g, NULL), 0);
	char want[2048];
	snprintf(want, sizeof(want),
		 "%s,tcl_1,tcl,1,,,,,,,0,,,0,0,not-started,,0,0,0,0,"
		 "\"not started: admission control: load, high\"",
		 g.uuid);
	cr_assert_str_eq(row, want);
	guest_fini(&g);
}

Test(pop_results, laps_beyond_the_kept_ones_are_counted)
{
	struct pop_guest g;
	cr_assert_eq(guest_init(&g, 0, 0, GUEST_L4, 1), 0);
	for (unsigned i = 0; i < GUEST_LAPS_KEPT + 10; i++)
		guest_on_report(&g, 1000000ull * (i + 1), REPORT_LAP, i + 1);
	cr_assert_eq(g.ms.laps, GUEST_LAPS_KEPT + 10);
	cr_assert_eq(g.ms.nkept, GUEST_LAPS_KEPT);
	char *row = malloc(RESULTS_ROW_MAX);
	cr_assert_gt(results_format_row(row, RESULTS_ROW_MAX, &g, NULL), 0);
	cr_assert_eq(count_char(row, ';'), GUEST_LAPS_KEPT - 1);
	free(row);
	guest_fini(&g);
}

Test(pop_results, names_and_uuids)
{
	struct pop_guest a, b;
	cr_assert_eq(guest_init(&a, 0, 0, GUEST_L4, 1234), 0);
	cr_assert_eq(guest_init(&b, 1, 0, GUEST_TCL, 100000), 0);
	cr_assert_str_eq(a.name, "l4_1234");
	cr_assert_leq(strlen(b.name) + 2, 15, "NAME/0 fits a thread name");
	cr_assert_eq(strlen(a.uuid), 36);
	cr_assert_str_neq(a.uuid, b.uuid);
	guest_fini(&a);
	guest_fini(&b);
}
