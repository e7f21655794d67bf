/* bm_os_linux.c: bm_os.h implemented on raw Linux system calls (no glibc), so the bm apps' C
 * library runs on the host. */
#include <stddef.h>

#include "guests/bm/libc/bm_os.h"

/*
 * The bm kernel's stand-in for tests/unit/test_bm_newlib.c: the same crt0, syscall layer,
 * libc.a and linker script as a bm app, with this file where the kernel's stubs go. It
 * follows the contract of bm_os.h to the letter, so what passes here is what the kernel
 * side must do. The console is fds 0-2 of the process; the "disk" is the current
 * directory; the heap is the 16 MiB from BM_OS_APP_BASE, as a kernel that gives the app its
 * memory in one piece would say.
 */

/* Linux x86-64 system call numbers and the few constants used (no kernel headers here). */
#define SYS_read	  0
#define SYS_write	  1
#define SYS_open	  2
#define SYS_close	  3
#define SYS_fstat	  5
#define SYS_mmap	  9
#define SYS_pread64	  17
#define SYS_clock_gettime 228
#define SYS_exit_group	  231

#define L_EINTR	 4
#define L_ENOENT 2
#define L_EMFILE 24
#define L_ENFILE 23

#define L_O_RDONLY	      0
#define L_O_CLOEXEC	      02000000
#define L_PROT_RW	      3
#define L_MAP_PRIVATE_ANON    0x22
#define L_MAP_FIXED_NOREPLACE 0x100000
#define L_CLOCK_REALTIME      0
#define L_CLOCK_MONOTONIC     1
#define L_S_IFMT	      0170000
#define L_S_IFREG	      0100000

/* struct stat on x86-64 Linux is 144 bytes; st_mode is at byte 24, st_size at byte 48. */
#define L_STAT_SIZE    144
#define L_STAT_MODE_AT 24
#define L_STAT_SIZE_AT 48

#define HEAP_SIZE (16ul << 20)
#define MAX_FILES 16

struct l_timespec {
	long tv_sec;
	long tv_nsec;
};

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long sys3(long n, long a, long b, long c)
{
	return sys6(n, a, b, c, 0, 0, 0);
}

long bm_os_write(int fd, const void *buf, unsigned long len)
{
	if (fd != 1 && fd != 2)
		return -BM_OS_EBADF;
	/* A console write is whole: go on after a short write or a signal. */
	unsigned long done = 0;
	while (done < len) {
		long r = sys3(SYS_write, fd, (long)((const char *)buf + done), (long)(len - done));
		if (r == -L_EINTR)
			continue;
		if (r <= 0)
			return -BM_OS_EIO;
		done += (unsigned long)r;
	}
	return (long)len;
}

long bm_os_read(int fd, void *buf, unsigned long len)
{
	if (fd != 0)
		return -BM_OS_EBADF;
	for (;;) {
		long r = sys3(SYS_read, 0, (long)buf, (long)len);
		if (r == -L_EINTR)
			continue;
		return r < 0 ? -BM_OS_EIO : r;
	}
}

