/* A running population: guests, counters and outputs shared by the manager and its commands. */
#ifndef TINYVMM_POPULATION_POP_H
#define TINYVMM_POPULATION_POP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "population/admission.h"
#include "population/boot_files.h"
#include "population/control.h"
#include "population/csv.h"
#include "population/endq.h"
#include "population/guest.h"
#include "population/progress.h"
#include "population/spec.h"
#include "population/stats.h"

/* tinyvmm's PSS (the stats' pss_kb) is read every this many statistics rows; RSS every row. */
#define POP_PSS_EVERY 10

struct pop {
	const struct pop_spec *spec;
	const struct boot_files *files; /* one per group */
	struct guest_env env;
	struct pop_guest *guests;
	unsigned n;
	unsigned next; /* the next guest to launch */
	struct endq endq;
	char name[POP_NAME_MAX + 1];

	/* counters, the manager's thread only */
	unsigned running, paused;
	uint64_t booted, failed, finished;
	uint64_t ended_exits, ended_cpu_ns; /* of guests already released */
	uint64_t running_ram_kb;	    /* guest RAM given to running guests */
	struct guest_cost held;		    /* what running guests hold */
	struct guest_cost base;		    /* the process's before any guest */
	uint64_t base_user_tasks; /* the user's tasks then (read only when RLIMIT_NPROC binds) */
	struct host_limits limits;
	uint64_t mem_available_kb; /* as last read */

	uint64_t start_ns;
	bool launching; /* guests remain to be launched */
	bool stopping;	/* every guest is being stopped; the population ends */
	char stop_reason[128];
	char launch_stop[320]; /* why launching ended early (admission, host limits) */
	unsigned failure_lines;
	bool ksm_checked;

	struct csv_file *stats, *results; /* NULL: not asked for */
	struct csv_file *jsonl;		  /* --jsonl; NULL: not asked for, or failed */
	const char *prom_path;		  /* --prom; NULL: not asked for, or failed */
	bool sampling;
	uint64_t next_sample_ns;
	struct stats_point last;
	uint64_t points; /* statistics points taken so far */
	uint64_t pss_kb; /* the last PSS read (smaps_rollup is read every POP_PSS_EVERY points) */
	struct progress progress;
	struct admission_policy admission;
};

/*
 * Sets up the population: every guest named and given a UUID, nothing launched. `files`
 * has one entry per group of `spec`; `env` holds KVM, the timer service, logs and KSM
 * (its endq is filled in). 0 or -errno.
 */
int pop_init(struct pop *p, const struct pop_spec *spec, const struct boot_files *files,
	     const struct guest_env *env, const char *name, FILE *log, bool tty);
void pop_fini(struct pop *p);

/*
 * Runs the population until every guest has ended, --duration passes, --samples rows
 * are written (without --duration), a signal arrives on sig_fd (signalfd), or it is
 * stopped through the control socket ctl_fd (-1: none). Every guest is then stopped and
 * gets its results row. Returns the process exit status.
 */
int pop_run(struct pop *p, int sig_fd, int ctl_fd);

/* Stops every guest; the population ends once all have. */
void pop_stop_all(struct pop *p, const char *why);

/* The control socket's verbs (control_handler): info, guests, metrics, stop, pause, resume. */
int pop_command(void *ctx, int argc, char **argv, struct control_reply *out, char *err,
		size_t errlen);

/* The guest named NAME or with UUID `id`, or NULL. */
struct pop_guest *pop_find(struct pop *p, const char *id);

#endif
