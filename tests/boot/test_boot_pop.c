/* Boot tests of `tinyvmm pop`: populations, stats, results, admission, control, SIGTERM, input. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

/* images/images.mk makes the write-test disk 4 MiB. */
#define DISK_WRITE_SIZE (4u << 20)

static char *slurp_bytes(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	char *buf = calloc(1, DISK_WRITE_SIZE);
	cr_assert(buf);
	size_t n = fread(buf, 1, DISK_WRITE_SIZE, f);
	fclose(f);
	cr_assert_eq(n, DISK_WRITE_SIZE, "%s is not 4 MiB", path);
	return buf;
}

/* --- the checks of the files ----------------------------------------------------------- */

struct stats_check {
	unsigned rows, full_rows;
};

/* Every row complete; rows where all `n` guests had booted show vms_running = n. */
static struct stats_check check_stats(const char *path, unsigned n)
{
	struct csv_table t;
	csv_load(&t, path);
	cr_assert_str_eq(t.header.f[0], "timestamp_ms");
	cr_assert_str_eq(t.header.f[4], "cpu_total");
	cr_assert(!t.partial, "last stats row cut short: %s", t.partial);
	struct stats_check c = {.rows = t.nrows};
	for (unsigned i = 0; i < t.nrows; i++) {
		cr_assert_eq(t.rows[i].n, t.header.n, "row %u has %u fields, the header %u", i + 1,
			     t.rows[i].n, t.header.n);
		if (csv_num(&t, i, "guests_booted") == n && csv_num(&t, i, "vms_running") == n)
			c.full_rows++;
	}
	csv_free(&t);
	return c;
}

struct results_check {
	unsigned rows;
	char uuids[64][40];
	char end[64][16];
	char laps[64][12];
	char boot[64][16];
	char status[64][8];
};

static struct results_check *check_results(const char *path, unsigned n)
{
	static struct results_check c;
	memset(&c, 0, sizeof(c));
	struct csv_table t;
	csv_load(&t, path);
	cr_assert_str_eq(t.header.f[0], "uuid");
	cr_assert_eq(t.nrows, n, "%u results rows, want %u", t.nrows, n);
	cr_assert(!t.partial, "last results row cut short: %s", t.partial);
	cr_assert_leq(n, 64);
	c.rows = t.nrows;
	for (unsigned i = 0; i < t.nrows; i++) {
		snprintf(c.uuids[i], sizeof(c.uuids[i]), "%s", csv_get(&t, i, "uuid"));
		snprintf(c.end[i], sizeof(c.end[i]), "%s", csv_get(&t, i, "end"));
		snprintf(c.laps[i], sizeof(c.laps[i]), "%s", csv_get(&t, i, "laps"));
		snprintf(c.boot[i], sizeof(c.boot[i]), "%s", csv_get(&t, i, "boot_ms"));
		snprintf(c.status[i], sizeof(c.status[i]), "%s", csv_get(&t, i, "exit_status"));
		cr_assert_eq(strlen(c.uuids[i]), 36, "not a UUID: %s", c.uuids[i]);
		for (unsigned k = 0; k < i; k++)
			cr_assert_str_neq(c.uuids[k], c.uuids[i], "UUID given twice");
	}
	csv_free(&t);
	return &c;
}

/* --- tests ----------------------------------------------------------------------------- */

