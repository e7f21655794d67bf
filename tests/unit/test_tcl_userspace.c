/* Host tests of the tcl user space: tinyvmm-app alone, core.gz's layout, its boot in namespaces. */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "base/clock.h"
#include "abi/report_abi.h"
#include "guests/tcl/shim/cmdline.h"
#include "tests/boot/harness.h"

/*
 * The shim's pure part (argv joining, the host's line, the report mode), compiled here
 * exactly as the guest compiles it: it makes no system calls, and the rest of the shim
 * (raw syscalls, its own _start) cannot link into this binary, whose fake shim is
 * test_apps.c's.
 */
#include "guests/tcl/shim/cmdline.c"

#define MS 1000000ull

/* Generous bounds: a box boots in well under a second; the slow part is a loaded host. */
#define APP_TIMEOUT_MS	20000u
#define BOOT_TIMEOUT_MS 30000u
/* After a kill, how long the pipes may take to close and the child to be reaped. */
#define GRACE_MS 3000u
#define OUT_MAX	 (1u << 20)

/* The codes the thesis booted Tiny Core with, and nortc. */
#define ALL_CODES "base norestore text superuser nodhcp nortc"
#define REPORTS	  "tinyvmm.report=file:/results/reports"

/* ---- running a program: on its own, or boxed (new namespaces, chrooted to an unpacked core.gz) */

struct run_opts {
	const char *const *argv; /* argv[0] is the program's path (inside root when boxed) */
	const char *const *envp;
	const char *root; /* boxed when set */
	unsigned timeout_ms;
	const char *stop_when; /* end the run once the output holds this (NULL: wait for the end) */
};

struct run {
	int exited, status; /* exited on its own, with this status */
	int signal;	    /* or ended by this signal (a poweroff in a PID namespace: SIGINT) */
	int timed_out;	    /* killed here at the deadline */
	int stopped;	    /* killed here once stop_when showed up */
	int leftovers;	    /* unboxed: processes of its group were still alive after it ended */
	uint64_t t0, t1;    /* CLOCK_MONOTONIC before the start and after the end */
	char out[OUT_MAX];  /* stdout (boxed: the console, stdout and stderr together) */
	size_t out_len;
	char err[OUT_MAX];
	size_t err_len;
};

struct child_arg {
	const struct run_opts *o;
	int out_w, err_w;
};

/* What the boxed child failed at before exec: the test is skipped with this, never passed. */
#define SETUP_FAILED "tcl-box: setup failed: "
#define SETUP_STATUS 125

/* Per-test state the fixture cleans up, even after a failed assertion. */
static char root_dir[PATH_MAX];
static pid_t live_pid;
static struct run *last_run;

_Noreturn static void setup_fail(const char *what)
{
	dprintf(2, SETUP_FAILED "%s: %s\n", what, strerror(errno));
	_exit(SETUP_STATUS);
}

/*
 * The box: a new mount, PID, UTS, network and IPC namespace, so /init's mounts, the
 * hostname, a DHCP client and above all poweroff/reboot (which in a PID namespace only
 * end its init) stay inside. CAP_SYS_TIME and CAP_SYS_RAWIO leave the bounding set, so
 * "hwclock -s" cannot set the host's clock and the app cannot touch the host's I/O ports.
 * Unboxed, the app still loses CAP_SYS_RAWIO: its port probe must never reach real ports.
 */
static int child_main(void *p)
{
	const struct child_arg *c = p;
	const struct run_opts *o = c->o;
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(c->out_w, 1) < 0 || dup2(c->err_w, 2) < 0)
		_exit(SETUP_STATUS);
	if (o->root) {
		static const int drop[] = {CAP_SYS_TIME, CAP_SYS_RAWIO, CAP_SYS_MODULE};
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			setup_fail("making the mounts private");
		if (chdir(o->root) || chroot(".") || chdir("/"))
			setup_fail("chroot");
		for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
			if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0))
				setup_fail("dropping a capability");
		/* Never let a poweroff run anywhere but in a PID namespace of its own. */
		if (getpid() != 1) {
			errno = EPERM;
			setup_fail("not the first process of a new PID namespace");
		}
	} else {
		setpgid(0, 0);
		/* No app run here may reach the host's I/O ports (a user without root has none). */
		if (prctl(PR_CAPBSET_DROP, CAP_SYS_RAWIO, 0, 0, 0) && geteuid() == 0)
			setup_fail("dropping CAP_SYS_RAWIO");
	}
	execve(o->argv[0], (char *const *)o->argv, (char *const *)o->envp);
	dprintf(2, "tcl-box: exec %s: %s\n", o->argv[0], strerror(errno));
	_exit(127);
}

static void end_it(pid_t pid, int boxed)
{
	/* A PID namespace's init takes every process of the namespace with it. */
	if (!boxed)
		kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

static void take(int fd, char *buf, size_t *len, int *open_fd)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		*open_fd = 0;
		return;
	}
	size_t keep = (size_t)n;
	if (keep > OUT_MAX - 1 - *len)
		keep = OUT_MAX - 1 - *len;
	memcpy(buf + *len, chunk, keep);
	*len += keep;
	buf[*len] = '\0';
}

