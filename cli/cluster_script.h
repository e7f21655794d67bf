/* The sbatch script of a cluster job: a job array, one task per host, each running tinyvmm pop. */
#ifndef TINYVMM_CLI_CLUSTER_SCRIPT_H
#define TINYVMM_CLI_CLUSTER_SCRIPT_H

/* What the script needs; every path absolute. */
struct cluster_job {
	const char *tinyvmm;   /* the tinyvmm every node runs (a shared filesystem's path) */
	const char *dir;       /* the job's directory: task specs, CSVs, Slurm's output */
	const char *workdir;   /* where tasks run, so the spec's relative image paths hold */
	const char *name;      /* the job's name; populations are NAME-JOBID-TASK */
	const char *partition; /* NULL: Slurm's default */
	const char *time;      /* NULL: the partition's default limit */
	unsigned tasks;
	const char *const *number_from; /* per task: "l4=501,bm=1" */
	const char *const *pop_args;	/* more `tinyvmm pop` options, for every task */
	int npop_args;
};

/*
 * The script: #SBATCH lines (--array=0-(N-1), --nodes=1, --ntasks=1, --exclusive, --chdir,
 * --output per task, --partition and --time when given), then a shell body that picks the
 * task's --number-from and execs tinyvmm pop on DIR/task-K.spec with its files named by task
 * and host: DIR/stats-taskK-HOST.csv and DIR/results-taskK-HOST.csv. exec, so the signal
 * scancel sends reaches tinyvmm pop itself. malloc'd, or NULL.
 */
char *cluster_script(const struct cluster_job *job);

/* A word for a POSIX shell, single-quoted (a ' inside becomes '\''), into a malloc'd string. */
char *cluster_shell_quote(const char *s);

#endif
