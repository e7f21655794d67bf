/* seccomp allow-lists per kind of thread (libseccomp), installed thread by thread, and the SIGSYS
 * report. */
#include "vmm/seccomp.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/errf.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

/* The SIGSYS report's system call names, by number: generated at build time from the C
 * library's <sys/syscall.h> (the Makefile), so no start-up spends time naming calls. */
static const char *const syscall_names[] = {
#include "syscall_names.h"
};

/* ---- the lists ------------------------------------------------------------------------- */

/* Every thread: its own life (futexes, clocks, signals, memory for malloc), writing to the
 * descriptors it was handed (serial sinks, logs, eventfds), and the way out. */
static const char *const common_calls[] = {
    "exit",	    "exit_group",  "rt_sigreturn",  "rt_sigprocmask",  "restart_syscall",
    "futex",	    "futex_waitv", "clock_gettime", "clock_nanosleep", "nanosleep",
    "gettimeofday", "sched_yield", "getpid",	    "gettid",	       "madvise",
    "munmap",	    "mremap",	   "brk",	    "write",	       "writev",
    "newfstatat",   "fstat",	   "lseek",	    "getrandom",
};

/* The thread that owns the VMs: KVM's VM-level calls, files, sockets already bound, /proc,
 * threads (never processes), and the terminal. No execve, no fork, no new sockets, no
 * ptrace, no mounts, no privileges. */
static const char *const manager_calls[] = {
    "read",
    "readv",
    "pread64",
    "pwrite64",
    "openat",
    "open",
    "close",
    "fcntl",
    "poll",
    "ppoll",
    "pselect6",
    "select",
    "set_robust_list",
    "rseq",
    "sigaltstack",
    "rt_sigaction",
    "getdents64",
    "statx",
    "stat",
    "lstat",
    "access",
    "faccessat",
    "faccessat2",
    "readlink",
    "readlinkat",
    "unlink",
    "unlinkat",
    "mkdir",
    "mkdirat",
    "rename",
    "renameat",
    "renameat2",
    "ftruncate",
    "fsync",
    "fdatasync",
    "msync",
    "dup",
    "dup2",
    "dup3",
    "pipe2",
    "eventfd2",
    "signalfd4",
    "accept",
    "accept4",
    "recvfrom",
    "recvmsg",
    "sendto",
    "sendmsg",
    "getsockopt",
    "shutdown",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getrlimit",
    "prlimit64",
    "sysinfo",
    "uname",
    "sched_getaffinity",
    "getcwd",
    "umask",
    "fchmod",
    "wait4",
    "rt_sigtimedwait",
    "getppid",
};

#ifdef SANDBOX_SANITIZED
/* What the sanitizer runtimes do on any thread (allocator, reports, symbolizer). */
static const char *const sanitizer_calls[] = {
    "openat",
    "open",
    "read",
    "close",
    "readlink",
    "sigaltstack",
    "sched_getaffinity",
    "prlimit64",
    "getrlimit",
    "mincore",
    "pipe2",
    "rt_sigaction",
    "getppid",
    "uname",
};
#endif

/* The ioctls of the exit path (vmm/vcpu.c, vmm/exit.c) and of device interrupts. */
static const unsigned long vcpu_ioctls[] = {
    KVM_RUN,	 KVM_GET_REGS,	      KVM_SET_REGS,	   KVM_GET_SREGS, KVM_SET_SREGS,
    KVM_GET_FPU, KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS, KVM_IRQ_LINE,  KVM_IRQ_LINE_STATUS,
};

static const unsigned long timer_ioctls[] = {KVM_IRQ_LINE, KVM_IRQ_LINE_STATUS};

/* The terminal calls of the progress line, -screen live and the stdin pump. */
static const unsigned long tty_ioctls[] = {TCGETS, TCSETS, TCSETSW, TIOCGWINSZ, FIONREAD};

/* ---- building ------------------------------------------------------------------------- */

struct build {
	scmp_filter_ctx ctx;
	char *err;
	size_t errlen;
	int r;
};

static void fail(struct build *b, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct build *b, int r, const char *fmt, ...)
{
	if (b->r)
		return;
	va_list ap;
	va_start(ap, fmt);
	verrf(b->err, b->errlen, r, fmt, ap);
	va_end(ap);
	b->r = r;
}

/* A name this libseccomp does not know (a newer call) or this kernel lacks is skipped:
 * nothing can make a call the kernel does not have, and libc falls back on ENOSYS. */
static void allow(struct build *b, const char *name, unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return;
	int r = seccomp_rule_add_array(b->ctx, SCMP_ACT_ALLOW, nr, n, cmp);
	if (r)
		fail(b, r, "seccomp rule for %s: %s", name, strerror(-r));
}

static void allow_list(struct build *b, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		allow(b, names[i], 0, NULL);
}

