/* A population's sample as one JSON object on one line: the stats CSV's columns, then per type. */
#ifndef TINYVMM_POPULATION_METRICS_JSONL_H
#define TINYVMM_POPULATION_METRICS_JSONL_H

#include <stddef.h>

#include "population/metrics.h"

/*
 * One line (no newline): {"population":"P", every column of the stats CSV under its own
 * name with the same figure, "types":{"l4":{"guests":N,"running":N,...},...}} -- types with
 * no guests left out. Length, or -ENOSPC.
 */
int jsonl_format(char *buf, size_t size, const struct metrics_sample *m);

#endif
