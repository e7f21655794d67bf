/* Unit tests of the bm apps' C library: Newlib, guests/bm/libc/ and bm_os.h on Linux, run as host
 * programs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/boot/harness.h"

/*
 * build/tests/newlib/ holds bm apps linked exactly as the bm kernel's are (crt0.o, libbm.a,
 * Newlib, bm_app.ld at 2 MiB) with tests/newlib/bm_os_linux.c standing in for the
 * kernel's side of bm_os.h. Linux runs them as static executables: whatever they print
 * came through printf, _write and bm_os_write, and their status through exit, _exit and
 * bm_os_exit.
 */

#define TIMEOUT_S 20

/* The file the test app reads: a line, then 3000 bytes of the alphabet over and over. */
#define DATA_LINE "bm newlib data file\n"
#define DATA_BODY 3000

static char dir[PATH_MAX];

static void app_path(char *buf, size_t size, const char *name)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "tests/newlib/%s", name);
	int err = harness_build_path(buf, size, rel);
	cr_assert_eq(err, 0, "build directory: %s", strerror(-err));
	cr_assert_eq(access(buf, X_OK), 0,
		     "%s is missing (%s): build it first (make build/tests/run_tests, "
		     "guests/bm/newlib.mk)",
		     buf, strerror(errno));
}

static void make_disk(void)
{
	int err = harness_tempdir(dir, sizeof(dir));
	cr_assert_eq(err, 0, "temporary directory: %s", strerror(-err));
	static char data[sizeof(DATA_LINE) - 1 + DATA_BODY];
	memcpy(data, DATA_LINE, sizeof(DATA_LINE) - 1);
	for (int i = 0; i < DATA_BODY; i++)
		data[sizeof(DATA_LINE) - 1 + i] = (char)('a' + i % 26);
	err = harness_write_file(dir, "DATA.TXT", data, sizeof(data));
	cr_assert_eq(err, 0, "DATA.TXT: %s", strerror(-err));
}

static void remove_disk(void)
{
	if (dir[0])
		harness_rmdir(dir);
	dir[0] = '\0';
}

TestSuite(bm_newlib, .init = make_disk, .fini = remove_disk);

static void run_app(const char *name, const char *const args[], struct run_result *r)
{
	char path[PATH_MAX];
	app_path(path, sizeof(path), name);
	const char *argv[8] = {path};
	for (int i = 0; args && args[i]; i++) {
		cr_assert_lt(i + 1, 7, "too many arguments");
		argv[i + 1] = args[i];
	}
	int err = harness_run(argv, dir, TIMEOUT_S, r);
	cr_assert_eq(err, 0, "running %s: %s", path, strerror(-err));
}

/* Every line of bm_newlib_test's output, in order; values that vary are checked there. */
static const char expected_out[] =
    "argc 4, argv[0] set, words: [one] [two] (argv[argc] NULL)\n"
    "constructor ran\n"
    "int -42 7 4000000000 -2147483648|long -9223372036854775808 18446744073709551615|"
    "ll -1234567890123|size 8\n"
    "hex beef CAFE 0x123456789abcdef 0000001f|oct 10|str [bm] [    bm] [bm    ] [ne]|"
    "char ok|pct %\n"
    "double 3.141593 -2.500 1.234568e+04 0.0001 1e+20 2 0.333333\n"
    "snprintf 10 [abcdefg] 13 [ 10.0|3   |+5]\n"
    "strtol -42 rest [xyz] | overflow LONG_MAX ERANGE | underflow LONG_MIN ERANGE | "
    "none 0 end=start\n"
    "strtoul 31 511 ULONG_MAX | overflow ULONG_MAX ERANGE\n"
    "malloc 400 blocks, 0 bad, aligned yes, calloc zeroed yes | 64 MiB: NULL ENOMEM | "
    "then ok\n"
    "qsort sorted | memcpy ok | memmove [hehello, wor] | strcmp -1 1 0 | strlen 12 | "
    "strchr [world]\n"
    "time: gettimeofday ok, within 10 s of the host yes, never back yes, usec in range yes, "
    "time() agrees yes, clock() ok\n"
    "file: line [bm newlib data file] read, then 3000 bytes, pattern ok, eof yes | "
    "fseek 0, getc b, ftell 48 | fstat 0 size 3020 regular yes\n"
    "fd: open >= 3, lseek end-5 = 3015, read 5 [fghij], then 0, close 0 | stat 0 size 3020\n"
    "errors: fopen missing NULL ENOENT | fopen w NULL EROFS | create -1 EROFS | "
    "excl -1 EEXIST\n"
    "errors: write(0) -1 EBADF | lseek(1) -1 ESPIPE | close(77) -1 EBADF | unlink -1 EROFS | "
    "isatty(1) 1 isatty(77) 0 EBADF\n"
    "stdin: getchar EOF, feof yes\n"
    /* printed by an atexit handler, without a newline: exit flushed it */
    "atexit handler ran, status 42";

