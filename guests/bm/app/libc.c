/* LIBC.APP (app=libc [exit=N]): Newlib at work on the bm kernel -- printf, snprintf, strtoul,
 * malloc, qsort, libm, stdio on a FAT16 file, the clocks, exit() -- one fixed line per check. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/*
 * Every line is the same on every run and every host, so a boot test can compare the
 * whole output (tests/boot/test_boot_bm.c); values that vary (the time, addresses) are
 * judged here and printed as yes or no. The exit status is exit=N from the command line
 * (0 when absent), through exit() and its atexit handlers.
 */

/* The file on the disk (guests/bm/app/libc.txt): a header line, then 40 lines of 24 bytes. */
#define DATA_FILE  "libc.txt"
#define LINE_BYTES 24
#define LINES	   40

static const char *yes(int ok)
{
	return ok ? "yes" : "no";
}

static void show_printf(void)
{
	printf("libc: printf: %d %u [%s] [%-5s] %x %#lX %05.1f %.3e %g %c%%\n", -42, 4000000000u,
	       "bm", "ok", 0xbeefu, 0xcafeul, 3.14159, 12345.678, 0.25, 'z');
	printf("libc: printf: %lld %zu %f %f\n", LLONG_MIN, sizeof(double), 1.0 / 3.0, -2.5);
}

static void show_snprintf(void)
{
	char small[8], line[48];
	int n = snprintf(small, sizeof(small), "%s", "truncated here");
	int m = snprintf(line, sizeof(line), "%08.3f|%-6d|%+d", 3.14159, 17, 5);
	printf("libc: snprintf: %d [%s] %d [%s]\n", n, small, m, line);
}

static void show_strto(void)
{
	char *end;
	unsigned long a = strtoul("4096kB", &end, 10);
	printf("libc: strtoul: 4096kB -> %lu rest [%s]", a, end);
	errno = 0;
	unsigned long b = strtoul("99999999999999999999", &end, 10);
	printf(" | overflow %s %s", b == ULONG_MAX ? "ULONG_MAX" : "?",
	       errno == ERANGE ? "ERANGE" : "no-ERANGE");
	const char *none = "kB";
	unsigned long c = strtoul(none, &end, 10);
	printf(" | none %lu %s\n", c, end == none ? "end=start" : "end moved");
	long d = strtol("-0x7f", &end, 16);
	long e = strtol("0755", &end, 0);
	errno = 0;
	long f = strtol("-99999999999999999999", &end, 10);
	printf("libc: strtol: -0x7f -> %ld, 0755 -> %ld | underflow %s %s\n", d, e,
	       f == LONG_MIN ? "LONG_MIN" : "?", errno == ERANGE ? "ERANGE" : "no-ERANGE");
}

/* Blocks of many sizes, each filled with its own byte, grown by realloc and checked. */
static void show_malloc(void)
{
	enum { BLOCKS = 200 };
	static unsigned char *block[BLOCKS];
	static size_t size[BLOCKS];
	int bad = 0, misaligned = 0;
	for (int i = 0; i < BLOCKS; i++) {
		size[i] = 1 + (size_t)i * 37 % 3000;
		block[i] = malloc(size[i]);
		if (!block[i]) {
			bad++;
			continue;
		}
		misaligned += ((uintptr_t)block[i] & 15) != 0;
		memset(block[i], i, size[i]);
	}
	for (int i = 0; i < BLOCKS; i += 2) {
		unsigned char *p = realloc(block[i], size[i] * 2);
		if (!p) {
			bad++;
			continue;
		}
		memset(p + size[i], i, size[i]);
		block[i] = p;
		size[i] *= 2;
	}
	for (int i = 0; i < BLOCKS; i++) {
		for (size_t k = 0; block[i] && k < size[i]; k++)
			if (block[i][k] != (unsigned char)i) {
				bad++;
				break;
			}
		free(block[i]);
	}
	errno = 0;
	void *huge = malloc((size_t)1 << 30);
	int enomem = errno == ENOMEM;
	printf("libc: malloc: %d blocks, realloc kept them: %s, 16-byte aligned: %s | 1 GiB: %s "
	       "%s\n",
	       BLOCKS, yes(bad == 0), yes(misaligned == 0), huge ? "got it" : "NULL",
	       enomem ? "ENOMEM" : "no-ENOMEM");
	free(huge);
}

static int by_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void show_qsort(void)
{
	int v[] = {34, -1, 21, 8, 13, 0, 5, 3, 2, 1, 1};
	const char *w[] = {"pure64", "bm", "newlib", "kvm", "tinyvmm"};
	size_t nv = sizeof(v) / sizeof(v[0]), nw = sizeof(w) / sizeof(w[0]);
	qsort(v, nv, sizeof(v[0]), by_value);
	qsort(w, nw, sizeof(w[0]), by_name);
	printf("libc: qsort:");
	for (size_t i = 0; i < nv; i++)
		printf(" %d", v[i]);
	printf(" |");
	for (size_t i = 0; i < nw; i++)
		printf(" %s", w[i]);
	printf("\n");
}

