/* Formats a statistics row: host CPU shares, load, memory, paging rates, then the population's. */
#include "population/stats.h"

#include <errno.h>

#include "population/csv.h"

/* perf.pl's 23 columns first (vms_running last of them), then tinyvmm's. */
const char stats_header[] =
    "timestamp_ms,cpu_user,cpu_system,cpu_idle,cpu_total,load_1,load_5,load_15,"
    "mem_total_kb,mem_used_kb,mem_free_kb,mem_cached_kb,swap_total_kb,swap_used_kb,"
    "swap_free_kb,swap_cached_kb,pgfault,pgmajfault,pgpgin,pgpgout,pswpin,pswpout,"
    "vms_running,guests_booted,guests_failed,guests_finished,guests_paused,exits_per_s,"
    "vcpu_cpu_s,vcpu_cpu_pct,rss_kb,pss_kb,ksm_saved_kb";

static uint64_t delta(uint64_t now, uint64_t before)
{
	return now > before ? now - before : 0; /* a counter never runs backwards; if it did, 0 */
}

static double per_s(uint64_t now, uint64_t before, double seconds)
{
	return seconds > 0 ? (double)delta(now, before) / seconds : 0;
}

int stats_format_row(char *buf, size_t size, const struct stats_point *prev,
		     const struct stats_point *cur)
{
	const struct cpu_times *a = &prev->host.cpu, *b = &cur->host.cpu;
	/* user and system as the thesis's Sys::Statistics::Linux splits them; total = not idle */
	uint64_t user = delta(b->user + b->nice, a->user + a->nice);
	uint64_t sys = delta(b->system + b->irq + b->softirq, a->system + a->irq + a->softirq);
	uint64_t idle = delta(b->idle + b->iowait, a->idle + a->iowait);
	uint64_t all = user + sys + idle + delta(b->steal, a->steal);
	double pct = all ? 100.0 / (double)all : 0;
	double secs = (double)delta(cur->mono_ns, prev->mono_ns) / 1e9;
	const struct mem_info *m = &cur->host.mem;
	const struct vm_counters *v = &cur->host.vm, *v0 = &prev->host.vm;
	const struct pop_counters *p = &cur->pop, *p0 = &prev->pop;

	size_t pos = 0;
	int r = csv_printf(buf, size, &pos, "%lld,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,",
			   (long long)cur->wall_ms, (double)user * pct, (double)sys * pct,
			   (double)idle * pct, all ? 100.0 - (double)idle * pct : 0,
			   cur->host.load.one, cur->host.load.five, cur->host.load.fifteen);
	r = r ? r
	      : csv_printf(buf, size, &pos, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,",
			   (unsigned long long)m->total,
			   (unsigned long long)delta(m->total, m->free),
			   (unsigned long long)m->free, (unsigned long long)m->cached,
			   (unsigned long long)m->swap_total,
			   (unsigned long long)delta(m->swap_total, m->swap_free),
			   (unsigned long long)m->swap_free, (unsigned long long)m->swap_cached);
	r = r ? r
	      : csv_printf(buf, size, &pos, "%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,",
			   per_s(v->pgfault, v0->pgfault, secs),
			   per_s(v->pgmajfault, v0->pgmajfault, secs),
			   per_s(v->pgpgin, v0->pgpgin, secs), per_s(v->pgpgout, v0->pgpgout, secs),
			   per_s(v->pswpin, v0->pswpin, secs),
			   per_s(v->pswpout, v0->pswpout, secs));
	double vcpu_s = (double)p->vcpu_ns / 1e9;
	double vcpu_pct = secs > 0 ? (double)delta(p->vcpu_ns, p0->vcpu_ns) / 1e7 / secs : 0;
	r = r ? r
	      : csv_printf(buf, size, &pos, "%u,%llu,%llu,%llu,%u,%.1f,%.3f,%.2f,%llu,%llu,%llu",
			   p->running, (unsigned long long)p->booted, (unsigned long long)p->failed,
			   (unsigned long long)p->finished, p->paused,
			   per_s(p->exits, p0->exits, secs), vcpu_s, vcpu_pct,
			   (unsigned long long)p->rss_kb, (unsigned long long)p->pss_kb,
			   (unsigned long long)p->ksm_saved_kb);
	return r ? -ENOSPC : (int)pos;
}
