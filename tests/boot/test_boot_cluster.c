/* Boot tests of tinyvmm cluster on a one-node Slurm started here: a 2-task array merged, and
 * scancel. */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/pop_run.h"

/* The Slurm of this test: its directory (for the .fini to stop it) and config. */
static char slurm_dir[PATH_MAX];

static void run_sh(struct run_result *r, const char *const argv[], unsigned timeout_s)
{
	int err = harness_run(argv, NULL, timeout_s, r);
	cr_assert_eq(err, 0, "could not run %s: %s", argv[0], strerror(-err));
}

/* tinyvmm cluster runs sbatch, squeue and sacct by name, so the directory Debian installs them
 * in goes on PATH where it is missing (the nested VM's PATH is /bin alone). */
static void path_with_usr_bin(void)
{
	const char *path = getenv("PATH");
	char want[PATH_MAX];
	if (!path || !*path)
		path = "/bin";
	size_t n = strlen(path);
	for (const char *p = path; p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 8 && !strncmp(p, "/usr/bin", 8))
			return;
		p = end ? end + 1 : NULL;
	}
	cr_assert_lt(n + 10, sizeof(want), "PATH is too long");
	snprintf(want, sizeof(want), "%s:/usr/bin", path);
	setenv("PATH", want, 1);
}

/* munged, slurmctld and slurmd in a fresh directory; skipped (saying why) without Slurm. */
static void slurm_start(void)
{
	TIER_REQUIRE(TIER_KVM | TIER_ROOT);
	char helper[PATH_MAX];
	cr_assert_eq(harness_build_path(helper, sizeof(helper), "tests/cluster/localslurm.sh"), 0);
	cr_assert_eq(access(helper, X_OK), 0, "%s is missing (make test copies it)", helper);
	cr_assert_eq(harness_tempdir(slurm_dir, sizeof(slurm_dir)), 0);
	struct run_result r;
	const char *argv[] = {helper, "start", slurm_dir, NULL};
	run_sh(&r, argv, 60);
	if (r.status == 3) {
		char why[200];
		snprintf(why, sizeof(why), "needs Slurm and MUNGE: %.150s", r.out);
		why[strcspn(why, "\n")] = '\0';
		harness_result_free(&r);
		TIER_SKIP("%s", why);
	}
	cr_assert_eq(r.status, 0, "localslurm.sh start failed (%d):\n%s\n%s", r.status, r.out,
		     r.err);
	harness_result_free(&r);
	char conf[PATH_MAX + 16];
	snprintf(conf, sizeof(conf), "%s/slurm.conf", slurm_dir);
	setenv("SLURM_CONF", conf, 1);
	path_with_usr_bin();
}

static void slurm_stop(void)
{
	if (!slurm_dir[0])
		return;
	char helper[PATH_MAX];
	if (harness_build_path(helper, sizeof(helper), "tests/cluster/localslurm.sh") == 0) {
		struct run_result r;
		const char *argv[] = {helper, "stop", slurm_dir, NULL};
		if (harness_run(argv, NULL, 60, &r) == 0)
			harness_result_free(&r);
	}
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", slurm_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", slurm_dir);
	slurm_dir[0] = '\0';
}

/* A spec of L4 guests booted directly, each running hello `count` times 0.2 s apart. */
static void l4_spec(const char *dir, char *spec, size_t size, unsigned n, unsigned count)
{
	char ks[PATH_MAX], k[PATH_MAX], s0[PATH_MAX], rt[PATH_MAX], text[5 * PATH_MAX];
	cr_assert_eq(harness_build_path(ks, sizeof(ks), "guests/l4/kickstart"), 0);
	cr_assert_eq(harness_build_path(k, sizeof(k), "guests/l4/x86-kernel"), 0);
	cr_assert_eq(harness_build_path(s0, sizeof(s0), "guests/l4/sigma0"), 0);
	cr_assert_eq(harness_build_path(rt, sizeof(rt), "guests/l4/roottask"), 0);
	cr_assert_eq(access(ks, R_OK), 0, "%s is missing (make guests)", ks);
	int len = snprintf(text, sizeof(text),
			   "-t l4 -i %s --initrd '%s,%s,%s' -n %u --app 'hello count=%u "
			   "period=200ms'\n",
			   ks, k, s0, rt, n, count);
	cr_assert_eq(harness_write_file(dir, "l4.spec", text, (size_t)len), 0);
	snprintf(spec, size, "%s/l4.spec", dir);
}

