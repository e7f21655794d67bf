/* Unit tests of text_file_read: the cap at its edge, NUL bytes, missing files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text_file.h"

static char path[] = "/tmp/tinyvmm-text-XXXXXX";

static void put(const void *data, size_t len)
{
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void drop(void)
{
	unlink(path);
	strcpy(path, "/tmp/tinyvmm-text-XXXXXX");
}

Test(text_file, a_file_of_exactly_the_cap_is_read_whole_and_terminated, .fini = drop)
{
	enum { N = 200000 }; /* past the first buffer, so the growth is exercised */
	char *want = malloc(N);
	memset(want, 'x', N);
	put(want, N);
	char *text;
	size_t len;
	cr_assert_eq(text_file_read(path, N, &text, &len), 0);
	cr_assert_eq(len, N);
	cr_assert_eq(memcmp(text, want, N), 0);
	cr_assert_eq(text[N], '\0');
	free(text);
	cr_assert_eq(text_file_read(path, N - 1, &text, &len), -EFBIG, "one byte over the cap");
	cr_assert_null(text);
	free(want);
}

Test(text_file, empty_nul_and_missing_files, .fini = drop)
{
	char *text;
	size_t len;
	put("", 0);
	cr_assert_eq(text_file_read(path, 10, &text, &len), 0);
	cr_assert_eq(len, 0);
	cr_assert_str_eq(text, "");
	free(text);
	unlink(path);
	cr_assert_eq(text_file_read(path, 10, &text, &len), -ENOENT);
	strcpy(path, "/tmp/tinyvmm-text-XXXXXX");
	put("a\0b", 3);
	cr_assert_eq(text_file_read(path, 10, &text, &len), -EINVAL, "a NUL: not a text file");
}