/* Runs o; 0 when it ran (r filled), else -errno of what kept it from starting. */
static int run(const struct run_opts *o, struct run *r)
{
	memset(r, 0, sizeof(*r));
	last_run = r;
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	if (pipe2(err, O_CLOEXEC)) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		return -e;
	}
	/* Boxed, stderr joins stdout: one stream, like the guest's console. */
	struct child_arg c = {o, out[1], o->root ? out[1] : err[1]};
	r->t0 = clock_mono_ns();
	pid_t pid;
	if (o->root) {
		const size_t stack_size = 256 * 1024;
		void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED)
			return -errno;
		pid = clone(child_main, (char *)stack + stack_size,
			    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNET |
				CLONE_NEWIPC | SIGCHLD,
			    &c);
		int e = errno;
		munmap(stack, stack_size);
		errno = e;
	} else {
		pid = fork();
		if (pid == 0)
			child_main(&c);
	}
	int e = errno;
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		return -e;
	}
	live_pid = pid;

	int out_open = 1, err_open = 1, killed = 0;
	uint64_t deadline = r->t0 + (uint64_t)o->timeout_ms * MS;
	while (out_open || err_open) {
		uint64_t t = clock_mono_ns();
		if (t >= deadline) {
			/* Killed and still open: something outside the group holds the pipes. */
			if (killed)
				break;
			end_it(pid, o->root != NULL);
			r->timed_out = killed = 1;
			deadline = t + GRACE_MS * MS;
			continue;
		}
		struct pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0},
					{err_open ? err[0] : -1, POLLIN, 0}};
		int ms = (int)((deadline - t) / MS) + 1;
		if (poll(fds, 2, ms) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			take(out[0], r->out, &r->out_len, &out_open);
		if (fds[1].revents)
			take(err[0], r->err, &r->err_len, &err_open);
		if (o->stop_when && !killed && strstr(r->out, o->stop_when)) {
			end_it(pid, o->root != NULL);
			r->stopped = killed = 1;
			deadline = clock_mono_ns() + GRACE_MS * MS;
		}
	}
	close(out[0]);
	close(err[0]);

	int status = 0;
	uint64_t reap_by = clock_mono_ns() + GRACE_MS * MS;
	pid_t w;
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && clock_mono_ns() < reap_by)
		usleep(5000);
	if (w == 0) {
		end_it(pid, o->root != NULL);
		r->timed_out = 1;
		w = waitpid(pid, &status, 0);
	}
	r->t1 = clock_mono_ns();
	if (!o->root) {
		r->leftovers = kill(-pid, 0) == 0;
		kill(-pid, SIGKILL);
	}
	live_pid = 0;
	if (w == pid && WIFEXITED(status)) {
		r->exited = 1;
		r->status = WEXITSTATUS(status);
	} else if (w == pid && WIFSIGNALED(status)) {
		r->status = -1;
		r->signal = WTERMSIG(status);
	}
	return 0;
}

static const char *describe(const struct run *r, char *buf, size_t size)
{
	if (r->timed_out)
		snprintf(buf, size, "timed out");
	else if (r->stopped)
		snprintf(buf, size, "stopped by the test");
	else if (r->exited)
		snprintf(buf, size, "exited with status %d", r->status);
	else
		snprintf(buf, size, "ended by signal %d (%s)", r->signal, strsignal(r->signal));
	return buf;
}

/* ---- the files under test */

/* A file of the build directory ($TINYVMM_BUILD), which must have been built. */
static void build_file(char *buf, size_t size, const char *rel)
{
	int err = harness_build_path(buf, size, rel);
	cr_assert_eq(err, 0, "build directory: %s", strerror(-err));
	cr_assert_eq(access(buf, R_OK), 0,
		     "%s is missing (%s): build it first (make guests-tcl-rootfs, "
		     "guests/tcl/rootfs.mk)",
		     buf, strerror(errno));
}

static void app_path(char *buf, size_t size)
{
	build_file(buf, size, "guests/tcl/tinyvmm-app");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	cr_assert_not_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			cr_assert_not_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* ---- reports written with TINYVMM_REPORT=file:PATH: "<event> <value> <clock_ns>" per line */

#define REPORTS_MAX 64
struct reports {
	unsigned n;
	unsigned event[REPORTS_MAX];
	unsigned long value[REPORTS_MAX];
	uint64_t t[REPORTS_MAX];
};

static void read_reports(const char *path, struct reports *rp)
{
	memset(rp, 0, sizeof(*rp));
	char *text = slurp(path, NULL);
	cr_assert_not_null(text, "no report file %s: %s", path, strerror(errno));
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cr_assert_lt(rp->n, REPORTS_MAX, "too many reports in %s", path);
		unsigned long long t;
		char extra;
		int k = sscanf(line, "%u %lu %llu %c", &rp->event[rp->n], &rp->value[rp->n], &t,
			       &extra);
		cr_assert_eq(k, 3, "report line '%s' is not '<event> <value> <clock_ns>'", line);
		rp->t[rp->n++] = t;
	}
	free(text);
}

/* Asserts the reports are exactly these (event, value) pairs, with times that never go back. */
static void expect_reports(const struct reports *rp, const unsigned (*want)[2], unsigned n)
{
	cr_assert_eq(rp->n, n, "%u reports, expected %u", rp->n, n);
	for (unsigned i = 0; i < n; i++) {
		cr_expect_eq(rp->event[i], want[i][0], "report %u: event %u, expected %u", i,
			     rp->event[i], want[i][0]);
		if (want[i][1] != ~0u)
			cr_expect_eq(rp->value[i], want[i][1], "report %u: value %lu, expected %u",
				     i, rp->value[i], want[i][1]);
		if (i > 0)
			cr_expect_geq(rp->t[i], rp->t[i - 1], "report %u went back in time", i);
	}
}

