/* tinyvmm cluster: writes and submits a job array with sbatch, asks squeue and sacct, merges the
 * files. */
#include "cli/cluster_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/abs_path.h"
#include "base/file_replace.h"
#include "base/parse.h"
#include "cli/cluster_merge.h"
#include "cli/cluster_script.h"
#include "cli/cluster_split.h"
#include "cli/exit_status.h"
#include "population/spec.h"

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: tinyvmm cluster submit SPEC --hosts N [--partition P] [--time T] [-o DIR]\n"
	    "                              [--tinyvmm PATH] [--dry-run] [-- POP-OPTIONS...]\n"
	    "       tinyvmm cluster status JOB|DIR\n"
	    "       tinyvmm cluster merge DIR\n"
	    "\n"
	    "Runs one population across N hosts of a Slurm cluster, one tinyvmm per host.\n"
	    "\n"
	    "submit  splits the groups of SPEC (a --spec file of tinyvmm pop) into N shares,\n"
	    "        balanced by guest RAM and then by count, writes DIR/task-K.spec for each,\n"
	    "        DIR/job.sbatch (a job array of N tasks, one node each, --exclusive) and\n"
	    "        DIR/job.txt, submits it with sbatch and prints the job id. Each task runs\n"
	    "        tinyvmm pop on its share, from the directory submit ran in (relative image\n"
	    "        paths hold there), with --number-from so guest names stay unique over the\n"
	    "        job, and writes DIR/stats-taskK-HOST.csv and DIR/results-taskK-HOST.csv.\n"
	    "        POP-OPTIONS go to every task's tinyvmm pop (--duration, --stagger,\n"
	    "        --interval, --samples, --prom, --min-free, --overcommit, --logs, ...).\n"
	    "        DIR (default cluster-YYYYMMDD-HHMMSS), SPEC's images and tinyvmm itself\n"
	    "        (--tinyvmm, default this one) must be on a filesystem every node shares.\n"
	    "        --dry-run writes the files and prints the sbatch command instead.\n"
	    "status  the job's tasks as squeue sees them (pending, running), and as sacct\n"
	    "        records them once ended (where the cluster keeps accounting).\n"
	    "merge   joins the tasks' files into DIR/stats.csv (the single-host columns, then\n"
	    "        host and task) and DIR/results.csv (the single-host columns), checking\n"
	    "        that every task left both and that no guest name or UUID repeats.\n"
	    "\n"
	    "scancel JOB stops every population cleanly: tinyvmm pop gets Slurm's SIGTERM,\n"
	    "stops its guests and completes its files. Exit status: 0; 2 for bad input\n"
	    "(nothing is written); 6 when sbatch, squeue or sacct failed.\n");
}

/* Runs argv, its stdout (and stderr, merged) into *out. The exit status, or -errno. */
static int run_capture(const char *const argv[], char **out)
{
	int fds[2];
	*out = NULL;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	size_t len = 0;
	FILE *m = open_memstream(out, &len);
	char buf[4096];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && m)
			fwrite(buf, 1, (size_t)n, m);
	close(fds[0]);
	if (m)
		fclose(m);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A path every node can use: absolute, and plain enough for an #SBATCH line. */
