/* Boot tests of signals to `tinyvmm pop`: SIGINT and SIGTERM stop it in order, SIGKILL loses at
 * most the row being written. */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "population/results.h"
#include "population/stats.h"
#include "tests/boot/pop_run.h"

/* Waits until `path` holds at least `lines` lines (header included). */
static void wait_lines(const char *path, unsigned lines)
{
	unsigned have = 0;
	for (int i = 0; i < 300; i++) {
		char *text = pop_slurp(path);
		have = pop_count_lines(text);
		free(text);
		if (have >= lines)
			return;
		sleep_ms(100);
	}
	cr_assert_fail("%s reached %u lines, not %u", path, have, lines);
}

/* Every guest stopped because of `sig`, both files complete, exit 0. */
static void signal_stops_and_flushes(int sig, const char *signame)
{
	TIER_REQUIRE(TIER_KVM);
	char idle[PATH_MAX], dir[PATH_MAX], stats[PATH_MAX + 16], results[PATH_MAX + 16];
	char name[32], said[64];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(name, sizeof(name), "sig%d_%ld", sig, (long)getpid());
	struct bg_run b = {.args = {"pop", "-t", "l4", "-i", idle, "-n", "4", "--name", name,
				    "--stats", stats, "--interval", "0.2", "--results", results,
				    NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	long pid = pop_wait_listed(&b, name);
	wait_lines(stats, 4);
	cr_assert_eq(kill((pid_t)pid, sig), 0);
	bg_join(&b);
	pop_expect_status(&b.r, 0);
	snprintf(said, sizeof(said), "%s: stopping 4 guests", signame);
	cr_expect(strstr(b.r.err, said), "no '%s' in:\n%s", said, b.r.err);
	snprintf(said, sizeof(said), "4 booted, 0 failed, 4 finished, 0 not started");
	cr_expect(strstr(b.r.err, said), "no '%s' in:\n%s", said, b.r.err);

	struct csv_table t;
	csv_load(&t, stats);
	cr_expect(!t.partial, "the last stats row is cut short: %s", t.partial);
	cr_expect_geq(t.nrows, 3, "%u stats rows", t.nrows);
	for (unsigned i = 0; i < t.nrows; i++)
		cr_expect_eq(t.rows[i].n, t.header.n, "stats row %u is not whole", i + 1);
	csv_free(&t);
	csv_load(&t, results);
	cr_expect(!t.partial, "the last results row is cut short: %s", t.partial);
	cr_assert_eq(t.nrows, 4, "%u results rows", t.nrows);
	for (unsigned i = 0; i < 4; i++) {
		cr_expect_str_eq(csv_get(&t, i, "end"), "stopped", "row %u", i + 1);
		cr_expect_str_eq(csv_get(&t, i, "message"), signame, "row %u", i + 1);
	}
	csv_free(&t);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

Test(boot_pop_signals, sigterm_stops_and_flushes)
{
	signal_stops_and_flushes(SIGTERM, "SIGTERM");
}

Test(boot_pop_signals, sigint_stops_and_flushes)
{
	signal_stops_and_flushes(SIGINT, "SIGINT");
}

/* The header exactly, every line but the last whole, the last whole or a cut-short row. */
static struct csv_table *check_after_kill(struct csv_table *t, const char *path, const char *header)
{
	char *text = pop_slurp(path);
	cr_assert(text, "no %s", path);
	size_t hlen = strlen(header);
	cr_expect(!strncmp(text, header, hlen) && text[hlen] == '\n',
		  "%s does not start with its header line:\n%.300s", path, text);
	free(text);
	csv_load(t, path);
	for (unsigned i = 0; i < t->nrows; i++)
		cr_expect_eq(t->rows[i].n, t->header.n, "%s: row %u has %u fields, not %u", path,
			     i + 1, t->rows[i].n, t->header.n);
	if (t->partial) {
		/* a row cut short has no more fields than a whole one (a quote may be open) */
		struct csv_row r;
		if (csv_split(t->partial, &r) == 0) {
			cr_expect_leq(r.n, t->header.n, "%s: the cut row: %s", path, t->partial);
			csv_row_free(&r);
		}
	}
	return t;
}

/*
 * SIGKILL while guests end and rows are written: both files still parse. Four guests end
 * at once (their rows go out as they do), two run on; statistics every 50 ms.
 */
Test(boot_pop_signals, sigkill_loses_at_most_the_row_being_written)
{
	TIER_REQUIRE(TIER_KVM);
	char hello[PATH_MAX], ticker[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX + 16];
	char stats[PATH_MAX + 16], results[PATH_MAX + 16], name[32], text[2 * PATH_MAX + 128];
	pop_guest(hello, sizeof(hello), "hello");
	pop_guest(ticker, sizeof(ticker), "pit_laps");
	pop_control_dir(dir, sizeof(dir));
	snprintf(spec, sizeof(spec), "%s/p.spec", dir);
	snprintf(stats, sizeof(stats), "%s/s.csv", dir);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	snprintf(name, sizeof(name), "kill_%ld", (long)getpid());
	int n = snprintf(text, sizeof(text),
			 "-t l4 -i %s -n 4 -m 4\n-t l4 -i %s -n 2 --app 'div=11932 ticks=5 "
			 "laps=0'\n",
			 hello, ticker);
	cr_assert_eq(harness_write_file(dir, "p.spec", text, (size_t)n), 0);
	struct bg_run b = {.args = {"pop", "--spec", spec, "--stagger", "0.1", "--name", name,
				    "--stats", stats, "--interval", "0.05", "--results", results,
				    NULL},
			   .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	long pid = pop_wait_listed(&b, name);
	wait_lines(results, 1 + 4);
	wait_lines(stats, 1 + 20);
	cr_assert_eq(kill((pid_t)pid, SIGKILL), 0);
	bg_join(&b);
	cr_assert_eq(b.r.signal, SIGKILL, "tinyvmm pop was not killed: status %d", b.r.status);

	struct csv_table t;
	check_after_kill(&t, stats, stats_header);
	cr_expect_geq(t.nrows, 20, "%u whole stats rows of the 20 seen", t.nrows);
	csv_free(&t);
	check_after_kill(&t, results, results_header);
	cr_expect_geq(t.nrows, 4, "%u whole results rows of the 4 seen", t.nrows);
	for (unsigned i = 0; i < t.nrows; i++) {
		cr_expect_str_eq(csv_get(&t, i, "end"), "debug-exit", "row %u", i + 1);
		cr_expect_str_eq(csv_get(&t, i, "exit_status"), "1", "row %u", i + 1);
		for (unsigned k = 0; k < i; k++)
			cr_expect_str_neq(csv_get(&t, k, "uuid"), csv_get(&t, i, "uuid"),
					  "rows %u and %u", k + 1, i + 1);
	}
	csv_free(&t);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}
