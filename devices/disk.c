/* Disk images: open, check the size, derive the geometry, map once; sector I/O on the map. */
#include "devices/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct floppy_format {
	uint32_t bytes;
	struct disk_chs chs;
};

/* The PC floppy formats: the image size is all a raw image says about its geometry. */
static const struct floppy_format floppy_formats[] = {
    {160u * 1024, {40, 1, 8}},	 {180u * 1024, {40, 1, 9}},   {320u * 1024, {40, 2, 8}},
    {360u * 1024, {40, 2, 9}},	 {720u * 1024, {80, 2, 9}},   {1200u * 1024, {80, 2, 15}},
    {1440u * 1024, {80, 2, 18}}, {2880u * 1024, {80, 2, 36}},
};

#define BIOS_MAX_CYLINDERS 1024u
#define BIOS_SECTORS	   63u

static const char *say(struct disk *d, const char *fmt, unsigned long long n)
{
	snprintf(d->why_buf, sizeof(d->why_buf), fmt, n);
	return d->why_buf;
}

static const char *say_errno(struct disk *d, const char *what, int err)
{
	char tmp[64];
	snprintf(d->why_buf, sizeof(d->why_buf), "%s: %s", what, strerror_r(err, tmp, sizeof(tmp)));
	return d->why_buf;
}

static bool floppy_geometry(uint64_t size, struct disk_chs *chs)
{
	for (size_t i = 0; i < sizeof(floppy_formats) / sizeof(floppy_formats[0]); i++) {
		if (floppy_formats[i].bytes == size) {
			*chs = floppy_formats[i].chs;
			return true;
		}
	}
	return false;
}

bool disk_floppy_sized(uint64_t size)
{
	struct disk_chs chs;
	return floppy_geometry(size, &chs);
}

/*
 * The LBA-assist translation PC BIOSes use: 16 heads while that keeps the cylinder count
 * within int 13h's 1024, then doubling heads up to 255. Beyond 1024 cylinders the
 * BIOS geometry simply stops covering the disk; LBA (AH=42h) reaches the rest.
 */
static struct disk_chs hard_geometry(uint64_t sectors)
{
	static const uint32_t heads_steps[] = {16, 32, 64, 128};
	uint32_t heads = 255;
	for (size_t i = 0; i < sizeof(heads_steps) / sizeof(heads_steps[0]); i++) {
		if (sectors <= (uint64_t)BIOS_MAX_CYLINDERS * heads_steps[i] * BIOS_SECTORS) {
			heads = heads_steps[i];
			break;
		}
	}
	uint64_t cyl = sectors / ((uint64_t)heads * BIOS_SECTORS);
	if (cyl > BIOS_MAX_CYLINDERS)
		cyl = BIOS_MAX_CYLINDERS;
	/* A disk smaller than one cylinder still needs one for int 13h AH=08h to describe. */
	if (cyl == 0)
		cyl = 1;
	return (struct disk_chs){
	    .cylinders = (uint32_t)cyl, .heads = heads, .sectors = BIOS_SECTORS};
}

static int open_image(struct disk *d, const char *path, enum disk_mode mode, const char **why)
{
	if (mode != DISK_WRITABLE) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		int err = errno;
		*why = say_errno(d, "cannot open", err);
		return -err;
	}
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	int err = errno;
	if (err == EACCES || err == EROFS || err == EPERM) {
		*why = "the file is read-only (use a snapshot or read-only disk)";
		return -EROFS;
	}
	*why = say_errno(d, "cannot open", err);
	return -err;
}

/* Checks the size against the kind of disk and fills in the geometry. A file that exists
 * but cannot be this kind of disk is -EMEDIUMTYPE: firmware treats it as unbootable media. */
