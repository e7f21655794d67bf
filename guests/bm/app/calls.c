/* CALLS.APP: exercises the calls the shared apps do not use -- files, heap, command line, wall
 * clock, SMP queue, refusals -- straight through the call table, and prints PASS or the first
 * failure. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bm/calls.h"

/*
 * A Newlib app like the others (main, malloc, the string functions), but every call it
 * tests it makes itself, not through the C library's bm_os.h layer (LIBC.APP tests that).
 */

static void say(const char *s)
{
	bm_output(s, strlen(s));
}

static int fail(const char *what)
{
	say("calls: FAIL ");
	say(what);
	say("\n");
	return 1;
}

static int same(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

static uint8_t piece[700];

static int files(void)
{
	int64_t fd = bm_file_open("startup.app", 11);
	if (fd < 0)
		return fail("open startup.app");
	int64_t size = bm_file_size((int)fd);
	if (size < 1024 || size > (1 << 20))
		return fail("size");
	uint8_t *whole = malloc((size_t)size);
	if (!whole)
		return fail("malloc for the whole file");
	if (bm_file_read((int)fd, whole, (size_t)size, 0) != size)
		return fail("read the whole file");
	if (!same(whole, (const uint8_t *)"BAPP", 4))
		return fail("the app header's magic");
	/* a piece that starts and ends inside sectors, across several */
	if (bm_file_read((int)fd, piece, sizeof(piece), 300) != (int64_t)sizeof(piece) ||
	    !same(piece, whole + 300, sizeof(piece)))
		return fail("read at offset 300");
	if (bm_file_read((int)fd, piece, 100, (uint64_t)size - 10) != 10 ||
	    !same(piece, whole + size - 10, 10))
		return fail("a read past the end is cut");
	if (bm_file_read((int)fd, piece, 10, (uint64_t)size) != 0)
		return fail("a read at the end gives 0");
	if (bm_file_read((int)fd, (void *)(uintptr_t)BM_KERNEL_BASE, 10, 0) != -BM_EFAULT)
		return fail("a read into kernel memory is refused");
	if (bm_file_close((int)fd) != 0 || bm_file_size((int)fd) != -BM_EBADF)
		return fail("close");
	if (bm_file_open("nosuch.app", 10) != -BM_ENOENT)
		return fail("a missing file is ENOENT");
	if (bm_file_open("bad/name", 8) != -BM_ENOENT)
		return fail("a name that is no 8.3 name is ENOENT");
	free(whole);
	return 0;
}

/* The line holds argv's words, in order, between blanks: the C library split it right. */
static int same_words(const char *line, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		while (*line == ' ' || *line == '\t')
			line++;
		size_t n = strlen(argv[i]);
		if (strncmp(line, argv[i], n) || (line[n] && line[n] != ' ' && line[n] != '\t'))
			return 0;
		line += n;
	}
	return 1;
}

int main(int argc, char **argv)
{
	char args[BM_ARGS_MAX], cut[5];
	int64_t n = bm_args(args, sizeof(args));
	if (n < 0 || n >= (int64_t)sizeof(args) || args[n] != 0 || !same_words(args, argc, argv))
		return fail("args");
	if (n >= 4 && (bm_args(cut, sizeof(cut)) != n || cut[4] || memcmp(cut, args, 4)))
		return fail("args cut to a small buffer");
	struct bm_region r;
	if (bm_mem_region(&r) || r.size < 4096 || (r.base & 0xFFF) || r.base < BM_APP_BASE)
		return fail("mem_region");
	volatile uint8_t *heap = (volatile uint8_t *)(uintptr_t)r.base;
	heap[0] = 1;
	heap[r.size - 1] = 2;				  /* the whole heap is the app's */
	if (bm_wall_ns() < 1230768000ull * 1000000000ull) /* 2009 */
		return fail("wall clock");
	if (files())
		return 1;
	if (bm_output((const void *)(uintptr_t)BM_KERNEL_BASE, 10) != -BM_EFAULT)
		return fail("output from kernel memory is refused");
	uint64_t data;
	if (bm_smp_enqueue(0x1234, 5) || bm_smp_enqueue(0x5678, 6) ||
	    bm_smp_dequeue(&data) != 0x1234 || data != 5 || bm_smp_dequeue(&data) != 0x5678 ||
	    data != 6 || bm_smp_dequeue(&data) != 0)
		return fail("smp queue");
	if (bm_smp_cores() < 1)
		return fail("cores");
	if (bm_call2(BM_CALL_COUNT + 5, 0, 0) != -BM_ENOSYS)
		return fail("an unknown call is ENOSYS");
	uint64_t t0 = bm_time_ns();
	bm_delay_ns(100000000);
	uint64_t t1 = bm_time_ns();
	if (t1 - t0 < 100000000 || t1 - t0 > 1000000000)
		return fail("delay of 100 ms");
	say("calls: PASS\n");
	return 0;
}