static int plain_abs(const char *what, const char *in, char *out, size_t size)
{
	int e = abs_path(in, out, size);
	if (e) {
		fprintf(stderr, "tinyvmm cluster: %s '%s': %s\n", what, in,
			e == -ENAMETOOLONG ? "path too long" : strerror(-e));
		return -1;
	}
	if (strpbrk(out, " \t\n\"'\\$`%")) {
		fprintf(stderr,
			"tinyvmm cluster: %s '%s': Slurm's #SBATCH lines take no blanks, quotes, "
			"'$', '`', '\\' or '%%' in paths; choose a plainer one\n",
			what, out);
		return -1;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return file_replace(path, text, strlen(text), mode);
}

/* POP-OPTIONS must parse as tinyvmm pop's, and leave the per-task ones to submit. */
static int check_pop_args(int argc, char **argv)
{
	static const char *const taken[] = {
	    "spec",  "f", "name",  "stats", "results", "jsonl",	 "t",	   "type", "i",
	    "image", "n", "count", "m",	    "app",     "initrd", "append", "smp",  "number-from"};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-')
			continue;
		const char *name = a + (a[1] == '-' ? 2 : 1);
		for (size_t k = 0; k < sizeof(taken) / sizeof(taken[0]); k++) {
			if (strcmp(name, taken[k]))
				continue;
			fprintf(stderr,
				"tinyvmm cluster submit: '%s' after --: each task's spec, name, "
				"numbering and files are submit's to set (groups belong in SPEC; "
				"--jsonl is not split per task)\n",
				a);
			return -1;
		}
	}
	/* parsed as they will be, with a stand-in group, so a typo fails here, not on the nodes */
	char **v = calloc((size_t)argc + 7, sizeof(char *));
	if (!v)
		return -1;
	const char *group[] = {"-t", "l4", "-i", "x", "-n", "1"};
	for (int i = 0; i < 6; i++)
		v[i] = (char *)group[i];
	for (int i = 0; i < argc; i++)
		v[6 + i] = argv[i];
	struct pop_spec s;
	char err[512];
	int r = pop_spec_parse(&s, argc + 6, v, err, sizeof(err));
	free(v);
	if (r) {
		fprintf(stderr, "tinyvmm cluster submit: after --: %s\n", err);
		return -1;
	}
	bool help = s.help;
	pop_spec_free(&s);
	if (help) {
		fprintf(stderr,
			"tinyvmm cluster submit: --help after -- is no option for the tasks\n");
		return -1;
	}
	return 0;
}

struct submit_opts {
	const char *spec, *partition, *time, *dir, *tinyvmm;
	unsigned hosts;
	bool dry_run;
	int npop;
	char **pop;
};

static int parse_submit(int argc, char **argv, struct submit_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			o->pop = argv + i + 1;
			o->npop = argc - i - 1;
			break;
		}
		if (!strcmp(a, "--dry-run")) {
			o->dry_run = true;
			continue;
		}
		bool val = !strcmp(a, "--hosts") || !strcmp(a, "--partition") ||
			   !strcmp(a, "--time") || !strcmp(a, "-o") || !strcmp(a, "--tinyvmm");
		if (val && i + 1 >= argc) {
			fprintf(stderr, "tinyvmm cluster submit: %s needs a value\n", a);
			return -1;
		}
		if (!strcmp(a, "--hosts")) {
			uint64_t n;
			if (parse_u64(argv[++i], CLUSTER_MAX_HOSTS, &n) || n == 0) {
				fprintf(stderr,
					"tinyvmm cluster submit: --hosts '%s': expected 1 to %u\n",
					argv[i], CLUSTER_MAX_HOSTS);
				return -1;
			}
			o->hosts = (unsigned)n;
		} else if (!strcmp(a, "--partition")) {
			o->partition = argv[++i];
		} else if (!strcmp(a, "--time")) {
			o->time = argv[++i];
		} else if (!strcmp(a, "-o")) {
			o->dir = argv[++i];
		} else if (!strcmp(a, "--tinyvmm")) {
			o->tinyvmm = argv[++i];
		} else if (a[0] == '-' || o->spec) {
			fprintf(stderr, "tinyvmm cluster submit: unexpected argument '%s'\n", a);
			return -1;
		} else {
			o->spec = a;
		}
	}
	const char *missing = !o->spec ? "a SPEC file" : !o->hosts ? "--hosts N" : NULL;
	if (missing) {
		fprintf(stderr, "tinyvmm cluster submit: give %s (see tinyvmm cluster --help)\n",
			missing);
		return -1;
	}
	/* Slurm words: a partition name and a time limit such as 30, 2:00:00 or 1-12 */
	if (o->partition && (!*o->partition || strpbrk(o->partition, " \t\n'\"$`\\"))) {
		fprintf(stderr,
			"tinyvmm cluster submit: --partition '%s': not a Slurm partition name\n",
			o->partition);
		return -1;
	}
	if (o->time && (!*o->time || strspn(o->time, "0123456789:-") != strlen(o->time))) {
		fprintf(stderr,
			"tinyvmm cluster submit: --time '%s': not a Slurm time limit (MINUTES, "
			"H:MM:SS, D-HH)\n",
			o->time);
		return -1;
	}
	return check_pop_args(o->npop, o->pop);
}

