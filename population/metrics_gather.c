/* Counts a population's guests per type: states, boots in progress, exits, vCPU time, RAM. */
#include "population/metrics.h"

#include <string.h>

#include "population/pop.h"

/* No report yet: the guest's kernel has not said it is up, nor has its app started. */
static bool still_booting(struct pop_guest *g)
{
	pthread_mutex_lock(&g->lock);
	bool booting = !g->ms.kernel_up_ns && !g->ms.app_start_ns;
	pthread_mutex_unlock(&g->lock);
	return booting;
}

void metrics_gather(struct pop *p, struct type_figures out[GUEST_TYPES])
{
	memset(out, 0, GUEST_TYPES * sizeof(*out));
	for (unsigned i = 0; i < p->n; i++) {
		struct pop_guest *g = &p->guests[i];
		struct type_figures *t = &out[g->type];
		t->guests++;
		switch (g->state) {
		case GUEST_PENDING:
		case GUEST_NOT_STARTED:
			t->pending++;
			continue;
		case GUEST_FAILED:
			t->failed++;
			continue;
		case GUEST_PAUSED: /* still running as the stats count it */
		case GUEST_RUNNING:
			t->paused += g->state == GUEST_PAUSED;
			t->running++;
			t->booted++;
			t->booting += still_booting(g);
			t->ram_kb += p->spec->groups[g->group].ram_bytes >> 10;
			break;
		case GUEST_ENDED:
			t->booted++;
			if (g->result.end == VM_END_CRASH)
				t->failed++;
			else
				t->finished++;
			break;
		}
		t->exits += guest_exits(g);
		t->vcpu_ns += guest_cpu_ns(g);
	}
}
