/* tinyvmm stat's screen: a population's `metrics` reply parsed, and two of them rendered as a
 * table. */
#ifndef TINYVMM_CLI_STAT_VIEW_H
#define TINYVMM_CLI_STAT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "population/spec.h"

struct stat_type {
	bool present;
	unsigned guests, pending, running, booting, paused;
	uint64_t booted, failed, finished, exits, vcpu_ns, ram_kb;
};

struct stat_snapshot {
	char name[64];
	uint64_t now_ns, uptime_ns;
	unsigned guests;
	uint64_t mem_total_kb, mem_available_kb, rss_kb;
	double load_1;
	struct stat_type types[GUEST_TYPES];
};

/* The lines of a `metrics` reply (population/metrics_live.h) into *s. 0, or -EPROTO. */
int stat_parse(const char *reply, struct stat_snapshot *s);

/*
 * The screen: a title line, then a row per type and a total row -- guests, running, booting,
 * paused, finished, failed, exits/s and vCPU % (of one core) since `prev`, guest RAM of the
 * running guests. Without `prev` (NULL) the rates read "-". Lines end in "\n"; the text is
 * cut to fit `size`. Its length.
 */
size_t stat_render(char *buf, size_t size, const struct stat_snapshot *prev,
		   const struct stat_snapshot *cur);

#endif
