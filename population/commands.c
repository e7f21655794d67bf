/* What a population answers on its control socket: info, guests, stop, pause, resume, snapshot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/clock.h"
#include "population/metrics_live.h"
#include "population/pop.h"
#include "vmm/snapshot.h"

struct pop_guest *pop_find(struct pop *p, const char *id)
{
	/* names and UUIDs are short; a linear scan of even 100,000 guests is a millisecond */
	for (unsigned i = 0; i < p->n; i++)
		if (!strcmp(p->guests[i].name, id) || !strcasecmp(p->guests[i].uuid, id))
			return &p->guests[i];
	return NULL;
}

/* The summary line `tinyvmm list` prints for each population; the header is the client's. */
static void info(struct pop *p, struct control_reply *out)
{
	double up = (double)(clock_mono_ns() - p->start_ns) / 1e9;
	control_reply_printf(out, "%-20s %8ld %7u %7u %7u %8llu %7llu %8.0f\n", p->name,
			     (long)getpid(), p->n, p->running, p->paused,
			     (unsigned long long)p->finished, (unsigned long long)p->failed, up);
}

static void guests(struct pop *p, struct control_reply *out)
{
	uint64_t now = clock_mono_ns();
	control_reply_printf(out, "%-12s %-36s %-4s %-11s %9s %6s %12s\n", "NAME", "UUID", "TYPE",
			     "STATE", "UPTIME_S", "LAPS", "EXITS");
	for (unsigned i = 0; i < p->n; i++) {
		struct pop_guest *g = &p->guests[i];
		const char *state = g->state == GUEST_ENDED ? vm_end_name(g->result.end)
							    : guest_state_name(g->state);
		uint64_t until = g->vm ? now : g->end_ns;
		double up =
		    g->launch_ns && until > g->launch_ns ? (double)(until - g->launch_ns) / 1e9 : 0;
		pthread_mutex_lock(&g->lock);
		uint32_t laps = g->ms.laps;
		pthread_mutex_unlock(&g->lock);
		control_reply_printf(out, "%-12s %-36s %-4s %-11s %9.1f %6u %12llu\n", g->name,
				     g->uuid, guest_type_name(g->type), state, up, laps,
				     (unsigned long long)guest_exits(g));
	}
}

enum action { STOP, PAUSE, RESUME };

/* One guest; false (with a line saying why) when it is in no state for the action. */
static bool act(struct pop *p, struct pop_guest *g, enum action a, struct control_reply *out)
{
	bool live = g->vm && (g->state == GUEST_RUNNING || g->state == GUEST_PAUSED);
	if (!live) {
		control_reply_printf(out, "%s: not running (%s)\n", g->name,
				     guest_state_name(g->state));
		return false;
	}
	switch (a) {
	case STOP:
		vm_stop(g->vm, VM_END_STOPPED, 0, "stopped through the control socket");
		control_reply_printf(out, "%s: stopping\n", g->name);
		return true;
	case PAUSE:
		if (g->state == GUEST_RUNNING) {
			vm_pause(g->vm);
			g->state = GUEST_PAUSED;
			p->paused++;
		}
		control_reply_printf(out, "%s: paused\n", g->name);
		return true;
	case RESUME:
		if (g->state == GUEST_PAUSED) {
			vm_resume(g->vm);
			g->state = GUEST_RUNNING;
			p->paused--;
		}
		control_reply_printf(out, "%s: running\n", g->name);
		return true;
	}
	return false;
}

