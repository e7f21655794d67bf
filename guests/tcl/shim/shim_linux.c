/* The apps' shim for Linux user space (the tcl guest): stdout, CLOCK_MONOTONIC, reports, pipes. */
#include "apps/args.h"
#include "apps/fmt.h"
#include "apps/out.h"
#include "abi/report_abi.h"
#include "apps/shim.h"
#include "cmdline.h"
#include "sys.h"

/* Called from start.S with the initial stack: argc, argv[], NULL, envp[], NULL. */
_Noreturn void tcl_main(long *sp);

/*
 * Where reports go, decided once before the app starts. The port is used only after the
 * probe found the host listening; otherwise reports are dropped (REPORT_NONE).
 */
enum { REPORT_NONE, REPORT_TO_PORT, REPORT_TO_FILE };
static int report_to = REPORT_NONE;
static int report_fd = -1;

/* read(2) or write(2) (`nr`) of all `len` bytes, again after EINTR: 0, or -1 at EOF or an error. */
static int full_io(long nr, int fd, char *p, unsigned long len)
{
	while (len) {
		long n = lx_syscall(nr, fd, (long)p, (long)len, 0);
		if (n == -LX_EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (unsigned long)n;
	}
	return 0;
}

static void write_all(int fd, const char *s, unsigned long len)
{
	/* an error means the console is gone: dropping output beats spinning on it */
	(void)full_io(SYS_write, fd, (char *)s, len);
}

/* One line on stderr, for refusals that come before any app runs. */
static void complain(const char *a, const char *b)
{
	char line[APPS_LINE_MAX];
	unsigned long n = apps_format(line, sizeof(line) - 1, "tinyvmm-app: %s%s", a, b);
	line[n++] = '\n';
	write_all(2, line, n);
}

void shim_write(const char *s, size_t len)
{
	write_all(1, s, len);
}

uint64_t shim_clock_ns(void)
{
	/* MONOTONIC, like the sleeps below: both count the time the app spends asleep. */
	struct lx_timespec ts = {0, 0};
	lx_syscall(SYS_clock_gettime, LX_CLOCK_MONOTONIC, (long)&ts, 0, 0);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

void shim_sleep_until(uint64_t deadline_ns)
{
	/* An absolute deadline: a signal that cuts the sleep short costs no drift on retry. */
	struct lx_timespec ts = {(int64_t)(deadline_ns / NS_PER_S),
				 (int64_t)(deadline_ns % NS_PER_S)};
	while (lx_syscall(SYS_clock_nanosleep, LX_CLOCK_MONOTONIC, LX_TIMER_ABSTIME, (long)&ts,
			  0) == -LX_EINTR)
		;
}

void shim_report(unsigned event, uint32_t value)
{
	uint32_t word = REPORT_WORD(event, value);
	if (report_to == REPORT_TO_PORT) {
		lx_outl(REPORT_PORT, word);
	} else if (report_to == REPORT_TO_FILE) {
		/* The fields as the host would see them on the port, with the guest's time. */
		char line[64];
		size_t n = apps_format(line, sizeof(line), "%u %u %llu\n", REPORT_EVENT_OF(word),
				       REPORT_VALUE_OF(word), (unsigned long long)shim_clock_ns());
		/* One write per line on an O_APPEND file: lines never interleave or tear. */
		write_all(report_fd, line, n);
	}
}

static int read_word(int fd, uint64_t *w)
{
	return full_io(SYS_read, fd, (char *)w, sizeof(*w));
}

static int write_word(int fd, uint64_t w)
{
	return full_io(SYS_write, fd, (char *)&w, sizeof(w));
}

/* Sends i to the other process and expects i + 1 back. */
static int round_trip(int to, int from, uint64_t i)
{
	uint64_t back;
	return write_word(to, i) == 0 && read_word(from, &back) == 0 && back == i + 1 ? 0 : -1;
}

_Noreturn static void pong(int from, int to)
{
	uint64_t w;
	/* Until the parent closes its end (EOF) or goes away. */
	while (read_word(from, &w) == 0 && write_word(to, w + 1) == 0)
		;
	lx_syscall(SYS_exit_group, 0, 0, 0, 0);
	__builtin_unreachable();
}

uint64_t shim_ipc_roundtrips(uint64_t rounds)
{
	int req[2], rep[2];
	if (lx_syscall(SYS_pipe2, (long)req, LX_O_CLOEXEC, 0, 0) < 0)
		return 0;
	if (lx_syscall(SYS_pipe2, (long)rep, LX_O_CLOEXEC, 0, 0) < 0) {
		lx_syscall(SYS_close, req[0], 0, 0, 0);
		lx_syscall(SYS_close, req[1], 0, 0, 0);
		return 0;
	}
	long pid = lx_syscall(SYS_fork, 0, 0, 0, 0);
	if (pid == 0) {
		lx_syscall(SYS_close, req[1], 0, 0, 0);
		lx_syscall(SYS_close, rep[0], 0, 0, 0);
		pong(req[0], rep[1]);
	}
	/* Only the child's ends are closed here: with them gone, a dead peer reads as EOF. */
	lx_syscall(SYS_close, req[0], 0, 0, 0);
	lx_syscall(SYS_close, rep[1], 0, 0, 0);
	uint64_t ns = 0;
	if (pid > 0) {
		/* One untimed round: the child's first run (its copy-on-write faults) is no IPC. */
		uint64_t i = 0;
		int ok = round_trip(req[1], rep[0], i++) == 0;
		uint64_t t0 = shim_clock_ns();
		for (uint64_t r = 0; ok && r < rounds; r++)
			ok = round_trip(req[1], rep[0], i++) == 0;
		uint64_t t1 = shim_clock_ns();
		if (ok)
			ns = t1 > t0 ? t1 - t0 : 1; /* 0 would read as "could not run" */
		else
			lx_syscall(SYS_kill, pid, LX_SIGKILL, 0, 0);
	}
	/* Closing our ends is the child's EOF: it exits and is reaped here, no zombie left. */
	lx_syscall(SYS_close, req[1], 0, 0, 0);
	lx_syscall(SYS_close, rep[0], 0, 0, 0);
	if (pid > 0) {
		int status;
		while (lx_syscall(SYS_wait4, pid, (long)&status, 0, 0) == -LX_EINTR)
			;
	}
	return ns;
}

int shim_fault_selftest(unsigned pages)
{
	(void)pages; /* Linux has its own pager; the L4 test has nothing to check here */
	return 1;
}

_Noreturn void shim_exit(int status)
{
	/* The process ends; powering off is the boot script's decision (opt/bootlocal.sh). */
	for (;;)
		lx_syscall(SYS_exit_group, status & 0xFF, 0, 0, 0);
}

/*
 * Opens the report port when the host listens: ioperm (root only), then the magic. The
 * ioperm range is the port's whole 4 bytes, since a 32-bit `in`/`out` at REPORT_PORT is
 * checked against the permission bits of all four; fewer would fault on the probe itself.
 */
static int port_probe(void)
{
	if (lx_syscall(SYS_ioperm, REPORT_PORT, REPORT_PORT_LEN, 1, 0) != 0)
		return 0;
	return lx_inl(REPORT_PORT) == REPORT_MAGIC;
}

_Noreturn void tcl_main(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	const char *path;
	enum tcl_report_mode mode = tcl_report_mode(tcl_getenv(envp, "TINYVMM_REPORT"), &path);
	if (mode == TCL_REPORT_BAD) {
		complain("TINYVMM_REPORT must be 'port' or 'file:PATH', not ",
			 tcl_getenv(envp, "TINYVMM_REPORT"));
		shim_exit(APPS_EXIT_USAGE);
	}
	if (mode == TCL_REPORT_FILE) {
		report_fd =
		    (int)lx_syscall(SYS_openat, LX_AT_FDCWD, (long)path,
				    LX_O_WRONLY | LX_O_CREAT | LX_O_APPEND | LX_O_CLOEXEC, 0644);
		if (report_fd < 0) {
			complain("cannot open the report file ", path);
			shim_exit(APPS_EXIT_USAGE);
		}
		report_to = REPORT_TO_FILE;
	}
	/* Host arguments are read once, right after the magic (which rewinds them). */
	char host[REPORT_ARGS_MAX];
	int have_host = 0;
	if (mode == TCL_REPORT_PORT && port_probe()) {
		report_to = REPORT_TO_PORT;
		lx_insb(REPORT_ARGS_PORT, host, sizeof(host));
		have_host = 1;
	}

	/* A peer that dies mid-test (ipc) must be an error return from write, not our death. */
	struct lx_sigaction ign = {LX_SIG_IGN, 0, 0, 0};
	lx_syscall(SYS_rt_sigaction, LX_SIGPIPE, (long)&ign, 0, sizeof(ign.mask));

	/* A host line wins (that is how `tinyvmm pop --app` reaches the guest); else argv. */
	const char *line = have_host ? tcl_pick_cmdline(host, sizeof(host), 0) : 0;
	char own[APPS_CMDLINE_MAX + 1];
	if (!line) {
		if (tcl_join_words(own, sizeof(own), argc > 1 ? argc - 1 : 0, argv + 1) < 0)
			shim_exit(apps_usage_error("the command line is longer than %u bytes",
						   (unsigned)APPS_CMDLINE_MAX));
		line = own;
	}
	shim_exit(apps_main(line));
}
