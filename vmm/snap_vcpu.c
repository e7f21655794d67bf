/* One vCPU's whole KVM state in and out of a snapshot: registers, FPU/XSAVE, XCRs, LAPIC, MSRs. */
#include "vmm/snap_vcpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "base/errf.h"
#include "vmm/kvm_host.h"

#define MSR_LIST_MAX 1024u

static int get(int fd, unsigned long req, void *arg, const char *name, char *err, size_t errlen)
{
	if (ioctl(fd, req, arg))
		return errf(err, errlen, -errno, "%s: %s", name, strerror(errno));
	return 0;
}

static int set(int fd, unsigned long req, const void *arg, const char *name, char *err,
	       size_t errlen)
{
	if (ioctl(fd, req, arg))
		return errf(err, errlen, -errno, "%s: %s", name, strerror(errno));
	return 0;
}

/*
 * The MSRs KVM says it saves and restores, keeping those this vCPU lets us read (the list
 * names MSRs of features the guest's CPUID may not have: reading those fails).
 */
static int save_msrs(struct snap_writer *w, int vcpu_fd, int kvm_fd, unsigned index, char *err,
		     size_t errlen)
{
	struct kvm_msr_list *list = calloc(1, sizeof(*list) + MSR_LIST_MAX * sizeof(uint32_t));
	struct kvm_msrs *m = calloc(1, sizeof(*m) + MSR_LIST_MAX * sizeof(struct kvm_msr_entry));
	/* one MSR at a time, to learn which this vCPU reads */
	struct kvm_msrs *one = calloc(1, sizeof(*one) + sizeof(struct kvm_msr_entry));
	int r = 0;
	if (!list || !m || !one) {
		r = errf(err, errlen, -ENOMEM, "out of memory for the MSR list");
		goto out;
	}
	list->nmsrs = MSR_LIST_MAX;
	if (ioctl(kvm_fd, KVM_GET_MSR_INDEX_LIST, list)) {
		r = errf(err, errlen, -errno, "KVM_GET_MSR_INDEX_LIST: %s", strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < list->nmsrs && i < MSR_LIST_MAX; i++) {
		memset(one, 0, sizeof(*one) + sizeof(struct kvm_msr_entry));
		one->nmsrs = 1;
		one->entries[0].index = list->indices[i];
		if (ioctl(vcpu_fd, KVM_GET_MSRS, one) == 1)
			m->entries[m->nmsrs++] = one->entries[0];
	}
	r = snapw_add(w, SNAP_SEC_MSRS, index, m,
		      sizeof(*m) + m->nmsrs * sizeof(struct kvm_msr_entry));
	if (r)
		errf(err, errlen, r, "out of memory for the snapshot");
out:
	free(list);
	free(m);
	free(one);
	return r;
}

int snap_vcpu_save(struct snap_writer *w, int vcpu_fd, const struct kvm_host *host, unsigned index,
		   char *err, size_t errlen)
{
	struct snap_vcpu *s = snapw_section(w, SNAP_SEC_VCPU, index, sizeof(*s));
	if (!s)
		return errf(err, errlen, w->err, "out of memory for the snapshot");
	memset(s, 0, sizeof(*s));
	int r;
	if ((r = get(vcpu_fd, KVM_GET_REGS, &s->regs, "KVM_GET_REGS", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_SREGS, &s->sregs, "KVM_GET_SREGS", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_FPU, &s->fpu, "KVM_GET_FPU", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_XSAVE, &s->xsave, "KVM_GET_XSAVE", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_XCRS, &s->xcrs, "KVM_GET_XCRS", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_LAPIC, &s->lapic, "KVM_GET_LAPIC", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_VCPU_EVENTS, &s->events, "KVM_GET_VCPU_EVENTS", err,
		     errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_MP_STATE, &s->mp, "KVM_GET_MP_STATE", err, errlen)) ||
	    (r = get(vcpu_fd, KVM_GET_DEBUGREGS, &s->debugregs, "KVM_GET_DEBUGREGS", err, errlen)))
		return r;
	return save_msrs(w, vcpu_fd, host->fd, index, err, errlen);
}

int snap_vcpu_load(const struct snap_reader *rd, int vcpu_fd, unsigned index, char *err,
		   size_t errlen)
{
	const struct snap_vcpu *s = snap_find_sized(rd, SNAP_SEC_VCPU, index, sizeof(*s));
	uint64_t mlen = 0;
	const struct kvm_msrs *m = snap_find(rd, SNAP_SEC_MSRS, index, &mlen);
	if (!s || !m || mlen < sizeof(*m) ||
	    (mlen - sizeof(*m)) / sizeof(struct kvm_msr_entry) != m->nmsrs ||
	    (mlen - sizeof(*m)) % sizeof(struct kvm_msr_entry))
		return errf(err, errlen, -EINVAL, "vCPU %u: its state is missing or malformed",
			    index);
	/* The order KVM's own users follow: mode and registers first, the LAPIC before the
	 * MSRs (the TSC deadline needs it), pending events last. */
	int r;
	if ((r = set(vcpu_fd, KVM_SET_MP_STATE, &s->mp, "KVM_SET_MP_STATE", err, errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_REGS, &s->regs, "KVM_SET_REGS", err, errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_SREGS, &s->sregs, "KVM_SET_SREGS", err, errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_FPU, &s->fpu, "KVM_SET_FPU", err, errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_XSAVE, &s->xsave, "KVM_SET_XSAVE", err, errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_XCRS, &s->xcrs, "KVM_SET_XCRS", err, errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_DEBUGREGS, &s->debugregs, "KVM_SET_DEBUGREGS", err,
		     errlen)) ||
	    (r = set(vcpu_fd, KVM_SET_LAPIC, &s->lapic, "KVM_SET_LAPIC", err, errlen)))
		return r;
	int n = ioctl(vcpu_fd, KVM_SET_MSRS, m);
	if (n < 0)
		return errf(err, errlen, -errno, "KVM_SET_MSRS: %s", strerror(errno));
	if ((uint32_t)n != m->nmsrs)
		return errf(err, errlen, -EINVAL, "KVM_SET_MSRS: MSR 0x%x refused (%d of %u set)",
			    m->entries[n].index, n, m->nmsrs);
	return set(vcpu_fd, KVM_SET_VCPU_EVENTS, &s->events, "KVM_SET_VCPU_EVENTS", err, errlen);
}