/* ---- the unpacked image */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void cleanup(void)
{
	if (live_pid > 0) {
		kill(-live_pid, SIGKILL);
		kill(live_pid, SIGKILL);
		waitpid(live_pid, NULL, 0);
		live_pid = 0;
	}
	/* Depth first, no symlinks followed, never into another file system (a leaked mount). */
	if (root_dir[0])
		nftw(root_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	root_dir[0] = '\0';
	free(last_run);
	last_run = NULL;
}

TestSuite(tcl_userspace, .fini = cleanup);

static struct run *new_run(void)
{
	struct run *r = malloc(sizeof(*r));
	cr_assert_not_null(r);
	return r;
}

/* A fresh directory for this test (removed by the fixture), its path in root_dir. */
static void make_temp_dir(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(root_dir, sizeof(root_dir), "%s/tinyvmm-tcl-XXXXXX",
		 base && *base ? base : "/tmp");
	cr_assert_not_null(mkdtemp(root_dir), "mkdtemp: %s", strerror(errno));
}

static void path_in(char *buf, size_t size, const char *rel)
{
	int n = snprintf(buf, size, "%s/%s", root_dir, rel);
	cr_assert(n > 0 && (size_t)n < size);
}

static void sh(const char *script, const char *arg1, const char *arg2)
{
	const char *argv[] = {"/bin/sh", "-c", script, "sh", arg1, arg2, NULL};
	struct run_result rr;
	int err = harness_run(argv, root_dir, 60, &rr);
	cr_assert_eq(err, 0, "sh: %s", strerror(-err));
	char how[128];
	cr_assert(rr.status == 0, "'%s' %s: %s", script, harness_describe(&rr, how, sizeof(how)),
		  rr.err);
	harness_result_free(&rr);
}

/*
 * Boxed runs need root (namespaces, chroot, /init's mounts); elsewhere the nested tier runs
 * them (as root), never passed here.
 */
static void require_root(void)
{
	TIER_REQUIRE(TIER_ROOT);
}

/*
 * Unpacks core.gz into the test's directory, as the guest's kernel would into its rootfs,
 * and gives the boot the command line `cmdline` (the only test hook: TC_CMDLINE_FILE).
 */
static void unpack_core(const char *cmdline)
{
	require_root();
	char core[PATH_MAX];
	build_file(core, sizeof(core), "guests/tcl/core.gz");
	make_temp_dir();
	sh("gzip -dc \"$1\" | cpio -idm --quiet --no-absolute-filenames", core, NULL);
	/* mkdtemp made it 0700: the guest's / is 0755, and tc must get in too. */
	cr_assert_eq(chmod(root_dir, 0755), 0);
	char p[PATH_MAX];
	path_in(p, sizeof(p), "results");
	cr_assert_eq(mkdir(p, 01777), 0);
	cr_assert_eq(chmod(p, 01777), 0); /* past the umask: tc writes its reports here */
	int err = harness_write_file(root_dir, "test-cmdline", cmdline, strlen(cmdline));
	cr_assert_eq(err, 0, "%s", strerror(-err));
}

/* Boots the unpacked image: /init as the first process of the box, env as the kernel gives. */
static struct run *boot(const char *stop_when, unsigned timeout_ms)
{
	static const char *const argv[] = {"/init", NULL};
	static const char *const envp[] = {"HOME=/", "TERM=linux", "TC_CMDLINE_FILE=/test-cmdline",
					   NULL};
	struct run_opts o = {argv, envp, root_dir, timeout_ms, stop_when};
	struct run *r = new_run();
	int err = run(&o, r);
	if (err == -EPERM || err == -EINVAL || err == -ENOSYS || err == -ENOSPC || err == -EUSERS)
		TIER_SKIP("namespaces unavailable here (clone: %s)", strerror(-err));
	cr_assert_eq(err, 0, "clone: %s", strerror(-err));
	char *failed = strstr(r->out, SETUP_FAILED);
	if (r->exited && r->status == SETUP_STATUS && failed)
		TIER_SKIP("cannot set up the box: %.*s", (int)strcspn(failed, "\n"), failed);
	return r;
}

static void expect_powered_off(const struct run *r, int sig)
{
	char how[64];
	cr_assert(!r->exited && r->signal == sig && !r->timed_out && !r->stopped,
		  "the box %s, expected its init to end by %s (a %s in a PID namespace); "
		  "console:\n%s",
		  describe(r, how, sizeof(how)), strsignal(sig),
		  sig == SIGINT ? "poweroff" : "reboot", r->out);
}

static void expect_out(const struct run *r, const char *needle)
{
	cr_expect(strstr(r->out, needle) != NULL, "no '%s' in the output:\n%s", needle, r->out);
}

static void expect_no_out(const struct run *r, const char *needle)
{
	cr_expect(strstr(r->out, needle) == NULL, "unexpected '%s' in the output:\n%s", needle,
		  r->out);
}

/* Whether `first` occurs in the output, and before `second`. */
static void expect_order(const struct run *r, const char *first, const char *second)
{
	const char *a = strstr(r->out, first), *b = strstr(r->out, second);
	cr_expect(a && b && a < b, "'%s' should come before '%s' in:\n%s", first, second, r->out);
}

static void boxed_reports(struct reports *rp)
{
	char p[PATH_MAX];
	path_in(p, sizeof(p), "results/reports");
	read_reports(p, rp);
}

/* ---- tinyvmm-app on its own */

/* Runs the app with argv words; `report`: the TINYVMM_REPORT value (NULL: unset). */
static struct run *app(const char *report, const char *const words[])
{
	static char path[PATH_MAX];
	app_path(path, sizeof(path));
	const char *argv[32] = {path};
	size_t n = 1;
	for (; words && words[n - 1]; n++) {
		cr_assert_lt(n, sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n] = words[n - 1];
	}
	argv[n] = NULL;
	char env_report[PATH_MAX + 32];
	const char *envp[] = {"PATH=/usr/bin:/bin", report ? env_report : NULL, NULL};
	if (report)
		snprintf(env_report, sizeof(env_report), "TINYVMM_REPORT=%s", report);
	struct run_opts o = {argv, envp, NULL, APP_TIMEOUT_MS, NULL};
	struct run *r = new_run();
	int err = run(&o, r);
	cr_assert_eq(err, 0, "fork: %s", strerror(-err));
	cr_assert(!r->timed_out, "the app timed out; stdout:\n%s", r->out);
	return r;
}

/* A report file in a fresh temp dir; the path for TINYVMM_REPORT=file:... and for reading. */
static void report_file(char *mode, size_t mode_size, char *path, size_t path_size)
{
	make_temp_dir();
	path_in(path, path_size, "reports");
	snprintf(mode, mode_size, "file:%s", path);
}

/* Runs the app with its reports going to a fresh file (TINYVMM_REPORT=file:), then reads them. */
static struct run *app_reporting(const char *const words[], struct reports *rp)
{
	char mode[PATH_MAX + 8], path[PATH_MAX];
	report_file(mode, sizeof(mode), path, sizeof(path));
	struct run *r = app(mode, words);
	read_reports(path, rp);
	return r;
}

static void expect_exit(const struct run *r, int status)
{
	char how[64];
	cr_assert(r->exited && r->status == status, "the app %s, expected status %d; out:\n%s%s",
		  describe(r, how, sizeof(how)), status, r->out, r->err);
}

/* ==== the shim's start-up decisions (cmdline.c) */

Test(tcl_userspace, join_words_with_single_spaces)
{
	char buf[64];
	char *three[] = {"app=pattern", "pattern=B", "n=30"};
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 3, three), 26);
	cr_assert_str_eq(buf, "app=pattern pattern=B n=30");
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 0, three), 0);
	cr_assert_str_eq(buf, "");
	char *one[] = {"app=hello count=2"};
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 1, one), 17);
	cr_assert_str_eq(buf, "app=hello count=2");
	char *empty_word[] = {"a", "", "b"};
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 3, empty_word), 4);
	cr_assert_str_eq(buf, "a  b");
}

