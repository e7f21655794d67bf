/* bm_newlib_test.c: exercises Newlib and the bm syscall layer as a bm app would use them, printing
 * one fixed line per check. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/*
 * Usage: bm_newlib_test HOST_TIME [WORD...]   every check, then status 42
 *        bm_newlib_test abort                 abort(): status 134 (128 + SIGABRT)
 * HOST_TIME is the runner's time(NULL); the current directory holds DATA.TXT. Each check
 * prints a line whose values do not depend on the machine: the verdict is the whole
 * output compared with the expected one (tests/unit/test_bm_newlib.c). The status is 1
 * instead of 42 when a check that can judge itself ("FAIL: ..." lines) failed, or after
 * a crash whatever the crash gives.
 */

#define PASS_STATUS 42

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		failures++;
		printf("FAIL: %s\n", what);
	}
}

/* A small fixed pseudo-random sequence: the same sizes and orders on every run. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void test_printf(void)
{
	printf("int %d %i %u %d|long %ld %lu|ll %lld|size %zu\n", -42, 7, 4000000000u, INT_MIN,
	       LONG_MIN, ULONG_MAX, -1234567890123ll, sizeof(long));
	printf("hex %x %X %#lx %08x|oct %o|str [%s] [%6s] [%-6s] [%.2s]|char %c%c|pct %%\n",
	       0xbeefu, 0xcafeu, 0x123456789abcdeful, 0x1fu, 8u, "bm", "bm", "bm", "newlib", 'o',
	       'k');
	printf("double %f %.3f %e %g %g %.0f %f\n", 3.14159265358979, -2.5, 12345.678, 0.0001, 1e20,
	       2.5, 1.0 / 3.0);
	/* Through the varargs path too, and to stderr (fd 2). */
	fprintf(stderr, "stderr %d %s\n", 2, "line");
}

static void test_snprintf(void)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "abcdefghij");
	char big[64];
	int m = snprintf(big, sizeof(big), "%5.1f|%-4d|%+d", 9.96, 3, 5);
	printf("snprintf %d [%s] %d [%s]\n", n, buf, m, big);
	check(n == 10 && strcmp(buf, "abcdefg") == 0, "snprintf truncates and counts");
}

static void test_strto(void)
{
	char *end;
	long a = strtol("  -42xyz", &end, 10);
	printf("strtol %ld rest [%s]", a, end);
	errno = 0;
	long b = strtol("99999999999999999999", &end, 10);
	printf(" | overflow %s %s", b == LONG_MAX ? "LONG_MAX" : "?",
	       errno == ERANGE ? "ERANGE" : "no-ERANGE");
	errno = 0;
	long c = strtol("-99999999999999999999", &end, 10);
	printf(" | underflow %s %s", c == LONG_MIN ? "LONG_MIN" : "?",
	       errno == ERANGE ? "ERANGE" : "no-ERANGE");
	const char *none = "zz";
	long d = strtol(none, &end, 10);
	printf(" | none %ld %s\n", d, end == none ? "end=start" : "end moved");
	unsigned long e = strtoul("0x1F", &end, 0);
	unsigned long f = strtoul("0777", &end, 0);
	unsigned long g = strtoul("-1", &end, 10);
	errno = 0;
	unsigned long h = strtoul("18446744073709551616", &end, 10);
	printf("strtoul %lu %lu %s | overflow %s %s\n", e, f, g == ULONG_MAX ? "ULONG_MAX" : "?",
	       h == ULONG_MAX ? "ULONG_MAX" : "?", errno == ERANGE ? "ERANGE" : "no-ERANGE");
}

