/* Unit tests of disk images: sizes and geometry, the three mapping modes, bounds of sector I/O. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/disk.h"

/* A temporary image of `size` bytes; byte i of sector s holds (s * 7 + i) & 0xFF. */
struct tmpimg {
	char path[64];
};

static uint8_t pattern(uint64_t sector, unsigned i)
{
	return (uint8_t)(sector * 7 + i);
}

static void make_image(struct tmpimg *t, uint64_t size, bool fill)
{
	snprintf(t->path, sizeof(t->path), "/tmp/tvmm_disk_XXXXXX");
	int fd = mkstemp(t->path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)size), 0);
	if (fill) {
		uint8_t sec[DISK_SECTOR];
		for (uint64_t s = 0; s < size / DISK_SECTOR; s++) {
			for (unsigned i = 0; i < DISK_SECTOR; i++)
				sec[i] = pattern(s, i);
			cr_assert_eq(pwrite(fd, sec, sizeof(sec), (off_t)(s * DISK_SECTOR)),
				     (ssize_t)sizeof(sec));
		}
	}
	close(fd);
}

static void drop_image(struct tmpimg *t)
{
	unlink(t->path);
}

static void file_sector(const struct tmpimg *t, uint64_t s, uint8_t *out)
{
	int fd = open(t->path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, out, DISK_SECTOR, (off_t)(s * DISK_SECTOR)), DISK_SECTOR);
	close(fd);
}

static void expect_chs(const struct disk *d, uint32_t c, uint32_t h, uint32_t s)
{
	cr_expect_eq(d->chs.cylinders, c, "cylinders %u, expected %u", d->chs.cylinders, c);
	cr_expect_eq(d->chs.heads, h, "heads %u, expected %u", d->chs.heads, h);
	cr_expect_eq(d->chs.sectors, s, "sectors %u, expected %u", d->chs.sectors, s);
}

Test(disk_geometry, standard_floppy_sizes)
{
	static const struct {
		uint32_t kib, c, h, s;
	} table[] = {
	    {160, 40, 1, 8}, {180, 40, 1, 9},	{320, 40, 2, 8},   {360, 40, 2, 9},
	    {720, 80, 2, 9}, {1200, 80, 2, 15}, {1440, 80, 2, 18}, {2880, 80, 2, 36},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct tmpimg t;
		make_image(&t, table[i].kib * 1024ull, false);
		struct disk d;
		const char *why = NULL;
		cr_assert_eq(disk_open(&d, t.path, DISK_FLOPPY, DISK_READONLY, &why), 0, "%uK: %s",
			     table[i].kib, why);
		expect_chs(&d, table[i].c, table[i].h, table[i].s);
		cr_expect_eq(d.sectors, table[i].c * table[i].h * table[i].s,
			     "the geometry covers the image exactly");
		cr_expect_eq(d.kind, DISK_FLOPPY);
		disk_close(&d);
		drop_image(&t);
	}
}

Test(disk_geometry, odd_floppy_size_is_refused_with_its_size)
{
	struct tmpimg t;
	make_image(&t, 1474560 + 512, false);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_FLOPPY, DISK_SNAPSHOT, &why), -EMEDIUMTYPE);
	cr_assert_str_eq(why, "not a standard floppy size (1475072 bytes)");
	cr_assert_null(d.map);
	disk_close(&d); /* harmless after a failed open */
	drop_image(&t);
}

static void hard_case(uint64_t sectors, uint32_t c, uint32_t h)
{
	struct tmpimg t;
	make_image(&t, sectors * DISK_SECTOR, false); /* sparse: nothing is read */
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_SNAPSHOT, &why), 0, "%s", why);
	cr_expect_eq(d.sectors, sectors);
	cr_expect_eq(d.size, sectors * DISK_SECTOR);
	expect_chs(&d, c, h, 63);
	disk_close(&d);
	drop_image(&t);
}

Test(disk_geometry, hard_disk_bios_translation)
{
	hard_case(2048, 2, 16);			   /* 1 MiB */
	hard_case(40960, 40, 16);		   /* 20 MiB: 40960 / 1008 */
	hard_case(65536, 65, 16);		   /* 32 MiB */
	hard_case(1024ull * 16 * 63, 1024, 16);	   /* exactly 504 MiB: last 16-head size */
	hard_case(1024ull * 16 * 63 + 1, 512, 32); /* one sector more: 32 heads */
	hard_case(1024ull * 32 * 63 + 1, 512, 64);
	hard_case(1024ull * 64 * 63 + 1, 512, 128);
	hard_case(1024ull * 128 * 63 + 1, 514, 255);   /* 8257537 / 16065 */
	hard_case(16ull * 1024 * 1024 * 2, 1024, 255); /* 16 GiB: cylinders capped */
}

