/* The host's limits on descriptors, mappings and tasks (getrlimit, /proc/sys), and what this
 * process and its user hold of each. */
#ifndef TINYVMM_POPULATION_HOST_LIMITS_H
#define TINYVMM_POPULATION_HOST_LIMITS_H

#include <stdint.h>
#include <sys/types.h>

#include "population/admission.h"

/* Soft RLIMIT_NOFILE and RLIMIT_NPROC raised to their hard limits, where allowed. */
void host_limits_raise(void);

/* The limits as they stand; a limit that is infinite, unreadable or not enforced reads 0. */
void host_limits_read(struct host_limits *out);

/* This process's open descriptors and memory mappings, counted in /proc/self. */
uint64_t host_count_fds(void);
uint64_t host_count_maps(void);

/* Tasks (threads) of the processes whose real user is `uid`: one pass over /proc. */
uint64_t host_count_user_tasks(uid_t uid);

#endif
