/* Admission control: may one more guest start without crossing the memory floor or load ceiling? */
#ifndef TINYVMM_POPULATION_ADMISSION_H
#define TINYVMM_POPULATION_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct admission_policy {
	uint64_t min_free_kb; /* MemAvailable must stay above this */
	bool has_max_load;
	double max_load; /* the 1-minute load average must stay at or below this */
};

/* What the decision looks at, read from /proc just before the boot. */
struct admission_state {
	uint64_t mem_available_kb;
	double load_1;
	/*
	 * Guest RAM is reserved lazily: what running guests have been given but not yet
	 * touched may still be taken from MemAvailable. The manager passes the RAM of the
	 * running guests minus what the process already holds (RSS), never below zero.
	 */
	uint64_t untouched_kb;
	uint64_t next_guest_kb; /* the RAM and overhead of the guest about to start */
	/* descriptors: each VM holds its VM fd, one per vCPU and its log file */
	uint64_t fd_limit;	 /* RLIMIT_NOFILE; 0: not checked */
	uint64_t fds_in_use;	 /* the process's before this guest */
	uint64_t next_guest_fds; /* what this guest adds */
};

enum admission_verdict {
	ADMIT,
	REFUSE_MEMORY,
	REFUSE_LOAD,
	REFUSE_FDS,
};

/* The decision, and when refused a one-line reason (with the figures) in why. */
enum admission_verdict admission_decide(const struct admission_policy *p,
					const struct admission_state *s, char *why, size_t whylen);

/* Host memory a guest of `ram_bytes` may cost at most: its RAM and the VM's own overhead. */
uint64_t admission_guest_kb(uint64_t ram_bytes, unsigned ncpus);

#endif