Test(tcl_userspace, join_words_refuses_what_does_not_fit)
{
	char buf[8];
	char *fits[] = {"abc", "def"}; /* 7 bytes and the NUL */
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 2, fits), 7);
	cr_assert_str_eq(buf, "abc def");
	char *word_too_long[] = {"abcd", "efg"}; /* 8 bytes: no room for the NUL */
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 2, word_too_long), -1);
	char *space_too_long[] = {"abcdefg", "h"}; /* the space itself does not fit */
	cr_assert_eq(tcl_join_words(buf, sizeof(buf), 2, space_too_long), -1);
	cr_assert_eq(tcl_join_words(buf, 0, 0, fits), -1);
	cr_assert_eq(tcl_join_words(buf, 1, 0, fits), 0);
}

Test(tcl_userspace, host_line_replaces_argv_only_when_given)
{
	char host[REPORT_ARGS_MAX];
	memset(host, 0, sizeof(host));
	cr_assert_str_eq(tcl_pick_cmdline(host, sizeof(host), "app=hello"), "app=hello");
	cr_assert_null(tcl_pick_cmdline(host, sizeof(host), NULL));
	strcpy(host, "app=ipc rounds=5");
	cr_assert_str_eq(tcl_pick_cmdline(host, sizeof(host), "app=hello"), "app=ipc rounds=5");
	/* A full buffer without a NUL: cut to REPORT_ARGS_MAX - 1 bytes, never read past. */
	memset(host, 'x', sizeof(host));
	const char *line = tcl_pick_cmdline(host, sizeof(host), "own");
	cr_assert_eq(line, host);
	cr_assert_eq(strlen(line), REPORT_ARGS_MAX - 1);
	cr_assert_str_eq(tcl_pick_cmdline(NULL, 0, "own"), "own");
}

Test(tcl_userspace, report_mode_from_the_environment)
{
	const char *path = "unchanged";
	cr_assert_eq(tcl_report_mode(NULL, &path), TCL_REPORT_PORT);
	cr_assert_null(path);
	cr_assert_eq(tcl_report_mode("port", &path), TCL_REPORT_PORT);
	cr_assert_eq(tcl_report_mode("file:/tmp/r", &path), TCL_REPORT_FILE);
	cr_assert_str_eq(path, "/tmp/r");
	cr_assert_eq(tcl_report_mode("file:rel/r", &path), TCL_REPORT_FILE);
	cr_assert_str_eq(path, "rel/r");
	const char *bad[] = {"", "file:", "ports", "por", "FILE:/x", "file", " port", "stdout"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(tcl_report_mode(bad[i], &path), TCL_REPORT_BAD, "'%s' was taken",
			     bad[i]);
}

Test(tcl_userspace, getenv_matches_whole_names)
{
	char *envp[] = {"TINYVMM_REPORTX=no", "A=1",	"TINYVMM_REPORT=file:/r",
			"TINYVMM_REPORT=2",   "EMPTY=", NULL};
	cr_assert_str_eq(tcl_getenv(envp, "TINYVMM_REPORT"), "file:/r");
	cr_assert_str_eq(tcl_getenv(envp, "A"), "1");
	cr_assert_str_eq(tcl_getenv(envp, "EMPTY"), "");
	cr_assert_null(tcl_getenv(envp, "TINYVMM"));
	cr_assert_null(tcl_getenv(envp, "B"));
	cr_assert_null(tcl_getenv(NULL, "A"));
}

/* ==== tinyvmm-app on the host */

Test(tcl_userspace, app_is_a_static_x86_64_executable)
{
	char path[PATH_MAX];
	app_path(path, sizeof(path));
	size_t len;
	char *img = slurp(path, &len);
	cr_assert_not_null(img);
	cr_assert_geq(len, sizeof(Elf64_Ehdr));
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	cr_assert_eq(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0, "not an ELF file");
	cr_assert_eq(eh->e_ident[EI_CLASS], ELFCLASS64);
	cr_assert_eq(eh->e_machine, EM_X86_64);
	cr_assert_eq(eh->e_type, ET_EXEC, "not a fixed-address executable (PIE or shared?)");
	cr_assert_leq(eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), len);
	unsigned loads = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;
		cr_expect_neq(ph->p_type, PT_INTERP, "it asks for a dynamic loader");
		cr_expect_neq(ph->p_type, PT_DYNAMIC, "it has a dynamic section");
		loads += ph->p_type == PT_LOAD;
	}
	cr_expect_gt(loads, 0u);
	/* Freestanding: the whole program is the apps and the shim, no libc. */
	cr_expect_lt(len, (size_t)64 * 1024, "%zu bytes: is a libc linked in?", len);
	free(img);
}

Test(tcl_userspace, app_hello_lines_and_reports)
{
	const char *words[] = {"app=hello", "count=3", "period=100ms", NULL};
	struct reports rp;
	struct run *r = app_reporting(words, &rp);
	expect_exit(r, 0);
	cr_expect_str_eq(r->out, "Starting infinite loop\nSleeping. Count 1\nSleeping. Count 2\n"
				 "Sleeping. Count 3\n");
	cr_expect_str_eq(r->err, "");
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_HELLO},
					   {REPORT_LAP, 1},
					   {REPORT_LAP, 2},
					   {REPORT_LAP, 3},
					   {REPORT_APP_DONE, 3}};
	expect_reports(&rp, want, 5);
	/* The app's clock is the host's CLOCK_MONOTONIC: its times fall inside the run. */
	cr_expect_geq(rp.t[0], r->t0);
	cr_expect_leq(rp.t[4], r->t1);
	/* Lines 2 and 3 come a period apart (sleeps to absolute deadlines). */
	for (unsigned i = 2; i <= 3; i++) {
		uint64_t gap = rp.t[i] - rp.t[i - 1];
		cr_expect(gap >= 90 * MS && gap < 2000 * MS, "lap %u came %llu ms after lap %u", i,
			  (unsigned long long)(gap / MS), i - 1);
	}
}

