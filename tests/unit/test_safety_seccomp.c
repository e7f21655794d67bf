/* The seccomp allow-lists (vmm/seccomp.c): what each kind of thread may call, and how a forbidden
 * call ends the process, loudly. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/seccomp.h"

/* What a child process did: its exit status and what it wrote on stderr. */
struct outcome {
	int status; /* waitpid's */
	char err[1024];
};

/* The child's sandbox, for threads that start threads. */
static const struct sandbox *current_sandbox;

struct job {
	const struct sandbox *sb;
	enum sandbox_role role;
	int (*body)(void);
};

static void *thread_main(void *arg)
{
	struct job *j = arg;
	if (sandbox_enter(j->sb, j->role))
		_exit(90);
	_exit(j->body());
	return NULL;
}

/* Runs body() on a fresh thread confined to `role`, in a child process (a trap ends the
 * whole process: that is the point). */
static struct outcome in_child(enum sandbox_role role, int (*body)(void))
{
	int pipefd[2];
	cr_assert_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		static struct sandbox sb;
		char err[256];
		if (sandbox_init(&sb, err, sizeof(err))) {
			fprintf(stderr, "sandbox_init: %s\n", err);
			_exit(91);
		}
		current_sandbox = &sb;
		struct job j = {&sb, role, body};
		pthread_t t;
		if (pthread_create(&t, NULL, thread_main, &j))
			_exit(92);
		pthread_join(t, NULL);
		_exit(93);
	}
	close(pipefd[1]);
	struct outcome o;
	memset(&o, 0, sizeof(o));
	size_t n = 0;
	ssize_t got;
	while (n < sizeof(o.err) - 1 &&
	       (got = read(pipefd[0], o.err + n, sizeof(o.err) - 1 - n)) > 0)
		n += (size_t)got;
	close(pipefd[0]);
	cr_assert_eq(waitpid(pid, &o.status, 0), pid);
	return o;
}

static void expect_trap(const struct outcome *o, const char *call)
{
	cr_assert(WIFEXITED(o->status), "ended by a signal (%d), not by the SIGSYS report",
		  WIFSIGNALED(o->status) ? WTERMSIG(o->status) : -1);
	cr_expect_eq(WEXITSTATUS(o->status), SANDBOX_EXIT_STATUS, "exit %d, stderr: %s",
		     WEXITSTATUS(o->status), o->err);
	char want[96];
	snprintf(want, sizeof(want), "forbidden system call %s (", call);
	cr_expect(strstr(o->err, "tinyvmm: seccomp: thread '") && strstr(o->err, want),
		  "message: %s", o->err);
}

static void expect_clean(const struct outcome *o)
{
	cr_assert(WIFEXITED(o->status) && WEXITSTATUS(o->status) == 0, "status 0x%x, stderr: %s",
		  o->status, o->err);
}

static int make_socket(void)
{
	/* a vCPU thread has no business with the network */
	(void)socket(AF_INET, SOCK_STREAM, 0);
	return 1;
}

static int make_dir(void)
{
	/* no vCPU or timer thread changes the file system (a sanitizer's runtime may open its
	 * report files, so that is not the example) */
	(void)mkdir("/tmp/tinyvmm-seccomp-test", 0700);
	return 1;
}

static int exec_shell(void)
{
	char *argv[] = {"/bin/sh", "-c", "true", NULL};
	execv("/bin/sh", argv);
	return 1;
}

static int fork_process(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return 1;
}

static int foreign_ioctl(void)
{
	/* KVM_CREATE_VM (0xAE01) on stdin: a VM-level call no vCPU thread makes */
	(void)syscall(SYS_ioctl, 0, 0xAE01UL, 0UL);
	return 1;
}

/* What glibc may do behind a vCPU thread's back (malloc's first arena reads /sys): a
 * refusal, not a trap. */
static int open_quietly(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	if (f) /* sanitized builds let their runtimes open files */
		fclose(f);
	return 0;
#else
	return f ? 2 : errno == EACCES ? 0 : 3;
#endif
}