/* DIR is made now; one holding a job already is refused, so merge never mixes two jobs. */
static int make_dir(const char *dir)
{
	char path[PATH_MAX + 16];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "tinyvmm cluster submit: -o '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/job.txt", dir);
	if (access(path, F_OK) == 0) {
		fprintf(stderr,
			"tinyvmm cluster submit: -o '%s' holds another job already (job.txt); "
			"choose a new directory\n",
			dir);
		return -1;
	}
	return 0;
}

static int submit(int argc, char **argv)
{
	struct submit_opts o;
	if (parse_submit(argc, argv, &o))
		return TVMM_EXIT_USAGE;
	struct pop_spec spec;
	memset(&spec, 0, sizeof(spec));
	char err[512];
	if (pop_spec_load(&spec, o.spec, err, sizeof(err))) {
		fprintf(stderr, "tinyvmm cluster submit: %s\n", err);
		return TVMM_EXIT_USAGE;
	}
	int status = TVMM_EXIT_USAGE;
	struct cluster_share *shares = calloc(o.hosts, sizeof(*shares));
	char **from = calloc(o.hosts, sizeof(char *));
	char dir[PATH_MAX], workdir[PATH_MAX], tinyvmm[PATH_MAX], self[PATH_MAX], defdir[64];
	char name[64];
	if (!shares || !from) {
		fprintf(stderr, "tinyvmm cluster submit: out of memory\n");
		goto out;
	}
	if (cluster_split(&spec, o.hosts, shares, err, sizeof(err))) {
		fprintf(stderr, "tinyvmm cluster submit: %s\n", err);
		free(shares);
		shares = NULL;
		goto out;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(defdir, sizeof(defdir), "cluster-%Y%m%d-%H%M%S", &tm);
	ssize_t n = o.tinyvmm ? 0 : readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		fprintf(stderr,
			"tinyvmm cluster submit: cannot find this tinyvmm (%s): give "
			"--tinyvmm PATH\n",
			strerror(errno));
		goto out;
	}
	self[n] = '\0';
	if (plain_abs("-o", o.dir ? o.dir : defdir, dir, sizeof(dir)) ||
	    plain_abs("the working directory", ".", workdir, sizeof(workdir)) ||
	    plain_abs("--tinyvmm", o.tinyvmm ? o.tinyvmm : self, tinyvmm, sizeof(tinyvmm)))
		goto out;
	size_t wl = strlen(workdir);
	if (wl > 2 && !strcmp(workdir + wl - 2, "/."))
		workdir[wl - 2] = '\0';
	const char *base = strrchr(dir, '/') + 1;
	snprintf(name, sizeof(name), "tinyvmm-%.*s", 30, *base ? base : "job");
	for (char *c = name; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.",
			    *c))
			*c = '_';
	for (unsigned h = 0; h < o.hosts; h++) {
		char buf[96];
		cluster_number_from(&spec, &shares[h], buf, sizeof(buf));
		if (!(from[h] = strdup(buf))) {
			fprintf(stderr, "tinyvmm cluster submit: out of memory\n");
			goto out;
		}
	}
	struct cluster_job job = {.tinyvmm = tinyvmm,
				  .dir = dir,
				  .workdir = workdir,
				  .name = name,
				  .partition = o.partition,
				  .time = o.time,
				  .tasks = o.hosts,
				  .number_from = (const char *const *)from,
				  .pop_args = (const char *const *)o.pop,
				  .npop_args = o.npop};
	char *script = cluster_script(&job);
	if (!script || make_dir(dir)) {
		if (!script)
			fprintf(stderr, "tinyvmm cluster submit: out of memory\n");
		free(script);
		goto out;
	}
	/* from here on the input was good: failures are the host's */
	status = TVMM_EXIT_HOST;
	int e = 0;
	for (unsigned h = 0; h < o.hosts && !e; h++) {
		char title[160], file[32];
		snprintf(title, sizeof(title), "task %u of %u: %u guests, %llu MiB of guest RAM", h,
			 o.hosts, shares[h].guests,
			 (unsigned long long)(shares[h].ram_bytes >> 20));
		snprintf(file, sizeof(file), "task-%u.spec", h);
		char *text = cluster_share_spec(&spec, &shares[h], title);
		e = text ? write_file(dir, file, text, 0644) : -ENOMEM;
		free(text);
	}
	e = e ? e : write_file(dir, "job.sbatch", script, 0755);
	free(script);
	char manifest[PATH_MAX + 128];
	snprintf(manifest, sizeof(manifest),
		 "# tinyvmm cluster submit: what status and merge read\ntasks %u\nspec %s\n",
		 o.hosts, o.spec);
	e = e ? e : write_file(dir, "job.txt", manifest, 0644);
	if (e) {
		fprintf(stderr, "tinyvmm cluster submit: writing into '%s': %s\n", dir,
			strerror(-e));
		goto out;
	}
	char sbatch_path[PATH_MAX + 16];
	snprintf(sbatch_path, sizeof(sbatch_path), "%s/job.sbatch", dir);
	if (o.dry_run) {
		printf("sbatch --parsable %s\n", sbatch_path);
		status = TVMM_EXIT_OK;
		goto out;
	}
	const char *sb[] = {"sbatch", "--parsable", sbatch_path, NULL};
	char *said = NULL;
	int rc = run_capture(sb, &said);
	char jobid[64] = "";
	if (rc == 0 && said)
		sscanf(said, "%63[0-9]", jobid);
	if (rc != 0 || !jobid[0]) {
		fprintf(stderr,
			"tinyvmm cluster submit: sbatch %s (status %d): %s\n"
			"the job's files are in %s: submit job.sbatch with sbatch yourself\n",
			rc < 0 ? strerror(-rc) : "failed", rc, said ? said : "", dir);
		free(said);
		goto out;
	}
	free(said);
	snprintf(
	    manifest, sizeof(manifest),
	    "# tinyvmm cluster submit: what status and merge read\ntasks %u\nspec %s\njob %s\n",
	    o.hosts, o.spec, jobid);
	if ((e = write_file(dir, "job.txt", manifest, 0644)))
		fprintf(stderr, "tinyvmm cluster submit: %s/job.txt: %s (the job is %s)\n", dir,
			strerror(-e), jobid);
	printf("%s\n", jobid);
	fprintf(stderr,
		"tinyvmm cluster: job %s, %u tasks, %u guests; files in %s\n"
		"  tinyvmm cluster status %s; then tinyvmm cluster merge %s\n",
		jobid, o.hosts, spec.total, dir, jobid, dir);
	status = e ? TVMM_EXIT_HOST : TVMM_EXIT_OK;