/* Fills a block with a pattern derived from its own address and a seed, or checks it. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31u + seed);
}
static int intact(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 31u + seed))
			return 0;
	return 1;
}

#define BLOCKS 400

static void test_malloc(void)
{
	static unsigned char *blk[BLOCKS];
	static size_t len[BLOCKS];
	int bad = 0, aligned = 1;
	/* Many sizes, from 1 byte to 64 KiB and a few of 256 KiB: about 6 MiB at the peak. */
	for (int i = 0; i < BLOCKS; i++) {
		len[i] = i % 50 == 49 ? (256u << 10) : 1 + rnd() % (i % 3 ? 256 : 65536);
		blk[i] = malloc(len[i]);
		if (!blk[i]) {
			bad++;
			continue;
		}
		aligned &= ((uintptr_t)blk[i] % 16) == 0;
		fill(blk[i], len[i], (unsigned)i);
	}
	/* Free every third, then grow or shrink the rest with realloc. */
	for (int i = 0; i < BLOCKS; i += 3) {
		free(blk[i]);
		blk[i] = NULL;
	}
	for (int i = 0; i < BLOCKS; i++) {
		if (!blk[i])
			continue;
		size_t keep = len[i];
		size_t n = i % 2 ? len[i] * 2 + 100 : len[i] / 2 + 1;
		if (n < keep)
			keep = n;
		unsigned char *p = realloc(blk[i], n);
		if (!p || !intact(p, keep, (unsigned)i)) {
			bad++;
			continue;
		}
		blk[i] = p;
		len[i] = n;
		fill(p, n, (unsigned)i + 7);
	}
	for (int i = 0; i < BLOCKS; i++)
		if (blk[i] && !intact(blk[i], len[i], (unsigned)i + 7))
			bad++;
	for (int i = BLOCKS - 1; i >= 0; i--)
		free(blk[i]);
	int *z = calloc(1000, sizeof(int));
	int zero = 1;
	for (int i = 0; z && i < 1000; i++)
		zero &= z[i] == 0;
	free(z);
	/* Past the heap's end: fails cleanly, and the heap still works after. */
	errno = 0;
	void *huge = malloc(64u << 20);
	int enomem = errno == ENOMEM;
	void *after = malloc(100);
	printf("malloc %d blocks, %d bad, aligned %s, calloc zeroed %s | 64 MiB: %s %s | "
	       "then %s\n",
	       BLOCKS, bad, aligned ? "yes" : "no", z && zero ? "yes" : "no",
	       huge ? "got it" : "NULL", enomem ? "ENOMEM" : "no-ENOMEM", after ? "ok" : "NULL");
	free(huge);
	free(after);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void test_string(void)
{
	static int v[1000];
	for (int i = 0; i < 1000; i++)
		v[i] = (int)(rnd() % 100000) - 50000;
	qsort(v, 1000, sizeof(v[0]), cmp_int);
	int sorted = 1;
	for (int i = 1; i < 1000; i++)
		sorted &= v[i - 1] <= v[i];
	char a[32] = "hello, world";
	char b[32];
	memcpy(b, a, sizeof(a));
	memmove(a + 2, a, 10); /* overlapping */
	printf("qsort %s | memcpy %s | memmove [%s] | strcmp %d %d %d | strlen %zu | strchr [%s]\n",
	       sorted ? "sorted" : "NOT sorted", memcmp(a, b, 2) == 0 ? "ok" : "bad", a,
	       strcmp("abc", "abd") < 0 ? -1 : 1, strcmp("b", "a") > 0 ? 1 : -1,
	       strcmp("same", "same"), strlen(b), strchr(b, 'w'));
}

static void test_time(long host_time)
{
	struct timeval t1, t2;
	int r1 = gettimeofday(&t1, NULL);
	/* Some work, so the clocks move. */
	volatile unsigned long sink = 0;
	for (unsigned long i = 0; i < 3000000; i++)
		sink += i;
	int r2 = gettimeofday(&t2, NULL);
	time_t now = time(NULL);
	long skew = (long)t1.tv_sec - host_time;
	int forward = t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_usec >= t1.tv_usec);
	clock_t c = clock();
	printf("time: gettimeofday %s, within 10 s of the host %s, never back %s, usec in range "
	       "%s, time() agrees %s, clock() %s\n",
	       r1 == 0 && r2 == 0 ? "ok" : "failed", skew >= -10 && skew <= 10 ? "yes" : "no",
	       forward ? "yes" : "no", t1.tv_usec >= 0 && t1.tv_usec < 1000000 ? "yes" : "no",
	       now >= t1.tv_sec && now - t1.tv_sec <= 2 ? "yes" : "no",
	       c != (clock_t)-1 ? "ok" : "failed");
}

