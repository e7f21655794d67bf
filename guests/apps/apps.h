/* The apps apps_main() can run; each takes the parsed command line and returns an exit status. */
#ifndef TINYVMM_GUESTS_APPS_APPS_H
#define TINYVMM_GUESTS_APPS_APPS_H

#include "args.h"

/* Longest sleep or period any app accepts: far beyond any test, far from 64-bit overflow. */
#define APPS_DURATION_MAX_NS (1000000ull * NS_PER_S)

int apps_hello(const struct apps_args *a);
int apps_pattern(const struct apps_args *a);
int apps_context(const struct apps_args *a);
int apps_ipc(const struct apps_args *a);
int apps_fault(const struct apps_args *a);

#endif
