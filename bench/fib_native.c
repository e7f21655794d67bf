/* fib_native: the guests' fib (guests/apps/fib.c, same flags) timed on the host, for make bench. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "guests/apps/fib.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long n = argc == 2 ? strtoul(argv[1], &end, 10) : 0;
	if (argc != 2 || *end || n > APPS_FIB_N_MAX) {
		fprintf(stderr, "usage: fib_native N (0..%u)\n", APPS_FIB_N_MAX);
		return 2;
	}
	double t0 = now_ms();
	unsigned long long v = apps_fib((unsigned)n);
	printf("native: fib(%lu) = %llu in %.0f ms\n", n, v, now_ms() - t0);
	return 0;
}