Test(tcl_userspace, app_joins_its_words_into_one_line)
{
	const char *split[] = {"app=hello", "count=2", "period=1ms", NULL};
	const char *whole[] = {"app=hello count=2 period=1ms", NULL};
	struct run *a = app(NULL, split);
	expect_exit(a, 0);
	last_run = NULL; /* a is freed here, b by the fixture */
	struct run *b = app(NULL, whole);
	expect_exit(b, 0);
	cr_expect_str_eq(a->out, "Starting infinite loop\nSleeping. Count 1\nSleeping. Count 2\n");
	cr_expect_str_eq(b->out, a->out);
	free(a);
}

Test(tcl_userspace, app_pattern_computes_fib_20)
{
	const char *words[] = {"app=pattern", "pattern=A", "n=20", "sleep=100ms", "laps=2", NULL};
	struct reports rp;
	struct run *r = app_reporting(words, &rp);
	expect_exit(r, 0);
	cr_expect(strncmp(r->out, "pattern A: fib(20), then sleep 100 ms; 2 laps\n", 46) == 0,
		  "first line:\n%s", r->out);
	cr_expect(strstr(r->out, "\npattern A: lap 1 fib(20) = 10946 in ") != NULL, "%s", r->out);
	cr_expect(strstr(r->out, "\npattern A: lap 2 fib(20) = 10946 in ") != NULL, "%s", r->out);
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_PATTERN},
					   {REPORT_LAP, 1},
					   {REPORT_LAP, 2},
					   {REPORT_APP_DONE, 2}};
	expect_reports(&rp, want, 4);
	cr_expect_geq(rp.t[2] - rp.t[1], 100 * MS, "the 100 ms sleep between the laps was shorter");
}

Test(tcl_userspace, app_context_times_its_laps)
{
	const char *words[] = {"app=context", "laps=2", "n=10", NULL};
	struct reports rp;
	struct run *r = app_reporting(words, &rp);
	expect_exit(r, 0);
	expect_out(r, "context: sleep 0 ms, then 2 laps of fib(10)\n");
	expect_out(r, "context: 2 laps of fib(10) = 89 in ");
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_CONTEXT},
					   {REPORT_LAP, 1},
					   {REPORT_LAP, 2},
					   {REPORT_RESULT, ~0u},
					   {REPORT_APP_DONE, 2}};
	expect_reports(&rp, want, 5);
}

Test(tcl_userspace, app_ipc_ping_pongs_between_two_processes)
{
	const char *words[] = {"app=ipc", "rounds=2000", NULL};
	struct reports rp;
	struct run *r = app_reporting(words, &rp);
	expect_exit(r, 0);
	expect_out(r, "ipc: 2000 round trips in ");
	expect_out(r, " ns per round trip\n");
	expect_no_out(r, "FAIL");
	/* The pong process was reaped by the app, not left behind. */
	cr_expect(!r->leftovers, "processes of the app's group outlived it");
	static const unsigned want[][2] = {
	    {REPORT_APP_START, REPORT_APP_IPC}, {REPORT_RESULT, ~0u}, {REPORT_APP_DONE, 2000}};
	expect_reports(&rp, want, 3);
	cr_expect_gt(rp.value[1], 0ul, "zero round trips per second");
}

Test(tcl_userspace, app_fault_is_not_supported_on_linux)
{
	const char *words[] = {"app=fault", NULL};
	struct reports rp;
	struct run *r = app_reporting(words, &rp);
	expect_exit(r, 1);
	cr_expect_str_eq(r->out, "fault: not supported by this guest\n");
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_FAULT},
					   {REPORT_APP_ERROR, 0}};
	expect_reports(&rp, want, 2);
}

Test(tcl_userspace, app_bad_parameters_give_the_usage_error)
{
	char mode[PATH_MAX + 8], path[PATH_MAX];
	report_file(mode, sizeof(mode), path, sizeof(path));
	const char *bad_pattern[] = {"app=pattern", "pattern=D", NULL};
	struct run *r = app(mode, bad_pattern);
	expect_exit(r, 2);
	cr_expect_str_eq(r->out, "apps: app=pattern needs pattern=A, B or C\n");
	free(r);
	last_run = NULL;
	const char *bad_key[] = {"app=hello", "bogus=1", NULL};
	r = app(mode, bad_key);
	expect_exit(r, 2);
	cr_expect_str_eq(r->out, "apps: unknown key 'bogus'\n");
	struct reports rp;
	read_reports(path, &rp);
	static const unsigned want[][2] = {{REPORT_APP_ERROR, 0}, {REPORT_APP_ERROR, 0}};
	expect_reports(&rp, want, 2);
}

Test(tcl_userspace, app_refuses_a_command_line_over_1024_bytes)
{
	/* 1025 bytes in all: "period=" and 1018 digits. Cut to 1024, it would be a valid line. */
	static char word[1026];
	memcpy(word, "period=", 7);
	memset(word + 7, '1', 1018);
	word[1025] = '\0';
	const char *words[] = {word, NULL};
	struct reports rp;
	struct run *r = app_reporting(words, &rp);
	expect_exit(r, 2);
	cr_expect_str_eq(r->out, "apps: the command line is longer than 1024 bytes\n");
	static const unsigned want[][2] = {{REPORT_APP_ERROR, 0}};
	expect_reports(&rp, want, 1);
}

Test(tcl_userspace, app_refuses_an_unknown_report_mode)
{
	const char *words[] = {"app=hello", "count=1", NULL};
	struct run *r = app("stdout", words);
	expect_exit(r, 2);
	cr_expect_str_eq(r->out, "", "the app ran anyway");
	cr_expect_str_eq(r->err,
			 "tinyvmm-app: TINYVMM_REPORT must be 'port' or 'file:PATH', not stdout\n");
	free(r);
	last_run = NULL;
	r = app("file:/nonexistent-dir/reports", words);
	expect_exit(r, 2);
	cr_expect_str_eq(r->out, "");
	cr_expect_str_eq(r->err,
			 "tinyvmm-app: cannot open the report file /nonexistent-dir/reports\n");
}

/*
 * Port mode where ioperm is refused (no CAP_SYS_RAWIO, as without root): the reports are
 * dropped and the app runs as if they had gone out. (Port mode with the right is only ever
 * run in a guest: on a host, the probe would read a real I/O port.)
 */
