/* proc.c: the process calls of a mono-tasking OS -- one app, pid 1, that ends through bm_os_exit
 * and starts nothing. */
#define _COMPILING_NEWLIB
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bm_os.h"
#include "sys.h"

/* The app is the only process; the number is the one an init would have. */
#define BM_PID 1

void _exit(int status)
{
	bm_os_exit(status);
}

pid_t _getpid(void)
{
	return BM_PID;
}

/*
 * abort() and raise() reach here for a signal with no handler: the app ends, with the
 * status a shell shows for a process killed by that signal. There is no one else to
 * signal; signal 0 only asks whether the process exists.
 */
int _kill(pid_t pid, int sig)
{
	if (pid != BM_PID && pid != 0 && pid != -1)
		return bm_fail(ESRCH);
	if (sig < 0 || sig >= NSIG)
		return bm_fail(EINVAL);
	if (sig != 0)
		bm_os_exit(128 + sig);
	return 0;
}

/* No second process can exist: the errors POSIX gives when none can be made. */

pid_t _fork(void)
{
	return bm_fail(EAGAIN);
}

int _execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return bm_fail(ENOSYS);
}

pid_t _wait(int *status)
{
	(void)status;
	return bm_fail(ECHILD);
}

/* arc4random's source: the kernel offers no entropy, so it must not pretend. */
int getentropy(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return bm_fail(ENOSYS);
}

BM_WEAK_ALIAS(getpid, _getpid);
BM_WEAK_ALIAS(kill, _kill);
BM_WEAK_ALIAS(fork, _fork);
BM_WEAK_ALIAS(execve, _execve);
BM_WEAK_ALIAS(wait, _wait);