/* Everything the exit path does: clocks, futexes, memory, writes, signals to itself. */
static int vcpu_work(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	void *big = malloc(8 << 20); /* mmap'd by malloc */
	if (!big)
		return 2;
	memset(big, 1, 8 << 20);
	free(big);
	if (write(STDERR_FILENO, "", 0) < 0)
		return 3;
	struct timespec nap = {0, 1000};
	nanosleep(&nap, NULL);
	sigset_t set;
	sigemptyset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return 0;
}

static void *noop(void *arg)
{
	return arg;
}

static void *confined_vcpu(void *arg)
{
	(void)arg;
	if (sandbox_enter(current_sandbox, SANDBOX_VCPU))
		return (void *)1;
	return (void *)(long)vcpu_work();
}

/* A manager starts a vCPU thread, which confines itself further and does its work. */
static int manager_starts_vcpu(void)
{
	pthread_t t;
	void *r;
	if (pthread_create(&t, NULL, confined_vcpu, NULL))
		return 2;
	pthread_join(t, &r);
	return (int)(long)r;
}

/* What the population thread does besides: threads, files, its sockets. */
static int manager_work(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, noop, NULL))
		return 2;
	pthread_join(t, NULL);
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 3;
	fclose(f);
	return vcpu_work();
}

Test(safety_seccomp, a_forbidden_call_on_a_vcpu_thread_ends_the_process_saying_which)
{
	struct outcome o = in_child(SANDBOX_VCPU, make_socket);
	expect_trap(&o, "socket");
	cr_expect(strstr(o.err, "tinyvmm stops every guest here"), "%s", o.err);
}

Test(safety_seccomp, vcpu_threads_touch_no_files_and_make_no_vm_level_ioctls)
{
	struct outcome o = in_child(SANDBOX_VCPU, make_dir);
	expect_trap(&o, "mkdir");
	o = in_child(SANDBOX_VCPU, foreign_ioctl);
	expect_trap(&o, "ioctl");
}

Test(safety_seccomp, vcpu_and_timer_threads_can_do_their_work)
{
	expect_clean((struct outcome[]){in_child(SANDBOX_VCPU, vcpu_work)});
	expect_clean((struct outcome[]){in_child(SANDBOX_TIMER, vcpu_work)});
}

Test(safety_seccomp, the_manager_starts_threads_but_never_processes_or_programs)
{
	expect_clean((struct outcome[]){in_child(SANDBOX_MANAGER, manager_work)});
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* sanitized builds only log the manager's strays: LeakSanitizer needs a tracer task */
	(void)exec_shell;
	(void)fork_process;
	return;
#endif
	struct outcome o = in_child(SANDBOX_MANAGER, exec_shell);
	expect_trap(&o, "execve");
	o = in_child(SANDBOX_MANAGER, fork_process);
	expect_trap(&o, "clone");
}

Test(safety_seccomp, a_vcpu_thread_started_by_a_confined_manager_confines_itself_further)
{
	expect_clean((struct outcome[]){in_child(SANDBOX_MANAGER, manager_starts_vcpu)});
}

Test(safety_seccomp, opening_a_file_on_a_vcpu_or_timer_thread_is_refused_not_trapped)
{
	expect_clean((struct outcome[]){in_child(SANDBOX_VCPU, open_quietly)});
	expect_clean((struct outcome[]){in_child(SANDBOX_TIMER, open_quietly)});
}

Test(safety_seccomp, the_timer_thread_makes_no_vcpu_calls)
{
	struct outcome o = in_child(SANDBOX_TIMER, make_dir);
	expect_trap(&o, "mkdir");
}

Test(safety_seccomp, tinyvmm_seccomp_off_installs_nothing)
{
	setenv("TINYVMM_SECCOMP", "off", 1);
	struct outcome o = in_child(SANDBOX_VCPU, make_socket);
	unsetenv("TINYVMM_SECCOMP");
	cr_assert(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1, "status 0x%x: %s", o.status,
		  o.err);
}
