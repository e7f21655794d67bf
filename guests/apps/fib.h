/* The thesis's CPU load: recursive Fibonacci, fib(0) = fib(1) = 1. */
#ifndef TINYVMM_GUESTS_APPS_FIB_H
#define TINYVMM_GUESTS_APPS_FIB_H

#include <stdint.h>

/* Deepest n accepted: bounds the recursion (one frame per level); fib(60) would take centuries. */
#define APPS_FIB_N_MAX 60

/* fib(n) by plain double recursion, with every call kept; n <= APPS_FIB_N_MAX. */
uint64_t apps_fib(unsigned n);

#endif
