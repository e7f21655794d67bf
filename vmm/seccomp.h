/* seccomp allow-lists for tinyvmm's threads: the population/run thread, the timer service, and
 * every vCPU thread. */
#ifndef TINYVMM_VMM_SECCOMP_H
#define TINYVMM_VMM_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>

/*
 * Each kind of thread gets the system calls it needs and no others (README, "Safety"):
 *   SANDBOX_MANAGER  the thread that owns the VMs (tinyvmm run's main thread, the
 *                    population thread): creates VMs and threads, files, sockets, /proc
 *   SANDBOX_TIMER    the shared timer service: futexes, clocks, KVM_IRQ_LINE
 *   SANDBOX_VCPU     a vCPU thread: KVM_RUN and the vCPU/VM ioctls of the exit path,
 *                    writes to its sinks, futexes, memory for malloc, signals to siblings
 * Filters stack: threads a manager starts inherit its filter and add their own, narrower
 * one, so a vCPU thread is held to the intersection.
 *
 * A call outside the list is trapped (SECCOMP_RET_TRAP): the SIGSYS handler writes one
 * line naming the thread and the call on stderr and ends the whole process with status
 * SANDBOX_EXIT_STATUS. Not SECCOMP_RET_KILL_PROCESS, which would end it without a word:
 * a forbidden call means tinyvmm itself misbehaved (a bug, or a guest that got hold of a
 * VMM thread), and the user must be told which thread and which call.
 */
#define SANDBOX_EXIT_STATUS 159 /* 128 + SIGSYS, as a shell shows a death by that signal */

enum sandbox_role {
	SANDBOX_MANAGER,
	SANDBOX_TIMER,
	SANDBOX_VCPU,
	SANDBOX_ROLES,
};

/* How the filters act ($TINYVMM_SECCOMP): on (the default), off, or log (the kernel logs
 * what would have been trapped and lets it run: to find what a new kernel or libc needs). */
enum sandbox_mode {
	SANDBOX_ON,
	SANDBOX_OFF,
	SANDBOX_LOG,
};

/* The compiled filters, made once per process and only read after. */
struct sandbox {
	enum sandbox_mode mode;
	struct sock_fprog prog[SANDBOX_ROLES];
};

/*
 * Compiles the three filters (libseccomp), installs the SIGSYS handler and sets
 * no_new_privs, process-wide. Installs no filter yet. The mode comes from
 * $TINYVMM_SECCOMP. 0, or -errno with a reason in err.
 */
int sandbox_init(struct sandbox *sb, char *err, size_t errlen);
void sandbox_free(struct sandbox *sb);

/*
 * Confines the calling thread to `role` (and every thread it starts later). NULL or a
 * sandbox that is off: nothing happens. 0 or -errno.
 */
int sandbox_enter(const struct sandbox *sb, enum sandbox_role role);

const char *sandbox_role_name(enum sandbox_role role);

#endif
