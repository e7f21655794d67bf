/* vCPU threads: KVM_RUN in a loop, exits to the dispatcher, the VM told when the guest ends. */
#include "vmm/vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "vmm/seccomp.h"
#include "vmm/vm_internal.h"

#define VCPU_KICK_SIGNAL SIGUSR1

static void kick_handler(int sig)
{
	(void)sig; /* only here to make KVM_RUN return EINTR */
}

int vcpu_signal_setup(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

static int acc_get_regs(void *ctx, struct kvm_regs *r)
{
	return ioctl(((struct vcpu *)ctx)->fd, KVM_GET_REGS, r) ? -errno : 0;
}

static int acc_set_regs(void *ctx, const struct kvm_regs *r)
{
	return ioctl(((struct vcpu *)ctx)->fd, KVM_SET_REGS, r) ? -errno : 0;
}

static int acc_get_sregs(void *ctx, struct kvm_sregs *s)
{
	return ioctl(((struct vcpu *)ctx)->fd, KVM_GET_SREGS, s) ? -errno : 0;
}

static int acc_get_fpu(void *ctx, struct kvm_fpu *f)
{
	return ioctl(((struct vcpu *)ctx)->fd, KVM_GET_FPU, f) ? -errno : 0;
}

static int acc_set_sregs(void *ctx, const struct kvm_sregs *s)
{
	return ioctl(((struct vcpu *)ctx)->fd, KVM_SET_SREGS, s) ? -errno : 0;
}

static int inject(struct vcpu *c, unsigned vector, bool has_error_code, uint32_t error_code)
{
	struct kvm_vcpu_events ev;
	if (ioctl(c->fd, KVM_GET_VCPU_EVENTS, &ev))
		return -errno;
	if (ev.exception.injected || ev.exception.pending)
		return -EBUSY;
	ev.exception.injected = 1;
	ev.exception.nr = (uint8_t)vector;
	ev.exception.has_error_code = has_error_code;
	ev.exception.error_code = has_error_code ? error_code : 0;
	ev.flags = 0; /* leave NMI, SIPI and shadow state as they are */
	return ioctl(c->fd, KVM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
}

static int acc_inject(void *ctx, unsigned vector)
{
	return inject(ctx, vector, false, 0);
}

static int acc_inject_fault(void *ctx, unsigned vector, uint32_t error_code)
{
	return inject(ctx, vector, true, error_code);
}

static int acc_end_iret_blocking(void *ctx)
{
	struct vcpu *c = ctx;
	struct kvm_vcpu_events ev;
	if (ioctl(c->fd, KVM_GET_VCPU_EVENTS, &ev))
		return -errno;
	if (!ev.nmi.masked && !ev.interrupt.shadow)
		return 0; /* the usual case: one ioctl */
	ev.nmi.masked = 0;
	ev.interrupt.shadow = 0;
	/* nmi.masked is always written; the shadow only with its flag; NMI pending and SIPI
	 * stay as the kernel has them */
	ev.flags = KVM_VCPUEVENT_VALID_SHADOW;
	return ioctl(c->fd, KVM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
}

int vcpu_create(struct vcpu *c, struct vm *vm, unsigned index)
{
	memset(c, 0, sizeof(*c));
	c->vm = vm;
	c->index = index;
	c->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (c->fd < 0)
		return -errno;
	c->run_size = (size_t)vm->host->vcpu_mmap_size;
	c->run = mmap(NULL, c->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		int err = -errno;
		close(c->fd);
		c->fd = -1;
		c->run = NULL;
		return err;
	}
	c->env.bus = &vm->bus;
	c->env.mem = &vm->mem;
	c->env.acc = (struct vcpu_access){
	    .get_regs = acc_get_regs,
	    .set_regs = acc_set_regs,
	    .get_sregs = acc_get_sregs,
	    .get_fpu = acc_get_fpu,
	    .inject_exception = acc_inject,
	    .set_sregs = acc_set_sregs,
	    .inject_fault = acc_inject_fault,
	    .end_iret_blocking = acc_end_iret_blocking,
	    .ctx = c,
	};
	return 0;
}

void vcpu_destroy(struct vcpu *c)
{
	if (c->run)
		munmap(c->run, c->run_size);
	if (c->fd >= 0)
		close(c->fd);
	c->run = NULL;
	c->fd = -1;
}

static bool stopping(struct vm *vm)
{
	return atomic_load_explicit(&vm->stopping, memory_order_acquire);
}

/* Adds where the vCPU was to a crash reason, so the message can be acted on. */
static void crash_with_rip(struct vcpu *c, const char *why)
{
	char msg[sizeof(c->vm->result.message)];
	struct kvm_regs r;
	/* after a shutdown KVM has already reset the vCPU: its RIP would mislead */
	bool state_valid = c->run->exit_reason != KVM_EXIT_SHUTDOWN;
	if (state_valid && !strstr(why, "RIP") && ioctl(c->fd, KVM_GET_REGS, &r) == 0)
		snprintf(msg, sizeof(msg), "vCPU %u: %s at RIP 0x%llx", c->index, why,
			 (unsigned long long)r.rip);
	else
		snprintf(msg, sizeof(msg), "vCPU %u: %s", c->index, why);
	vm_stop(c->vm, VM_END_CRASH, 0, msg);
}

/*
 * A kick that was not a stop (a pause, since resumed or not yet seen) leaves immediate_exit
 * set, and KVM_RUN would return at once forever. Kicks happen under stop_lock, so clearing
 * it under the lock, unless a stop or pause is pending, loses none.
 */
static void rearm(struct vcpu *c)
{
	struct vm *vm = c->vm;
	pthread_mutex_lock(&vm->stop_lock);
	/* kvm_run is the kernel's struct, not a C11 atomic object: the GCC builtin */
	if (!vm->stopping && !vm->paused)
		__atomic_store_n(&c->run->immediate_exit, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->stop_lock);
}

/* Serves one exit KVM_RUN returned, ending the VM if the guest asked or crashed. */
static void serve_exit(struct vcpu *c)
{
	enum vm_end end = exit_dispatch(&c->env, c->run, c->run_size);
	if (end == VM_END_CRASH)
		crash_with_rip(c, c->env.why);
	else if (end != VM_END_NONE)
		vm_stop_asked(c->vm, end, 0);
}

/*
 * KVM finishes an exit's I/O only at the next KVM_RUN: one with immediate_exit set completes
 * it and returns at once, so a parked vCPU's state is whole (snapshots read it). Finishing
 * may itself need user space (the rest of a string I/O): that exit is served like any
 * other, and false says the vCPU is not settled yet.
 */
static bool settle(struct vcpu *c)
{
	__atomic_store_n(&c->run->immediate_exit, 1, __ATOMIC_RELEASE);
	if (ioctl(c->fd, KVM_RUN, 0) < 0)
		return true; /* EINTR: done; a failure shows again at the next real entry */
	serve_exit(c);
	return false;
}

/* Waits outside KVM_RUN while the VM is paused (vm_pause), until resumed or stopped. */
static void park(struct vcpu *c)
{
	struct vm *vm = c->vm;
	pthread_mutex_lock(&vm->stop_lock);
	vm->parked++;
	pthread_cond_broadcast(&vm->resume); /* vm_pause_wait counts the parked */
	while (vm->paused && !vm->stopping)
		pthread_cond_wait(&vm->resume, &vm->stop_lock);
	vm->parked--;
	pthread_mutex_unlock(&vm->stop_lock);
	rearm(c);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct vm *vm = c->vm;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* before the guest runs a single instruction: from here on this thread can make only
	 * the calls of the exit path (vmm/seccomp.h) */
	int confined = sandbox_enter(vm->sandbox, SANDBOX_VCPU);
	if (confined) {
		char why[96];
		snprintf(why, sizeof(why), "cannot confine the vCPU thread (seccomp): %s",
			 strerror(-confined));
		vm_stop(vm, VM_END_CRASH, 0, why);
	}

	while (!stopping(vm)) {
		if (atomic_load_explicit(&vm->paused, memory_order_acquire)) {
			if (settle(c))
				park(c);
			continue;
		}
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				rearm(c);
				continue;
			}
			char why[96];
			snprintf(why, sizeof(why), "KVM_RUN failed: %s", strerror(errno));
			crash_with_rip(c, why);
			break;
		}
		serve_exit(c);
	}
	struct timespec cpu;
	bool has_cpu = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0;
	pthread_mutex_lock(&vm->stop_lock);
	c->exited = true;
	if (has_cpu)
		c->cpu_ns_at_exit = timespec_ns(&cpu);
	pthread_mutex_unlock(&vm->stop_lock);
	vm_live_put(vm); /* the last statement that may touch the VM */
	return NULL;
}

int vcpu_start(struct vcpu *c)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	/* The thread starts with the kick blocked and unblocks it itself: no kick is lost
	 * between creation and its first KVM_RUN, since immediate_exit covers that gap. */
	pthread_sigmask(SIG_BLOCK, &set, &old);
	int err = pthread_create(&c->thread, NULL, vcpu_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	clockid_t cpu_clock;
	bool has_clock = pthread_getcpuclockid(c->thread, &cpu_clock) == 0;
	pthread_mutex_lock(&c->vm->stop_lock);
	c->started = true;
	c->cpu_clock = cpu_clock;
	c->has_cpu_clock = has_clock;
	pthread_mutex_unlock(&c->vm->stop_lock);
	char name[16];
	snprintf(name, sizeof(name), "%.10s/%u", c->vm->name, c->index);
	pthread_setname_np(c->thread, name);
	return 0;
}

void vcpu_kick(struct vcpu *c)
{
	if (!c->run)
		return;
	__atomic_store_n(&c->run->immediate_exit, 1, __ATOMIC_RELEASE); /* the kernel's struct */
	if (c->started && !c->exited)
		pthread_kill(c->thread, VCPU_KICK_SIGNAL);
}

void vcpu_join(struct vcpu *c)
{
	/* only the VM's owner joins, once its vCPUs run; kicks keep reaching the thread until
	 * it marks itself exited */
	if (!c->started)
		return;
	pthread_join(c->thread, NULL);
	pthread_mutex_lock(&c->vm->stop_lock);
	c->started = false;
	pthread_mutex_unlock(&c->vm->stop_lock);
}

uint64_t vcpu_cpu_ns(const struct vcpu *c)
{
	/* a thread still looping is alive, so its clock is valid; after that, its total */
	struct timespec ts;
	if (c->started && !c->exited && c->has_cpu_clock && !clock_gettime(c->cpu_clock, &ts))
		return timespec_ns(&ts);
	return c->cpu_ns_at_exit;
}
