/* Boot tests of `tinyvmm pop` options in small real populations: --stagger, --samples,
 * --overcommit, --max-load and --ksm. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

/* A population run to its end: status `want`, its files in dir (r.csv, s.csv). */
static void pop_run_to_end(const char *const args[], int want, struct run_result *r)
{
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(r, want);
}

/* Guests are launched --stagger apart: launched_ms shows the spacing (generous bounds). */
Test(boot_pop_options, stagger_spaces_the_launches)
{
	TIER_REQUIRE(TIER_KVM);
	char hello[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16];
	pop_guest(hello, sizeof(hello), "hello");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop", "-t", "l4",	"-i",  hello,	    "-m",    "4",
			      "-n",  "4",  "--stagger", "0.5", "--results", results, NULL};
	struct run_result r;
	pop_run_to_end(args, 0, &r);
	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 4);
	double prev = 0;
	for (unsigned k = 1; k <= 4; k++) {
		char name[8];
		snprintf(name, sizeof(name), "l4_%u", k);
		unsigned i = csv_find(&t, "name", name);
		cr_expect_str_eq(csv_get(&t, i, "end"), "debug-exit", "%s", name);
		double at = csv_num(&t, i, "launched_ms");
		if (k > 1)
			cr_expect(at - prev >= 450 && at - prev <= 2000,
				  "%s launched %.0f ms after the one before (--stagger 0.5)", name,
				  at - prev);
		prev = at;
	}
	csv_free(&t);
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* --samples N without --duration: exactly N statistics rows, then every guest is stopped. */
Test(boot_pop_options, samples_ends_after_n_rows)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], results[PATH_MAX + 16];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop", "-t",	  "l4",	   "-i",	 idle,	"-n",
			      "2",   "--stats",	  stats,   "--interval", "0.2", "--samples",
			      "5",   "--results", results, NULL};
	struct run_result r;
	pop_run_to_end(args, 0, &r);
	cr_expect(strstr(r.err, "(--samples rows written)"), "%s", r.err);
	struct csv_table t;
	csv_load(&t, stats);
	cr_expect_eq(t.nrows, 5, "%u statistics rows for --samples 5", t.nrows);
	cr_expect_eq(csv_num(&t, t.nrows - 1, "guests_booted"), 2);
	csv_free(&t);
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 2);
	for (unsigned i = 0; i < 2; i++) {
		cr_expect_str_eq(csv_get(&t, i, "end"), "stopped");
		cr_expect_str_eq(csv_get(&t, i, "message"), "--samples rows written");
	}
	csv_free(&t);
	harness_result_free(&r);
	harness_rmdir(dir);
}

static unsigned long long mem_available_kb(void)
{
	char *text = pop_slurp("/proc/meminfo");
	cr_assert(text);
	const char *p = strstr(text, "MemAvailable:");
	cr_assert(p, "no MemAvailable in /proc/meminfo");
	unsigned long long kb = strtoull(p + 13, NULL, 10);
	free(text);
	return kb;
}

/* The results' ends: how many guests were stopped and how many not started. */
static void count_ends(const char *results, unsigned *stopped, unsigned *not_started)
{
	struct csv_table t;
	csv_load(&t, results);
	*stopped = *not_started = 0;
	for (unsigned i = 0; i < t.nrows; i++) {
		*stopped += !strcmp(csv_get(&t, i, "end"), "stopped");
		*not_started += !strcmp(csv_get(&t, i, "end"), "not-started");
	}
	csv_free(&t);
}

/*
 * Four idle guests of R MiB each (R = MemAvailable / 8) against --min-free MemAvailable -
 * 2.4 R. Without --overcommit every running guest counts all of its RAM: the third would
 * need about 3 R, so two start. With it only touched RAM counts (an idle guest touches
 * next to nothing): all four start.
 */
Test(boot_pop_options, overcommit_admits_what_untouched_ram_would_refuse)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16], ram[32], floor_[32];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	unsigned long long avail_mib = mem_available_kb() >> 10;
	unsigned long long r_mib = avail_mib / 8 > 256 ? 256 : avail_mib / 8;
	cr_assert_geq(r_mib, 16, "only %llu MiB available", avail_mib);
	snprintf(ram, sizeof(ram), "%llu", r_mib);
	snprintf(floor_, sizeof(floor_), "%lluM", avail_mib - r_mib * 24 / 10);
	const char *strict[] = {"pop", "-t",	    "l4",    "-i",	   idle,   "-m",
				ram,   "-n",	    "4",     "--min-free", floor_, "--duration",
				"1",   "--results", results, NULL};
	struct run_result r;
	pop_run_to_end(strict, 0, &r);
	unsigned stopped, not_started;
	count_ends(results, &stopped, &not_started);
	cr_expect_eq(stopped, 2, "%u started with -m %s and --min-free %s:\n%s", stopped, ram,
		     floor_, r.err);
	cr_expect_eq(not_started, 2);
	cr_expect(strstr(r.err, "stopped launching after 2 of 4 guests"), "%s", r.err);
	cr_expect(strstr(r.err, "would fall below --min-free"), "%s", r.err);
	harness_result_free(&r);

	const char *overcommit[] = {
	    "pop",	  "-t", "l4",	     "-i",	   idle,   "-m",
	    ram,	  "-n", "4",	     "--min-free", floor_, "--overcommit",
	    "--duration", "1",	"--results", results,	   NULL};
	pop_run_to_end(overcommit, 0, &r);
	count_ends(results, &stopped, &not_started);
	cr_expect_eq(stopped, 4, "%u started with --overcommit:\n%s", stopped, r.err);
	cr_expect_eq(not_started, 0);
	cr_expect(!strstr(r.err, "stopped launching"), "%s", r.err);
	harness_result_free(&r);
	harness_rmdir(dir);
}

