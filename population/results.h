/* The per-guest results CSV: identity, milestones with host times, and how each guest ended. */
#ifndef TINYVMM_POPULATION_RESULTS_H
#define TINYVMM_POPULATION_RESULTS_H

#include <stddef.h>

#include "population/guest.h"

extern const char results_header[];

/*
 * One guest's row. Times are milliseconds after its launch (launched_ms is wall-clock
 * epoch ms, as the stats' timestamp_ms); lap_ms lists the kept laps' times separated by
 * ';'. `app` is the app command line the guest was offered (NULL: its own). The guest's
 * milestones are read under its lock. Length (NUL-terminated) or -ENOSPC.
 */
int results_format_row(char *buf, size_t size, struct pop_guest *g, const char *app);

/* Room for any row: the lap list is bounded by GUEST_LAPS_KEPT. */
#define RESULTS_ROW_MAX (4096 + GUEST_LAPS_KEPT * 16)

#endif
