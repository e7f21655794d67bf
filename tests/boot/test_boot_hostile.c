/* Boot tests with hostile guests (tests/guests/hostile.asm, hostile_bios.asm): tinyvmm outlives
 * them and their quiet neighbours finish right. */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"
#include "tests/support/tier.h"

#define QUIET	 6
#define LAPS	 "3"
#define FIB_LINE "fib(20) = 10946" /* the apps' fib: fib(0) = fib(1) = 1 */

/* The hostile members: the mode on their command line, and how each may end. */
static const struct {
	const char *mode;
	const char *opts; /* extra group options */
	const char *ends; /* acceptable "end" values, '|' separated */
} hostile[] = {
    {"ports", "", "stopped"}, {"serial", "", "stopped"},       {"report", "", "stopped"},
    {"mmio", "", "stopped"},  {"memtouch", "-m 8", "stopped"}, {"triple", "", "crash"},
    {"emul", "", "crash"},    {"reset", "", "reset"},	       {"smp", "--smp 8", "stopped"},
};
#define HOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

/* Field `col` of a CSV row whose fields before it hold no commas. */
static const char *field(const char *row, unsigned col, char *buf, size_t size)
{
	for (unsigned i = 0; i < col && row; i++) {
		row = strchr(row, ',');
		row = row ? row + 1 : NULL;
	}
	if (!row)
		return "";
	size_t len = strcspn(row, ",\n");
	snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), row);
	return buf;
}

static unsigned column(const char *header, const char *name)
{
	char buf[64];
	for (unsigned i = 0; i < 64; i++)
		if (!strcmp(field(header, i, buf, sizeof(buf)), name))
			return i;
	cr_assert_fail("no column %s", name);
	return 0;
}

static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * make test's hostile population: six L4 guests running an app next to one guest of every
 * hostile kind (and a BIOS attacker from a floppy) for 40 s. tinyvmm must end cleanly, the
 * quiet guests must finish with the right answers, every hostile one must end alone the way
 * its attack ends, and tinyvmm's RSS must stay inside what its guests were given.
 */
