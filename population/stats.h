/* The statistics CSV: the thesis's host metrics (perf.pl) per interval, then tinyvmm's own. */
#ifndef TINYVMM_POPULATION_STATS_H
#define TINYVMM_POPULATION_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "population/procstat.h"

/* The population's side of a sample, gathered by the manager. Counters are cumulative. */
struct pop_counters {
	unsigned running; /* booted and not ended (paused ones included) */
	unsigned paused;
	uint64_t booted, failed, finished;
	uint64_t exits;	  /* exits to user space, every guest ever run */
	uint64_t vcpu_ns; /* CPU time of vCPU threads, every guest ever run */
	uint64_t rss_kb, pss_kb;
	uint64_t ksm_saved_kb;
};

struct stats_point {
	int64_t wall_ms;  /* CLOCK_REALTIME, the timestamp_ms column */
	uint64_t mono_ns; /* CLOCK_MONOTONIC, for rates */
	struct host_sample host;
	struct pop_counters pop;
};

/* The header line (no newline): the columns issue 6 names, in order. */
extern const char stats_header[];

/*
 * One row from two consecutive points: CPU shares and per-second rates over the interval
 * between them, levels as of `cur`. Length written (NUL-terminated), or -ENOSPC.
 */
int stats_format_row(char *buf, size_t size, const struct stats_point *prev,
		     const struct stats_point *cur);

#endif