/* The process's arguments, read from /proc/self/cmdline and joined with spaces. */
const char *bm_os_cmdline(void)
{
	static char line[BM_CMDLINE_MAX];
	static int have;
	if (have)
		return line;
	long fd = sys3(SYS_open, (long)"/proc/self/cmdline", L_O_RDONLY | L_O_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	long n = 0;
	while (n < (long)sizeof(line) - 1) {
		long r = sys3(SYS_read, fd, (long)(line + n), (long)sizeof(line) - 1 - n);
		if (r == -L_EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	sys3(SYS_close, fd, 0, 0);
	/* NUL-separated and NUL-terminated: the last NUL ends the line, the others part words. */
	while (n > 0 && line[n - 1] == '\0')
		n--;
	for (long i = 0; i < n; i++)
		if (line[i] == '\0')
			line[i] = ' ';
	line[n] = '\0';
	have = 1;
	return line;
}

/* Handles are indexes into this table of Linux descriptors (+1: 0 means free). */
static long files[MAX_FILES];

static long linux_fd(int handle)
{
	if (handle < 0 || handle >= MAX_FILES || !files[handle])
		return -1;
	return files[handle] - 1;
}

static long l_fstat(long fd, long *mode, long long *size)
{
	unsigned char st[L_STAT_SIZE];
	long r = sys3(SYS_fstat, fd, (long)st, 0);
	if (r < 0)
		return r;
	unsigned int m;
	__builtin_memcpy(&m, st + L_STAT_MODE_AT, sizeof(m));
	__builtin_memcpy(size, st + L_STAT_SIZE_AT, sizeof(*size));
	*mode = m;
	return 0;
}

int bm_os_file_open(const char *name)
{
	if (!name)
		return -BM_OS_EINVAL;
	int h = 0;
	while (h < MAX_FILES && files[h])
		h++;
	if (h == MAX_FILES)
		return -BM_OS_EMFILE;
	long fd = sys3(SYS_open, (long)name, L_O_RDONLY | L_O_CLOEXEC, 0);
	if (fd == -L_ENOENT)
		return -BM_OS_ENOENT;
	if (fd == -L_EMFILE || fd == -L_ENFILE)
		return -BM_OS_EMFILE;
	if (fd < 0)
		return -BM_OS_EIO;
	/* Only plain files: a directory is "no such file", as the contract says. */
	long mode;
	long long size;
	if (l_fstat(fd, &mode, &size) < 0 || (mode & L_S_IFMT) != L_S_IFREG) {
		sys3(SYS_close, fd, 0, 0);
		return -BM_OS_ENOENT;
	}
	files[h] = fd + 1;
	return h;
}

long bm_os_file_read(int handle, unsigned long long offset, void *buf, unsigned long len)
{
	long fd = linux_fd(handle);
	if (fd < 0)
		return -BM_OS_EBADF;
	/* Short only at the end of the file: go on after a short read. */
	unsigned long done = 0;
	while (done < len) {
		long r = sys6(SYS_pread64, fd, (long)((char *)buf + done), (long)(len - done),
			      (long)(offset + done), 0, 0);
		if (r == -L_EINTR)
			continue;
		if (r < 0)
			return -BM_OS_EIO;
		if (r == 0)
			break;
		done += (unsigned long)r;
	}
	return (long)done;
}

long long bm_os_file_size(int handle)
{
	long fd = linux_fd(handle);
	if (fd < 0)
		return -BM_OS_EBADF;
	long mode;
	long long size;
	return l_fstat(fd, &mode, &size) < 0 ? -BM_OS_EIO : size;
}

int bm_os_file_close(int handle)
{
	long fd = linux_fd(handle);
	if (fd < 0)
		return -BM_OS_EBADF;
	files[handle] = 0;
	sys3(SYS_close, fd, 0, 0);
	return 0;
}

/*
 * BM_OS_APP_BASE and the 16 MiB after it, the image included, as a bm kernel would answer.
 * Linux mapped the image; the rest of the region is mapped here once, never over anything
 * (MAP_FIXED_NOREPLACE), so the C library's own clamp past _end is what keeps the heap
 * off the image.
 */
void *bm_os_heap(unsigned long *size)
{
	extern char _end[];
	static int mapped;
	unsigned long base = BM_OS_APP_BASE, end = BM_OS_APP_BASE + HEAP_SIZE;
	unsigned long from = ((unsigned long)_end + 4095) & ~4095ul;
	if (!mapped && from < end) {
		long r = sys6(SYS_mmap, (long)from, (long)(end - from), L_PROT_RW,
			      L_MAP_PRIVATE_ANON | L_MAP_FIXED_NOREPLACE, -1, 0);
		if (r != (long)from) {
			*size = 0;
			return NULL;
		}
		mapped = 1;
	}
	*size = HEAP_SIZE;
	return (void *)base;
}

static unsigned long long clock_ns(long which)
{
	struct l_timespec ts = {0, 0};
	sys3(SYS_clock_gettime, which, (long)&ts, 0);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

unsigned long long bm_os_time_ns(void)
{
	return clock_ns(L_CLOCK_MONOTONIC);
}

unsigned long long bm_os_wall_s(void)
{
	return clock_ns(L_CLOCK_REALTIME) / 1000000000ull;
}

void bm_os_exit(int status)
{
	for (;;)
		sys3(SYS_exit_group, status, 0, 0);
}
