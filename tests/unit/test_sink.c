/* Unit tests of the file-descriptor sink: what it writes, its cap, and what it counts as dropped. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/sink.h"

static off_t file_size(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	return st.st_size;
}

Test(fd_sink, keeps_at_most_the_cap_and_counts_the_rest)
{
	char path[] = "/tmp/tinyvmm-sink-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	struct fd_sink s;
	cr_assert_eq(fd_sink_open(&s, path, 10), 0);
	struct char_sink out = fd_sink_as_sink(&s);
	sink_write(&out, (const uint8_t *)"hello, ", 7);
	sink_write(&out, (const uint8_t *)"world!", 6);
	sink_write(&out, (const uint8_t *)"more", 4);
	cr_assert_eq(s.written, 10);
	cr_assert_eq(s.dropped, 7);
	fd_sink_close(&s);
	cr_assert_eq(file_size(path), 10);
	FILE *f = fopen(path, "r");
	char buf[16] = {0};
	cr_assert_eq(fread(buf, 1, sizeof(buf), f), 10);
	fclose(f);
	cr_assert_str_eq(buf, "hello, wor");
	unlink(path);
}

Test(fd_sink, no_cap_writes_everything)
{
	char path[] = "/tmp/tinyvmm-sink-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	struct fd_sink s;
	cr_assert_eq(fd_sink_open(&s, path, 0), 0);
	struct char_sink out = fd_sink_as_sink(&s);
	for (int i = 0; i < 1000; i++)
		sink_write(&out, (const uint8_t *)"0123456789", 10);
	fd_sink_close(&s);
	cr_assert_eq(file_size(path), 10000);
	cr_assert_eq(s.dropped, 0);
	unlink(path);
}

Test(fd_sink, a_write_error_drops_and_counts_instead_of_failing)
{
	struct fd_sink s;
	cr_assert_eq(fd_sink_init(&s, -1, 0), 0); /* EBADF on every write */
	struct char_sink out = fd_sink_as_sink(&s);
	sink_write(&out, (const uint8_t *)"abc", 3);
	sink_write(&out, (const uint8_t *)"de", 2);
	cr_assert_eq(s.dropped, 5);
	cr_assert_neq(s.error, 0);
	fd_sink_close(&s);
}

Test(fd_sink, open_reports_errno)
{
	struct fd_sink s;
	cr_assert_lt(fd_sink_open(&s, "/nonexistent-dir/x.log", 0), 0);
}