out:
	if (shares)
		cluster_shares_free(shares, o.hosts);
	free(shares);
	for (unsigned h = 0; from && h < o.hosts; h++)
		free(from[h]);
	free(from);
	pop_spec_free(&spec);
	return status;
}

static int status_cmd(int argc, char **argv)
{
	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "usage: tinyvmm cluster status JOB|DIR\n");
		return TVMM_EXIT_USAGE;
	}
	char job[64], err[512];
	unsigned tasks = 0;
	struct stat st;
	if (!stat(argv[0], &st) && S_ISDIR(st.st_mode)) {
		if (cluster_read_job(argv[0], &tasks, job, sizeof(job), err, sizeof(err))) {
			fprintf(stderr, "tinyvmm cluster status: %s\n", err);
			return TVMM_EXIT_USAGE;
		}
		if (!job[0]) {
			fprintf(stderr, "tinyvmm cluster status: %s: the job was never submitted\n",
				argv[0]);
			return TVMM_EXIT_USAGE;
		}
	} else if (strspn(argv[0], "0123456789") == strlen(argv[0]) && strlen(argv[0]) < 20) {
		snprintf(job, sizeof(job), "%s", argv[0]);
	} else {
		fprintf(stderr, "tinyvmm cluster status: '%s' is no job id nor a job directory\n",
			argv[0]);
		return TVMM_EXIT_USAGE;
	}
	char *out = NULL;
	const char *sq[] = {"squeue", "-h", "-r", "-j", job, "-o", "%i %T %M %N %r", NULL};
	int rc = run_capture(sq, &out);
	/* squeue forgets a job soon after it ends and then says so with an error */
	bool gone = rc != 0 && out && strstr(out, "Invalid job id");
	if (rc != 0 && !gone) {
		fprintf(stderr, "tinyvmm cluster status: squeue: %s", out ? out : "failed\n");
		free(out);
		return TVMM_EXIT_HOST;
	}
	printf("job %s in the queue:\n%-16s %-12s %10s %-16s %s\n", job, "TASK", "STATE", "TIME",
	       "NODE", "REASON");
	unsigned queued = 0;
	for (char *save = NULL, *l = gone ? NULL : strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char id[32], state[24], tm[24], node[64] = "", reason[64] = "";
		int k = sscanf(l, "%31s %23s %23s %63s %63[^\n]", id, state, tm, node, reason);
		if (k < 3)
			continue;
		if (k == 4 && node[0] == '(') { /* no node yet: the reason took its place */
			snprintf(reason, sizeof(reason), "%s", node);
			node[0] = '\0';
		}
		printf("%-16s %-12s %10s %-16s %s\n", id, state, tm, node, reason);
		queued++;
	}
	if (!queued)
		printf("(none: every task has ended or not been queued)\n");
	free(out);
	const char *sa[] = {"sacct", "-n", "-P", "-X",
			    "-j",    job,  "-o", "JobID,State,ExitCode,Elapsed,NodeList",
			    NULL};
	rc = run_capture(sa, &out);
	if (rc != 0) {
		char *nl = out ? strchr(out, '\n') : NULL;
		if (nl)
			*nl = '\0';
		printf("ended tasks: not known here (sacct: %s): without accounting, squeue's list "
		       "above and the job directory are all there is\n",
		       out && *out ? out : "failed");
	} else {
		printf("job %s in the accounting records:\n%-16s %-12s %8s %10s %s\n", job, "TASK",
		       "STATE", "EXIT", "ELAPSED", "NODE");
		for (char *save = NULL, *l = strtok_r(out, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			char *f[5] = {0};
			unsigned k = 0;
			for (char *s2 = NULL, *w = strtok_r(l, "|", &s2); w && k < 5;
			     w = strtok_r(NULL, "|", &s2))
				f[k++] = w;
			if (k == 5)
				printf("%-16s %-12s %8s %10s %s\n", f[0], f[1], f[2], f[3], f[4]);
		}
	}
	free(out);
	return TVMM_EXIT_OK;
}

