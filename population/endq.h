/* Guests whose VM ended: queued from vCPU threads, drained by the manager's loop. */
#ifndef TINYVMM_POPULATION_ENDQ_H
#define TINYVMM_POPULATION_ENDQ_H

#include <pthread.h>
#include <stdbool.h>

struct endq {
	pthread_mutex_t lock;
	unsigned *slot;
	unsigned cap, head, n;
	int fd; /* eventfd: readable while the queue may hold entries */
};

/* Room for `cap` entries: each guest ends at most once, so the population size. 0 or -errno. */
int endq_init(struct endq *q, unsigned cap);
void endq_destroy(struct endq *q);

/* Any thread. Never blocks on the manager; an entry beyond cap is a bug and is dropped. */
void endq_push(struct endq *q, unsigned index);
/*
 * The manager's thread: endq_ack clears the eventfd, then endq_pop until it returns false.
 * In that order no push is missed: one that lands after the ack makes the fd readable again.
 */
void endq_ack(struct endq *q);
bool endq_pop(struct endq *q, unsigned *index);

#endif
