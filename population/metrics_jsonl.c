/* Prints a sample as one JSON line with the CSV's column names, so tools can read either. */
#include "population/metrics_jsonl.h"

#include <errno.h>

#include "population/csv.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static int json_string(char *buf, size_t size, size_t *pos, const char *s)
{
	int r = csv_printf(buf, size, pos, "\"");
	for (; *s && !r; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			r = csv_printf(buf, size, pos, "\\%c", c);
		else if (c < 0x20)
			r = csv_printf(buf, size, pos, "\\u%04x", c);
		else
			r = csv_printf(buf, size, pos, "%c", c);
	}
	return r ? r : csv_printf(buf, size, pos, "\"");
}

static int types(char *buf, size_t size, size_t *pos, const struct type_figures *t)
{
	int r = csv_printf(buf, size, pos, ",\"types\":{");
	bool first = true;
	for (int i = 0; i < GUEST_TYPES && !r; i++) {
		const struct type_figures *f = &t[i];
		if (!f->guests)
			continue;
		r = csv_printf(
		    buf, size, pos,
		    "%s\"%s\":{\"guests\":%u,\"pending\":%u,\"running\":%u,\"booting\":%u,"
		    "\"paused\":%u,\"booted\":%llu,\"failed\":%llu,\"finished\":%llu,"
		    "\"exits\":%llu,\"vcpu_cpu_s\":%.3f,\"ram_kb\":%llu}",
		    first ? "" : ",", guest_type_name((enum guest_type)i), f->guests, f->pending,
		    f->running, f->booting, f->paused, (unsigned long long)f->booted,
		    (unsigned long long)f->failed, (unsigned long long)f->finished,
		    (unsigned long long)f->exits, (double)f->vcpu_ns / 1e9,
		    (unsigned long long)f->ram_kb);
		first = false;
	}
	return r ? r : csv_printf(buf, size, pos, "}");
}

int jsonl_format(char *buf, size_t size, const struct metrics_sample *m)
{
	const struct stats_values *v = m->v;
	const struct pop_counters *p = &v->pop;
	size_t pos = 0;
	int r = csv_printf(buf, size, &pos, "{\"population\":");
	r = r ? r : json_string(buf, size, &pos, m->population);
	/* the stats CSV's columns, in its order and with its precision */
	r = r ? r
	      : csv_printf(buf, size, &pos,
			   ",\"timestamp_ms\":%lld,\"cpu_user\":%.2f,\"cpu_system\":%.2f,"
			   "\"cpu_idle\":%.2f,\"cpu_total\":%.2f,\"load_1\":%.2f,\"load_5\":%.2f,"
			   "\"load_15\":%.2f",
			   (long long)v->timestamp_ms, v->cpu_user, v->cpu_system, v->cpu_idle,
			   v->cpu_total, v->load.one, v->load.five, v->load.fifteen);
	r = r ? r
	      : csv_printf(buf, size, &pos,
			   ",\"mem_total_kb\":%llu,\"mem_used_kb\":%llu,\"mem_free_kb\":%llu,"
			   "\"mem_cached_kb\":%llu,\"swap_total_kb\":%llu,\"swap_used_kb\":%llu,"
			   "\"swap_free_kb\":%llu,\"swap_cached_kb\":%llu",
			   (unsigned long long)v->mem_total_kb, (unsigned long long)v->mem_used_kb,
			   (unsigned long long)v->mem_free_kb, (unsigned long long)v->mem_cached_kb,
			   (unsigned long long)v->swap_total_kb,
			   (unsigned long long)v->swap_used_kb, (unsigned long long)v->swap_free_kb,
			   (unsigned long long)v->swap_cached_kb);
	r = r ? r
	      : csv_printf(buf, size, &pos,
			   ",\"pgfault\":%.2f,\"pgmajfault\":%.2f,\"pgpgin\":%.2f,\"pgpgout\":%.2f,"
			   "\"pswpin\":%.2f,\"pswpout\":%.2f",
			   v->pgfault, v->pgmajfault, v->pgpgin, v->pgpgout, v->pswpin, v->pswpout);
	r = r ? r
	      : csv_printf(buf, size, &pos,
			   ",\"vms_running\":%u,\"guests_booted\":%llu,\"guests_failed\":%llu,"
			   "\"guests_finished\":%llu,\"guests_paused\":%u,\"exits_per_s\":%.1f,"
			   "\"vcpu_cpu_s\":%.3f,\"vcpu_cpu_pct\":%.2f,\"rss_kb\":%llu,"
			   "\"pss_kb\":%llu,\"ksm_saved_kb\":%llu",
			   p->running, (unsigned long long)p->booted, (unsigned long long)p->failed,
			   (unsigned long long)p->finished, p->paused, v->exits_per_s,
			   v->vcpu_cpu_s, v->vcpu_cpu_pct, (unsigned long long)p->rss_kb,
			   (unsigned long long)p->pss_kb, (unsigned long long)p->ksm_saved_kb);
	r = r ? r : types(buf, size, &pos, m->types);
	r = r ? r : csv_printf(buf, size, &pos, "}");
	return r ? -ENOSPC : (int)pos;
}
