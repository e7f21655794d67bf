/* Boot tests of mixed populations (--spec): a guest that crashes among healthy ones; l4, tcl, bm
 * and a test guest side by side. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

/* The spec's text in dir/p.spec; its path in `spec`. */
static void write_spec(const char *dir, char *spec, size_t size, const char *text)
{
	snprintf(spec, size, "%s/p.spec", dir);
	cr_assert_eq(harness_write_file(dir, "p.spec", text, strlen(text)), 0);
}

/* Runs `tinyvmm pop --spec SPEC --results RESULTS` to its end, status 0. */
static void run_spec(const char *spec, const char *results, unsigned timeout_s,
		     struct run_result *r)
{
	const char *args[] = {"pop", "--spec", spec, "--results", results, NULL};
	int err = harness_run_tinyvmm(args, NULL, timeout_s, r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	pop_expect_status(r, 0);
}

/* A guest that ends with PASS: debug-exit, status 1, and `laps` LAP reports. */
static void expect_passed(const struct csv_table *t, const char *name, unsigned laps)
{
	unsigned i = csv_find(t, "name", name);
	cr_expect_str_eq(csv_get(t, i, "end"), "debug-exit", "%s", name);
	cr_expect_str_eq(csv_get(t, i, "exit_status"), "1", "%s did not pass", name);
	cr_expect_eq(csv_num(t, i, "laps"), laps, "%s", name);
	cr_expect_str_eq(csv_get(t, i, "message"), "guest wrote to the debug-exit port", "%s",
			 name);
}

/* A triple fault ends that guest alone, as a crash with its message; its neighbours finish. */
Test(boot_pop_mixed, a_guest_that_crashes_ends_alone)
{
	TIER_REQUIRE(TIER_KVM);
	char triple[PATH_MAX], ticker[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX + 16];
	char results[PATH_MAX + 16], *text = NULL;
	pop_guest(triple, sizeof(triple), "triple");
	pop_guest(ticker, sizeof(ticker), "pit_laps");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	/* the ticker's 8 laps of 0.25 s outlast the crash, which comes at once */
	cr_assert_gt(asprintf(&text,
			      "-t l4 -i %s -n 1 --app 'div=11932 ticks=25 laps=8'\n"
			      "-t l4 -i %s -n 1 -m 8\n"
			      "-t l4 -i %s -n 1 --app 'div=11932 ticks=25 laps=8'\n",
			      ticker, triple, ticker),
		     0);
	write_spec(dir, spec, sizeof(spec), text);
	free(text);
	struct run_result r;
	run_spec(spec, results, POP_TIMEOUT_S, &r);
	cr_expect(strstr(r.err, "l4_2 crashed: "), "the crash is not reported:\n%s", r.err);
	cr_expect(strstr(r.err, "3 guests: 3 booted, 1 failed, 2 finished"), "%s", r.err);

	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 3, "%u results rows", t.nrows);
	unsigned c = csv_find(&t, "name", "l4_2");
	cr_expect_str_eq(csv_get(&t, c, "end"), "crash");
	cr_expect_str_eq(csv_get(&t, c, "exit_status"), "");
	cr_expect(strstr(csv_get(&t, c, "message"), "triple fault"), "crash message: '%s'",
		  csv_get(&t, c, "message"));
	cr_expect_gt(csv_num(&t, c, "serial_bytes"), 0, "the crashed guest never ran");
	expect_passed(&t, "l4_1", 9);
	expect_passed(&t, "l4_3", 9);
	csv_free(&t);
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* What tests/boot/test_boot_tcl.c boots tcl with (the kvm_pvm arguments are harmless elsewhere). */
#define TCL_APPEND                                                                                 \
	"console=ttyS0 panic=-1 reboot=k noxsave clearcpuid=308,151,141 rodata=off base "          \
	"norestore text superuser nodhcp nortc tinyvmm.app=hello"

/* $TINYVMM_BUILD/rel, asserting it was built. */
static void built(char *buf, size_t size, const char *rel)
{
	cr_assert_eq(harness_build_path(buf, size, rel), 0);
	cr_assert_eq(access(buf, R_OK), 0, "%s is missing (make guests / make images build it)",
		     buf);
}

/*
 * One population of four groups: L4 by direct boot running hello, tcl (Linux) running hello
 * with the host's arguments, bm from the write-test disk, and the pit_laps test guest.
 * Every row is checked: type, group, app, its reports and how it ended.
 */
Test(boot_pop_mixed, l4_tcl_bm_and_a_test_guest_in_one_spec, .timeout = 400)
{
	TIER_REQUIRE(TIER_KVM_USERSPACE);
	char ks[PATH_MAX], k[PATH_MAX], s0[PATH_MAX], rt[PATH_MAX], vmlinux[PATH_MAX];
	char core[PATH_MAX], disk[PATH_MAX], ticker[PATH_MAX], dir[PATH_MAX];
	char spec[PATH_MAX + 16], results[PATH_MAX + 16];
	built(ks, sizeof(ks), "guests/l4/kickstart");
	built(k, sizeof(k), "guests/l4/x86-kernel");
	built(s0, sizeof(s0), "guests/l4/sigma0");
	built(rt, sizeof(rt), "guests/l4/roottask");
	built(vmlinux, sizeof(vmlinux), "guests/tcl/vmlinux");
	built(core, sizeof(core), "guests/tcl/core.gz");
	built(disk, sizeof(disk), "images/disk-write.img");
	pop_guest(ticker, sizeof(ticker), "pit_laps");
	pop_control_dir(dir, sizeof(dir));
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	char *text = NULL;
	int n = asprintf(&text,
			 "# four groups, three types\n"
			 "-t l4 -i %s --initrd '%s,%s,%s' -n 2 --app 'hello count=2 period=500ms'\n"
			 "-t tcl -i %s --initrd %s --append '%s' -n 1 "
			 "--app 'hello count=2 period=500ms'\n"
			 "-t bm -i %s -n 1\n"
			 "-t l4 -i %s -n 1 --app 'div=11932 ticks=25 laps=4'\n",
			 ks, k, s0, rt, vmlinux, core, TCL_APPEND, disk, ticker);
	cr_assert_gt(n, 0);
	write_spec(dir, spec, sizeof(spec), text);
	free(text);
	struct run_result r;
	run_spec(spec, results, 360, &r);
	cr_expect(strstr(r.err, "5 guests: 5 booted, 0 failed, 5 finished"), "%s", r.err);

	struct csv_table t;
	csv_load(&t, results);
	cr_assert_eq(t.nrows, 5, "%u results rows", t.nrows);
	static const struct {
		const char *name, *type, *group, *app, *end, *laps;
	} want[] = {
	    {"l4_1", "l4", "1", "app=hello count=2 period=500ms", "poweroff", "2"},
	    {"l4_2", "l4", "1", "app=hello count=2 period=500ms", "poweroff", "2"},
	    {"tcl_1", "tcl", "2", "app=hello count=2 period=500ms", "poweroff", "2"},
	    {"bm_1", "bm", "3", "", "debug-exit", "0"},
	    {"l4_3", "l4", "4", "div=11932 ticks=25 laps=4", "debug-exit", "5"},
	};
	for (unsigned w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		unsigned i = csv_find(&t, "name", want[w].name);
		const char *who = want[w].name;
		cr_expect_str_eq(csv_get(&t, i, "type"), want[w].type, "%s", who);
		cr_expect_str_eq(csv_get(&t, i, "group"), want[w].group, "%s", who);
		cr_expect_str_eq(csv_get(&t, i, "app"), want[w].app, "%s", who);
		cr_expect_str_eq(csv_get(&t, i, "end"), want[w].end, "%s", who);
		cr_expect_str_eq(csv_get(&t, i, "laps"), want[w].laps, "%s", who);
		cr_expect_eq(strlen(csv_get(&t, i, "uuid")), 36, "%s", who);
		cr_expect_gt(csv_num(&t, i, "launched_ms"), 1.6e12, "%s", who);
		cr_expect_gt(csv_num(&t, i, "exits"), 0, "%s", who);
		cr_expect_gt(csv_num(&t, i, "serial_bytes"), 0, "%s", who);
		if (!strcmp(want[w].end, "debug-exit"))
			cr_expect_str_eq(csv_get(&t, i, "exit_status"), "1", "%s failed", who);
		if (strcmp(want[w].type, "bm")) /* the bm disk's kernel sends no reports */
			cr_expect_neq(csv_get(&t, i, "boot_ms")[0], '\0', "%s never booted", who);
		if (!strcmp(want[w].laps, "2")) { /* hello: app start, two laps, app done */
			cr_expect_neq(csv_get(&t, i, "app_start_ms")[0], '\0', "%s", who);
			cr_expect_neq(csv_get(&t, i, "app_end_ms")[0], '\0', "%s", who);
			cr_expect_eq(strchr(csv_get(&t, i, "lap_ms"), ';') != NULL, 1,
				     "%s: lap_ms '%s'", who, csv_get(&t, i, "lap_ms"));
		}
	}
	csv_free(&t);
	harness_result_free(&r);
	harness_rmdir(dir);
}
