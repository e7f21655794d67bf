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

/* A row's figures: rates and shares over the interval between two points, levels as of the
 * later one. The CSV, JSON lines and Prometheus files all print these. */
struct stats_values {
	int64_t timestamp_ms;
	double cpu_user, cpu_system, cpu_idle, cpu_total; /* % of all cores */
	struct load_avg load;
	uint64_t mem_total_kb, mem_used_kb, mem_free_kb, mem_cached_kb, mem_available_kb;
	uint64_t swap_total_kb, swap_used_kb, swap_free_kb, swap_cached_kb;
	double pgfault, pgmajfault, pgpgin, pgpgout, pswpin, pswpout; /* per second */
	struct pop_counters pop;
	double exits_per_s, vcpu_cpu_s, vcpu_cpu_pct;
};

void stats_compute(struct stats_values *v, const struct stats_point *prev,
		   const struct stats_point *cur);

/* The header line (no newline): the columns issue 6 names, in order. */
extern const char stats_header[];

/*
 * One row from two consecutive points: CPU shares and per-second rates over the interval
 * between them, levels as of `cur`. Length written (NUL-terminated), or -ENOSPC.
 */
int stats_format_row(char *buf, size_t size, const struct stats_point *prev,
		     const struct stats_point *cur);
/* The same row from figures stats_compute already made. */
int stats_format_values(char *buf, size_t size, const struct stats_values *v);

#endif