static void allow_ioctls(struct build *b, const unsigned long *reqs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct scmp_arg_cmp c = SCMP_A1(SCMP_CMP_EQ, reqs[i]);
		allow(b, "ioctl", 1, &c);
	}
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void add_common(struct build *b)
{
	allow_list(b, common_calls, ARRAY_LEN(common_calls));
	/* memory for malloc and thread stacks, never executable: no thread of tinyvmm makes
	 * code at run time, so a hijacked one cannot map its own either */
	struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	allow(b, "mmap", 1, &no_exec);
	allow(b, "mprotect", 1, &no_exec);
	/* signals only to this process's own threads (vCPU kicks) */
	struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	allow(b, "tgkill", 1, &self);
	/* the thread's own name: pthread_setname_np on itself, and the SIGSYS report */
	struct scmp_arg_cmp get_name = SCMP_A0(SCMP_CMP_EQ, PR_GET_NAME);
	struct scmp_arg_cmp set_name = SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME);
	allow(b, "prctl", 1, &get_name);
	allow(b, "prctl", 1, &set_name);
#ifdef SANDBOX_SANITIZED
	allow_list(b, sanitizer_calls, ARRAY_LEN(sanitizer_calls));
#endif
}

/*
 * Opening a file fails with EACCES on vCPU and timer threads instead of trapping. Found in
 * the nested KVM: glibc's malloc, the first time a thread needs an arena of its own, reads
 * /sys/devices/system/cpu/online for the CPU count (a 20-guest population trapped on it).
 * sandbox_init sets M_ARENA_MAX so this glibc never needs to; a libc that reads a file for
 * its own housekeeping anyway gets a refusal it copes with, not a dead process.
 */
static void refuse_files(struct build *b)
{
#ifndef SANDBOX_SANITIZED /* the sanitizer runtimes open their report files */
	static const char *const opens[] = {"open", "openat", "openat2"};
	for (size_t i = 0; i < ARRAY_LEN(opens); i++) {
		int nr = seccomp_syscall_resolve_name(opens[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		int r = seccomp_rule_add(b->ctx, SCMP_ACT_ERRNO(EACCES), nr, 0);
		if (r)
			fail(b, r, "seccomp rule for %s: %s", opens[i], strerror(-r));
	}
#else
	(void)b;
#endif
}

static void add_role(struct build *b, enum sandbox_role role)
{
	add_common(b);
	switch (role) {
	case SANDBOX_MANAGER: {
		allow_list(b, manager_calls, ARRAY_LEN(manager_calls));
		/* every KVM ioctl (type 0xAE: creating VMs, vCPUs, memory, tables) */
		struct scmp_arg_cmp kvm = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFF00, KVMIO << 8);
		allow(b, "ioctl", 1, &kvm);
		allow_ioctls(b, tty_ioctls, ARRAY_LEN(tty_ioctls));
		/* threads, never processes: clone must share the address space as a thread */
		struct scmp_arg_cmp thread =
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
		allow(b, "clone", 1, &thread);
		/* the threads it starts add their own, narrower filter (filters only ever add
		 * restrictions, so this gives nothing away) */
		struct scmp_arg_cmp add_filter = SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER);
		allow(b, "seccomp", 1, &add_filter);
		/* clone3 hides its flags in memory a filter cannot read: ENOSYS makes glibc fall
		 * back to clone, whose flags it can */
		int nr = seccomp_syscall_resolve_name("clone3");
		if (nr != __NR_SCMP_ERROR) {
			int r = seccomp_rule_add(b->ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
			if (r)
				fail(b, r, "seccomp rule for clone3: %s", strerror(-r));
		}
		break;
	}
	case SANDBOX_TIMER:
		allow_ioctls(b, timer_ioctls, ARRAY_LEN(timer_ioctls));
		refuse_files(b);
		break;
	case SANDBOX_VCPU:
		allow_ioctls(b, vcpu_ioctls, ARRAY_LEN(vcpu_ioctls));
		refuse_files(b);
		break;
	case SANDBOX_ROLES:
		break;
	}
}

/* The filter as BPF, through a memfd: this libseccomp (2.5) exports only to a descriptor. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *out)
{
	int fd = memfd_create("tinyvmm-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, fd);
	off_t len = r ? 0 : lseek(fd, 0, SEEK_END);
	if (!r && (len <= 0 || len % sizeof(struct sock_filter) || len > 65536))
		r = -EINVAL;
	void *buf = r ? NULL : malloc((size_t)len);
	if (!r && !buf)
		r = -ENOMEM;
	if (!r && pread(fd, buf, (size_t)len, 0) != len)
		r = -EIO;
	close(fd);
	if (r) {
		free(buf);
		return r;
	}
	out->len = (unsigned short)(len / sizeof(struct sock_filter));
	out->filter = buf;
	return 0;
}

static int build_role(struct sandbox *sb, enum sandbox_role role, char *err, size_t errlen)
{
	uint32_t deny = sb->mode == SANDBOX_LOG ? SCMP_ACT_LOG : SCMP_ACT_TRAP;
#ifdef SANDBOX_SANITIZED
	/* LeakSanitizer's check at exit, on the manager's thread, starts a tracer task (clone
	 * without CLONE_THREAD) that ptraces every thread: under the trap it died and the check
	 * spun forever. Sanitized builds are for tests, so there the manager's list only logs;
	 * the vCPU and timer lists trap as ever, and plain builds test the manager's. */
	if (role == SANDBOX_MANAGER)
		deny = SCMP_ACT_LOG;
#endif
	struct build b = {.ctx = seccomp_init(deny), .err = err, .errlen = errlen};
	if (!b.ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -ENOMEM;
	}
	/* no_new_privs is set once for the process; x32 and i386 calls are traps too */
	int r = seccomp_attr_set(b.ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!r)
		r = seccomp_attr_set(b.ctx, SCMP_FLTATR_ACT_BADARCH, deny);
	if (r)
		fail(&b, r, "seccomp attributes: %s", strerror(-r));
	add_role(&b, role);
	if (!b.r && (r = export_bpf(b.ctx, &sb->prog[role])))
		fail(&b, r, "cannot compile the %s filter: %s", sandbox_role_name(role),
		     strerror(-r));
	seccomp_release(b.ctx);
	return b.r;
}

