/* Tells a test whether this machine can run it, and if not, which tier will. */
#include "tests/support/tier.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/kvm_host.h"

int tier_is_nested(void)
{
	const char *t = getenv("TINYVMM_TIER");
	return t && strcmp(t, "nested") == 0;
}

static int kvm_errno(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* The first unmet need, in words, or NULL. */
static const char *first_unmet(unsigned needs, char *buf, size_t size)
{
	if (needs & (TIER_KVM | TIER_KVM_USERSPACE)) {
		int err = kvm_errno();
		if (err) {
			snprintf(buf, size, "needs KVM: no usable /dev/kvm here (%s)",
				 strerror(err));
			return buf;
		}
	}
	if ((needs & TIER_KVM_USERSPACE) && kvm_backend_detect() == KVM_BACKEND_PVM) {
		snprintf(buf, size,
			 "needs a KVM that runs Linux user space: kvm_pvm delivers a guest's "
			 "SYSCALL at LSTAR still in user mode");
		return buf;
	}
	if ((needs & TIER_ROOT) && geteuid() != 0) {
		snprintf(buf, size, "needs root (namespaces, chroot): this is uid %u",
			 (unsigned)geteuid());
		return buf;
	}
	return NULL;
}

void tier_format(char *why, size_t size, const char *reason)
{
	if (tier_is_nested())
		snprintf(why, size, "%s; no tier can run it on this machine", reason);
	else
		snprintf(why, size, "%s%s", TIER_DEFER_TAG, reason);
}

int tier_unmet(unsigned needs, char *why, size_t size)
{
	char reason[200];
	if (!first_unmet(needs, reason, sizeof(reason)))
		return 0;
	tier_format(why, size, reason);
	return 1;
}
