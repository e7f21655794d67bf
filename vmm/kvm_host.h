/* The process's handle on /dev/kvm: opened once, shared read-only by every VM, and which backend it
 * is. */
#ifndef TINYVMM_VMM_KVM_HOST_H
#define TINYVMM_VMM_KVM_HOST_H

#include <stdbool.h>
#include <stddef.h>

enum kvm_backend {
	KVM_BACKEND_UNKNOWN,
	KVM_BACKEND_INTEL, /* kvm_intel: VT-x */
	KVM_BACKEND_AMD,   /* kvm_amd: AMD-V */
	KVM_BACKEND_PVM,   /* kvm_pvm: software KVM, long-mode paging only, kernel code emulated */
};

struct kvm_cpuid2;

struct kvm_host {
	int fd;
	int vcpu_mmap_size;
	enum kvm_backend backend;
	struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, the template for every vCPU */
	bool has_pit2;
	bool has_tsc_deadline; /* KVM emulates the local APIC's TSC-deadline mode */
};

/*
 * Opens `path` (normally /dev/kvm) and checks the API. On failure returns -errno and sets
 * *why to a sentence a user can act on (missing device, permissions, wrong API version).
 */
int kvm_host_open(struct kvm_host *h, const char *path, const char **why);
void kvm_host_close(struct kvm_host *h);

/* Reads /sys/module to tell which vendor module serves /dev/kvm. */
enum kvm_backend kvm_backend_detect(void);
const char *kvm_backend_name(enum kvm_backend b);
const char *kvm_backend_describe(enum kvm_backend b);

#endif
