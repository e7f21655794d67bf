/* Unit tests of tinyvmm cluster's pure parts: the split, each share's spec, the sbatch script,
 * merge. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cluster_merge.h"
#include "cli/cluster_script.h"
#include "cli/cluster_split.h"
#include "population/results.h"
#include "population/stats.h"

static void load(struct pop_spec *s, const char *text)
{
	memset(s, 0, sizeof(*s));
	char err[256] = "";
	cr_assert_eq(pop_spec_load_text(s, text, "t.spec", err, sizeof(err)), 0, "%s", err);
}

Test(cluster, split_balances_ram_then_count_and_numbers_run_on)
{
	struct pop_spec s;
	load(&s, "-t l4 -i l4.img -n 5\n-t tcl -i k -n 3 --app 'hello count=2'\n-t l4 -i b -n 1\n");
	struct cluster_share sh[2];
	char err[256];
	cr_assert_eq(cluster_split(&s, 2, sh, err, sizeof(err)), 0, "%s", err);
	/* tcl (32 MiB) first: 2 and 1; then l4 evens out the RAM: the lighter share takes more */
	cr_expect_eq(sh[0].count[1] + sh[1].count[1], 3);
	cr_expect_eq(sh[0].count[0] + sh[1].count[0], 5);
	cr_expect_eq(sh[0].count[2] + sh[1].count[2], 1);
	cr_expect_eq(sh[0].guests + sh[1].guests, 9);
	uint64_t a = sh[0].ram_bytes, b = sh[1].ram_bytes;
	cr_expect_leq(a > b ? a - b : b - a, 32ull << 20, "RAM %llu vs %llu", (unsigned long long)a,
		      (unsigned long long)b);
	/* numbering: share 1's l4 guests start after share 0's (groups 0 and 2 are l4) */
	cr_expect_eq(sh[0].number_from[GUEST_L4], 1);
	cr_expect_eq(sh[1].number_from[GUEST_L4], 1 + sh[0].count[0] + sh[0].count[2]);
	cr_expect_eq(sh[1].number_from[GUEST_TCL], 1 + sh[0].count[1]);
	char from[64];
	cluster_number_from(&s, &sh[1], from, sizeof(from));
	char want[64];
	snprintf(want, sizeof(want), "l4=%u,tcl=%u", sh[1].number_from[GUEST_L4],
		 sh[1].number_from[GUEST_TCL]);
	cr_expect_str_eq(from, want);
	cluster_shares_free(sh, 2);
	pop_spec_free(&s);
}

