/* Completing a protected-mode IRET that a software KVM could not emulate: a pure function. */
#ifndef TINYVMM_VMM_EMUL_IRET_H
#define TINYVMM_VMM_EMUL_IRET_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

enum iret_status {
	IRET_DONE,    /* regs/sregs hold the state after the instruction */
	IRET_FAULT,   /* the CPU would raise `vector` with `error_code`; regs/sregs untouched */
	IRET_REFUSED, /* not implemented or not decidable here: `why` says which */
};

struct iret_result {
	/* IRET_DONE */
	bool sregs_changed;    /* CS differs from before: KVM_SET_SREGS is needed */
	bool mark_accessed;    /* the CS descriptor's accessed bit was clear: set it ... */
	uint64_t accessed_gpa; /* ... in the type byte at this guest-physical address */
	/* IRET_FAULT */
	unsigned vector;
	uint32_t error_code;
	/* IRET_REFUSED */
	char why[160];
};

/* Exception vectors an IRET can raise. */
#define IRET_VEC_NP 11
#define IRET_VEC_SS 12
#define IRET_VEC_GP 13

/* True when the bytes are an IRET this module decodes: CF, or 66 CF. */
bool emul_iret_match(const uint8_t *insn, size_t len);

/*
 * Executes the IRET at regs->rip as a CPU would in 16- or 32-bit protected mode (CR0.PE=1,
 * paging off, not long mode, not virtual-8086) when it returns to the same privilege level.
 * Stack and descriptor-table reads go through `mem` (linear = physical with paging off);
 * every guest address is checked there. Faults follow the order of the SDM's IRET
 * pseudo-code; nothing is changed unless the result is IRET_DONE. Refused: task returns
 * (NT=1), returns to virtual-8086 mode or to an outer privilege level, long mode, real
 * mode, legacy paging, a single-step trap after the instruction, and stack or descriptor
 * bytes outside guest RAM (a CPU would read whatever is there, which we cannot).
 */
enum iret_status emul_iret(const uint8_t *insn, size_t len, const struct guest_mem *mem,
			   struct kvm_regs *regs, struct kvm_sregs *sregs, struct iret_result *res);

#endif
