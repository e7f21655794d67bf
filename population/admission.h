/* Admission control: may one more guest start without crossing the memory floor, the load ceiling
 * or a host limit (descriptors, mappings, tasks)? */
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

/* The host's limits on what a process and its user may hold; 0: none known, not checked. */
struct host_limits {
	uint64_t nofile;	/* RLIMIT_NOFILE (soft) */
	uint64_t max_map_count; /* vm.max_map_count: mappings per process */
	uint64_t pid_max;	/* kernel.pid_max: every task, kernel threads too, needs a PID */
	uint64_t threads_max;	/* kernel.threads-max: tasks on the host */
	uint64_t nproc;		/* RLIMIT_NPROC (soft): tasks of this user; 0 also when not
				   enforced (root) */
};

/* What one guest holds while it runs, or what many hold together. */
struct guest_cost {
	uint64_t fds;	   /* the VM's descriptor, one per vCPU, its log file */
	uint64_t maps;	   /* guest RAM, per vCPU its kvm_run page and thread stack, its disk */
	uint64_t threads;  /* this process's: one per vCPU */
	uint64_t kthreads; /* tasks KVM starts for the VM (its huge-page recovery worker) */
};

/* What one guest of `ncpus` vCPUs holds, with a log file and a disk image of its own or not. */
struct guest_cost admission_guest_cost(unsigned ncpus, bool log_file, bool disk_image);

/* Adds (or takes away, sign < 0) one guest's cost to a running total. */
void admission_cost_add(struct guest_cost *total, const struct guest_cost *c, int sign);

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
	struct host_limits limits;
	uint64_t fds_in_use;	/* the process's before this guest */
	uint64_t maps_in_use;	/* the process's before this guest */
	uint64_t host_tasks;	/* every task on the host (/proc/loadavg); 0: unknown */
	uint64_t user_tasks;	/* this user's tasks; only read when limits.nproc is set */
	struct guest_cost next; /* what this guest adds */
};

enum admission_verdict {
	ADMIT,
	REFUSE_MEMORY,
	REFUSE_LOAD,
	REFUSE_FDS,   /* RLIMIT_NOFILE */
	REFUSE_MAPS,  /* vm.max_map_count */
	REFUSE_TASKS, /* kernel.threads-max or kernel.pid_max */
	REFUSE_NPROC, /* RLIMIT_NPROC */
};

/* Kept free under each limit: the stats, results and control socket's descriptors, malloc's
 * arenas and large blocks, tasks other programs start meanwhile. */
#define ADMISSION_FD_SLACK   8u
#define ADMISSION_MAP_SLACK  256u
#define ADMISSION_TASK_SLACK 16u
/* PIDs below this are handed out only at boot (the kernel's RESERVED_PIDS). */
#define ADMISSION_RESERVED_PIDS 300u

/* The decision, and when refused a one-line reason (with the figures and the limit's name). */
enum admission_verdict admission_decide(const struct admission_policy *p,
					const struct admission_state *s, char *why, size_t whylen);

/* Host memory a guest of `ram_bytes` may cost at most: its RAM and the VM's own overhead. */
uint64_t admission_guest_kb(uint64_t ram_bytes, unsigned ncpus);

#endif
