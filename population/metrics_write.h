/* The population's --prom and --jsonl outputs: opened before the run, written at each sample. */
#ifndef TINYVMM_POPULATION_METRICS_WRITE_H
#define TINYVMM_POPULATION_METRICS_WRITE_H

#include "population/csv.h"
#include "population/metrics.h"
#include "population/stats.h"

struct pop;

/* Creates or truncates the JSON-lines file (no header line). 0 or -errno. */
int jsonl_open(struct csv_file *f, const char *path);

/*
 * Checks that the Prometheus file can be written where asked, leaving an empty (valid) one
 * until the first sample. 0 or -errno.
 */
int prom_open(const char *path);

/*
 * Rewrites the population's Prometheus file and appends its JSON line: the interval's
 * figures and each type's. Each output that fails is reported once and dropped; the others
 * go on.
 */
void metrics_write(struct pop *p, const struct stats_values *v,
		   const struct type_figures types[GUEST_TYPES]);

#endif