static double load_1(void)
{
	char *text = pop_slurp("/proc/loadavg");
	cr_assert(text);
	double v = strtod(text, NULL);
	free(text);
	return v;
}

/* Keeps a CPU busy (a child process) until the 1-minute load reaches `want`, 40 s at most. */
static void raise_load(double want)
{
	if (load_1() >= want)
		return;
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0)
		for (volatile unsigned long i = 0;; i++)
			;
	for (int i = 0; i < 400 && load_1() < want; i++)
		sleep_ms(100);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_geq(load_1(), want, "the load average stayed below %.2f", want);
}

/* Above --max-load nothing starts: status 6, the reason said, every guest not-started. */
Test(boot_pop_options, max_load_refuses_to_launch_with_the_reason)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	raise_load(0.05);
	const char *args[] = {"pop",	    "-t",   "l4",	  "-i", idle,	     "-n",    "2",
			      "--max-load", "0.01", "--duration", "1",	"--results", results, NULL};
	struct run_result r;
	pop_run_to_end(args, 6, &r);
	cr_expect(strstr(r.err, "stopped launching after 0 of 2 guests (0 running): admission "
				"control: the 1-minute load average "),
		  "%s", r.err);
	cr_expect(strstr(r.err, " is above --max-load 0.01\n"), "%s", r.err);
	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 2);
	for (unsigned i = 0; i < 2; i++) {
		cr_expect_str_eq(csv_get(&t, i, "end"), "not-started");
		cr_expect(strstr(csv_get(&t, i, "message"), "is above --max-load 0.01"), "%s",
			  csv_get(&t, i, "message"));
	}
	csv_free(&t);
	harness_result_free(&r);

	/* a limit the load is under: they start */
	const char *high[] = {"pop",	    "-t",   "l4",	  "-i", idle,	     "-n",    "2",
			      "--max-load", "1000", "--duration", "1",	"--results", results, NULL};
	pop_run_to_end(high, 0, &r);
	unsigned stopped, not_started;
	count_ends(results, &stopped, &not_started);
	cr_expect_eq(stopped, 2, "%s", r.err);
	harness_result_free(&r);
	harness_rmdir(dir);
}

static void write_sys(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot open %s: %s", path, strerror(errno));
	fputs(value, f);
	cr_assert_eq(fclose(f), 0, "cannot write %s: %s", path, strerror(errno));
}

static void read_sys(const char *path, char *buf, size_t size)
{
	char *text = pop_slurp(path);
	cr_assert(text, "cannot read %s (does this kernel have KSM?)", path);
	snprintf(buf, size, "%s", text);
	free(text);
}

#define KSM "/sys/kernel/mm/ksm/"

/*
 * Three fill guests write the same 8 MiB pattern; with --ksm and KSM running, the stats'
 * ksm_saved_kb (pages_sharing) climbs to megabytes and never exceeds the host's memory.
 * Without --ksm the column stays 0. Root: KSM is started for the test and put back after.
 */
Test(boot_pop_options, ksm_saved_kb_shows_the_merged_guest_pages, .timeout = 240)
{
	TIER_REQUIRE(TIER_KVM | TIER_ROOT);
	char fill[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], run0[16], scan0[16], sleep0[16];
	pop_guest(fill, sizeof(fill), "fill");
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	read_sys(KSM "run", run0, sizeof(run0));
	read_sys(KSM "pages_to_scan", scan0, sizeof(scan0));
	read_sys(KSM "sleep_millisecs", sleep0, sizeof(sleep0));
	write_sys(KSM "pages_to_scan", "4000");
	write_sys(KSM "sleep_millisecs", "20");
	write_sys(KSM "run", "1");
	const char *args[] = {"pop",	    "-t",  "l4",	 "-i",	  fill,	     "-m",
			      "16",	    "-n",  "3",		 "--ksm", "--stats", stats,
			      "--interval", "0.5", "--duration", "10",	  NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	write_sys(KSM "run", run0);
	write_sys(KSM "pages_to_scan", scan0);
	write_sys(KSM "sleep_millisecs", sleep0);
	cr_assert_eq(err, 0);
	pop_expect_status(&r, 0);
	struct csv_table t;
	csv_load(&t, stats);
	cr_assert_geq(t.nrows, 10);
	double most = 0;
	for (unsigned i = 0; i < t.nrows; i++) {
		double saved = csv_num(&t, i, "ksm_saved_kb");
		cr_expect(saved >= 0 && saved <= csv_num(&t, i, "mem_total_kb"), "row %u: %.0f kB",
			  i + 1, saved);
		most = saved > most ? saved : most;
	}
	/* 3 x 8 MiB of one pattern: 6144 pages that can share one; ask for a sixth of it */
	cr_expect_geq(most, 4096, "KSM saved at most %.0f kB", most);
	csv_free(&t);
	harness_result_free(&r);

	const char *plain[] = {"pop", "-t",	   "l4", "-i",	    fill,  "-m",
			       "16",  "-n",	   "1",	 "--stats", stats, "--interval",
			       "0.2", "--samples", "3",	 NULL};
	pop_run_to_end(plain, 0, &r);
	csv_load(&t, stats);
	for (unsigned i = 0; i < t.nrows; i++)
		cr_expect_eq(csv_num(&t, i, "ksm_saved_kb"), 0, "without --ksm, row %u", i + 1);
	csv_free(&t);
	harness_result_free(&r);
	harness_rmdir(dir);
}
