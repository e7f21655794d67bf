/* fd.c: file descriptors for Newlib -- 0-2 are the console, 3 and up read-only files of the boot
 * disk. */
#define _COMPILING_NEWLIB
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bm_os.h"
#include "sys.h"

/*
 * The console is always open: closing 0, 1 or 2 succeeds and changes nothing, so a
 * library that closes stdin cannot lose the app its console. Files take descriptors
 * FIRST_FILE.. in a table of our own, since the kernel's handles are not descriptors and
 * the kernel keeps no position (bm_os_file_read takes one).
 */
#define FIRST_FILE 3
#define MAX_FILES  16

/* One transfer moves at most this much, as on Linux: the count then always fits the
 * signed return value, and a file position never overflows in one step. */
#define MAX_IO 0x7ffff000ul

struct file {
	int open;
	int handle;
	long long pos;
	long long size;
};

static struct file files[MAX_FILES];

static struct file *file_of(int fd)
{
	if (fd < FIRST_FILE || fd >= FIRST_FILE + MAX_FILES || !files[fd - FIRST_FILE].open)
		return NULL;
	return &files[fd - FIRST_FILE];
}

static int is_console(int fd)
{
	return fd >= 0 && fd < FIRST_FILE;
}

/* Opens `name` and reads its size; 0 with *h and *size set, or the errno to fail with. */
static int open_file(const char *name, int *h, long long *size)
{
	if (!name)
		return EFAULT;
	if (!*name)
		return ENOENT;
	int r = bm_os_file_open(name);
	if (r < 0)
		return bm_errno(r);
	long long s = bm_os_file_size(r);
	if (s < 0) {
		bm_os_file_close(r);
		return bm_errno(s);
	}
	*h = r;
	*size = s;
	return 0;
}

int _open(const char *name, int flags, ...)
{
	int slot = 0;
	while (slot < MAX_FILES && files[slot].open)
		slot++;
	if (slot == MAX_FILES)
		return bm_fail(EMFILE);
	int h = -1;
	long long size = 0;
	int e = open_file(name, &h, &size);
	/* The disk is read-only: what cannot exist cannot be created. */
	if (e == ENOENT && (flags & O_CREAT))
		return bm_fail(EROFS);
	if (e)
		return bm_fail(e);
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		e = EEXIST;
	else if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		e = EROFS;
	if (e) {
		bm_os_file_close(h);
		return bm_fail(e);
	}
	files[slot] = (struct file){.open = 1, .handle = h, .pos = 0, .size = size};
	return FIRST_FILE + slot;
}

int _close(int fd)
{
	if (is_console(fd))
		return 0;
	struct file *f = file_of(fd);
	if (!f)
		return bm_fail(EBADF);
	/* The descriptor is free whatever the kernel says, as POSIX has it. */
	f->open = 0;
	int r = bm_os_file_close(f->handle);
	return r < 0 ? bm_fail(bm_errno(r)) : 0;
}

_READ_WRITE_RETURN_TYPE _read(int fd, void *buf, size_t len)
{
	if (len > MAX_IO)
		len = MAX_IO;
	if (fd == 0) {
		if (len == 0)
			return 0;
		long r = bm_os_read(0, buf, len);
		return r < 0 ? bm_fail(bm_errno(r)) : r;
	}
	struct file *f = file_of(fd);
	if (!f)
		return bm_fail(EBADF);
	if (len == 0 || f->pos >= f->size)
		return 0;
	long r = bm_os_file_read(f->handle, (unsigned long long)f->pos, buf, len);
	if (r < 0)
		return bm_fail(bm_errno(r));
	f->pos += r;
	return r;
}

_READ_WRITE_RETURN_TYPE _write(int fd, const void *buf, size_t len)
{
	/* stdin and the files are open for reading only. */
	if (fd != 1 && fd != 2)
		return bm_fail(EBADF);
	if (len > MAX_IO)
		len = MAX_IO;
	if (len == 0)
		return 0;
	long r = bm_os_write(fd, buf, len);
	return r < 0 ? bm_fail(bm_errno(r)) : r;
}

_off_t _lseek(int fd, _off_t off, int whence)
{
	if (is_console(fd))
		return bm_fail(ESPIPE);
	struct file *f = file_of(fd);
	if (!f)
		return bm_fail(EBADF);
	long long base;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = f->size;
		break;
	default:
		return bm_fail(EINVAL);
	}
	if (off > 0 && base > LLONG_MAX - off)
		return bm_fail(EOVERFLOW);
	if (base + off < 0)
		return bm_fail(EINVAL);
	/* Past the end is allowed, as anywhere: reads there return 0. */
	f->pos = base + off;
	return f->pos;
}

static void stat_file(struct stat *st, long long size)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = size;
	st->st_blksize = 512; /* a FAT16 sector */
	st->st_blocks = (size + 511) / 512;
}

int _fstat(int fd, struct stat *st)
{
	if (is_console(fd)) {
		/* A character device: Newlib then line-buffers stdout (via _isatty). */
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFCHR | 0620;
		st->st_nlink = 1;
		return 0;
	}
	struct file *f = file_of(fd);
	if (!f)
		return bm_fail(EBADF);
	stat_file(st, f->size);
	return 0;
}

int _stat(const char *name, struct stat *st)
{
	int h = -1;
	long long size = 0;
	int e = open_file(name, &h, &size);
	if (e)
		return bm_fail(e);
	bm_os_file_close(h);
	stat_file(st, size);
	return 0;
}

int _isatty(int fd)
{
	if (is_console(fd))
		return 1;
	bm_fail(file_of(fd) ? ENOTTY : EBADF);
	return 0;
}

/* Nothing on the disk can be changed. */

int _link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	return bm_fail(EROFS);
}

int _unlink(const char *name)
{
	(void)name;
	return bm_fail(EROFS);
}

int _mkdir(const char *name, mode_t mode)
{
	(void)name;
	(void)mode;
	return bm_fail(EROFS);
}

BM_WEAK_ALIAS(open, _open);
BM_WEAK_ALIAS(close, _close);
BM_WEAK_ALIAS(read, _read);
BM_WEAK_ALIAS(write, _write);
BM_WEAK_ALIAS(lseek, _lseek);
BM_WEAK_ALIAS(fstat, _fstat);
BM_WEAK_ALIAS(stat, _stat);
BM_WEAK_ALIAS(isatty, _isatty);
BM_WEAK_ALIAS(link, _link);
BM_WEAK_ALIAS(unlink, _unlink);
BM_WEAK_ALIAS(mkdir, _mkdir);