static int merge_cmd(int argc, char **argv)
{
	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "usage: tinyvmm cluster merge DIR\n");
		return TVMM_EXIT_USAGE;
	}
	struct cluster_merge_summary s;
	char err[1024];
	if (cluster_merge(argv[0], &s, err, sizeof(err))) {
		fprintf(stderr, "tinyvmm cluster merge: %s\n", err);
		return TVMM_EXIT_USAGE;
	}
	printf("merged %u tasks from %u hosts: %llu guests in %s/results.csv (%s), %llu stats "
	       "rows in %s/stats.csv\n",
	       s.tasks, s.hosts, (unsigned long long)s.guests, argv[0], s.ends,
	       (unsigned long long)s.stats_rows, argv[0]);
	if (s.cut_rows)
		printf("left out %llu cut-short last lines (a task killed while writing)\n",
		       (unsigned long long)s.cut_rows);
	return TVMM_EXIT_OK;
}

int cluster_cmd(int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return TVMM_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help") || !strcmp(argv[0], "help")) {
		usage(stdout);
		return TVMM_EXIT_OK;
	}
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return TVMM_EXIT_OK;
	}
	if (!strcmp(argv[0], "submit"))
		return submit(argc - 1, argv + 1);
	if (!strcmp(argv[0], "status"))
		return status_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[0], "merge"))
		return merge_cmd(argc - 1, argv + 1);
	fprintf(stderr, "tinyvmm cluster: unknown subcommand '%s' (submit, status, merge)\n",
		argv[0]);
	return TVMM_EXIT_USAGE;
}
