/* Boot test of admission control's per-guest costs: running guests hold no more descriptors,
 * mappings and tasks than admission_guest_cost counts for them. */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "population/admission.h"
#include "population/procstat.h"
#include "tests/boot/pop_run.h"

struct held {
	long fds, maps, threads, host_tasks;
};

/* Entries of /proc/PID/fd, or newlines of a /proc file; -1 when unreadable. */
static long count_in(const char *path, bool dir)
{
	if (dir) {
		char cmd[PATH_MAX + 32];
		snprintf(cmd, sizeof(cmd), "ls %s | wc -l", path);
		FILE *f = popen(cmd, "r");
		long n = -1;
		if (f && fscanf(f, "%ld", &n) != 1)
			n = -1;
		if (f)
			pclose(f);
		return n;
	}
	char *text = pop_slurp(path);
	long n = text ? (long)pop_count_lines(text) : -1;
	free(text);
	return n;
}

static unsigned running_guests(const char *pop)
{
	struct run_result r;
	const char *args[] = {"list", pop, NULL};
	pop_tinyvmm(&r, args);
	unsigned n = 0;
	for (const char *s = r.out; s && (s = strstr(s, " running ")); s++)
		n++;
	harness_result_free(&r);
	return n;
}

/* What a population of n idle guests holds once all of them run. */
static void measure(unsigned n, struct held *h)
{
	char idle[PATH_MAX], dir[PATH_MAX], name[32], count[8], path[64];
	pop_guest(idle, sizeof(idle), "idle");
	pop_control_dir(dir, sizeof(dir));
	snprintf(name, sizeof(name), "lim%u_%ld", n, (long)getpid());
	snprintf(count, sizeof(count), "%u", n);
	struct bg_run b = {
	    .args = {"pop", "-t", "l4", "-i", idle, "-n", count, "--name", name, NULL},
	    .timeout_s = POP_TIMEOUT_S};
	bg_start(&b);
	long pid = pop_wait_listed(&b, name);
	for (int i = 0; i < 300 && running_guests(name) < n; i++)
		sleep_ms(100);
	cr_assert_eq(running_guests(name), n, "not all %u guests run", n);
	sleep_ms(300); /* the vCPU threads are past their start-up */
	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	h->fds = count_in(path, true);
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	h->maps = count_in(path, false);
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	h->threads = count_in(path, true);
	char *load = pop_slurp("/proc/loadavg");
	struct load_avg l = {0};
	cr_assert(load && procstat_parse_loadavg(load, &l) == 0);
	free(load);
	h->host_tasks = (long)l.tasks;
	cr_assert(h->fds > 0 && h->maps > 0 && h->threads > 0 && h->host_tasks > 0);
	cr_assert_eq(kill((pid_t)pid, SIGTERM), 0);
	bg_join(&b);
	pop_expect_status(&b.r, 0);
	harness_result_free(&b.r);
	harness_rmdir(dir);
}

Test(boot_pop_limits, guests_hold_what_admission_counts)
{
	TIER_REQUIRE(TIER_KVM);
	struct held two, six;
	measure(2, &two);
	measure(6, &six);
	struct guest_cost c = admission_guest_cost(1, false, false);
	/* four guests more: what each adds, at most what admission counts, and not far below */
	long fds = six.fds - two.fds, maps = six.maps - two.maps;
	long threads = six.threads - two.threads, tasks = six.host_tasks - two.host_tasks;
	cr_log_info("4 guests more: %ld fds, %ld maps, %ld threads, %ld host tasks", fds, maps,
		    threads, tasks);
	cr_expect_eq(fds, 4 * (long)c.fds, "descriptors: %ld for 4 guests", fds);
	cr_expect_leq(maps, 4 * (long)c.maps, "mappings: %ld for 4 guests", maps);
	cr_expect_geq(maps, 4 * ((long)c.maps - 2), "mappings: %ld for 4 guests", maps);
	cr_expect_eq(threads, 4 * (long)c.threads, "threads: %ld for 4 guests", threads);
	cr_expect_leq(tasks, 4 * (long)(c.threads + c.kthreads) + 2, "host tasks: %ld", tasks);
	cr_expect_geq(tasks, 4 * (long)c.threads, "host tasks: %ld", tasks);
}