/* ---- the report ------------------------------------------------------------------------ */

static size_t put(char *buf, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		buf[at++] = *s++;
	return at;
}

static size_t put_num(char *buf, size_t at, size_t cap, long v)
{
	char digits[24];
	int n = 0;
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u && n < (int)sizeof(digits));
	if (v < 0 && at + 1 < cap)
		buf[at++] = '-';
	while (n > 0 && at + 1 < cap)
		buf[at++] = digits[--n];
	return at;
}

/* Async-signal-safe: no stdio, no malloc; the names are a constant table. */
static void on_sigsys(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	char name[17] = "?";
	(void)prctl(PR_GET_NAME, name, 0, 0, 0);
	name[16] = 0;
	int nr = si->si_syscall;
	const char *call = "unknown";
	if (nr >= 0 && (size_t)nr < ARRAY_LEN(syscall_names) && syscall_names[nr])
		call = syscall_names[nr];
	char msg[256];
	size_t n = put(msg, 0, sizeof(msg), "tinyvmm: seccomp: thread '");
	n = put(msg, n, sizeof(msg), name);
	n = put(msg, n, sizeof(msg), "' made the forbidden system call ");
	n = put(msg, n, sizeof(msg), call);
	n = put(msg, n, sizeof(msg), " (");
	n = put_num(msg, n, sizeof(msg), nr);
	n = put(msg, n, sizeof(msg),
		"); tinyvmm stops every guest here (a bug in tinyvmm: "
		"please report it)\n");
	ssize_t w = write(STDERR_FILENO, msg, n);
	(void)w;
	_exit(SANDBOX_EXIT_STATUS);
}

/* ---- the interface --------------------------------------------------------------------- */

const char *sandbox_role_name(enum sandbox_role role)
{
	switch (role) {
	case SANDBOX_MANAGER:
		return "manager";
	case SANDBOX_TIMER:
		return "timer";
	case SANDBOX_VCPU:
		return "vcpu";
	case SANDBOX_ROLES:
		break;
	}
	return "?";
}

static enum sandbox_mode mode_from_env(void)
{
	const char *v = getenv("TINYVMM_SECCOMP");
	if (v && (!strcmp(v, "off") || !strcmp(v, "0")))
		return SANDBOX_OFF;
	if (v && !strcmp(v, "log"))
		return SANDBOX_LOG;
	return SANDBOX_ON;
}

int sandbox_init(struct sandbox *sb, char *err, size_t errlen)
{
	memset(sb, 0, sizeof(*sb));
	sb->mode = mode_from_env();
	if (sb->mode == SANDBOX_OFF)
		return 0;
	for (int role = 0; role < SANDBOX_ROLES; role++) {
		int r = build_role(sb, (enum sandbox_role)role, err, errlen);
		if (r) {
			sandbox_free(sb);
			return r;
		}
	}
	/* glibc sizes its arena limit from the CPU count, read from /sys the first time a
	 * thread needs an arena of its own -- on a confined vCPU thread. Setting the limit now
	 * (glibc's own default: 8 per CPU) means it never has to. */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	(void)mallopt(M_ARENA_MAX, (int)(8 * (cpus > 0 ? cpus : 1)));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		int e = errno;
		snprintf(err, errlen, "cannot prepare seccomp: %s", strerror(e));
		sandbox_free(sb);
		return -e;
	}
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	for (int role = 0; role < SANDBOX_ROLES; role++) {
		free(sb->prog[role].filter);
		sb->prog[role].filter = NULL;
		sb->prog[role].len = 0;
	}
}

int sandbox_enter(const struct sandbox *sb, enum sandbox_role role)
{
	if (!sb || sb->mode == SANDBOX_OFF)
		return 0;
	if (role >= SANDBOX_ROLES || !sb->prog[role].filter)
		return -EINVAL;
	/* this thread only (no TSYNC): each kind of thread gets its own list */
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &sb->prog[role]) ? -errno : 0;
}
