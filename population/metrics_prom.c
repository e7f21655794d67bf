/* Prints a sample as Prometheus text (families with HELP and TYPE) and replaces the file
 * atomically. */
#include "population/metrics_prom.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/file_replace.h"
#include "population/csv.h"

/* A label value with \, " and newlines escaped, as the text format requires. */
static int label_value(char *buf, size_t size, size_t *pos, const char *s)
{
	int r = 0;
	for (; *s && !r; s++) {
		if (*s == '\\' || *s == '"')
			r = csv_printf(buf, size, pos, "\\%c", *s);
		else if (*s == '\n')
			r = csv_printf(buf, size, pos, "\\n");
		else
			r = csv_printf(buf, size, pos, "%c", *s);
	}
	return r;
}

static int family(char *buf, size_t size, size_t *pos, const char *name, const char *type,
		  const char *help)
{
	return csv_printf(buf, size, pos, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{population="P"[,type="T"]} value */
static int sample(char *buf, size_t size, size_t *pos, const char *name, const char *pop,
		  const char *type, double value)
{
	int r = csv_printf(buf, size, pos, "%s{population=\"", name);
	r = r ? r : label_value(buf, size, pos, pop);
	if (type)
		r = r ? r : csv_printf(buf, size, pos, "\",type=\"%s", type);
	/* %.17g keeps every digit a counter has up to 2^53 and is what Go's ParseFloat reads */
	return r ? r : csv_printf(buf, size, pos, "\"} %.17g\n", value);
}

/* The host's figures: one family each, one sample. */
struct host_metric {
	const char *name, *type, *help;
	double value;
};

/* A per-type family: its figure for each type that has guests. */
struct type_metric {
	const char *name, *type, *help;
	double (*get)(const struct type_figures *t);
};

static double t_guests(const struct type_figures *t)
{
	return t->guests;
}
static double t_pending(const struct type_figures *t)
{
	return t->pending;
}
static double t_running(const struct type_figures *t)
{
	return t->running;
}
static double t_booting(const struct type_figures *t)
{
	return t->booting;
}
static double t_paused(const struct type_figures *t)
{
	return t->paused;
}
static double t_booted(const struct type_figures *t)
{
	return (double)t->booted;
}
static double t_failed(const struct type_figures *t)
{
	return (double)t->failed;
}
static double t_finished(const struct type_figures *t)
{
	return (double)t->finished;
}
static double t_exits(const struct type_figures *t)
{
	return (double)t->exits;
}
static double t_vcpu(const struct type_figures *t)
{
	return (double)t->vcpu_ns / 1e9;
}
static double t_ram(const struct type_figures *t)
{
	return (double)t->ram_kb * 1024;
}

static const struct type_metric type_metrics[] = {
    {"tinyvmm_guests", "gauge", "Guests of this type in the population.", t_guests},
    {"tinyvmm_guests_pending", "gauge", "Guests not launched (yet, or ever).", t_pending},
    {"tinyvmm_guests_running", "gauge",
     "Guests launched and not ended, booting and paused ones included.", t_running},
    {"tinyvmm_guests_booting", "gauge", "Running guests whose kernel or app has not reported yet.",
     t_booting},
    {"tinyvmm_guests_paused", "gauge", "Guests paused through the control socket.", t_paused},
    {"tinyvmm_guests_booted_total", "counter", "Guests launched.", t_booted},
    {"tinyvmm_guests_failed_total", "counter", "Guests that failed to start or crashed.", t_failed},
    {"tinyvmm_guests_finished_total", "counter", "Guests that ended without crashing.", t_finished},
    {"tinyvmm_guest_exits_total", "counter", "VM exits to user space.", t_exits},
    {"tinyvmm_guest_vcpu_seconds_total", "counter", "CPU time of the guests' vCPU threads.",
     t_vcpu},
    {"tinyvmm_guest_memory_bytes", "gauge", "Guest RAM given to running guests.", t_ram},
};

int prom_format(char *buf, size_t size, const struct metrics_sample *m)
{
	const struct stats_values *v = m->v;
	const struct pop_counters *c = &v->pop;
	const struct host_metric host[] = {
	    {"tinyvmm_host_cpu_user_percent", "gauge",
	     "Host CPU in user mode (guests included), % of all cores over the last interval.",
	     v->cpu_user},
	    {"tinyvmm_host_cpu_system_percent", "gauge",
	     "Host CPU in the kernel, % of all cores over the last interval.", v->cpu_system},
	    {"tinyvmm_host_cpu_busy_percent", "gauge",
	     "Host CPU not idle, % of all cores over the last interval.", v->cpu_total},
	    {"tinyvmm_host_load1", "gauge", "Host load average over 1 minute.", v->load.one},
	    {"tinyvmm_host_load5", "gauge", "Host load average over 5 minutes.", v->load.five},
	    {"tinyvmm_host_load15", "gauge", "Host load average over 15 minutes.", v->load.fifteen},
	    {"tinyvmm_host_memory_total_bytes", "gauge", "Host memory (MemTotal).",
	     (double)v->mem_total_kb * 1024},
	    {"tinyvmm_host_memory_available_bytes", "gauge",
	     "Host memory available to new work (MemAvailable).",
	     (double)v->mem_available_kb * 1024},
	    {"tinyvmm_host_swap_used_bytes", "gauge", "Host swap in use.",
	     (double)v->swap_used_kb * 1024},
	    {"tinyvmm_process_resident_bytes", "gauge", "tinyvmm's resident set (RSS).",
	     (double)c->rss_kb * 1024},
	    {"tinyvmm_process_proportional_bytes", "gauge",
	     "tinyvmm's proportional set (PSS, re-read every 10th sample).",
	     (double)c->pss_kb * 1024},
	    {"tinyvmm_ksm_saved_bytes", "gauge",
	     "Host memory KSM saves (pages_sharing; 0 without --ksm).",
	     (double)c->ksm_saved_kb * 1024},
	};
	size_t pos = 0;
	int r = 0;
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]) && !r; i++) {
		r = family(buf, size, &pos, host[i].name, host[i].type, host[i].help);
		r = r ? r
		      : sample(buf, size, &pos, host[i].name, m->population, NULL, host[i].value);
	}
	for (size_t i = 0; i < sizeof(type_metrics) / sizeof(type_metrics[0]) && !r; i++) {
		const struct type_metric *tm = &type_metrics[i];
		r = family(buf, size, &pos, tm->name, tm->type, tm->help);
		for (int t = 0; t < GUEST_TYPES && !r; t++)
			if (m->types[t].guests)
				r = sample(buf, size, &pos, tm->name, m->population,
					   guest_type_name((enum guest_type)t),
					   tm->get(&m->types[t]));
	}
	return r ? -ENOSPC : (int)pos;
}

int prom_write_file(const char *path, const char *text, size_t len)
{
	return file_replace(path, text, len, 0644);
}