Test(tcl_userspace, app_in_port_mode_without_rights_runs_and_drops_reports)
{
	const char *words[] = {"app=hello", "count=2", "period=1ms", NULL};
	struct run *r = app(NULL, words);
	expect_exit(r, 0);
	cr_expect_str_eq(r->out, "Starting infinite loop\nSleeping. Count 1\nSleeping. Count 2\n");
	cr_expect_str_eq(r->err, "");
	free(r);
	last_run = NULL;
	r = app("port", words);
	expect_exit(r, 0);
	cr_expect_str_eq(r->out, "Starting infinite loop\nSleeping. Count 1\nSleeping. Count 2\n");
}

/* ==== core.gz and core.cpio */

struct cpio_entry {
	char name[256];
	unsigned long mode, uid, gid, mtime, size, rmajor, rminor;
	const char *data;
	unsigned archive; /* 0: the main archive; 1: the one after its trailer */
};

static unsigned long hex8(const char *p)
{
	char f[9];
	memcpy(f, p, 8);
	f[8] = '\0';
	char *end;
	unsigned long v = strtoul(f, &end, 16);
	cr_assert_eq(*end, '\0', "bad hex field '%s' in the archive", f);
	return v;
}

/* Reads every newc entry of archives laid end to end (zero padding between), as the kernel does. */
static unsigned parse_cpio(const char *d, size_t len, struct cpio_entry *e, unsigned max)
{
	size_t off = 0;
	unsigned n = 0, archive = 0;
	for (;;) {
		while (off < len && d[off] == '\0')
			off++;
		if (off >= len)
			break;
		cr_assert_eq(off % 4, 0, "entry at %zu is not 4-byte aligned", off);
		cr_assert_leq(off + 110, len);
		cr_assert_eq(memcmp(d + off, "070701", 6), 0, "no newc magic at %zu", off);
		struct cpio_entry x = {0};
		x.mode = hex8(d + off + 14);
		x.uid = hex8(d + off + 22);
		x.gid = hex8(d + off + 30);
		x.mtime = hex8(d + off + 46);
		x.size = hex8(d + off + 54);
		x.rmajor = hex8(d + off + 78);
		x.rminor = hex8(d + off + 86);
		unsigned long namesize = hex8(d + off + 94);
		cr_assert(namesize > 1 && namesize < sizeof(x.name) && off + 110 + namesize <= len);
		memcpy(x.name, d + off + 110, namesize);
		cr_assert_eq(x.name[namesize - 1], '\0');
		off = (off + 110 + namesize + 3) & ~(size_t)3;
		cr_assert_leq(off + x.size, len);
		x.data = d + off;
		off = (off + x.size + 3) & ~(size_t)3;
		x.archive = archive;
		if (strcmp(x.name, "TRAILER!!!") == 0) {
			archive++;
			continue;
		}
		cr_assert_lt(n, max, "more entries than expected");
		e[n++] = x;
	}
	cr_assert_eq(archive, 2, "%u archives, expected the main one and /dev/console's", archive);
	return n;
}

static const struct cpio_entry *find_entry(const struct cpio_entry *e, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	cr_assert_fail("core.cpio has no %s", name);
	return NULL;
}

static void expect_entry(const struct cpio_entry *e, unsigned n, const char *name,
			 unsigned long mode)
{
	const struct cpio_entry *x = find_entry(e, n, name);
	cr_expect_eq(x->mode, mode, "%s: mode 0%lo, expected 0%lo", name, x->mode, mode);
}

Test(tcl_userspace, core_archive_layout)
{
	char gz[PATH_MAX], cpio[PATH_MAX], appf[PATH_MAX];
	build_file(gz, sizeof(gz), "guests/tcl/core.gz");
	build_file(cpio, sizeof(cpio), "guests/tcl/core.cpio");
	app_path(appf, sizeof(appf));
	make_temp_dir();
	/* core.cpio is core.gz uncompressed: the same image for emulated and native boots. */
	sh("gzip -dc \"$1\" | cmp -s - \"$2\"", gz, cpio);

	size_t len, app_len;
	char *d = slurp(cpio, &len);
	char *app_img = slurp(appf, &app_len);
	cr_assert(d && app_img);
	static struct cpio_entry e[1024];
	unsigned n = parse_cpio(d, len, e, 1024);
	for (unsigned i = 0; i < n; i++) {
		cr_expect(e[i].uid == 0 && e[i].gid == 0, "%s: owner %lu:%lu", e[i].name, e[i].uid,
			  e[i].gid);
		cr_expect_eq(e[i].mtime, e[0].mtime, "%s: a time of its own", e[i].name);
		if (i > 0 && e[i].archive == 0)
			cr_expect_lt(strcmp(e[i - 1].name, e[i].name), 0, "%s sorts after %s",
				     e[i - 1].name, e[i].name);
	}
	expect_entry(e, n, "init", 0100755);
	expect_entry(e, n, "etc/inittab", 0100644);
	expect_entry(e, n, "etc/init.d/rcS", 0100755);
	expect_entry(e, n, "etc/init.d/tc-config", 0100755);
	expect_entry(e, n, "opt/bootlocal.sh", 0100755);
	expect_entry(e, n, "etc/passwd", 0100644);
	expect_entry(e, n, "bin/busybox", 0100755);
	expect_entry(e, n, "tmp", 041777);
	expect_entry(e, n, "dev", 040755);
	for (const char *const *l = (const char *const[]){"sbin/init", "bin/sh", "sbin/poweroff",
							  "sbin/hwclock", "bin/su", NULL};
	     *l; l++) {
		const struct cpio_entry *x = find_entry(e, n, *l);
		cr_expect_eq(x->mode & 0170000, 0120000, "%s is not a symlink", *l);
		cr_expect(x->size == 12 && memcmp(x->data, "/bin/busybox", 12) == 0,
			  "%s does not point to /bin/busybox", *l);
	}
	const struct cpio_entry *a = find_entry(e, n, "usr/local/bin/tinyvmm-app");
	cr_expect_eq(a->mode, 0100755);
	cr_expect(a->size == app_len && memcmp(a->data, app_img, app_len) == 0,
		  "the image's tinyvmm-app is not the one built");
	const struct cpio_entry *con = find_entry(e, n, "dev/console");
	cr_expect_eq(con->mode, 020600, "dev/console: mode 0%lo", con->mode);
	cr_expect(con->rmajor == 5 && con->rminor == 1, "dev/console is %lu:%lu, not 5:1",
		  con->rmajor, con->rminor);
	cr_expect_eq(con->archive, 1u);
	free(d);
	free(app_img);
}

