/* A population's sample as a Prometheus textfile-collector file (node_exporter's text format). */
#ifndef TINYVMM_POPULATION_METRICS_PROM_H
#define TINYVMM_POPULATION_METRICS_PROM_H

#include <stddef.h>

#include "population/metrics.h"

/*
 * The sample in the text exposition format: each family's # HELP and # TYPE lines, then
 * its samples, a population="NAME" label on each (types add type="l4"...), no timestamps
 * (the textfile collector refuses them), base units (bytes, seconds). Length, or -ENOSPC.
 */
int prom_format(char *buf, size_t size, const struct metrics_sample *m);

/*
 * Replaces `path` with `len` bytes of `text` atomically: written to PATH.tmp beside it, then
 * renamed over it, so a scrape never reads half a file (*.tmp is not read by the collector).
 * 0 or -errno.
 */
int prom_write_file(const char *path, const char *text, size_t len);

#endif
