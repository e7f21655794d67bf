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

enum admission_verdict admission_decide(const struct admission_policy *p,
					const struct admission_state *s, char *why, size_t whylen)
{
	/* what could be gone once this guest and every running one touch all their RAM */
	uint64_t need = s->untouched_kb + s->next_guest_kb;
	uint64_t left = s->mem_available_kb > need ? s->mem_available_kb - need : 0;
	if (left < p->min_free_kb) {
		snprintf(why, whylen,
			 "MemAvailable %llu MiB, less %llu MiB the running guests may still touch "
			 "and %llu KiB for the next one, would fall below --min-free %llu MiB",
			 (unsigned long long)(s->mem_available_kb >> 10),
			 (unsigned long long)(s->untouched_kb >> 10),
			 (unsigned long long)s->next_guest_kb,
			 (unsigned long long)(p->min_free_kb >> 10));
		return REFUSE_MEMORY;
	}
	/* a few descriptors stay free for the stats, results and control socket */
	if (s->fd_limit && s->fds_in_use + s->next_guest_fds + 8 > s->fd_limit) {
		snprintf(
		    why, whylen,
		    "%llu file descriptors are in use and the next guest needs %llu: the limit "
		    "(RLIMIT_NOFILE) is %llu",
		    (unsigned long long)s->fds_in_use, (unsigned long long)s->next_guest_fds,
		    (unsigned long long)s->fd_limit);
		return REFUSE_FDS;
	}
	if (p->has_max_load && s->load_1 > p->max_load) {
		snprintf(why, whylen, "the 1-minute load average %.2f is above --max-load %.2f",
			 s->load_1, p->max_load);
		return REFUSE_LOAD;
	}
	if (whylen)
		why[0] = '\0';
	return ADMIT;
}
