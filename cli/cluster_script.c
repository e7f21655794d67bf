/* Writes the sbatch script of a cluster job: the array's #SBATCH lines and each task's tinyvmm pop.
 */
#include "cli/cluster_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cluster_shell_quote(const char *s)
{
	size_t n = 3;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *out = malloc(n), *o = out;
	if (!out)
		return NULL;
	*o++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *s;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/* Prints a quoted word; false when memory ran out. */
static int word(FILE *f, const char *s)
{
	char *q = cluster_shell_quote(s);
	if (!q)
		return -1;
	fputs(q, f);
	free(q);
	return 0;
}

char *cluster_script(const struct cluster_job *job)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int r = 0;
	/* #SBATCH lines are read by sbatch, not a shell: no quotes there, so paths must be plain */
	fprintf(
	    f,
	    "#!/bin/sh\n"
	    "# Written by tinyvmm cluster submit: a job array, one task per host; each task runs\n"
	    "# tinyvmm pop on its share of the population (task-K.spec), its files named by\n"
	    "# task and host. tinyvmm cluster merge %s then joins them.\n"
	    "#SBATCH --job-name=%s\n"
	    "#SBATCH --array=0-%u\n"
	    "#SBATCH --nodes=1\n"
	    "#SBATCH --ntasks=1\n"
	    "#SBATCH --exclusive\n"
	    "#SBATCH --chdir=%s\n"
	    "#SBATCH --output=%s/task-%%a.out\n",
	    job->dir, job->name, job->tasks - 1, job->workdir, job->dir);
	if (job->partition)
		fprintf(f, "#SBATCH --partition=%s\n", job->partition);
	if (job->time)
		fprintf(f, "#SBATCH --time=%s\n", job->time);
	fprintf(f, "set -u\n"
		   "task=${SLURM_ARRAY_TASK_ID:?not run as a task of a Slurm job array}\n"
		   "host=$(hostname -s 2>/dev/null || hostname)\n"
		   "case $task in\n");
	for (unsigned t = 0; t < job->tasks; t++)
		fprintf(f, "%u) from=%s ;;\n", t, job->number_from[t]);
	fprintf(f,
		"*) echo \"tinyvmm cluster: the job has no share for task $task\" >&2; exit 2 ;;\n"
		"esac\n"
		"dir=");
	r |= word(f, job->dir);
	fprintf(
	    f, "\necho \"tinyvmm cluster: task $task on $host\"\n"
	       "# exec: scancel's SIGTERM reaches tinyvmm pop itself, which stops every guest and\n"
	       "# completes both files before it exits\n"
	       "exec ");
	r |= word(f, job->tinyvmm);
	fprintf(f, " pop --spec \"$dir/task-$task.spec\" --number-from \"$from\" \\\n"
		   "\t--name \"");
	fprintf(f,
		"%s-${SLURM_ARRAY_JOB_ID:-0}-$task\" \\\n"
		"\t--stats \"$dir/stats-task$task-$host.csv\" \\\n"
		"\t--results \"$dir/results-task$task-$host.csv\"",
		job->name);
	for (int i = 0; i < job->npop_args; i++) {
		fputc(' ', f);
		r |= word(f, job->pop_args[i]);
	}
	fputc('\n', f);
	if (fclose(f) || r) {
		free(buf);
		return NULL;
	}
	return buf;
}