Test(disk_geometry, tiny_hard_disk_still_has_one_cylinder)
{
	hard_case(1, 1, 16);
}

Test(disk_open, hard_disk_size_must_be_whole_sectors)
{
	struct tmpimg t;
	make_image(&t, 1000, false);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_READONLY, &why), -EMEDIUMTYPE);
	cr_assert_not_null(strstr(why, "1000"), "%s", why);
	cr_assert_not_null(strstr(why, "multiple of 512"), "%s", why);
	drop_image(&t);
}

Test(disk_open, empty_file)
{
	struct tmpimg t;
	make_image(&t, 0, false);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_WRITABLE, &why), -EMEDIUMTYPE);
	cr_assert_str_eq(why, "is empty");
	cr_assert_eq(disk_open(&d, t.path, DISK_FLOPPY, DISK_READONLY, &why), -EMEDIUMTYPE);
	cr_assert_str_eq(why, "is empty");
	drop_image(&t);
}

Test(disk_open, missing_file_and_directory)
{
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, "/nonexistent/tvmm.img", DISK_HARD, DISK_READONLY, &why),
		     -ENOENT);
	cr_assert_not_null(strstr(why, "cannot open"), "%s", why);
	cr_assert_eq(disk_open(&d, "/tmp", DISK_HARD, DISK_READONLY, &why), -EINVAL);
	cr_assert_str_eq(why, "is not a regular file");
}

Test(disk_open, bad_arguments)
{
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(NULL, "/tmp/x", DISK_HARD, DISK_READONLY, &why), -EINVAL);
	cr_assert_eq(disk_open(&d, NULL, DISK_HARD, DISK_READONLY, &why), -EINVAL);
	cr_assert_eq(disk_open(&d, "/tmp/x", (enum disk_kind)7, DISK_READONLY, &why), -EINVAL);
	cr_assert_eq(disk_open(&d, "/tmp/x", DISK_HARD, (enum disk_mode)9, NULL), -EINVAL);
}

Test(disk_open, writable_refused_on_read_only_file)
{
	/* Root may write any file: as root, this test (its own process) becomes nobody first. */
	if (geteuid() == 0)
		cr_assert(setegid(65534) == 0 && seteuid(65534) == 0, "cannot become nobody: %s",
			  strerror(errno));
	struct tmpimg t;
	make_image(&t, 4096, false);
	cr_assert_eq(chmod(t.path, 0444), 0);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_WRITABLE, &why), -EROFS);
	cr_assert_not_null(strstr(why, "read-only"), "%s", why);
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_SNAPSHOT, &why), 0, "%s", why);
	disk_close(&d);
	drop_image(&t);
	/* root again, and dumpable again (a change of uid clears it): make sanitize's leak
	 * check at exit ptraces this process and writes its report where only root may */
	if (getuid() == 0 && seteuid(0) == 0 && setegid(0) == 0)
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

Test(disk_io, reads_see_the_file)
{
	struct tmpimg t;
	make_image(&t, 64 * DISK_SECTOR, true);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_READONLY, &why), 0, "%s", why);
	uint8_t buf[3 * DISK_SECTOR];
	cr_assert_eq(disk_read(&d, 10, 3, buf), 0);
	for (unsigned s = 0; s < 3; s++)
		for (unsigned i = 0; i < DISK_SECTOR; i++)
			cr_assert_eq(buf[s * DISK_SECTOR + i], pattern(10 + s, i));
	disk_close(&d);
	drop_image(&t);
}

Test(disk_io, bounds_are_checked_without_overflow)
{
	struct tmpimg t;
	make_image(&t, 16 * DISK_SECTOR, true);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_SNAPSHOT, &why), 0, "%s", why);
	uint8_t buf[2 * DISK_SECTOR];
	cr_expect_eq(disk_read(&d, 15, 1, buf), 0, "last sector");
	cr_expect_eq(disk_read(&d, 15, 2, buf), -EIO, "one past the end");
	cr_expect_eq(disk_read(&d, 16, 1, buf), -EIO);
	cr_expect_eq(disk_read(&d, 16, 0, buf), 0, "empty range at the end");
	cr_expect_eq(disk_read(&d, 17, 0, buf), -EIO);
	cr_expect_eq(disk_read(&d, UINT64_MAX, 1, buf), -EIO, "lba + count wraps");
	cr_expect_eq(disk_read(&d, UINT64_MAX / DISK_SECTOR + 1, 1, buf), -EIO, "lba * 512 wraps");
	cr_expect_eq(disk_read(&d, 1, UINT32_MAX, buf), -EIO);
	cr_expect_eq(disk_write(&d, UINT64_MAX, 2, buf), -EIO);
	cr_expect_eq(disk_write(&d, 14, 3, buf), -EIO);
	cr_expect_eq(disk_read(NULL, 0, 1, buf), -EINVAL);
	cr_expect_eq(disk_read(&d, 0, 1, NULL), -EINVAL);
	disk_close(&d);
	cr_expect_eq(disk_read(&d, 0, 1, buf), -EINVAL, "closed");
	disk_close(&d); /* twice is harmless */
	drop_image(&t);
}