static int check_size(struct disk *d, uint64_t size, enum disk_kind kind, const char **why)
{
	if (size == 0) {
		*why = "is empty";
		return -EMEDIUMTYPE;
	}
	if (kind == DISK_FLOPPY) {
		if (!floppy_geometry(size, &d->chs)) {
			*why = say(d, "not a standard floppy size (%llu bytes)", size);
			return -EMEDIUMTYPE;
		}
		return 0;
	}
	if (size % DISK_SECTOR) {
		*why = say(d, "size %llu bytes is not a multiple of 512", size);
		return -EMEDIUMTYPE;
	}
	d->chs = hard_geometry(size / DISK_SECTOR);
	return 0;
}

int disk_open(struct disk *d, const char *path, enum disk_kind kind, enum disk_mode mode,
	      const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = "";
	if (!d || !path || (kind != DISK_FLOPPY && kind != DISK_HARD) ||
	    (mode != DISK_WRITABLE && mode != DISK_SNAPSHOT && mode != DISK_READONLY)) {
		*why = "invalid arguments";
		return -EINVAL;
	}
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->mode = mode;
	d->path = path;

	int fd = open_image(d, path, mode, why);
	if (fd < 0)
		return fd;
	int err;
	struct stat st;
	if (fstat(fd, &st)) {
		err = -errno;
		*why = say_errno(d, "cannot stat", -err);
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "is not a regular file";
		err = -EINVAL;
		goto err_close;
	}
	uint64_t size = (uint64_t)st.st_size;
	if ((err = check_size(d, size, kind, why)))
		goto err_close;
	if (size > SIZE_MAX) {
		*why = "is too large to map";
		err = -EFBIG;
		goto err_close;
	}

	/*
	 * A snapshot is a private writable mapping of a read-only descriptor: written pages
	 * become this process's copies, the rest stay shared in the page cache with every
	 * other VM mapping the same image. NORESERVE keeps a population of snapshots from
	 * being charged the full image size each before they write anything.
	 */
	int prot = mode == DISK_READONLY ? PROT_READ : PROT_READ | PROT_WRITE;
	int flags = mode == DISK_WRITABLE ? MAP_SHARED : MAP_PRIVATE | MAP_NORESERVE;
	void *map = mmap(NULL, (size_t)size, prot, flags, fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		*why = say_errno(d, "cannot map", -err);
		goto err_close;
	}
	/* The mapping keeps the file referenced; the descriptor is no longer needed. */
	close(fd);
	d->map = map;
	d->size = size;
	d->sectors = size / DISK_SECTOR;
	return 0;

err_close:
	close(fd);
	return err;
}

void disk_close(struct disk *d)
{
	if (!d || !d->map)
		return;
	munmap(d->map, (size_t)d->size);
	d->map = NULL;
	d->size = 0;
	d->sectors = 0;
}

/* Overflow-safe: lba + count is never formed. */
static bool in_range(const struct disk *d, uint64_t lba, uint32_t count)
{
	return lba <= d->sectors && count <= d->sectors - lba;
}

int disk_read(const struct disk *d, uint64_t lba, uint32_t count, void *buf)
{
	if (!d || !d->map || (!buf && count))
		return -EINVAL;
	if (!in_range(d, lba, count))
		return -EIO;
	if (count)
		memcpy(buf, d->map + lba * DISK_SECTOR, (size_t)count * DISK_SECTOR);
	return 0;
}

int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf)
{
	if (!d || !d->map || (!buf && count))
		return -EINVAL;
	if (d->mode == DISK_READONLY)
		return -EROFS;
	if (!in_range(d, lba, count))
		return -EIO;
	if (count)
		memcpy(d->map + lba * DISK_SECTOR, buf, (size_t)count * DISK_SECTOR);
	return 0;
}

int disk_flush(struct disk *d)
{
	if (!d || !d->map)
		return -EINVAL;
	if (d->mode != DISK_WRITABLE)
		return 0;
	return msync(d->map, (size_t)d->size, MS_SYNC) ? -errno : 0;
}
