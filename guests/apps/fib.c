/* Recursive fib kept honest: the compiler may not fold it, clone it or turn it into a loop. */
#include "fib.h"

/*
 * noipa: no inlining, cloning or constant propagation across the call, so the work depends
 * on the run-time n. Compilers without it get noinline, and the barriers below still hold.
 */
#if defined(__has_attribute)
#if __has_attribute(noipa)
#define APPS_NOIPA __attribute__((noipa))
#endif
#endif
#ifndef APPS_NOIPA
#define APPS_NOIPA __attribute__((noinline))
#endif

/*
 * An empty asm that "changes" a call's result stands after each call, so neither call is
 * in tail position: GCC's tail-recursion pass would otherwise turn fib(n - 2) into a loop
 * with an accumulator and halve the calls the thesis's load is made of. It emits nothing.
 */
#define KEEP(v) __asm__("" : "+r"(v))

APPS_NOIPA static uint64_t fib(unsigned n)
{
	if (n < 2)
		return 1;
	uint64_t a = fib(n - 1);
	KEEP(a);
	uint64_t b = fib(n - 2);
	KEEP(b);
	return a + b;
}

uint64_t apps_fib(unsigned n)
{
	/* Through memory, so no caller's constant n can reach fib at compile time. */
	volatile unsigned vn = n;
	unsigned m = vn;
	return fib(m > APPS_FIB_N_MAX ? APPS_FIB_N_MAX : m);
}
