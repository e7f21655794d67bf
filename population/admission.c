/* Admission decisions on /proc figures: a pure function, so every threshold is unit-tested. */
#include "population/admission.h"

#include <stdio.h>

/*
 * Host memory of one VM besides its RAM, kernel side included: the design measured about
 * 0.45 MiB per one-vCPU VM with the in-kernel irqchip; each further vCPU adds its
 * kvm_run page, thread stack and kernel structures. Rounded up, so admission errs safe.
 */
#define VM_OVERHEAD_KB	 640u
#define VCPU_OVERHEAD_KB 96u

uint64_t admission_guest_kb(uint64_t ram_bytes, unsigned ncpus)
{
	return (ram_bytes + 1023) / 1024 + VM_OVERHEAD_KB + (uint64_t)ncpus * VCPU_OVERHEAD_KB;
}

/*
 * Mappings: guest RAM is one; a vCPU's kvm_run is one and its thread's stack two (the stack
 * and its guard page); a firmware-booted guest maps its disk image privately. One more for
 * the VM's own allocations, which malloc may serve from a mapping of their own.
 * Tasks: every VM has a worker KVM starts for it (kvm-nx-lpage-recovery: a kernel thread up
 * to Linux 6.12, a task of this process's user from 6.13), counted as the user's to err safe.
 */
struct guest_cost admission_guest_cost(unsigned ncpus, bool log_file, bool disk_image)
{
	return (struct guest_cost){
	    .fds = 1 + (uint64_t)ncpus + (log_file ? 1 : 0),
	    .maps = 1 + 3 * (uint64_t)ncpus + (disk_image ? 1 : 0) + 1,
	    .threads = ncpus,
	    .kthreads = 1,
	};
}

static uint64_t add_or_sub(uint64_t a, uint64_t b, int sign)
{
	if (sign >= 0)
		return a + b;
	return a > b ? a - b : 0;
}

void admission_cost_add(struct guest_cost *total, const struct guest_cost *c, int sign)
{
	total->fds = add_or_sub(total->fds, c->fds, sign);
	total->maps = add_or_sub(total->maps, c->maps, sign);
	total->threads = add_or_sub(total->threads, c->threads, sign);
	total->kthreads = add_or_sub(total->kthreads, c->kthreads, sign);
}

static bool memory_short(const struct admission_policy *p, const struct admission_state *s,
			 char *why, size_t whylen)
{
	/* what could be gone once this guest and every running one touch all their RAM */
	uint64_t need = s->untouched_kb + s->next_guest_kb;
	uint64_t left = s->mem_available_kb > need ? s->mem_available_kb - need : 0;
	if (left >= p->min_free_kb)
		return false;
	snprintf(why, whylen,
		 "MemAvailable %llu MiB, less %llu MiB the running guests may still touch "
		 "and %llu KiB for the next one, would fall below --min-free %llu MiB",
		 (unsigned long long)(s->mem_available_kb >> 10),
		 (unsigned long long)(s->untouched_kb >> 10), (unsigned long long)s->next_guest_kb,
		 (unsigned long long)(p->min_free_kb >> 10));
	return true;
}

/* in_use + need + slack > limit, for a known limit. */
static bool over(uint64_t limit, uint64_t in_use, uint64_t need, uint64_t slack)
{
	return limit && in_use + need + slack > limit;
}

/* The tighter of threads-max and the PIDs pid_max leaves, with its name; 0 when neither. */
static uint64_t task_limit(const struct host_limits *l, const char **name)
{
	uint64_t pids = l->pid_max > ADMISSION_RESERVED_PIDS ? l->pid_max - ADMISSION_RESERVED_PIDS
							     : l->pid_max;
	*name = "kernel.threads-max";
	if (pids && (!l->threads_max || pids < l->threads_max)) {
		*name = "kernel.pid_max";
		return pids;
	}
	return l->threads_max;
}

static enum admission_verdict host_limit_hit(const struct admission_state *s, char *why,
					     size_t whylen)
{
	const struct host_limits *l = &s->limits;
	const struct guest_cost *c = &s->next;
	if (over(l->nofile, s->fds_in_use, c->fds, ADMISSION_FD_SLACK)) {
		snprintf(
		    why, whylen,
		    "%llu file descriptors are in use and the next guest needs %llu: the limit "
		    "(RLIMIT_NOFILE) is %llu",
		    (unsigned long long)s->fds_in_use, (unsigned long long)c->fds,
		    (unsigned long long)l->nofile);
		return REFUSE_FDS;
	}
	if (over(l->max_map_count, s->maps_in_use, c->maps, ADMISSION_MAP_SLACK)) {
		snprintf(why, whylen,
			 "%llu memory mappings are in use and the next guest needs %llu: the limit "
			 "(vm.max_map_count) is %llu",
			 (unsigned long long)s->maps_in_use, (unsigned long long)c->maps,
			 (unsigned long long)l->max_map_count);
		return REFUSE_MAPS;
	}
	const char *name;
	uint64_t tasks = task_limit(l, &name);
	uint64_t adds = c->threads + c->kthreads;
	if (s->host_tasks && over(tasks, s->host_tasks, adds, ADMISSION_TASK_SLACK)) {
		snprintf(why, whylen,
			 "%llu tasks run on this host and the next guest adds %llu: the limit "
			 "(%s) is %llu",
			 (unsigned long long)s->host_tasks, (unsigned long long)adds, name,
			 (unsigned long long)tasks);
		return REFUSE_TASKS;
	}
	if (over(l->nproc, s->user_tasks, adds, ADMISSION_TASK_SLACK)) {
		snprintf(why, whylen,
			 "this user has %llu tasks and the next guest adds %llu: the limit "
			 "(RLIMIT_NPROC) is %llu",
			 (unsigned long long)s->user_tasks, (unsigned long long)adds,
			 (unsigned long long)l->nproc);
		return REFUSE_NPROC;
	}
	return ADMIT;
}

enum admission_verdict admission_decide(const struct admission_policy *p,
					const struct admission_state *s, char *why, size_t whylen)
{
	if (memory_short(p, s, why, whylen))
		return REFUSE_MEMORY;
	enum admission_verdict v = host_limit_hit(s, why, whylen);
	if (v != ADMIT)
		return v;
	if (p->has_max_load && s->load_1 > p->max_load) {
		snprintf(why, whylen, "the 1-minute load average %.2f is above --max-load %.2f",
			 s->load_1, p->max_load);
		return REFUSE_LOAD;
	}
	if (whylen)
		why[0] = '\0';
	return ADMIT;
}