static int act_on(struct pop *p, enum action a, int argc, char **argv, struct control_reply *out,
		  char *err, size_t errlen)
{
	static const char *const verbs[] = {"stop", "pause", "resume"};
	if (argc == 1) {
		if (a == STOP) {
			pop_stop_all(p, "stopped through the control socket");
			control_reply_printf(out, "stopping %u guests\n", p->running);
			return 0;
		}
		unsigned n = 0;
		for (unsigned i = 0; i < p->n; i++) {
			struct pop_guest *g = &p->guests[i];
			enum guest_state want = a == PAUSE ? GUEST_RUNNING : GUEST_PAUSED;
			if (g->vm && g->state == want) {
				struct control_reply quiet = {0};
				n += act(p, g, a, &quiet);
				free(quiet.buf);
			}
		}
		control_reply_printf(out, "%s: %u guests\n", a == PAUSE ? "paused" : "resumed", n);
		return 0;
	}
	unsigned bad = 0;
	const char *first_bad = NULL;
	for (int i = 1; i < argc; i++) {
		struct pop_guest *g = pop_find(p, argv[i]);
		if (!g) {
			control_reply_printf(out, "%s: no such guest\n", argv[i]);
			first_bad = first_bad ? first_bad : argv[i];
			bad++;
		} else if (!act(p, g, a, out)) {
			first_bad = first_bad ? first_bad : argv[i];
			bad++;
		}
	}
	if (!bad)
		return 0;
	snprintf(err, errlen, "%s: %u of %d guests could not be handled (first: %s)", verbs[a], bad,
		 argc - 1, first_bad);
	return -1;
}

/* "snapshot GUEST PATH": the whole guest into PATH (absolute: the client resolved it), the
 * guest paused for the capture and then as it was. */
static int snapshot(struct pop *p, int argc, char **argv, struct control_reply *out, char *err,
		    size_t errlen)
{
	if (argc != 3 || argv[2][0] != '/') {
		snprintf(err, errlen, "snapshot wants a guest and an absolute path");
		return -1;
	}
	struct pop_guest *g = pop_find(p, argv[1]);
	if (!g) {
		snprintf(err, errlen, "%.64s: no such guest", argv[1]);
		return -1;
	}
	if (!g->vm || (g->state != GUEST_RUNNING && g->state != GUEST_PAUSED)) {
		snprintf(err, errlen, "%s: not running (%s)", g->name, guest_state_name(g->state));
		return -1;
	}
	uint8_t *data = NULL;
	size_t len = 0;
	char why[320];
	int r = vm_snapshot_capture(g->vm, &data, &len, why, sizeof(why));
	if (!r && (r = vm_snapshot_write(argv[2], data, len)))
		snprintf(why, sizeof(why), "cannot write %s: %s", argv[2], strerror(-r));
	free(data);
	if (g->state == GUEST_RUNNING)
		vm_resume(g->vm); /* a guest paused by the user stays paused */
	if (r) {
		snprintf(err, errlen, "%s: %s", g->name, why);
		return -1;
	}
	control_reply_printf(out, "%s: %zu bytes in %s\n", g->name, len, argv[2]);
	return 0;
}

int pop_command(void *ctx, int argc, char **argv, struct control_reply *out, char *err,
		size_t errlen)
{
	struct pop *p = ctx;
	const char *verb = argv[0];
	if (!strcmp(verb, "info") && argc == 1) {
		info(p, out);
		return 0;
	}
	if (!strcmp(verb, "guests") && argc == 1) {
		guests(p, out);
		return 0;
	}
	if (!strcmp(verb, "metrics") && argc == 1) {
		metrics_live_reply(p, out);
		return 0;
	}
	if (!strcmp(verb, "stop"))
		return act_on(p, STOP, argc, argv, out, err, errlen);
	if (!strcmp(verb, "pause"))
		return act_on(p, PAUSE, argc, argv, out, err, errlen);
	if (!strcmp(verb, "resume"))
		return act_on(p, RESUME, argc, argv, out, err, errlen);
	if (!strcmp(verb, "snapshot"))
		return snapshot(p, argc, argv, out, err, errlen);
	snprintf(err, errlen,
		 "unknown request '%.64s' (info, guests, metrics, stop, pause, resume, snapshot)",
		 verb);
	return -1;
}
