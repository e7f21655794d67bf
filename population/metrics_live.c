/* The control socket's `metrics` verb: a population's live figures for tinyvmm stat to render. */
#include "population/metrics_live.h"

#include "base/clock.h"
#include "population/pop.h"
#include "population/procstat.h"

void metrics_live_reply(struct pop *p, struct control_reply *out)
{
	uint64_t now = clock_mono_ns();
	struct mem_info mem = {0};
	struct load_avg load = {0};
	uint64_t rss = 0;
	(void)procstat_admission(&mem, &load); /* what it could not read stays 0 */
	(void)procstat_self_rss_kb(&rss);
	/* a client computes rates from two replies: the clock they share is CLOCK_MONOTONIC */
	control_reply_printf(out,
			     "population %s now_ns %llu uptime_ns %llu guests %u "
			     "mem_total_kb %llu mem_available_kb %llu load_1 %.2f rss_kb %llu\n",
			     p->name, (unsigned long long)now,
			     (unsigned long long)(now - p->start_ns), p->n,
			     (unsigned long long)mem.total, (unsigned long long)mem.available,
			     load.one, (unsigned long long)rss);
	struct type_figures t[GUEST_TYPES];
	metrics_gather(p, t);
	for (int i = 0; i < GUEST_TYPES; i++) {
		const struct type_figures *f = &t[i];
		if (!f->guests)
			continue;
		control_reply_printf(
		    out,
		    "type %s guests %u pending %u running %u booting %u paused %u booted %llu "
		    "failed %llu finished %llu exits %llu vcpu_ns %llu ram_kb %llu\n",
		    guest_type_name((enum guest_type)i), f->guests, f->pending, f->running,
		    f->booting, f->paused, (unsigned long long)f->booted,
		    (unsigned long long)f->failed, (unsigned long long)f->finished,
		    (unsigned long long)f->exits, (unsigned long long)f->vcpu_ns,
		    (unsigned long long)f->ram_kb);
	}
}
