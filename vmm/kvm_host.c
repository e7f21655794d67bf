/* Opening /dev/kvm, checking the API and capabilities, and naming the backend behind it. */
#include "vmm/kvm_host.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static bool module_loaded(const char *name)
{
	char path[128];
	struct stat st;
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return stat(path, &st) == 0;
}

enum kvm_backend kvm_backend_detect(void)
{
	/* kvm_pvm can sit beside a hardware module that failed to bind, so the hardware
	 * modules win only when present; PVM is what remains. */
	if (module_loaded("kvm_intel"))
		return KVM_BACKEND_INTEL;
	if (module_loaded("kvm_amd"))
		return KVM_BACKEND_AMD;
	if (module_loaded("kvm_pvm"))
		return KVM_BACKEND_PVM;
	return KVM_BACKEND_UNKNOWN;
}

const char *kvm_backend_name(enum kvm_backend b)
{
	switch (b) {
	case KVM_BACKEND_INTEL:
		return "kvm_intel";
	case KVM_BACKEND_AMD:
		return "kvm_amd";
	case KVM_BACKEND_PVM:
		return "kvm_pvm";
	default:
		return "unknown";
	}
}

const char *kvm_backend_describe(enum kvm_backend b)
{
	switch (b) {
	case KVM_BACKEND_INTEL:
		return "hardware KVM (Intel VT-x)";
	case KVM_BACKEND_AMD:
		return "hardware KVM (AMD-V)";
	case KVM_BACKEND_PVM:
		return "software KVM (kvm_pvm): long-mode paging only, guest kernel code emulated";
	default:
		return "KVM backend not identified";
	}
}

static struct kvm_cpuid2 *supported_cpuid(int fd)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
		if (!c)
			return NULL;
		c->nent = n;
		if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG)
			return NULL;
	}
	return NULL;
}

int kvm_host_open(struct kvm_host *h, const char *path, const char **why)
{
	memset(h, 0, sizeof(*h));
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		int err = errno;
		if (err == ENOENT)
			*why =
			    "no /dev/kvm: load kvm_intel or kvm_amd (modprobe), or enable "
			    "virtualization in the firmware or nested virtualization in the host";
		else if (err == EACCES || err == EPERM)
			*why = "/dev/kvm is not accessible: add this user to the kvm group "
			       "(usermod -aG kvm $USER) or run as root";
		else if (err == ENODEV || err == ENXIO)
			*why = "/dev/kvm exists but no KVM backend is bound to it (is this "
			       "machine itself a guest without nested virtualization?)";
		else
			*why = "cannot open /dev/kvm";
		return -err;
	}
	int err;
	if (ioctl(h->fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		*why = "/dev/kvm speaks an unexpected KVM API version";
		err = -EPROTO;
		goto fail;
	}
	static const int required[] = {KVM_CAP_IRQCHIP, KVM_CAP_USER_MEMORY, KVM_CAP_EXT_CPUID,
				       KVM_CAP_SET_TSS_ADDR, KVM_CAP_IMMEDIATE_EXIT};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (ioctl(h->fd, KVM_CHECK_EXTENSION, required[i]) <= 0) {
			*why = "this KVM lacks a capability tinyvmm needs (in-kernel irqchip, "
			       "user memory, CPUID, TSS address or immediate exit)";
			err = -ENOTSUP;
			goto fail;
		}
	}
	h->vcpu_mmap_size = ioctl(h->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (h->vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
		*why = "KVM_GET_VCPU_MMAP_SIZE failed";
		err = -EPROTO;
		goto fail;
	}
	h->cpuid = supported_cpuid(h->fd);
	if (!h->cpuid) {
		*why = "KVM_GET_SUPPORTED_CPUID failed";
		err = -EPROTO;
		goto fail;
	}
	h->has_pit2 = ioctl(h->fd, KVM_CHECK_EXTENSION, KVM_CAP_PIT2) > 0;
	h->has_tsc_deadline = ioctl(h->fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	h->backend = kvm_backend_detect();
	return 0;
fail:
	close(h->fd);
	h->fd = -1;
	return err;
}

void kvm_host_close(struct kvm_host *h)
{
	if (h->fd >= 0)
		close(h->fd);
	free(h->cpuid);
	memset(h, 0, sizeof(*h));
	h->fd = -1;
}