/* `tinyvmm cluster submit ...`: the job id it printed. */
static void submit(const char *spec, const char *out, const char *const extra[], char *job,
		   size_t size)
{
	const char *args[24] = {"cluster", "submit", spec, "--hosts", "2", "-o", out};
	unsigned n = 7;
	for (unsigned i = 0; extra && extra[i]; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	struct run_result r;
	pop_tinyvmm(&r, args);
	pop_expect_status(&r, 0);
	snprintf(job, size, "%.*s", (int)strspn(r.out, "0123456789"), r.out);
	cr_assert(job[0], "no job id in: %s", r.out);
	harness_result_free(&r);
}

/* squeue's lines for the job (pending and running tasks); "" once it has left the queue. */
static void queue(const char *job, char *out, size_t size)
{
	const char *argv[] = {"/usr/bin/squeue", "-h", "-r", "-j", job, "-o", "%i %T", NULL};
	struct run_result r;
	run_sh(&r, argv, 30);
	snprintf(out, size, "%s", r.status == 0 ? r.out : "");
	harness_result_free(&r);
}

static void wait_until_gone(const char *job, unsigned timeout_s)
{
	char q[1024] = "";
	for (unsigned i = 0; i < timeout_s * 5; i++) {
		queue(job, q, sizeof(q));
		if (!q[0])
			return;
		sleep_ms(200);
	}
	cr_assert_fail("job %s still queued after %u s:\n%s", job, timeout_s, q);
}

/*
 * Two tasks of three L4 guests each on the one node (one after the other: --exclusive),
 * merged: every guest's row, names l4_1 to l4_6 across the tasks, host and task columns.
 * Each guest says hello 6 times 0.2 s apart, so each task's population lives over 1 s and
 * samples at 0.2 s leave stats rows of both tasks (a population writes a row per interval
 * it lived, none for a shorter life).
 */
Test(boot_cluster, two_tasks_of_l4_guests_merge_into_one_population, .fini = slurm_stop,
     .timeout = 120)
{
	slurm_start();
	char dir[PATH_MAX], spec[PATH_MAX + 16], out[PATH_MAX + 16], job[32];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
	l4_spec(dir, spec, sizeof(spec), 6, 6);
	snprintf(out, sizeof(out), "%s/job", dir);
	const char *extra[] = {"--", "--stagger", "0.05", "--interval", "0.2", NULL};
	submit(spec, out, extra, job, sizeof(job));
	wait_until_gone(job, 90);

	struct run_result r;
	const char *status[] = {"cluster", "status", out, NULL};
	pop_tinyvmm(&r, status);
	pop_expect_status(&r, 0);
	char said[64];
	snprintf(said, sizeof(said), "job %s in the queue:", job);
	cr_expect(strstr(r.out, said) && strstr(r.out, "(none: every task has ended"), "%s", r.out);
	harness_result_free(&r);
	const char *merge[] = {"cluster", "merge", out, NULL};
	pop_tinyvmm(&r, merge);
	pop_expect_status(&r, 0);
	cr_expect(strstr(r.out, "merged 2 tasks from 1 hosts: 6 guests"), "%s", r.out);
	harness_result_free(&r);

	char path[PATH_MAX + 128];
	snprintf(path, sizeof(path), "%s/results.csv", out);
	struct csv_table t;
	csv_load(&t, path);
	cr_assert_eq(t.nrows, 6, "%u results rows", t.nrows);
	for (unsigned g = 1; g <= 6; g++) {
		char name[16];
		snprintf(name, sizeof(name), "l4_%u", g);
		unsigned i = csv_find(&t, "name", name);
		cr_expect_str_eq(csv_get(&t, i, "end"), "poweroff", "%s: %s", name,
				 csv_get(&t, i, "message"));
		cr_expect_eq(csv_num(&t, i, "laps"), 6, "%s", name);
		cr_expect_gt(csv_num(&t, i, "boot_ms"), 0, "%s", name);
	}
	csv_free(&t);
	/* the split: three guests per task, in the task's own file */
	char host[64] = "";
	gethostname(host, sizeof(host));
	host[strcspn(host, ".")] = '\0';
	for (unsigned k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/results-task%u-%s.csv", out, k, host);
		csv_load(&t, path);
		cr_expect_eq(t.nrows, 3, "%u rows in %s", t.nrows, path);
		csv_free(&t);
	}
	snprintf(path, sizeof(path), "%s/stats.csv", out);
	csv_load(&t, path);
	cr_expect_geq(t.nrows, 2, "%u stats rows", t.nrows);
	bool task0 = false, task1 = false;
	for (unsigned i = 0; i < t.nrows; i++) {
		task0 |= !strcmp(csv_get(&t, i, "task"), "0");
		task1 |= !strcmp(csv_get(&t, i, "task"), "1");
		cr_expect(csv_get(&t, i, "host")[0], "row %u has no host", i + 1);
	}
	cr_expect(task0 && task1, "stats rows of both tasks");
	csv_free(&t);
	harness_rmdir(out);
	harness_rmdir(dir);
}

/*
 * scancel while the first task runs: Slurm's SIGTERM reaches tinyvmm pop, which stops every
 * guest and completes its results; the second task never starts.
 */
Test(boot_cluster, scancel_stops_the_populations_cleanly, .fini = slurm_stop, .timeout = 120)
{
	slurm_start();
	char dir[PATH_MAX], spec[PATH_MAX + 16], out[PATH_MAX + 16], job[32];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
	l4_spec(dir, spec, sizeof(spec), 4, 100000);
	snprintf(out, sizeof(out), "%s/job", dir);
	submit(spec, out, NULL, job, sizeof(job));
	/* both of task 0's guests have booted when its results file... is still empty: wait for
	 * tinyvmm list to show its population with 2 running */
	char q[1024] = "";
	bool running = false;
	for (unsigned i = 0; i < 300 && !running; i++) {
		struct run_result r;
		const char *list[] = {"list", NULL};
		pop_tinyvmm(&r, list);
		char *line = strstr(r.out, "tinyvmm-job-");
		unsigned n = 0, run = 0;
		running = line && sscanf(line, "%*s %*d %u %u", &n, &run) == 2 && run == 2;
		harness_result_free(&r);
		if (!running)
			sleep_ms(200);
	}
	queue(job, q, sizeof(q));
	cr_assert(running, "task 0's population never ran 2 guests; queue:\n%s", q);
	const char *cancel[] = {"/usr/bin/scancel", job, NULL};
	struct run_result r;
	run_sh(&r, cancel, 30);
	cr_assert_eq(r.status, 0, "scancel: %s%s", r.out, r.err);
	harness_result_free(&r);
	wait_until_gone(job, 60);

	char path[PATH_MAX + 64], host[64] = "";
	gethostname(host, sizeof(host));
	host[strcspn(host, ".")] = '\0';
	snprintf(path, sizeof(path), "%s/results-task0-%s.csv", out, host);
	struct csv_table t;
	csv_load(&t, path);
	cr_expect(!t.partial, "a results row is cut short: %s", t.partial);
	cr_assert_eq(t.nrows, 2, "%u rows in %s", t.nrows, path);
	for (unsigned i = 0; i < t.nrows; i++) {
		cr_expect_str_eq(csv_get(&t, i, "end"), "stopped", "row %u", i + 1);
		cr_expect_str_eq(csv_get(&t, i, "message"), "SIGTERM", "row %u", i + 1);
	}
	csv_free(&t);
	snprintf(path, sizeof(path), "%s/results-task1-%s.csv", out, host);
	cr_expect_neq(access(path, F_OK), 0, "task 1 ran after the job was cancelled");
	snprintf(path, sizeof(path), "%s/task-0.out", out);
	char *said = pop_slurp(path);
	cr_expect(said && strstr(said, "SIGTERM: stopping 2 guests"), "task 0 said:\n%s", said);
	free(said);
	harness_rmdir(out);
	harness_rmdir(dir);
}
