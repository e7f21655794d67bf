/* The population's one loop: launch, admit, sample, reap, obey signals, control and duration. */
#include "population/pop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "base/errf.h"
#include "base/clock.h"
#include "population/host_limits.h"
#include "population/metrics_write.h"
#include "population/procstat.h"
#include "population/results.h"

/* Guest failures are listed one by one up to here; the results file has them all. */
#define FAILURE_LINES_MAX 10

/* What a guest of group `g` holds while it runs. */
static struct guest_cost guest_cost(const struct pop *p, const struct pop_group *g)
{
	const struct boot_files *bf = &p->files[g - p->spec->groups];
	return admission_guest_cost(g->smp, p->env.logs_dir != NULL, !bf->direct);
}

int pop_init(struct pop *p, const struct pop_spec *spec, const struct boot_files *files,
	     const struct guest_env *env, const char *name, FILE *log, bool tty)
{
	memset(p, 0, sizeof(*p));
	p->spec = spec;
	p->files = files;
	p->env = *env;
	p->n = spec->total;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->guests = calloc(p->n ? p->n : 1, sizeof(*p->guests));
	if (!p->guests)
		return -ENOMEM;
	int r = endq_init(&p->endq, p->n);
	if (r) {
		free(p->guests);
		return r;
	}
	p->env.endq = &p->endq;
	unsigned k[GUEST_TYPES], idx = 0;
	for (int t = 0; t < GUEST_TYPES; t++)
		k[t] = pop_spec_first_number(spec, (enum guest_type)t) - 1;
	for (unsigned gi = 0; gi < spec->ngroups; gi++) {
		const struct pop_group *g = &spec->groups[gi];
		for (unsigned c = 0; c < g->count; c++, idx++) {
			if ((r = guest_init(&p->guests[idx], idx, gi, g->type, ++k[g->type]))) {
				while (idx > 0)
					guest_fini(&p->guests[--idx]);
				endq_destroy(&p->endq);
				free(p->guests);
				return r;
			}
		}
	}
	progress_init(&p->progress, log, tty);
	p->admission = (struct admission_policy){.min_free_kb = spec->min_free_kb,
						 .has_max_load = spec->has_max_load,
						 .max_load = spec->max_load};
	host_limits_read(&p->limits);
	/* what the process holds before any guest; the guests' share is counted as they go */
	p->base = (struct guest_cost){.fds = host_count_fds(), .maps = host_count_maps()};
	/* RLIMIT_NPROC counts every task of the user: the others are counted once, here */
	if (p->limits.nproc)
		p->base_user_tasks = host_count_user_tasks(getuid());
	p->launching = p->n > 0;
	return 0;
}

void pop_fini(struct pop *p)
{
	for (unsigned i = 0; i < p->n; i++)
		guest_fini(&p->guests[i]);
	endq_destroy(&p->endq);
	free(p->guests);
	p->guests = NULL;
}

static void view(const struct pop *p, struct progress_view *v)
{
	*v = (struct progress_view){.launched = p->next,
				    .total = p->n,
				    .running = p->running,
				    .failed = (unsigned)p->failed,
				    .finished = (unsigned)p->finished,
				    .mem_available_kb = p->mem_available_kb};
}

static void write_result(struct pop *p, struct pop_guest *g)
{
	if (!p->results || p->results->error)
		return;
	char *row = malloc(RESULTS_ROW_MAX);
	int n = row ? results_format_row(row, RESULTS_ROW_MAX, g, p->spec->groups[g->group].app)
		    : -ENOMEM;
	if (n >= 0 && csv_write_row(p->results, row, (size_t)n) == 0) {
		free(row);
		return;
	}
	free(row);
	progress_log(&p->progress, "--results '%s': %s; later rows are lost", p->results->path,
		     strerror(n < 0 ? -n : p->results->error));
}

static void guest_failed(struct pop *p, const struct pop_guest *g, const char *what,
			 const char *msg)
{
	if (p->failure_lines < FAILURE_LINES_MAX)
		progress_log(&p->progress, "%s %s: %s", g->name, what, msg);
	else if (p->failure_lines == FAILURE_LINES_MAX)
		progress_log(&p->progress, "more guests failed: see the results file");
	p->failure_lines++;
}

