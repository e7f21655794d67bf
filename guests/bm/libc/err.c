/* err.c: how the bm system calls report failure -- errno for both kinds of caller, and bm_os codes
 * mapped to errno. */
#define _COMPILING_NEWLIB
#include <errno.h>

#include "bm_os.h"
#include "sys.h"

/*
 * The global that Newlib's reentrant wrappers read after each call (reent/reent.c defines
 * it); the errno macro of <errno.h> names the reentrancy structure's field instead.
 */
#undef errno
extern int errno;

long bm_fail(int e)
{
	errno = e;
	*__errno() = e;
	return -1;
}

int bm_errno(long bm_result)
{
	switch (-bm_result) {
	case BM_OS_ENOENT:
		return ENOENT;
	case BM_OS_EBADF:
		return EBADF;
	case BM_OS_EFAULT:
		return EFAULT;
	case BM_OS_EINVAL:
		return EINVAL;
	case BM_OS_EMFILE:
		return EMFILE;
	default:
		return EIO;
	}
}
