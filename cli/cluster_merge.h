/* Joining a cluster job's per-task CSVs into one stats file (with host and task) and one results
 * file. */
#ifndef TINYVMM_CLI_CLUSTER_MERGE_H
#define TINYVMM_CLI_CLUSTER_MERGE_H

#include <stddef.h>
#include <stdint.h>

/* What a merge found, for its summary line. */
struct cluster_merge_summary {
	unsigned tasks, hosts;
	uint64_t guests, stats_rows;
	uint64_t
	    cut_rows;	/* last lines without their newline (a task killed mid-write), left out */
	char ends[256]; /* "1000 poweroff, 2 crash": the results' end column counted */
};

/*
 * Reads DIR/job.txt (how many tasks), then each task's DIR/stats-taskK-HOST.csv and
 * DIR/results-taskK-HOST.csv, and writes DIR/stats.csv (the single-host columns, then host
 * and task; rows by time) and DIR/results.csv (the single-host columns; rows by task), each
 * replaced whole (a temporary, then rename). Refuses, writing nothing: a task with no files
 * or two hosts' files, headers that are not this tinyvmm's, a guest name or UUID seen twice.
 * 0, or -errno with the reason in err.
 */
int cluster_merge(const char *dir, struct cluster_merge_summary *sum, char *err, size_t errlen);

/* The number of tasks DIR/job.txt names, and its job id ("" before submission). 0 or -errno. */
int cluster_read_job(const char *dir, unsigned *tasks, char *job, size_t jobsize, char *err,
		     size_t errlen);

#endif
