/* One vCPU: its KVM fd, its kvm_run page, the thread that loops on KVM_RUN, and its exit counters.
 */
#ifndef TINYVMM_VMM_VCPU_H
#define TINYVMM_VMM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vmm/exit.h"

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool started; /* under vm->stop_lock: a thread exists to kick */
	bool exited;  /* under vm->stop_lock: the thread left its loop, never kick it */
	struct exit_env env;
	/* under vm->stop_lock: the thread's CPU clock while it runs, its total once it exited */
	clockid_t cpu_clock;
	bool has_cpu_clock;
	uint64_t cpu_ns_at_exit;
};

/* Creates vCPU `index` of `vm` and maps its kvm_run. 0 or -errno. */
int vcpu_create(struct vcpu *c, struct vm *vm, unsigned index);
void vcpu_destroy(struct vcpu *c);

/* Starts the KVM_RUN thread, named after the VM (15 characters at most). 0 or -errno. */
int vcpu_start(struct vcpu *c);
/* Makes KVM_RUN return at once, now or at its next entry. The caller holds vm->stop_lock,
 * so a thread that has exited (and whose id may already name another thread) is never
 * signalled. */
void vcpu_kick(struct vcpu *c);
void vcpu_join(struct vcpu *c);

/* CPU time the thread used (ns), live or final. The caller holds vm->stop_lock. */
uint64_t vcpu_cpu_ns(const struct vcpu *c);

/* The signal used to kick vCPU threads; install its (empty) handler once per process. */
int vcpu_signal_setup(void);

#endif
