/* The process-wide timer service: one thread and one deadline heap serve the device timers of every
 * VM. */
#ifndef TINYVMM_VMM_TIMER_SERVICE_H
#define TINYVMM_VMM_TIMER_SERVICE_H

#include <pthread.h>
#include <stdbool.h>

#include "devices/timer.h"

struct timer_service {
	struct timer_base base; /* what devices are handed */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the heap's head changed, or stop */
	pthread_cond_t idle; /* a fire() finished */
	pthread_t thread;
	bool running;
	bool stop;
	struct timer **heap;
	size_t n, cap;
	struct timer *firing;	       /* the timer whose fire() is running, if any */
	uint64_t origin_ns;	       /* CLOCK_MONOTONIC at start: now() counts from here */
	int64_t wall_epoch_s;	       /* CLOCK_REALTIME seconds at origin */
	uint64_t fires;		       /* statistics */
	const struct sandbox *sandbox; /* the thread confines itself to SANDBOX_TIMER; or NULL */
	bool confine_done;	       /* under lock: the thread has tried */
	int confine_err;
};

struct sandbox;

/* Starts the service thread. 0 or -errno. */
int timer_service_start(struct timer_service *ts);
/* The same, with the thread confined to the sandbox's timer filter before it serves any
 * timer (vmm/seccomp.h); -errno when it could not be. */
int timer_service_start_confined(struct timer_service *ts, const struct sandbox *sb);
/* The same, with now() starting at `start_ns` instead of 0: a restored VM's device
 * deadlines were taken on the clock of the process that captured it, and must not lie
 * before this one's start. */
int timer_service_start_at(struct timer_service *ts, const struct sandbox *sb, uint64_t start_ns);
/* Stops the thread; timers still armed are dropped (their owners must be gone already). */
void timer_service_stop(struct timer_service *ts);

#endif