Test(disk_io, read_only_disk_refuses_writes)
{
	struct tmpimg t;
	make_image(&t, 8 * DISK_SECTOR, true);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_READONLY, &why), 0, "%s", why);
	uint8_t buf[DISK_SECTOR];
	memset(buf, 0xAA, sizeof(buf));
	cr_assert_eq(disk_write(&d, 0, 1, buf), -EROFS);
	cr_assert_eq(disk_flush(&d), 0);
	cr_assert_eq(disk_read(&d, 0, 1, buf), 0);
	cr_assert_eq(buf[5], pattern(0, 5));
	disk_close(&d);
	drop_image(&t);
}

Test(disk_io, snapshot_writes_stay_private)
{
	struct tmpimg t;
	make_image(&t, 32 * DISK_SECTOR, true);
	struct disk a, b;
	const char *why = NULL;
	cr_assert_eq(disk_open(&a, t.path, DISK_HARD, DISK_SNAPSHOT, &why), 0, "%s", why);
	cr_assert_eq(disk_open(&b, t.path, DISK_HARD, DISK_SNAPSHOT, &why), 0, "%s", why);
	uint8_t w[2 * DISK_SECTOR], r[2 * DISK_SECTOR];
	memset(w, 0x5A, sizeof(w));
	cr_assert_eq(disk_write(&a, 4, 2, w), 0);
	cr_assert_eq(disk_flush(&a), 0, "nothing to write back for a snapshot");

	cr_assert_eq(disk_read(&a, 4, 2, r), 0);
	cr_assert_arr_eq(r, w, sizeof(w), "the writer sees its own write");

	cr_assert_eq(disk_read(&b, 4, 2, r), 0);
	for (unsigned i = 0; i < DISK_SECTOR; i++)
		cr_assert_eq(r[i], pattern(4, i), "another snapshot does not see it");

	uint8_t f[DISK_SECTOR];
	file_sector(&t, 5, f);
	for (unsigned i = 0; i < DISK_SECTOR; i++)
		cr_assert_eq(f[i], pattern(5, i), "the file does not see it");

	disk_close(&a);
	disk_close(&b);
	drop_image(&t);
}

Test(disk_io, writable_writes_reach_the_file)
{
	struct tmpimg t;
	make_image(&t, 32 * DISK_SECTOR, true);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_WRITABLE, &why), 0, "%s", why);
	uint8_t w[DISK_SECTOR];
	for (unsigned i = 0; i < DISK_SECTOR; i++)
		w[i] = (uint8_t)(255 - i);
	cr_assert_eq(disk_write(&d, 31, 1, w), 0);
	cr_assert_eq(disk_flush(&d), 0);
	uint8_t f[DISK_SECTOR];
	file_sector(&t, 31, f);
	cr_assert_arr_eq(f, w, sizeof(w));
	file_sector(&t, 30, f);
	cr_assert_eq(f[9], pattern(30, 9), "neighbours untouched");
	disk_close(&d);

	/* A later snapshot of the same file starts from what the writable disk left. */
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_SNAPSHOT, &why), 0, "%s", why);
	cr_assert_eq(disk_read(&d, 31, 1, f), 0);
	cr_assert_arr_eq(f, w, sizeof(w));
	disk_close(&d);
	drop_image(&t);
}

Test(disk_io, floppy_image_as_hard_disk)
{
	struct tmpimg t;
	make_image(&t, 1440 * 1024, false);
	struct disk d;
	const char *why = NULL;
	cr_assert_eq(disk_open(&d, t.path, DISK_HARD, DISK_READONLY, &why), 0, "%s", why);
	cr_expect_eq(d.sectors, 2880);
	expect_chs(&d, 2, 16, 63);
	disk_close(&d);
	drop_image(&t);
}
