/* bm_os_bm.c: bm_os.h (the C library's kernel services) on the bm kernel's call table, linked into
 * every bm app. */
#include <stddef.h>
#include <stdint.h>

#include "bm/calls.h"
#include "guests/bm/libc/bm_os.h"

/*
 * The call table's errors are Unix numbers, as bm_os.h's are: a kernel error passes
 * through unchanged. Those the kernel cannot return from the calls used here (EAGAIN,
 * ENOSYS) would read as EIO in the C library, which is what bm_os.h says of unknown codes.
 */
_Static_assert(BM_ENOENT == BM_OS_ENOENT && BM_EIO == BM_OS_EIO && BM_EBADF == BM_OS_EBADF &&
		   BM_EFAULT == BM_OS_EFAULT && BM_EINVAL == BM_OS_EINVAL &&
		   BM_EMFILE == BM_OS_EMFILE,
	       "the call table's errors are bm_os.h's");
_Static_assert(BM_APP_BASE == BM_OS_APP_BASE, "apps are linked where the kernel loads them");

/* How long a read of the console sleeps between looks at COM1 (see bm_os_read). */
#define INPUT_POLL_NS 10000000ull

long bm_os_write(int fd, const void *buf, unsigned long len)
{
	if (fd != 1 && fd != 2)
		return -BM_OS_EBADF;
	if (len == 0)
		return 0;
	/* The kernel writes the whole buffer (console records of 255 bytes) or refuses it. */
	return (long)bm_output(buf, len);
}

/*
 * BM_CALL_INPUT never blocks: it returns what COM1 has waiting. Blocking as bm_os.h asks
 * means looking again after a sleep; the sleep HLTs, so a waiting app costs the host one
 * port read and one wake-up per look, and none of this happens unless the app reads
 * stdin. A serial line has no end, so this never returns 0.
 */
long bm_os_read(int fd, void *buf, unsigned long len)
{
	if (fd != 0)
		return -BM_OS_EBADF;
	for (;;) {
		int64_t n = bm_input(buf, len);
		if (n != 0 || len == 0)
			return (long)n;
		bm_delay_ns(INPUT_POLL_NS);
	}
}

/*
 * The host's -app line as the kernel keeps it (BM_ARGS_MAX bytes with the NUL), copied
 * once: bm_os.h wants a string that stays put while the app runs.
 */
const char *bm_os_cmdline(void)
{
	static char line[BM_ARGS_MAX];
	static int have;
	if (!have) {
		if (bm_args(line, sizeof(line)) < 0)
			return NULL;
		have = 1;
	}
	return line;
}

/* The FAT16 root is the disk's only directory: "/NAME" is "NAME". */
int bm_os_file_open(const char *name)
{
	if (!name)
		return -BM_OS_EINVAL;
	while (*name == '/')
		name++;
	size_t len = 0;
	while (name[len])
		len++;
	return (int)bm_file_open(name, len);
}

/*
 * The kernel checks the whole buffer against the app's memory before it reads, even the
 * part past the file's end; asking only for what the file has keeps a large buffer near
 * the top of the heap from being refused.
 */
long bm_os_file_read(int handle, unsigned long long offset, void *buf, unsigned long len)
{
	int64_t size = bm_file_size(handle);
	if (size < 0)
		return (long)size;
	if (offset >= (uint64_t)size)
		return 0;
	if (len > (uint64_t)size - offset)
		len = (unsigned long)((uint64_t)size - offset);
	return (long)bm_file_read(handle, buf, len, offset);
}

long long bm_os_file_size(int handle)
{
	return bm_file_size(handle);
}

int bm_os_file_close(int handle)
{
	return (int)bm_file_close(handle);
}

/* The kernel's heap starts past the image's end (page aligned) and ends below the stack. */
void *bm_os_heap(unsigned long *size)
{
	struct bm_region r;
	if (bm_mem_region(&r) < 0 || r.size == 0) {
		*size = 0;
		return NULL;
	}
	*size = r.size;
	return (void *)(uintptr_t)r.base;
}

unsigned long long bm_os_time_ns(void)
{
	return bm_time_ns();
}

/* The kernel keeps the RTC's reading at boot plus its monotonic clock, in ns. */
unsigned long long bm_os_wall_s(void)
{
	return bm_wall_ns() / 1000000000ull;
}

/*
 * 0 powers the VM off; 1..63 leave through isa-debug-exit with that value; anything
 * larger (134 after abort()) as 63, the kernel's largest (BM_STOP_EXIT_MAX).
 */
void bm_os_exit(int status)
{
	bm_exit(status);
}