static void stop_launching(struct pop *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void stop_launching(struct pop *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(p->launch_stop, sizeof(p->launch_stop), 0, fmt, ap);
	va_end(ap);
	p->launching = false;
	progress_log(&p->progress, "stopped launching after %u of %u guests (%llu running): %s",
		     p->next, p->n, (unsigned long long)p->running, p->launch_stop);
}

/* Admission control before a boot: false (launching stopped, reason said) when refused. */
static bool admit(struct pop *p, const struct pop_group *grp)
{
	struct mem_info mem;
	struct load_avg load;
	int r = procstat_admission(&mem, &load);
	if (r) {
		stop_launching(p,
			       "cannot read /proc/meminfo or /proc/loadavg (%s): admission "
			       "control cannot keep the host safe",
			       strerror(-r));
		return false;
	}
	p->mem_available_kb = mem.available;
	uint64_t rss = 0;
	(void)procstat_self_rss_kb(&rss);
	struct admission_state st = {
	    .mem_available_kb = mem.available,
	    .load_1 = load.one,
	    .untouched_kb =
		!p->spec->overcommit && p->running_ram_kb > rss ? p->running_ram_kb - rss : 0,
	    .next_guest_kb = admission_guest_kb(grp->ram_bytes, grp->smp),
	    .limits = p->limits,
	    .fds_in_use = p->base.fds + p->held.fds,
	    .maps_in_use = p->base.maps + p->held.maps,
	    .host_tasks = load.tasks,
	    .user_tasks = p->base_user_tasks + p->held.threads + p->held.kthreads,
	    .next = guest_cost(p, grp),
	};
	char why[384];
	if (admission_decide(&p->admission, &st, why, sizeof(why)) == ADMIT)
		return true;
	stop_launching(p, "admission control: %s", why);
	return false;
}

static void check_ksm_once(struct pop *p)
{
	if (!p->spec->ksm || p->ksm_checked)
		return;
	p->ksm_checked = true;
	char buf[16];
	if (procstat_read("/sys/kernel/mm/ksm/run", buf, sizeof(buf)) <= 0)
		progress_log(&p->progress, "--ksm: this kernel has no KSM; nothing will be merged");
	else if (buf[0] == '0')
		progress_log(&p->progress, "--ksm: KSM is off on this host (/sys/kernel/mm/ksm/run "
					   "is 0): guest RAM is offered, nothing merges it yet");
}

/* A host limit, not a bad guest: launching more would only fail the same way. */
static bool host_exhausted(int err)
{
	return err == -ENOMEM || err == -EMFILE || err == -ENFILE || err == -EAGAIN ||
	       err == -ENOSPC;
}

static void launch_next(struct pop *p)
{
	struct pop_guest *g = &p->guests[p->next];
	const struct pop_group *grp = &p->spec->groups[g->group];
	if (!admit(p, grp))
		return;
	int r = guest_launch(g, grp, &p->files[g->group], &p->env);
	p->next++;
	if (p->next == p->n)
		p->launching = false;
	if (r) {
		p->failed++;
		guest_failed(p, g, "failed to start", g->fail_msg);
		write_result(p, g);
		if (host_exhausted(r) && p->launching)
			stop_launching(p, "the host refused %s: %s", g->name, g->fail_msg);
		return;
	}
	p->booted++;
	p->running++;
	p->running_ram_kb += grp->ram_bytes >> 10;
	struct guest_cost c = guest_cost(p, grp);
	admission_cost_add(&p->held, &c, 1);
	check_ksm_once(p);
	if (g->start_err && p->launching)
		stop_launching(p, "the host refused a vCPU thread for %s: %s", g->name,
			       strerror(-g->start_err));
}

static void reap(struct pop *p, unsigned idx)
{
	if (idx >= p->n)
		return;
	struct pop_guest *g = &p->guests[idx];
	if (g->state != GUEST_RUNNING && g->state != GUEST_PAUSED)
		return;
	const struct pop_group *grp = &p->spec->groups[g->group];
	if (g->state == GUEST_PAUSED)
		p->paused--;
	guest_release(g);
	p->running--;
	p->running_ram_kb -= grp->ram_bytes >> 10;
	struct guest_cost c = guest_cost(p, grp);
	admission_cost_add(&p->held, &c, -1);
	p->ended_exits += g->exits;
	p->ended_cpu_ns += g->cpu_ns;
	if (g->result.end == VM_END_CRASH) {
		p->failed++;
		guest_failed(p, g, "crashed", g->result.message);
	} else {
		p->finished++;
	}
	write_result(p, g);
}

static void reap_ended(struct pop *p)
{
	unsigned idx;
	endq_ack(&p->endq);
	while (endq_pop(&p->endq, &idx))
		reap(p, idx);
}

void pop_stop_all(struct pop *p, const char *why)
{
	if (p->stopping)
		return;
	p->stopping = true;
	p->launching = false;
	p->sampling = false;
	snprintf(p->stop_reason, sizeof(p->stop_reason), "%s", why);
	for (unsigned i = 0; i < p->n; i++) {
		struct pop_guest *g = &p->guests[i];
		if (g->vm && (g->state == GUEST_RUNNING || g->state == GUEST_PAUSED))
			vm_stop(g->vm, VM_END_STOPPED, 0, why);
	}
}

/* One statistics point: the host from /proc, the population from its guests' figures. */
static void take_point(struct pop *p, struct stats_point *pt, uint64_t now,
		       const struct type_figures types[GUEST_TYPES])
{
	memset(pt, 0, sizeof(*pt));
	pt->mono_ns = now;
	pt->wall_ms = clock_wall_ms();
	(void)procstat_host(&pt->host); /* fields it could not read stay 0 */
	/*
	 * smaps_rollup walks every mapped page of the process: with 1,000 guests in the nested
	 * VM one read took ~25 ms, most of the sampler's cost at 1 Hz. PSS is read every
	 * POP_PSS_EVERY points (and at the first); RSS comes from statm every time.
	 */
	if (p->points++ % POP_PSS_EVERY == 0) {
		(void)procstat_self(&pt->pop.rss_kb, &p->pss_kb);
	} else {
		(void)procstat_self_rss_kb(&pt->pop.rss_kb);
	}
	pt->pop.pss_kb = p->pss_kb;
	if (p->spec->ksm)
		pt->pop.ksm_saved_kb = procstat_ksm_saved_kb();
	struct pop_counters *c = &pt->pop;
	c->running = p->running;
	c->paused = p->paused;
	c->booted = p->booted;
	c->failed = p->failed;
	c->finished = p->finished;
	/* every guest's exits and vCPU time, ended ones included: the per-type figures' sum */
	for (unsigned t = 0; t < GUEST_TYPES; t++) {
		c->exits += types[t].exits;
		c->vcpu_ns += types[t].vcpu_ns;
	}
	if (pt->host.mem.available)
		p->mem_available_kb = pt->host.mem.available;
}

static bool sampled(const struct pop *p)
{
	return p->stats || p->jsonl || p->prom_path;
}

static void sample(struct pop *p, uint64_t now)
{
	/* one walk over the guests and one computation serve every output */
	struct type_figures types[GUEST_TYPES];
	metrics_gather(p, types);
	struct stats_point cur;
	take_point(p, &cur, now, types);
	struct stats_values v;
	stats_compute(&v, &p->last, &cur);
	char row[1024];
	int n = p->stats ? stats_format_values(row, sizeof(row), &v) : 0;
	if (p->stats && (n < 0 || csv_write_row(p->stats, row, (size_t)n))) {
		progress_log(&p->progress, "--stats '%s': %s; no more rows", p->stats->path,
			     strerror(p->stats->error ? p->stats->error : ENOSPC));
		p->stats = NULL;
	}
	metrics_write(p, &v, types);
	p->last = cur;
	if (!sampled(p)) {
		p->sampling = false; /* every output failed */
		return;
	}
	uint64_t interval = (uint64_t)(p->spec->interval_s * 1e9);
	/* a late sample does not bunch the next ones: keep the grid, skip what was missed */
	while (p->next_sample_ns <= now)
		p->next_sample_ns += interval;
	if (p->spec->samples && p->stats && p->stats->rows >= p->spec->samples) {
		p->sampling = false;
		if (!p->spec->duration_s)
			pop_stop_all(p, "--samples rows written");
	}
}

static void on_signal(struct pop *p, int sig_fd)
{
	struct signalfd_siginfo si;
	ssize_t n = read(sig_fd, &si, sizeof(si));
	if (n != (ssize_t)sizeof(si))
		return;
	const char *name = si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
	if (p->stopping) {
		progress_log(&p->progress, "%s: already stopping, %u guests to go", name,
			     p->running);
		return;
	}
	progress_log(&p->progress, "%s: stopping %u guests", name, p->running);
	pop_stop_all(p, name);
}

static int ms_until(uint64_t t, uint64_t now)
{
	if (t <= now)
		return 0;
	uint64_t ms = (t - now + 999999) / 1000000; /* round up: never wake before it is due */
	return ms > 60000 ? 60000 : (int)ms;
}

static void finish(struct pop *p)
{
	const char *why = p->launch_stop[0]   ? p->launch_stop
			  : p->stop_reason[0] ? p->stop_reason
					      : "the population ended first";
	unsigned not_started = 0;
	for (unsigned i = 0; i < p->n; i++) {
		struct pop_guest *g = &p->guests[i];
		if (g->state != GUEST_PENDING)
			continue;
		g->state = GUEST_NOT_STARTED;
		snprintf(g->fail_msg, sizeof(g->fail_msg), "not started: %s", why);
		write_result(p, g);
		not_started++;
	}
	progress_done(&p->progress);
	double secs = (double)(clock_mono_ns() - p->start_ns) / 1e9;
	progress_log(&p->progress,
		     "%u guests: %llu booted, %llu failed, %llu finished, %u not started; %.1f s "
		     "(%s)",
		     p->n, (unsigned long long)p->booted, (unsigned long long)p->failed,
		     (unsigned long long)p->finished, not_started, secs,
		     p->stop_reason[0] ? p->stop_reason : "every guest ended");
}

int pop_run(struct pop *p, int sig_fd, int ctl_fd)
{
	uint64_t now = clock_mono_ns();
	p->start_ns = now;
	uint64_t interval = (uint64_t)(p->spec->interval_s * 1e9);
	uint64_t end_ns = p->spec->duration_s ? now + (uint64_t)(p->spec->duration_s * 1e9) : 0;
	uint64_t stagger = (uint64_t)(p->spec->stagger_s * 1e9);
	uint64_t next_launch = now;
	if (sampled(p)) {
		struct type_figures types[GUEST_TYPES];
		metrics_gather(p, types);
		take_point(p, &p->last, now, types); /* the first row covers the first interval */
		p->sampling = true;
		p->next_sample_ns = now + interval;
	}
	progress_log(&p->progress, "population '%s': %u guests in %u groups%s%s", p->name, p->n,
		     p->spec->ngroups, p->spec->stats_path ? ", stats in " : "",
		     p->spec->stats_path ? p->spec->stats_path : "");
	for (;;) {
		now = clock_mono_ns();
		if (p->launching && !p->stopping && now >= next_launch) {
			launch_next(p);
			next_launch = now + stagger;
			struct progress_view v;
			view(p, &v);
			progress_update(&p->progress, &v, now, !p->launching);
			if (!p->launching)
				progress_done(&p->progress);
		}
		if (p->sampling && now >= p->next_sample_ns)
			sample(p, now);
		if (end_ns && now >= end_ns && !p->stopping)
			pop_stop_all(p, "--duration reached");
		if (!p->launching && p->running == 0)
			break;

		int timeout = -1;
		if (p->launching && !p->stopping)
			timeout = ms_until(next_launch, now);
		if (p->sampling) {
			int t = ms_until(p->next_sample_ns, now);
			timeout = timeout < 0 || t < timeout ? t : timeout;
		}
		if (end_ns && !p->stopping) {
			int t = ms_until(end_ns, now);
			timeout = timeout < 0 || t < timeout ? t : timeout;
		}
		struct pollfd fds[3] = {{.fd = sig_fd, .events = POLLIN},
					{.fd = p->endq.fd, .events = POLLIN},
					{.fd = ctl_fd, .events = POLLIN}};
		int n = poll(fds, ctl_fd >= 0 ? 3 : 2, timeout);
		if (n < 0 && errno != EINTR) {
			progress_log(&p->progress, "poll: %s", strerror(errno));
			pop_stop_all(p, "internal error");
		}
		if (n <= 0)
			continue;
		if (fds[0].revents & POLLIN)
			on_signal(p, sig_fd);
		if (fds[1].revents & POLLIN)
			reap_ended(p);
		if (ctl_fd >= 0 && (fds[2].revents & POLLIN))
			(void)control_accept(ctl_fd, pop_command, p);
	}
	reap_ended(p);
	finish(p);
	return 0;
}
