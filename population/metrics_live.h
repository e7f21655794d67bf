/* The control socket's `metrics` verb: live figures, host and per guest type, as key-value lines.
 */
#ifndef TINYVMM_POPULATION_METRICS_LIVE_H
#define TINYVMM_POPULATION_METRICS_LIVE_H

#include "population/control.h"
#include "population/metrics.h"

/*
 * Appends two kinds of line (words in pairs after the first: KEY VALUE ...):
 *   population NAME now_ns N uptime_ns N guests N mem_total_kb N mem_available_kb N
 *              load_1 X rss_kb N
 *   type TYPE guests N pending N running N booting N paused N booted N failed N
 *        finished N exits N vcpu_ns N ram_kb N        (one per type with guests)
 * Counters are cumulative; a client takes two replies for rates.
 */
void metrics_live_reply(struct pop *p, struct control_reply *out);

#endif