/* Issue 6's acceptance: 20 L4 guests from the GRUB floppy for 60 s. */
Test(boot_pop, twenty_l4_guests_from_the_floppy_for_a_minute)
{
	TIER_REQUIRE(TIER_KVM);
	char img[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], results[PATH_MAX + 16];
	if (harness_build_path(img, sizeof(img), "images/l4.img") || access(img, R_OK))
		cr_skip_test("build/images/l4.img is missing (make images builds it)");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop",	    "-t", "l4",	     "-i",  img,	 "-n",	  "20",
			      "--duration", "60", "--stats", stats, "--results", results, NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, 240, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 0);
	struct stats_check s = check_stats(stats, 20);
	cr_expect_geq(s.rows, 50, "%u statistics rows in 60 s", s.rows);
	cr_expect_gt(s.full_rows, 0, "no row shows vms_running = 20 once all 20 had booted");
	struct results_check *c = check_results(results, 20);
	for (unsigned i = 0; i < 20; i++) {
		cr_expect_str_eq(c->end[i], "stopped", "guest %u ended as %s", i, c->end[i]);
		cr_expect_str_neq(c->boot[i], "", "guest %u never reported its kernel up", i);
	}
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* The L4 guest booted directly, with an app that ends: every lap and the end are in the results. */
Test(boot_pop, l4_direct_boot_apps_report_laps)
{
	TIER_REQUIRE(TIER_KVM);
	char ks[PATH_MAX], k[PATH_MAX], s0[PATH_MAX], rt[PATH_MAX], dir[PATH_MAX];
	char initrd[4 * PATH_MAX], results[PATH_MAX + 16];
	if (harness_build_path(ks, sizeof(ks), "guests/l4/kickstart") || access(ks, R_OK))
		cr_skip_test("build/guests/l4 is missing (make guests builds it)");
	cr_assert_eq(harness_build_path(k, sizeof(k), "guests/l4/x86-kernel"), 0);
	cr_assert_eq(harness_build_path(s0, sizeof(s0), "guests/l4/sigma0"), 0);
	cr_assert_eq(harness_build_path(rt, sizeof(rt), "guests/l4/roottask"), 0);
	snprintf(initrd, sizeof(initrd), "%s,%s,%s", k, s0, rt);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop",
			      "-t",
			      "l4",
			      "-i",
			      ks,
			      "--initrd",
			      initrd,
			      "-n",
			      "4",
			      "--app",
			      "hello count=3 period=500ms",
			      "--results",
			      results,
			      "--logs",
			      dir,
			      NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 0);
	struct results_check *c = check_results(results, 4);
	for (unsigned i = 0; i < 4; i++) {
		cr_expect_str_eq(c->end[i], "poweroff", "guest %u ended as %s", i, c->end[i]);
		cr_expect_str_eq(c->laps[i], "3", "guest %u reported %s laps", i, c->laps[i]);
	}
	char log[PATH_MAX + 16];
	snprintf(log, sizeof(log), "%s/l4_4.log", dir);
	char *text = pop_slurp(log);
	cr_expect(text && strstr(text, "Count 3"), "l4_4's serial log: %s", text ? text : "none");
	free(text);
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* Test guests that idle forever: --duration ends them; the stats see all of them running. */
Test(boot_pop, idle_guests_run_until_the_duration)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], results[PATH_MAX + 16];
	pop_guest(idle, sizeof(idle), "idle");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop", "-t",	   "l4",    "-i",	  idle,	 "-n",
			      "8",   "--duration", "4",	    "--interval", "0.5", "--stats",
			      stats, "--results",  results, NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 0);
	struct stats_check s = check_stats(stats, 8);
	cr_expect_geq(s.rows, 4, "%u rows", s.rows);
	cr_expect_gt(s.full_rows, 0, "no row with vms_running = 8");
	struct results_check *c = check_results(results, 8);
	for (unsigned i = 0; i < 8; i++)
		cr_expect_str_eq(c->end[i], "stopped");
	cr_expect(strstr(r.err, "8 booted"), "%s", r.err);
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* Guests that end by themselves end the population; their debug-exit status is kept. */
Test(boot_pop, population_ends_when_every_guest_has)
{
	TIER_REQUIRE(TIER_KVM);
	char hello[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16];
	pop_guest(hello, sizeof(hello), "hello");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop", "-t", "l4", "-i",	      hello,   "-m",
			      "4",   "-n", "3",	 "--results", results, NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 0);
	struct results_check *c = check_results(results, 3);
	for (unsigned i = 0; i < 3; i++) {
		cr_expect_str_eq(c->end[i], "debug-exit");
		cr_expect_str_eq(c->status[i], "1", "hello passes: (0 << 1) | 1");
	}
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* bm guests from one IDE disk image whose kernel writes a sector: each writes its own copy. */
Test(boot_pop, guests_share_one_disk_image_copy_on_write)
{
	TIER_REQUIRE(TIER_KVM);
	char img[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16];
	if (harness_build_path(img, sizeof(img), "images/disk-write.img") || access(img, R_OK))
		cr_skip_test("build/images/disk-write.img is missing (make test builds it)");
	char *before = slurp_bytes(img);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop", "-t", "bm", "-i", img, "-n", "3", "--results", results, NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 0);
	struct results_check *c = check_results(results, 3);
	for (unsigned i = 0; i < 3; i++) {
		cr_expect_str_eq(c->end[i], "debug-exit", "guest %u ended as %s", i, c->end[i]);
		cr_expect_str_eq(c->status[i], "1", "guest %u's kernel did not pass", i);
	}
	char *after = slurp_bytes(img);
	cr_expect(!memcmp(before, after, DISK_WRITE_SIZE), "a guest's write reached the image");
	free(before);
	free(after);
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* A memory floor no host can meet: no guest starts, and tinyvmm says why and how many did. */
Test(boot_pop, admission_control_refuses_to_cross_the_floor)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16];
	pop_guest(idle, sizeof(idle), "idle");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	const char *args[] = {"pop", "-t",	   "l4", "-i",	      idle,    "-n",
			      "3",   "--min-free", "1T", "--results", results, NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, POP_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(&r, 6);
	cr_expect(strstr(r.err, "stopped launching after 0 of 3 guests"), "%s", r.err);
	cr_expect(strstr(r.err, "--min-free"), "%s", r.err);
	struct results_check *c = check_results(results, 3);
	for (unsigned i = 0; i < 3; i++)
		cr_expect_str_eq(c->end[i], "not-started");
	harness_result_free(&r);
	harness_rmdir(dir);
}