/* libm, on SSE in ring 3 (x87 only for long double). */
static void show_libm(void)
{
	volatile double two = 2.0; /* computed at run time, not folded by the compiler */
	printf("libc: libm: sqrt(2) %.6f, pow(2, 10) %.0f, floor(-2.5) %.1f, fabs(-0.125) %g\n",
	       sqrt(two), pow(two, 10), floor(-two - 0.5), fabs(-two / 16));
}

/* Line k (1..LINES) through fseek and fread; 1 when it reads as it should. */
static int line_ok(FILE *f, long header, int k)
{
	char buf[LINE_BYTES + 1], want[LINE_BYTES + 1];
	if (fseek(f, header + (long)(k - 1) * LINE_BYTES, SEEK_SET))
		return 0;
	size_t n = fread(buf, 1, LINE_BYTES, f);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "line %02d of %d, %d bytes\n", k, LINES, LINE_BYTES);
	return n == LINE_BYTES && strcmp(buf, want) == 0;
}

static void show_file(void)
{
	FILE *f = fopen(DATA_FILE, "r");
	if (!f) {
		printf("libc: file: fopen(%s) failed: %s\n", DATA_FILE, strerror(errno));
		return;
	}
	char first[128];
	if (!fgets(first, sizeof(first), f))
		first[0] = '\0';
	first[strcspn(first, "\n")] = '\0';
	long header = ftell(f);
	int all = 1;
	/* Backwards, so each read is a seek; line 18 (bytes 489-512) crosses a sector. */
	for (int k = LINES; k >= 1; k--)
		all &= line_ok(f, header, k);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	char tail[LINE_BYTES];
	fseek(f, -5, SEEK_END);
	size_t n = fread(tail, 1, sizeof(tail), f);
	int eof = feof(f) != 0;
	fclose(f);
	printf("libc: file: [%s] | header %ld bytes, %d lines by fseek+fread: %s | size %ld | "
	       "tail %zu [%.4s] eof %s\n",
	       first, header, LINES, yes(all), size, n, tail, yes(eof));
	errno = 0;
	FILE *missing = fopen("nosuch.txt", "r");
	int e1 = errno;
	errno = 0;
	FILE *w = fopen(DATA_FILE, "w");
	int e2 = errno;
	printf("libc: file: nosuch.txt %s %s | %s for writing %s %s\n", missing ? "opened" : "NULL",
	       e1 == ENOENT ? "ENOENT" : strerror(e1), DATA_FILE, w ? "opened" : "NULL",
	       e2 == EROFS ? "EROFS" : strerror(e2));
}

static void show_time(void)
{
	struct timeval a, b;
	int ra = gettimeofday(&a, NULL);
	time_t t = time(NULL);
	/* Some work between the two readings, so the microseconds must move. */
	volatile double x = 0;
	for (int i = 0; i < 200000; i++)
		x += sqrt((double)i);
	int rb = gettimeofday(&b, NULL);
	long long us = (b.tv_sec - a.tv_sec) * 1000000ll + (b.tv_usec - a.tv_usec);
	/* 2024-01-01 00:00:00 UTC: a wall clock before it is not the host's. */
	int recent = a.tv_sec >= 1704067200;
	int agree = t >= a.tv_sec && t <= b.tv_sec;
	printf("libc: time: gettimeofday %s, after 2024 %s, time() agrees %s, "
	       "forward %s, usec in range %s, clock() %s\n",
	       yes(ra == 0 && rb == 0), yes(recent), yes(agree), yes(us > 0),
	       yes(a.tv_usec >= 0 && a.tv_usec < 1000000), yes(clock() != (clock_t)-1));
}

static int exit_status;

static void at_exit(void)
{
	printf("libc: atexit handler ran, exit status %d\n", exit_status);
}

/* exit=N (0..255) from the words after app=libc; -1 (and a line saying why) if it is bad. */
static int parse_exit(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "exit=", 5)) {
			printf("libc: unknown word [%s]\n", argv[i]);
			return -1;
		}
		char *end;
		errno = 0;
		unsigned long v = strtoul(argv[i] + 5, &end, 10);
		if (end == argv[i] + 5 || *end || errno || v > 255) {
			printf("libc: exit= wants 0..255, not [%s]\n", argv[i] + 5);
			return -1;
		}
		return (int)v;
	}
	return 0;
}

int main(int argc, char **argv)
{
	printf("libc: Newlib on bm, argc %d, argv[0] [%s]\n", argc, argv[0]);
	exit_status = parse_exit(argc, argv);
	if (exit_status < 0)
		return 2;
	atexit(at_exit);
	show_printf();
	show_snprintf();
	show_strto();
	show_malloc();
	show_qsort();
	show_libm();
	show_file();
	show_time();
	exit(exit_status);
}