/* ==== the boot: /init, busybox init, rcS, tc-config and bootlocal.sh in a box */

Test(tcl_userspace, init_mounts_and_starts_nothing_on_the_console)
{
	unpack_core(ALL_CODES);
	/*
	 * bootlocal.sh replaced by a probe: what /init and inittab left running and mounted.
	 * It waits (bounded) for tc-config to finish, then lists every process but itself and
	 * its children: a shell or getty from inittab would show here.
	 */
	static const char probe[] =
	    "#!/bin/sh\n"
	    "# test probe in place of /opt/bootlocal.sh\n"
	    "others() { for p in /proc/[0-9]*; do n=${p#/proc/};\n"
	    "  read -r _ _ _ pp _ < $p/stat 2>/dev/null || continue\n"
	    "  [ $n = $$ ] || [ \"$pp\" = $$ ] && continue\n"
	    "  read -r c < $p/comm && echo \"$n:$c\"; done; }\n"
	    "i=0; while [ $i -lt 50 ] && [ \"$(others)\" != 1:init ]; do sleep 0.1; i=$((i+1)); "
	    "done\n"
	    "list=$(others); echo probe: processes $list\n"
	    "while read -r dev dir type rest; do echo \"probe: mount $dir $type\"; done "
	    "</proc/mounts\n"
	    "echo \"probe: hostname $(hostname)\"\n"
	    "poweroff -f\n";
	int err = harness_write_file(root_dir, "opt/bootlocal.sh", probe, sizeof(probe) - 1);
	cr_assert_eq(err, 0);
	char p[PATH_MAX];
	path_in(p, sizeof(p), "opt/bootlocal.sh");
	cr_assert_eq(chmod(p, 0755), 0);

	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	expect_out(r, "probe: processes 1:init\n");
	expect_out(r, "probe: mount /proc proc\n");
	expect_out(r, "probe: mount /sys sysfs\n");
	expect_out(r, "probe: mount /dev devtmpfs\n");
	expect_out(r, "probe: mount /tmp tmpfs\n");
	expect_out(r, "probe: mount /run tmpfs\n");
	expect_out(r, "probe: hostname box\n");
	expect_no_out(r, "init: could not mount");
	expect_no_out(r, "Please press Enter");
}

/* A backup and two extensions where Tiny Core looks for them, for the codes to skip or use. */
static void add_tce(void)
{
	char tce[PATH_MAX], backup[PATH_MAX];
	path_in(tce, sizeof(tce), "tce");
	path_in(backup, sizeof(backup), "backup-src");
	sh("mkdir -p \"$1/optional\" \"$2/home/tc\" && echo restored-ok "
	   ">\"$2/home/tc/restored.txt\" "
	   "&& : >\"$1/optional/one.tcz\" && : >\"$1/optional/two.tcz\" "
	   "&& tar -czf \"$1/mydata.tgz\" -C \"$2\" home",
	   tce, backup);
}

static int exists_in_root(const char *rel)
{
	char p[PATH_MAX];
	path_in(p, sizeof(p), rel);
	return access(p, F_OK) == 0;
}

Test(tcl_userspace, boot_with_the_thesis_codes)
{
	unpack_core(ALL_CODES " tinyvmm.app=hello tinyvmm.count=3 tinyvmm.period=100ms " REPORTS);
	add_tce();
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	/* One line per code, saying what it did. */
	expect_out(r, "tc-config: base: no extensions loaded\n");
	expect_out(r, "tc-config: norestore: no backup restored\n");
	expect_out(r, "tc-config: text: no X, console only\n");
	expect_out(r, "tc-config: superuser: the app runs as root\n");
	expect_out(r, "tc-config: nodhcp: no DHCP client started\n");
	expect_out(r, "tc-config: nortc: system clock not set from the RTC\n");
	/* ... and not what the code turned off. */
	expect_no_out(r, "tc-config: extensions:");
	expect_no_out(r, "tc-config: restore:");
	expect_no_out(r, "tc-config: rtc:");
	expect_no_out(r, "tc-config: dhcp:");
	cr_expect(!exists_in_root("home/tc/restored.txt"),
		  "norestore, yet the backup was restored");
	cr_expect(exists_in_root("etc/sysconfig/superuser"));
	cr_expect(exists_in_root("etc/sysconfig/text"));
	/* tc-config finishes, then bootlocal.sh runs the app and powers off when it ends. */
	expect_order(r, "tc-config: starting /opt/bootlocal.sh\n",
		     "bootlocal: running /usr/local/bin/tinyvmm-app app=hello count=3 period=100ms "
		     "as root\n");
	expect_order(r, "as root\nStarting infinite loop\n",
		     "Sleeping. Count 1\nSleeping. Count 2\nSleeping. Count 3\n"
		     "bootlocal: the app ended with status 0; powering off\n");
	expect_no_out(r, "Sleeping. Count 4");
	struct reports rp;
	boxed_reports(&rp);
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_HELLO},
					   {REPORT_LAP, 1},
					   {REPORT_LAP, 2},
					   {REPORT_LAP, 3},
					   {REPORT_APP_DONE, 3}};
	expect_reports(&rp, want, 5);
	cr_expect_geq(rp.t[3] - rp.t[1], 190 * MS, "3 lines 100 ms apart took under 200 ms");
}

