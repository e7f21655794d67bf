/* One vCPU's whole KVM state in and out of a snapshot: registers, FPU/XSAVE, XCRs, LAPIC, MSRs. */
#ifndef TINYVMM_VMM_SNAP_VCPU_H
#define TINYVMM_VMM_SNAP_VCPU_H

#include <linux/kvm.h>
#include <stddef.h>

#include "vmm/snap_format.h"

struct kvm_host;

/* SNAP_SEC_VCPU: fixed-size kernel structs, copied as KVM hands them out. */
struct snap_vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_mp_state mp;
	struct kvm_debugregs debugregs;
	/* last: newer kernel headers end it with a flexible array (XSAVE2's larger areas) */
	struct kvm_xsave xsave; /* the legacy 4 KiB area: hosts needing XSAVE2 are refused */
};

/* Adds vCPU `index`'s SNAP_SEC_VCPU and SNAP_SEC_MSRS sections. 0 or -errno with a reason. */
int snap_vcpu_save(struct snap_writer *w, int vcpu_fd, const struct kvm_host *host, unsigned index,
		   char *err, size_t errlen);
/* Sets a fresh vCPU (CPUID already set) from its sections. 0 or -errno with a reason. */
int snap_vcpu_load(const struct snap_reader *r, int vcpu_fd, unsigned index, char *err,
		   size_t errlen);

#endif