Test(boot_hostile, a_population_with_hostile_members_survives_and_its_quiet_guests_finish)
{
	TIER_REQUIRE(TIER_KVM);
	char ks[PATH_MAX], k[PATH_MAX], s0[PATH_MAX], rt[PATH_MAX], hg[PATH_MAX], hb[PATH_MAX];
	char dir[PATH_MAX], spec[16384], path[2 * PATH_MAX];
	if (harness_build_path(ks, sizeof(ks), "guests/l4/kickstart") || access(ks, R_OK))
		cr_skip_test("build/guests/l4 is missing (make guests builds it)");
	cr_assert_eq(harness_build_path(k, sizeof(k), "guests/l4/x86-kernel"), 0);
	cr_assert_eq(harness_build_path(s0, sizeof(s0), "guests/l4/sigma0"), 0);
	cr_assert_eq(harness_build_path(rt, sizeof(rt), "guests/l4/roottask"), 0);
	cr_assert_eq(harness_guest_path(hg, sizeof(hg), "hostile"), 0);
	cr_assert_eq(harness_guest_path(hb, sizeof(hb), "hostile_bios"), 0);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);

	int n = snprintf(spec, sizeof(spec),
			 "-t l4 -i %s --initrd %s,%s,%s -n %d --app \"pattern pattern=A n=20 "
			 "sleep=1 laps=" LAPS "\"\n",
			 ks, k, s0, rt, QUIET);
	for (size_t i = 0; i < HOSTILE; i++)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n,
			      "-t l4 -i %s -n 1 --append \"mode=%s\" %s\n", hg, hostile[i].mode,
			      hostile[i].opts);
	n += snprintf(spec + n, sizeof(spec) - (size_t)n, "-t l4 -i %s -n 1 -m 1\n", hb);
	cr_assert_eq(harness_write_file(dir, "hostile.spec", spec, (size_t)n), 0);
	char specpath[PATH_MAX + 16], results[PATH_MAX + 16], stats[PATH_MAX + 16];
	snprintf(specpath, sizeof(specpath), "%s/hostile.spec", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	const char *args[] = {"pop",   "--spec",    specpath, "--duration", "40", "--results",
			      results, "--stats",   stats,    "--interval", "1",  "--logs",
			      dir,     "--log-cap", "64K",    NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, 240, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm");
	char how[96];
	cr_assert_eq(r.status, 0, "tinyvmm pop %s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(!strstr(r.err, "seccomp"), "a filter trapped:\n%s", r.err);

	char *text = slurp(results);
	cr_assert(text, "no results");
	char *nl = strchr(text, '\n');
	cr_assert(nl);
	*nl = 0;
	unsigned c_name = column(text, "name"), c_end = column(text, "end"),
		 c_laps = column(text, "laps");
	unsigned rows = 0, quiet_ok = 0;
	for (char *row = nl + 1; *row; rows++) {
		char *end = strchr(row, '\n');
		cr_assert(end);
		*end = 0;
		char name[32], how_end[32], laps[16];
		field(row, c_name, name, sizeof(name));
		field(row, c_end, how_end, sizeof(how_end));
		field(row, c_laps, laps, sizeof(laps));
		unsigned idx = (unsigned)atoi(strchr(name, '_') ? strchr(name, '_') + 1 : "0");
		if (idx >= 1 && idx <= QUIET) {
			cr_expect_str_eq(how_end, "poweroff", "%s: %s", name, row);
			cr_expect_str_eq(laps, LAPS, "%s: %s", name, row);
			snprintf(path, sizeof(path), "%s/%s.log", dir, name);
			char *log = slurp(path);
			cr_expect_eq(count(log, FIB_LINE), 3, "%s's log: %s", name,
				     log ? log : "none");
			quiet_ok += !strcmp(how_end, "poweroff") && count(log, FIB_LINE) == 3;
			free(log);
		} else if (idx > QUIET && idx <= QUIET + HOSTILE) {
			const char *want = hostile[idx - QUIET - 1].ends;
			cr_expect(strstr(want, how_end) && how_end[0],
				  "%s (mode=%s) ended as '%s': %s", name,
				  hostile[idx - QUIET - 1].mode, how_end, row);
		} else {
			/* the BIOS attacker: stopped at the end, or ended alone by a call it broke
			 * itself with -- never "failed" */
			cr_expect(!strcmp(how_end, "stopped") || !strcmp(how_end, "crash"),
				  "%s (BIOS) ended as '%s': %s", name, how_end, row);
		}
		row = end + 1;
	}
	cr_expect_eq(rows, QUIET + HOSTILE + 1, "%u rows", rows);
	cr_expect_eq(quiet_ok, QUIET, "every quiet guest finished with the right answers");
	free(text);

	/* memory: the process never held more than what its guests were given, plus its own */
	text = slurp(stats);
	cr_assert(text);
	nl = strchr(text, '\n');
	*nl = 0;
	unsigned c_rss = column(text, "rss_kb");
	unsigned long max_rss = 0;
	for (char *row = nl + 1; *row;) {
		char *end = strchr(row, '\n');
		if (!end)
			break;
		*end = 0;
		char v[32];
		unsigned long rss = strtoul(field(row, c_rss, v, sizeof(v)), NULL, 10);
		max_rss = rss > max_rss ? rss : max_rss;
		row = end + 1;
	}
	free(text);
	/* RAM given: 6 x 2 MiB, 7 x 2 MiB, 8 MiB, 2 MiB (smp), 1 MiB; 64 MiB for tinyvmm */
	unsigned long budget_kb = (QUIET * 2 + 7 * 2 + 8 + 2 + 1 + 64) * 1024UL;
	cr_expect_gt(max_rss, 0);
	cr_expect_leq(max_rss, budget_kb, "RSS peaked at %lu KiB, budget %lu KiB", max_rss,
		      budget_kb);
	harness_result_free(&r);
	harness_rmdir(dir);
}

/* Under `tinyvmm run` a reset reboots: a guest that resets as soon as it runs is a storm of
 * VM teardowns and rebuilds, which must neither leak nor wedge; SIGTERM ends it cleanly. */
Test(boot_hostile, a_reset_storm_under_run_ends_cleanly_on_sigterm)
{
	TIER_REQUIRE(TIER_KVM);
	char hg[PATH_MAX];
	cr_assert_eq(harness_guest_path(hg, sizeof(hg), "hostile"), 0);
	struct bg_run b = {.args = {"run", "-kernel", hg, "-m", "2", "-append", "mode=reset",
				    "-serial", "none", NULL},
			   .timeout_s = 60};
	bg_start(&b);
	int pid = bg_pid(&b);
	sleep(5);
	/* still there after seconds of reboots, with no more descriptors than a VM needs */
	char fds[64];
	snprintf(fds, sizeof(fds), "/proc/%d/fd", pid);
	cr_expect_eq(access(fds, F_OK), 0, "tinyvmm died in the storm");
	cr_assert_eq(kill(pid, SIGTERM), 0);
	bg_join(&b);
	char how[96];
	cr_expect_eq(b.r.status, 0, "tinyvmm run %s\nstderr:\n%s",
		     harness_describe(&b.r, how, sizeof(how)), b.r.err);
	cr_expect(!strstr(b.r.err, "seccomp"), "%s", b.r.err);
	harness_result_free(&b.r);
}

/* A BIOS attacker on its own, with 1 MiB of RAM so FFFF:xxxx buffers lie past the end. */
Test(boot_hostile, bios_calls_with_garbage_registers_end_at_most_that_guest)
{
	TIER_REQUIRE(TIER_KVM);
	char hb[PATH_MAX];
	cr_assert_eq(harness_guest_path(hb, sizeof(hb), "hostile_bios"), 0);
	struct bg_run b = {.args = {"run", "-fda", hb, "-snapshot", "-m", "1", "-serial", "none",
				    "-no-reboot", NULL},
			   .timeout_s = 60};
	bg_start(&b);
	int pid = bg_pid(&b);
	sleep(8);
	kill(pid, SIGTERM); /* it may have ended by itself already: both are fine */
	bg_join(&b);
	char how[96];
	/* stopped (0), or the guest broke itself (4, a crash with a message); never a VMM death */
	cr_expect(b.r.status == 0 || b.r.status == 4, "tinyvmm run %s\nstderr:\n%s",
		  harness_describe(&b.r, how, sizeof(how)), b.r.err);
	if (b.r.status == 4)
		cr_expect(strstr(b.r.err, "crashed: "), "a crash says why: %s", b.r.err);
	cr_expect(!strstr(b.r.err, "seccomp"), "%s", b.r.err);
	harness_result_free(&b.r);
}
