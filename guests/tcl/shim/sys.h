/* Raw x86-64 Linux system calls and port I/O for the freestanding tcl app: no libc at all. */
#ifndef TINYVMM_GUESTS_TCL_SHIM_SYS_H
#define TINYVMM_GUESTS_TCL_SHIM_SYS_H

#include <stdint.h>

/* The x86-64 system call numbers this program uses (arch/x86/entry/syscalls/syscall_64.tbl). */
#define SYS_read	    0
#define SYS_write	    1
#define SYS_close	    3
#define SYS_rt_sigaction    13
#define SYS_fork	    57
#define SYS_wait4	    61
#define SYS_kill	    62
#define SYS_ioperm	    173
#define SYS_clock_gettime   228
#define SYS_clock_nanosleep 230
#define SYS_exit_group	    231
#define SYS_openat	    257
#define SYS_pipe2	    293

#define LX_EINTR	   4
#define LX_AT_FDCWD	   (-100)
#define LX_O_WRONLY	   01
#define LX_O_CREAT	   0100
#define LX_O_APPEND	   02000
#define LX_O_CLOEXEC	   02000000
#define LX_CLOCK_MONOTONIC 1
#define LX_TIMER_ABSTIME   1
#define LX_SIGKILL	   9
#define LX_SIGPIPE	   13
#define LX_SIG_IGN	   1

struct lx_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* The kernel's struct sigaction for rt_sigaction (libc's differs): handler, flags, mask. */
struct lx_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	unsigned long mask;
};

/* Returns what the kernel returns: a result, or -errno. */
static inline long lx_syscall(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Port I/O: allowed in user mode once ioperm() has opened the ports (root only). */
static inline uint32_t lx_inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void lx_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void lx_insb(uint16_t port, void *buf, unsigned long n)
{
	__asm__ volatile("rep insb" : "+D"(buf), "+c"(n) : "d"(port) : "memory");
}

#endif
