/* Live figures per guest type, and the sample the Prometheus and JSON-lines writers print. */
#ifndef TINYVMM_POPULATION_METRICS_H
#define TINYVMM_POPULATION_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "population/spec.h"
#include "population/stats.h"

/* One guest type's state as of now; the _total-like fields count from the population's start. */
struct type_figures {
	unsigned guests;  /* of this type in the population */
	unsigned pending; /* not launched (yet, or ever: not-started) */
	unsigned running; /* launched and not ended; booting and paused ones included */
	unsigned booting; /* running, but no kernel-up or app-start report from it yet */
	unsigned paused;
	uint64_t booted, failed,
	    finished;		 /* so far: launched; failed or crashed; ended otherwise */
	uint64_t exits, vcpu_ns; /* every guest of the type, ended ones included */
	uint64_t ram_kb;	 /* guest RAM given to the running ones */
};

struct pop;

/* Every type's figures from the population's guests (the manager's thread). */
void metrics_gather(struct pop *p, struct type_figures out[GUEST_TYPES]);

/* What one sample's writers print: the stats row's figures and the per-type ones. */
struct metrics_sample {
	const char *population;
	const struct stats_values *v;
	const struct type_figures
	    *types; /* GUEST_TYPES entries; types with no guests are left out */
};

#endif