Test(bm_newlib, libc_checks_print_exactly_and_exit_42)
{
	char now[32];
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	const char *args[] = {now, "one", "two", NULL};
	struct run_result r;
	run_app("bm_newlib_test", args, &r);
	char how[128];
	cr_expect_eq(r.status, 42, "bm_newlib_test %s; stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect_str_eq(r.out, expected_out);
	cr_expect_str_eq(r.err, "stderr 2 line\n");
	harness_result_free(&r);
}

Test(bm_newlib, abort_ends_with_128_plus_sigabrt)
{
	const char *args[] = {"abort", NULL};
	struct run_result r;
	run_app("bm_newlib_test", args, &r);
	char how[128];
	cr_expect_eq(r.status, 128 + 6, "bm_newlib_test abort %s",
		     harness_describe(&r, how, sizeof(how)));
	cr_expect_str_eq(r.out, "about to abort\n");
	harness_result_free(&r);
}

Test(bm_newlib, hello_prints_and_exits_0)
{
	struct run_result r;
	run_app("hello", NULL, &r);
	char how[128];
	cr_expect_eq(r.status, 0, "hello %s", harness_describe(&r, how, sizeof(how)));
	cr_expect_str_eq(r.out, "Hello from Newlib on bm_os\n");
	cr_expect_str_eq(r.err, "");
	harness_result_free(&r);
}

/*
 * The flat image a bm kernel loads starts with its app header (guests/bm/include/bm/calls.h:
 * "BAPP", version 1, entry, end), whose entry is crt0's first instruction, cld, and whose
 * end lies past the file (the BSS is not in it).
 */
Test(bm_newlib, flat_image_starts_with_the_app_header)
{
	char path[PATH_MAX];
	app_path(path, sizeof(path), "hello.bin");
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	static unsigned char img[1 << 20];
	size_t n = fread(img, 1, sizeof(img), f);
	fclose(f);
	cr_assert_gt(n, 24, "hello.bin: %zu bytes", n);
	uint32_t magic, version;
	uint64_t entry, end;
	memcpy(&magic, img, 4);
	memcpy(&version, img + 4, 4);
	memcpy(&entry, img + 8, 8);
	memcpy(&end, img + 16, 8);
	cr_expect_eq(magic, 0x50504142, "magic 0x%08x, not \"BAPP\"", magic);
	cr_expect_eq(version, 1);
	cr_assert(entry >= 0x200000 + 24 && entry < 0x200000 + n, "entry 0x%llx outside the file",
		  (unsigned long long)entry);
	cr_expect_eq(img[entry - 0x200000], 0xfc, "the entry holds 0x%02x, not cld (0xfc)",
		     img[entry - 0x200000]);
	cr_expect_geq(end, 0x200000 + n, "end 0x%llx inside the file", (unsigned long long)end);
}
