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

void stats_compute(struct stats_values *v, const struct stats_point *prev,
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
	const struct vm_counters *vm = &cur->host.vm, *vm0 = &prev->host.vm;
	const struct pop_counters *p = &cur->pop, *p0 = &prev->pop;

	*v = (struct stats_values){
	    .timestamp_ms = cur->wall_ms,
	    .cpu_user = (double)user * pct,
	    .cpu_system = (double)sys * pct,
	    .cpu_idle = (double)idle * pct,
	    .cpu_total = all ? 100.0 - (double)idle * pct : 0,
	    .load = cur->host.load,
	    .mem_total_kb = m->total,
	    .mem_used_kb = delta(m->total, m->free),
	    .mem_free_kb = m->free,
	    .mem_cached_kb = m->cached,
	    .mem_available_kb = m->available,
	    .swap_total_kb = m->swap_total,
	    .swap_used_kb = delta(m->swap_total, m->swap_free),
	    .swap_free_kb = m->swap_free,
	    .swap_cached_kb = m->swap_cached,
	    .pgfault = per_s(vm->pgfault, vm0->pgfault, secs),
	    .pgmajfault = per_s(vm->pgmajfault, vm0->pgmajfault, secs),
	    .pgpgin = per_s(vm->pgpgin, vm0->pgpgin, secs),
	    .pgpgout = per_s(vm->pgpgout, vm0->pgpgout, secs),
	    .pswpin = per_s(vm->pswpin, vm0->pswpin, secs),
	    .pswpout = per_s(vm->pswpout, vm0->pswpout, secs),
	    .pop = *p,
	    .exits_per_s = per_s(p->exits, p0->exits, secs),
	    .vcpu_cpu_s = (double)p->vcpu_ns / 1e9,
	    .vcpu_cpu_pct = secs > 0 ? (double)delta(p->vcpu_ns, p0->vcpu_ns) / 1e7 / secs : 0,
	};
}

int stats_format_row(char *buf, size_t size, const struct stats_point *prev,
		     const struct stats_point *cur)
{
	struct stats_values v;
	stats_compute(&v, prev, cur);
	return stats_format_values(buf, size, &v);
}

int stats_format_values(char *buf, size_t size, const struct stats_values *v)
{
	const struct pop_counters *p = &v->pop;
	size_t pos = 0;
	int r = csv_printf(buf, size, &pos, "%lld,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,",
			   (long long)v->timestamp_ms, v->cpu_user, v->cpu_system, v->cpu_idle,
			   v->cpu_total, v->load.one, v->load.five, v->load.fifteen);
	r = r ? r
	      : csv_printf(buf, size, &pos, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,",
			   (unsigned long long)v->mem_total_kb, (unsigned long long)v->mem_used_kb,
			   (unsigned long long)v->mem_free_kb, (unsigned long long)v->mem_cached_kb,
			   (unsigned long long)v->swap_total_kb,
			   (unsigned long long)v->swap_used_kb, (unsigned long long)v->swap_free_kb,
			   (unsigned long long)v->swap_cached_kb);
	r = r ? r
	      : csv_printf(buf, size, &pos, "%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,", v->pgfault,
			   v->pgmajfault, v->pgpgin, v->pgpgout, v->pswpin, v->pswpout);
	r = r ? r
	      : csv_printf(buf, size, &pos, "%u,%llu,%llu,%llu,%u,%.1f,%.3f,%.2f,%llu,%llu,%llu",
			   p->running, (unsigned long long)p->booted, (unsigned long long)p->failed,
			   (unsigned long long)p->finished, p->paused, v->exits_per_s,
			   v->vcpu_cpu_s, v->vcpu_cpu_pct, (unsigned long long)p->rss_kb,
			   (unsigned long long)p->pss_kb, (unsigned long long)p->ksm_saved_kb);
	return r ? -ENOSPC : (int)pos;
}