Test(tcl_userspace, boot_without_codes)
{
	unpack_core("console=ttyS0 tinyvmm.count=2 tinyvmm.period=10ms " REPORTS);
	add_tce();
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	/* The box has no RTC it may set the clock from (and no CAP_SYS_TIME): hwclock ran and
	 * failed. */
	expect_out(r, "tc-config: rtc: hwclock -u -s failed, clock left as it was (ignored): ");
	expect_out(r, "tc-config: dhcp: no network interface besides lo, no DHCP client started\n");
	expect_out(r, "tc-config: extensions: 2 found in /tce/optional, not loaded");
	expect_out(r, "tc-config: restore: /tce/mydata.tgz restored\n");
	expect_out(r, "tc-config: no superuser: the app runs as tc");
	expect_out(r, "tc-config: X: this image has no X server, console only\n");
	expect_no_out(r, "tc-config: base:");
	expect_no_out(r, "tc-config: norestore:");
	expect_no_out(r, "tc-config: nortc:");
	expect_no_out(r, "tc-config: nodhcp:");
	char p[PATH_MAX];
	path_in(p, sizeof(p), "home/tc/restored.txt");
	char *restored = slurp(p, NULL);
	cr_expect(restored && strcmp(restored, "restored-ok\n") == 0,
		  "the backup was not restored");
	free(restored);
	cr_expect(!exists_in_root("etc/sysconfig/superuser"));
	cr_expect(!exists_in_root("etc/sysconfig/text"));
	/* No app= word: hello. It ran as tc, so tc owns the report file it created. */
	expect_out(r, "bootlocal: running /usr/local/bin/tinyvmm-app count=2 period=10ms as tc\n");
	expect_out(r, "Starting infinite loop\nSleeping. Count 1\nSleeping. Count 2\n"
		      "bootlocal: the app ended with status 0; powering off\n");
	struct stat st;
	path_in(p, sizeof(p), "results/reports");
	cr_assert_eq(stat(p, &st), 0, "no report file: %s", strerror(errno));
	cr_expect_eq(st.st_uid, 1001u, "the app ran as uid %u, not tc's 1001", (unsigned)st.st_uid);
	struct reports rp;
	boxed_reports(&rp);
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_HELLO},
					   {REPORT_LAP, 1},
					   {REPORT_LAP, 2},
					   {REPORT_APP_DONE, 2}};
	expect_reports(&rp, want, 4);
}

Test(tcl_userspace, bootlocal_reboots_when_asked)
{
	unpack_core(ALL_CODES " tinyvmm.count=1 tinyvmm.period=1ms tinyvmm.end=reboot");
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGHUP);
	/* tinyvmm.end is the script's, not the app's (it would refuse an unknown key). */
	expect_out(r, "bootlocal: running /usr/local/bin/tinyvmm-app count=1 period=1ms as root\n");
	expect_out(r, "Sleeping. Count 1\nbootlocal: the app ended with status 0; rebooting\n");
}

Test(tcl_userspace, bootlocal_powers_off_on_an_unknown_end)
{
	unpack_core(ALL_CODES " tinyvmm.count=1 tinyvmm.period=1ms tinyvmm.end=halt");
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	expect_out(r, "bootlocal: tinyvmm.end=halt is not poweroff or reboot\n");
	expect_out(r, "bootlocal: the app ended with status 0; powering off\n");
}

Test(tcl_userspace, bootlocal_runs_pattern_a)
{
	unpack_core(ALL_CODES " tinyvmm.app=pattern tinyvmm.pattern=A tinyvmm.n=20 "
			      "tinyvmm.sleep=100ms tinyvmm.laps=2 " REPORTS);
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	expect_out(r, "bootlocal: running /usr/local/bin/tinyvmm-app app=pattern pattern=A n=20 "
		      "sleep=100ms laps=2 as root\n");
	expect_out(r, "pattern A: fib(20), then sleep 100 ms; 2 laps\n");
	expect_out(r, "pattern A: lap 1 fib(20) = 10946 in ");
	expect_out(r, "pattern A: lap 2 fib(20) = 10946 in ");
	expect_out(r, "bootlocal: the app ended with status 0; powering off\n");
	struct reports rp;
	boxed_reports(&rp);
	static const unsigned want[][2] = {{REPORT_APP_START, REPORT_APP_PATTERN},
					   {REPORT_LAP, 1},
					   {REPORT_LAP, 2},
					   {REPORT_APP_DONE, 2}};
	expect_reports(&rp, want, 4);
}

Test(tcl_userspace, bootlocal_passes_on_a_bad_parameter)
{
	unpack_core(ALL_CODES " tinyvmm.app=pattern tinyvmm.pattern=Z " REPORTS);
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	expect_out(r, "apps: app=pattern needs pattern=A, B or C\n"
		      "bootlocal: the app ended with status 2; powering off\n");
	struct reports rp;
	boxed_reports(&rp);
	static const unsigned want[][2] = {{REPORT_APP_ERROR, 0}};
	expect_reports(&rp, want, 1);
}

Test(tcl_userspace, bootlocal_runs_ipc)
{
	unpack_core(ALL_CODES " tinyvmm.app=ipc tinyvmm.rounds=1000 " REPORTS);
	struct run *r = boot(NULL, BOOT_TIMEOUT_MS);
	expect_powered_off(r, SIGINT);
	expect_out(r, "ipc: 1000 round trips in ");
	expect_out(r, " ns per round trip\nbootlocal: the app ended with status 0; powering off\n");
	struct reports rp;
	boxed_reports(&rp);
	static const unsigned want[][2] = {
	    {REPORT_APP_START, REPORT_APP_IPC}, {REPORT_RESULT, ~0u}, {REPORT_APP_DONE, 1000}};
	expect_reports(&rp, want, 3);
	cr_expect_gt(rp.value[1], 0ul);
}

/*
 * No tinyvmm.* word: hello with its defaults (1 s period, forever) and reports to the port,
 * which the box does not let it open (no CAP_SYS_RAWIO, as a guest without tinyvmm's
 * report device lacks the magic): it must run on, printing, until the test stops it.
 */
Test(tcl_userspace, bootlocal_without_words_runs_hello_forever)
{
	unpack_core(ALL_CODES);
	struct run *r = boot("Sleeping. Count 2\n", BOOT_TIMEOUT_MS);
	char how[64];
	cr_assert(r->stopped, "the box %s before hello's second line; console:\n%s",
		  describe(r, how, sizeof(how)), r->out);
	expect_out(r,
		   "bootlocal: running /usr/local/bin/tinyvmm-app (no arguments: hello) as root\n"
		   "Starting infinite loop\nSleeping. Count 1\nSleeping. Count 2\n");
	expect_no_out(r, "bootlocal: the app ended");
	expect_no_out(r, "apps:");
}
