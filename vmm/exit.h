/* The vCPU exit dispatcher: a plain function from one struct kvm_run to what the vCPU loop does
 * next. */
#ifndef TINYVMM_VMM_EXIT_H
#define TINYVMM_VMM_EXIT_H

#include <linux/kvm.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/vm_end.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"

struct exit_env;

/* What the dispatcher may need of the vCPU beyond kvm_run (emulation fixups, the BIOS service
 * port). */
struct vcpu_access {
	int (*get_regs)(void *ctx, struct kvm_regs *r);
	int (*set_regs)(void *ctx, const struct kvm_regs *r);
	int (*get_sregs)(void *ctx, struct kvm_sregs *s);
	int (*get_fpu)(void *ctx, struct kvm_fpu *f);
	int (*inject_exception)(void *ctx, unsigned vector);
	int (*set_sregs)(void *ctx, const struct kvm_sregs *s);
	/* A fault that pushes an error code (#GP, #SS, #NP), delivered before the next
	 * instruction. */
	int (*inject_fault)(void *ctx, unsigned vector, uint32_t error_code);
	/* What executing an IRET ends: NMI blocking, and the interrupt shadow an STI or MOV SS
	 * before it left. */
	int (*end_iret_blocking)(void *ctx);
	void *ctx;
};

/* Counted by the vCPU thread with atomic adds: other threads (the sampler) read them live. */
struct exit_stats {
	_Atomic uint64_t total, io, mmio, fixups, other;
};

struct exit_env {
	struct io_bus *bus;
	const struct guest_mem *mem;
	struct vcpu_access acc;
	struct exit_stats stats;
	char why[256]; /* set when the action ends the VM */
};

/*
 * `run_size` is the size of the vCPU's kvm_run mapping, to bound I/O data offsets. Returns
 * VM_END_NONE (carry on), VM_END_CRASH (`why` says which), VM_END_RESET or VM_END_POWEROFF.
 */
enum vm_end exit_dispatch(struct exit_env *env, struct kvm_run *run, size_t run_size);

/* Ends the vCPU's VM as a crash: the reason into env->why, VM_END_CRASH back (for the exit
 * path and the handlers it calls, such as the BIOS service port). */
enum vm_end exit_crash(struct exit_env *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