static bool thread_named(long pid, const char *want)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	DIR *d = opendir(path);
	bool found = false;
	struct dirent *e;
	while (d && !found && (e = readdir(d))) {
		char comm[PATH_MAX], name[32] = "";
		snprintf(comm, sizeof(comm), "%s/%s/comm", path, e->d_name);
		FILE *f = fopen(comm, "r");
		if (f && fgets(name, sizeof(name), f))
			found = !strncmp(name, want, strlen(want)) && name[strlen(want)] == '\n';
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* list, pause, resume and stop through the control socket, as a user would type them. */
Test(boot_pop, list_pause_resume_and_stop_through_the_socket)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], results[PATH_MAX + 16], name[32];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(name, sizeof(name), "ctl%ld", (long)getpid());
	struct bg_run b = {.args = {"pop", "-t", "l4", "-i", idle, "-n", "3", "--name", name,
				    "--results", results, NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	long pid = pop_wait_listed(&b, name);
	cr_expect(thread_named(pid, "l4_1/0"), "no vCPU thread named l4_1/0 in process %ld", pid);

	struct run_result r;
	const char *guests[] = {"list", name, NULL};
	/* guests are listed as soon as the socket is up; wait for the third to run */
	for (int i = 0; i < 100; i++) {
		pop_tinyvmm(&r, guests);
		bool all = harness_out_count(&r, " running ") == 3;
		if (all)
			break;
		harness_result_free(&r);
		sleep_ms(100);
	}
	cr_expect_eq(harness_out_count(&r, " running "), 3, "%s", r.out);
	cr_expect(strstr(r.out, "l4_3"), "%s", r.out);
	harness_result_free(&r);

	const char *pause[] = {"pause", name, "l4_2", NULL};
	pop_tinyvmm(&r, pause);
	pop_expect_status(&r, 0);
	cr_expect(strstr(r.out, "l4_2: paused"), "%s", r.out);
	harness_result_free(&r);
	pop_tinyvmm(&r, guests);
	cr_expect_eq(harness_out_count(&r, " paused "), 1, "%s", r.out);
	harness_result_free(&r);
	const char *resume[] = {"resume", name, NULL};
	pop_tinyvmm(&r, resume);
	pop_expect_status(&r, 0);
	cr_expect(strstr(r.out, "resumed: 1 guests"), "%s", r.out);
	harness_result_free(&r);

	const char *nosuch[] = {"stop", name, "l4_99", NULL};
	pop_tinyvmm(&r, nosuch);
	pop_expect_status(&r, 2);
	cr_expect(strstr(r.out, "l4_99: no such guest"), "%s", r.out);
	harness_result_free(&r);

	const char *stop1[] = {"stop", name, "l4_1", NULL};
	pop_tinyvmm(&r, stop1);
	pop_expect_status(&r, 0);
	harness_result_free(&r);
	for (int i = 0; i < 100; i++) {
		pop_tinyvmm(&r, guests);
		bool gone = harness_out_count(&r, " stopped ") == 1;
		harness_result_free(&r);
		if (gone)
			break;
		sleep_ms(100);
	}
	const char *stop[] = {"stop", name, NULL};
	pop_tinyvmm(&r, stop);
	pop_expect_status(&r, 0);
	harness_result_free(&r);
	bg_join(&b);
	pop_expect_status(&b.r, 0);
	struct results_check *c = check_results(results, 3);
	for (unsigned i = 0; i < 3; i++)
		cr_expect_str_eq(c->end[i], "stopped");

	const char *list[] = {"list", NULL};
	pop_tinyvmm(&r, list);
	cr_expect(!strstr(r.out, name), "the socket outlived its population:\n%s", r.out);
	harness_result_free(&r);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

/* Bad input is refused with status 2 and one line, before any guest (or file) is made. */
static void refused(const char *const args[], const char *needle, const char *no_file)
{
	struct run_result r;
	pop_tinyvmm(&r, args);
	pop_expect_status(&r, 2);
	const char *nl = strchr(r.err, '\n');
	cr_expect(nl && !nl[1], "stderr is not one line:\n%s", r.err);
	cr_expect(strstr(r.err, needle), "stderr does not name %s:\n%s", needle, r.err);
	if (no_file)
		cr_expect(access(no_file, F_OK) != 0, "%s was created", no_file);
	harness_result_free(&r);
}

/* Needs no KVM: input is checked before /dev/kvm is opened. */
Test(boot_pop, bad_input_is_refused_before_anything_starts)
{
	char idle[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], spec[PATH_MAX + 16];
	char bad_stats[PATH_MAX + 32], missing[PATH_MAX + 16];
	pop_guest(idle, sizeof(idle), "idle");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(spec, sizeof(spec), "%s/p.spec", dir);
	snprintf(bad_stats, sizeof(bad_stats), "%s/no-such-dir/s.csv", dir);
	snprintf(missing, sizeof(missing), "%s/missing.img", dir);

	const char *n0[] = {"pop", "-t", "l4", "-i", idle, "-n", "0", "--stats", stats, NULL};
	refused(n0, "-n '0'", stats);
	const char *type[] = {"pop", "-t", "xen", "-i", idle, "-n", "2", "--stats", stats, NULL};
	refused(type, "unknown type", stats);
	const char *image[] = {"pop", "-t", "l4", "-i", missing, "-n", "2", "--stats", stats, NULL};
	refused(image, missing, stats);
	const char *unwritable[] = {"pop", "-t", "l4",	    "-i",      idle,
				    "-n",  "2",	 "--stats", bad_stats, NULL};
	refused(unwritable, bad_stats, NULL);
	char text[PATH_MAX + 64];
	int n = snprintf(text, sizeof(text), "-t l4 -i %s -n 2\n-t l4 -i %s -n 2 --bogus 1\n", idle,
			 idle);
	cr_assert_eq(harness_write_file(dir, "p.spec", text, (size_t)n), 0);
	const char *bad_spec[] = {"pop", "--spec", spec, "--stats", stats, NULL};
	char where[PATH_MAX + 32];
	snprintf(where, sizeof(where), "%s:2:", spec);
	refused(bad_spec, where, stats);
	harness_rmdir(dir);
}
