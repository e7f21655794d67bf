/* Puts a fresh vCPU into the state a boot path promises: CPUID, local APIC wiring, FPU, segments,
 * registers. */
#ifndef TINYVMM_VMM_CPU_SETUP_H
#define TINYVMM_VMM_CPU_SETUP_H

#include <linux/kvm.h>

#include "vmm/boot/loader.h"
#include "vmm/kvm_host.h"

/* Pure: the special registers for a boot entry, starting from what KVM reported. */
void cpu_sregs_for_entry(struct kvm_sregs *s, const struct boot_entry *e);
/* Pure: the general registers for a boot entry. */
void cpu_regs_for_entry(struct kvm_regs *r, const struct boot_entry *e);

/* CPUID for vCPU `index` of `count` from the host template (APIC IDs, topology). 0 or -errno. */
int cpu_setup_cpuid(int vcpu_fd, const struct kvm_host *h, unsigned index, unsigned count);
/* LINT0 = ExtINT, LINT1 = NMI, software-enabled: what PC firmware leaves behind. 0 or -errno. */
int cpu_setup_lapic_virtual_wire(int vcpu_fd);
/* x87 control word and MXCSR at their reset values. 0 or -errno. */
int cpu_setup_fpu(int vcpu_fd);
/* All of the above plus the entry state. 0 or -errno; *what names the step that failed. */
int cpu_setup_boot(int vcpu_fd, const struct kvm_host *h, unsigned index, unsigned count,
		   const struct boot_entry *e, const char **what);

#endif
