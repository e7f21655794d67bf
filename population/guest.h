/* One guest of a population: its identity, sinks, VM, and the milestones its reports carry. */
#ifndef TINYVMM_POPULATION_GUEST_H
#define TINYVMM_POPULATION_GUEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/disk.h"
#include "devices/sink.h"
#include "population/boot_files.h"
#include "population/endq.h"
#include "population/spec.h"
#include "vmm/vm.h"

enum guest_state {
	GUEST_PENDING,	   /* not launched yet */
	GUEST_RUNNING,	   /* its vCPUs run */
	GUEST_PAUSED,	   /* parked by `tinyvmm pause` */
	GUEST_ENDED,	   /* its VM ended (result says how) and was released */
	GUEST_FAILED,	   /* could not be launched (fail_msg says why) */
	GUEST_NOT_STARTED, /* never launched: admission refused, or the population ended first */
};

/* Laps whose host times a guest keeps; later laps are counted only (bounded memory). */
#define GUEST_LAPS_KEPT 1024u

/* What the guest's reports said, stamped with host CLOCK_MONOTONIC ns (0: not seen). */
struct guest_milestones {
	uint64_t kernel_up_ns, app_start_ns, app_done_ns;
	uint32_t app;	    /* enum report_app from APP_START */
	uint32_t laps;	    /* LAP reports */
	uint32_t done_laps; /* APP_DONE's value */
	uint32_t result;    /* the last RESULT value */
	bool has_result;
	uint32_t faults, app_errors;
	uint32_t nkept, cap; /* lap_ns holds the first nkept lap times */
	uint64_t *lap_ns;
};

/* What launching needs besides the guest and its group. */
struct guest_env {
	const struct kvm_host *kvm;
	struct timer_base *timers;
	const char *logs_dir; /* NULL: serial output is counted, not kept */
	uint64_t log_cap;
	bool ksm;
	struct endq *endq;	       /* told the guest's index when its VM ends */
	const struct sandbox *sandbox; /* seccomp filters for the vCPU threads, or NULL */
};

struct pop_guest {
	unsigned index;
	unsigned group;
	enum guest_type type;
	char name[16]; /* TYPE_K: fits the kernel's thread name with "/vcpu" */
	char uuid[37];
	enum guest_state state; /* the manager's thread only */
	struct vm *vm;		/* while RUNNING or PAUSED */
	struct disk disk;	/* firmware boot: this guest's copy-on-write map of the image */
	struct fd_sink log;
	struct char_sink log_sink;
	bool has_log;
	const char *logs_dir;	       /* --logs: where the log, and the last text screen, go */
	_Atomic uint64_t serial_bytes; /* everything the guest wrote to COM1 */
	struct endq *endq;

	int64_t launch_wall_ms; /* CLOCK_REALTIME at launch, comparable with the stats */
	uint64_t launch_ns;	/* CLOCK_MONOTONIC at launch */
	uint64_t end_ns;
	pthread_mutex_t lock; /* reports arrive on vCPU threads */
	struct guest_milestones ms;

	struct vm_result result; /* once ENDED */
	uint64_t exits, cpu_ns;	 /* once ENDED: what its VM took in all */
	uint64_t serial_dropped; /* once ENDED: bytes past the log's cap */
	char fail_msg[384];	 /* FAILED or NOT_STARTED: why */
	int start_err;		 /* a vCPU thread could not be created (-errno): the host's limit */
};

/* Names the guest TYPE_K and gives it a fresh UUID (libuuid). 0 or -errno. */
int guest_init(struct pop_guest *g, unsigned index, unsigned group, enum guest_type type,
	       unsigned k);
/* Frees what guest_init and the reports allocated (the VM must be released). */
void guest_fini(struct pop_guest *g);

/*
 * Creates, loads and starts the guest's VM. On success the guest is RUNNING and its index
 * reaches env->endq once the VM ends; on failure it is FAILED, nothing stays open, and
 * the reason is in fail_msg. 0 or -errno.
 */
int guest_launch(struct pop_guest *g, const struct pop_group *grp, const struct boot_files *bf,
		 const struct guest_env *env);

/*
 * After its index came out of the queue: joins and frees the VM, keeping how it ended.
 * With --logs, a text screen the guest wrote on is kept beside its log (TYPE_K.screen).
 */
void guest_release(struct pop_guest *g);

/* Exits and vCPU time so far (a running guest's live figures, an ended one's totals). */
uint64_t guest_exits(const struct pop_guest *g);
uint64_t guest_cpu_ns(const struct pop_guest *g);

/* "running", "ended", ...; for ended guests, vm_end_name (base/vm_end.h) says how. */
const char *guest_state_name(enum guest_state s);

/* The report-port callback (devices/report.h); ctx is the guest. */
void guest_on_report(void *ctx, uint64_t host_ns, unsigned event, uint32_t value);

#endif