/* DATA.TXT: "bm newlib data file\n", then 3000 bytes with byte i = 'a' + i % 26. */
static void test_file(void)
{
	FILE *f = fopen("DATA.TXT", "r");
	if (!f) {
		printf("file: fopen DATA.TXT failed: %s\n", strerror(errno));
		failures++;
		return;
	}
	char line[64];
	char *got = fgets(line, sizeof(line), f);
	line[strcspn(line, "\n")] = '\0';
	static char rest[4000];
	size_t n = fread(rest, 1, sizeof(rest), f);
	int pattern = 1;
	for (size_t i = 0; i < n; i++)
		pattern &= rest[i] == 'a' + (char)(i % 26);
	int at_eof = feof(f) != 0;
	/* Back to byte 20 + 27 = "b", then ftell. */
	int sk = fseek(f, 47, SEEK_SET);
	int ch = fgetc(f);
	long pos = ftell(f);
	struct stat st;
	int fs = fstat(fileno(f), &st);
	fclose(f);
	printf("file: line [%s] %s, then %zu bytes, pattern %s, eof %s | fseek %d, getc %c, "
	       "ftell %ld | fstat %d size %ld regular %s\n",
	       got ? line : "(none)", got ? "read" : "not read", n, pattern ? "ok" : "bad",
	       at_eof ? "yes" : "no", sk, ch, pos, fs, (long)st.st_size,
	       S_ISREG(st.st_mode) ? "yes" : "no");

	/* Low-level: lseek from the end, read across it, stat by name. */
	int fd = open("DATA.TXT", O_RDONLY);
	off_t endpos = lseek(fd, -5, SEEK_END);
	char tail[16];
	ssize_t rd = read(fd, tail, sizeof(tail));
	ssize_t rd2 = read(fd, tail, sizeof(tail));
	tail[rd > 0 ? rd : 0] = '\0';
	int cl = close(fd);
	struct stat st2;
	int sr = stat("DATA.TXT", &st2);
	printf("fd: open %s, lseek end-5 = %ld, read %ld [%.5s], then %ld, close %d | stat %d "
	       "size %ld\n",
	       fd >= 3 ? ">= 3" : "failed", (long)endpos, (long)rd, tail, (long)rd2, cl, sr,
	       (long)st2.st_size);
}

static const char *err_name(int e)
{
	switch (e) {
	case 0:
		return "0";
	case ENOENT:
		return "ENOENT";
	case EROFS:
		return "EROFS";
	case EBADF:
		return "EBADF";
	case ESPIPE:
		return "ESPIPE";
	case EEXIST:
		return "EEXIST";
	case ENOTTY:
		return "ENOTTY";
	case EINVAL:
		return "EINVAL";
	default:
		return "other";
	}
}

/* Each call must fail with the errno POSIX gives for a read-only disk and a console. */
static void test_errors(void)
{
	errno = 0;
	FILE *f = fopen("NOSUCH.TXT", "r");
	printf("errors: fopen missing %s %s", f ? "opened" : "NULL", err_name(errno));
	errno = 0;
	f = fopen("DATA.TXT", "w");
	printf(" | fopen w %s %s", f ? "opened" : "NULL", err_name(errno));
	errno = 0;
	int fd = open("NEW.TXT", O_RDONLY | O_CREAT, 0644);
	printf(" | create %d %s", fd, err_name(errno));
	errno = 0;
	fd = open("DATA.TXT", O_RDONLY | O_CREAT | O_EXCL, 0644);
	printf(" | excl %d %s\n", fd, err_name(errno));
	errno = 0;
	ssize_t w = write(0, "x", 1);
	printf("errors: write(0) %ld %s", (long)w, err_name(errno));
	errno = 0;
	off_t s = lseek(1, 0, SEEK_CUR);
	printf(" | lseek(1) %ld %s", (long)s, err_name(errno));
	errno = 0;
	int c = close(77);
	printf(" | close(77) %d %s", c, err_name(errno));
	errno = 0;
	int u = unlink("DATA.TXT");
	printf(" | unlink %d %s", u, err_name(errno));
	printf(" | isatty(1) %d", isatty(1));
	errno = 0;
	int t = isatty(77);
	printf(" isatty(77) %d %s\n", t, err_name(errno));
}

static void test_stdin(void)
{
	int c = getchar();
	printf("stdin: getchar %s, feof %s\n", c == EOF ? "EOF" : "a byte",
	       feof(stdin) ? "yes" : "no");
}

static int ctor_ran;
__attribute__((constructor)) static void ctor(void)
{
	ctor_ran = 1;
}

static void bye(void)
{
	/* No newline: exit must still flush it. */
	printf("atexit handler ran, status %d", failures ? 1 : PASS_STATUS);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "abort") == 0) {
		printf("about to abort\n");
		abort();
	}
	printf("argc %d, argv[0] %s, words:", argc, argv[0][0] ? "set" : "empty");
	for (int i = 2; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("%s\n", argv[argc] == NULL ? " (argv[argc] NULL)" : " (argv[argc] not NULL)");
	printf("constructor %s\n", ctor_ran ? "ran" : "did not run");
	check(ctor_ran, "constructors run before main");
	long host_time = argc > 1 ? strtol(argv[1], NULL, 10) : 0;

	test_printf();
	test_snprintf();
	test_strto();
	test_malloc();
	test_string();
	test_time(host_time);
	test_file();
	test_errors();
	test_stdin();
	atexit(bye);
	return failures ? 1 : PASS_STATUS;
}