Test(cluster, split_of_equal_guests_is_even_and_refuses_idle_hosts)
{
	struct pop_spec s;
	load(&s, "-t l4 -i l4.img -n 1000\n");
	struct cluster_share sh[3];
	char err[256];
	cr_assert_eq(cluster_split(&s, 3, sh, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(sh[0].guests, 334);
	cr_expect_eq(sh[1].guests, 333);
	cr_expect_eq(sh[2].guests, 333);
	cr_expect_eq(sh[2].number_from[GUEST_L4], 668);
	cluster_shares_free(sh, 3);
	struct cluster_share many[1001];
	cr_expect_eq(cluster_split(&s, 1001, many, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "more hosts than guests (1000)"), "%s", err);
	cr_expect_eq(cluster_split(&s, 0, many, err, sizeof(err)), -EINVAL);
	pop_spec_free(&s);
}

/* Each share's spec reads back as the same groups, quotes and all. */
Test(cluster, share_spec_reads_back_unchanged)
{
	struct pop_spec s;
	load(&s, "-t l4 -i 'my l4.img' -n 4 -m 3M --smp 2 --app \"pattern pattern=B\" --initrd "
		 "\"a,b c\" --append \"it's x\"\n");
	struct cluster_share sh[2];
	char err[256];
	cr_assert_eq(cluster_split(&s, 2, sh, err, sizeof(err)), 0, "%s", err);
	char *text = cluster_share_spec(&s, &sh[1], "task 1");
	cr_assert(text);
	struct pop_spec back;
	load(&back, text);
	cr_assert_eq(back.ngroups, 1, "%s", text);
	const struct pop_group *g = &back.groups[0];
	cr_expect_str_eq(g->image, "my l4.img");
	cr_expect_eq(g->count, 2);
	cr_expect_eq(g->ram_bytes, 3ull << 20);
	cr_expect_eq(g->smp, 2);
	cr_expect_str_eq(g->app, "app=pattern pattern=B");
	cr_expect_str_eq(g->initrd, "a,b c");
	cr_expect_str_eq(g->append, "it's x");
	free(text);
	pop_spec_free(&back);
	cluster_shares_free(sh, 2);
	pop_spec_free(&s);
}

Test(cluster, sbatch_script_has_the_array_and_execs_pop_per_task)
{
	const char *from[] = {"l4=1", "l4=501"};
	const char *args[] = {"--duration", "60", "--app-note", "it's"};
	struct cluster_job job = {.tinyvmm = "/shared/tinyvmm",
				  .dir = "/shared/run1",
				  .workdir = "/shared",
				  .name = "tinyvmm-run1",
				  .partition = "lab",
				  .time = "1:00:00",
				  .tasks = 2,
				  .number_from = from,
				  .pop_args = args,
				  .npop_args = 4};
	char *s = cluster_script(&job);
	cr_assert(s);
	const char *want[] = {
	    "#!/bin/sh\n",
	    "\n#SBATCH --array=0-1\n",
	    "\n#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --exclusive\n",
	    "\n#SBATCH --chdir=/shared\n",
	    "\n#SBATCH --output=/shared/run1/task-%a.out\n",
	    "\n#SBATCH --partition=lab\n#SBATCH --time=1:00:00\n",
	    "\n0) from=l4=1 ;;\n1) from=l4=501 ;;\n",
	    "\nexec '/shared/tinyvmm' pop --spec \"$dir/task-$task.spec\" --number-from \"$from\"",
	    "--stats \"$dir/stats-task$task-$host.csv\"",
	    "--results \"$dir/results-task$task-$host.csv\" '--duration' '60' '--app-note' "
	    "'it'\\''s'\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(strstr(s, want[i]), "no '%s' in:\n%s", want[i], s);
	free(s);
	job.partition = job.time = NULL;
	s = cluster_script(&job);
	cr_expect(!strstr(s, "--partition") && !strstr(s, "--time"), "%s", s);
	free(s);
}

/* A job directory with two tasks' files, as the script names them. */
static void job_dir(char *dir, size_t size, const char *results1)
{
	snprintf(dir, size, "/tmp/tinyvmm-merge-XXXXXX");
	cr_assert(mkdtemp(dir));
	char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/job.txt", dir);
	f = fopen(path, "w");
	fprintf(f, "# x\ntasks 2\njob 42\n");
	fclose(f);
	const char *hosts[] = {"n1", "n2-b"};
	const char *rows[] = {
	    "11111111-0000-0000-0000-000000000001,l4_1,l4,1,app=hello,1,2,3,4,5,1,3.0,,0,0,"
	    "poweroff,,10,1,5,0,\"said \"\"bye\"\", then, off\"\n",
	    results1};
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/stats-task%d-%s.csv", dir, k, hosts[k]);
		f = fopen(path, "w");
		fprintf(f, "%s\n%d000,1\n%d500,2\n", stats_header, 2 - k, 2 - k);
		if (k == 1)
			fprintf(f, "9999,cut"); /* killed mid-row */
		fclose(f);
		snprintf(path, sizeof(path), "%s/results-task%d-%s.csv", dir, k, hosts[k]);
		f = fopen(path, "w");
		fprintf(f, "%s\n%s", results_header, rows[k]);
		fclose(f);
	}
}

static void rm_dir(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	cr_assert(f, "no %s", path);
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(cluster, merge_joins_tasks_with_host_and_task_columns)
{
	char dir[64], err[512];
	job_dir(dir, sizeof(dir),
		"11111111-0000-0000-0000-000000000002,l4_2,l4,1,app=hello,1,2,3,4,5,1,3.0,,0,0,"
		"crash,,10,1,5,0,boom\n");
	struct cluster_merge_summary s;
	cr_assert_eq(cluster_merge(dir, &s, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(s.tasks, 2);
	cr_expect_eq(s.hosts, 2);
	cr_expect_eq(s.guests, 2);
	cr_expect_eq(s.stats_rows, 4);
	cr_expect_eq(s.cut_rows, 1);
	cr_expect_str_eq(s.ends, "1 poweroff, 1 crash");
	char *st = slurp(dir, "stats.csv");
	char want[2048];
	snprintf(want, sizeof(want),
		 "%s,host,task\n1000,1,n2-b,1\n1500,2,n2-b,1\n2000,1,n1,0\n"
		 "2500,2,n1,0\n",
		 stats_header);
	cr_expect_str_eq(st, want, "rows by time, host and task last");
	free(st);
	char *rs = slurp(dir, "results.csv");
	cr_expect(!strncmp(rs, results_header, strlen(results_header)) &&
		      rs[strlen(results_header)] == '\n',
		  "%s", rs);
	cr_expect(strstr(rs, "\nl4_1") == NULL && strstr(rs, ",l4_1,") && strstr(rs, ",l4_2,"));
	free(rs);
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s/results.csv.tmp", dir);
	cr_expect_neq(access(tmp, F_OK), 0, "a temporary is left");
	rm_dir(dir);
}

Test(cluster, merge_refuses_repeated_guests_and_missing_tasks_writing_nothing)
{
	char dir[64], err[512], path[128];
	job_dir(dir, sizeof(dir),
		"11111111-0000-0000-0000-000000000009,l4_1,l4,1,,1,2,3,4,5,1,3.0,,0,0,poweroff,,"
		"10,1,5,0,x\n");
	struct cluster_merge_summary s;
	cr_expect_eq(cluster_merge(dir, &s, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "guest name l4_1 appears twice"), "%s", err);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	cr_expect_neq(access(path, F_OK), 0, "a refused merge wrote results.csv");
	snprintf(path, sizeof(path), "%s/results-task1-n2-b.csv", dir);
	unlink(path);
	cr_expect_eq(cluster_merge(dir, &s, err, sizeof(err)), -ENOENT);
	cr_expect(strstr(err, "task 1 has no results file"), "%s", err);
	snprintf(path, sizeof(path), "%s/stats.csv", dir);
	cr_expect_neq(access(path, F_OK), 0, "a refused merge wrote stats.csv");
	rm_dir(dir);
}
