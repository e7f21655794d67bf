/* Formats one results row per guest from what its reports and its VM's end said. */
#include "population/results.h"

#include <errno.h>
#include <stdio.h>

#include "population/csv.h"

const char results_header[] =
    "uuid,name,type,group,app,launched_ms,boot_ms,app_start_ms,app_end_ms,end_ms,laps,lap_ms,"
    "result,faults,app_errors,end,exit_status,exits,vcpu_cpu_ms,serial_bytes,serial_dropped,"
    "message";

/* A milestone as ms after launch with µs precision, or an empty field when never seen. */
static int rel_ms(char *buf, size_t size, size_t *pos, uint64_t t, uint64_t origin)
{
	if (!t)
		return csv_printf(buf, size, pos, ",");
	uint64_t d = t > origin ? t - origin : 0;
	return csv_printf(buf, size, pos, "%llu.%03llu,", (unsigned long long)(d / 1000000u),
			  (unsigned long long)(d % 1000000u / 1000u));
}

static const char *end_of(const struct pop_guest *g)
{
	switch (g->state) {
	case GUEST_ENDED:
		return vm_end_name(g->result.end);
	case GUEST_RUNNING:
	case GUEST_PAUSED:
		return "running";
	default:
		return guest_state_name(g->state);
	}
}

int results_format_row(char *buf, size_t size, struct pop_guest *g, const char *app)
{
	size_t pos = 0;
	int r = csv_printf(buf, size, &pos, "%s,%s,%s,%u,", g->uuid, g->name,
			   guest_type_name(g->type), g->group + 1);
	r = r ? r : csv_field(buf, size, &pos, app ? app : "");
	bool launched = g->launch_ns != 0;
	if (!r && launched)
		r = csv_printf(buf, size, &pos, ",%lld,", (long long)g->launch_wall_ms);
	else if (!r)
		r = csv_printf(buf, size, &pos, ",,");

	pthread_mutex_lock(&g->lock);
	const struct guest_milestones *m = &g->ms;
	/* the boot ends when the kernel says it is up, or failing that when the app starts */
	uint64_t boot = m->kernel_up_ns ? m->kernel_up_ns : m->app_start_ns;
	r = r ? r : rel_ms(buf, size, &pos, boot, g->launch_ns);
	r = r ? r : rel_ms(buf, size, &pos, m->app_start_ns, g->launch_ns);
	r = r ? r : rel_ms(buf, size, &pos, m->app_done_ns, g->launch_ns);
	r = r ? r : rel_ms(buf, size, &pos, launched ? g->end_ns : 0, g->launch_ns);
	r = r ? r : csv_printf(buf, size, &pos, "%u,", m->laps);
	for (uint32_t i = 0; !r && i < m->nkept; i++) {
		uint64_t d = m->lap_ns[i] > g->launch_ns ? m->lap_ns[i] - g->launch_ns : 0;
		r = csv_printf(buf, size, &pos, "%s%llu.%03llu", i ? ";" : "",
			       (unsigned long long)(d / 1000000u),
			       (unsigned long long)(d % 1000000u / 1000u));
	}
	r = r ? r : csv_printf(buf, size, &pos, ",");
	r = r		    ? r
	    : m->has_result ? csv_printf(buf, size, &pos, "%u,", m->result)
			    : csv_printf(buf, size, &pos, ",");
	r = r ? r : csv_printf(buf, size, &pos, "%u,%u,", m->faults, m->app_errors);
	pthread_mutex_unlock(&g->lock);

	r = r ? r : csv_printf(buf, size, &pos, "%s,", end_of(g));
	bool debug_exit = g->state == GUEST_ENDED && g->result.end == VM_END_DEBUG_EXIT;
	r = r		 ? r
	    : debug_exit ? csv_printf(buf, size, &pos, "%d,", g->result.status)
			 : csv_printf(buf, size, &pos, ",");
	r = r ? r
	      : csv_printf(buf, size, &pos, "%llu,%llu,%llu,%llu,",
			   (unsigned long long)guest_exits(g),
			   (unsigned long long)(guest_cpu_ns(g) / 1000000u),
			   (unsigned long long)atomic_load(&g->serial_bytes),
			   (unsigned long long)g->serial_dropped);
	const char *msg = g->state == GUEST_ENDED ? g->result.message : g->fail_msg;
	r = r ? r : csv_field(buf, size, &pos, msg);
	return r ? -ENOSPC : (int)pos;
}
