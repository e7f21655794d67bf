/* vCPU initial state for each boot path, plus the firmware-like LAPIC, CPUID and FPU settings. */
#include "vmm/cpu_setup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/boot/layout.h"

#define CR0_PE	       (1ULL << 0)
#define CR0_ET	       (1ULL << 4)
#define CR0_NE	       (1ULL << 5)
#define CR0_WP	       (1ULL << 16)
#define CR0_PG	       (1ULL << 31)
#define CR4_PAE	       (1ULL << 5)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define EFER_LME       (1ULL << 8)
#define EFER_LMA       (1ULL << 10)

static struct kvm_segment flat_segment(uint16_t sel, uint8_t type, int code64)
{
	return (struct kvm_segment){
	    .base = 0,
	    .limit = 0xFFFFFFFF,
	    .selector = sel,
	    .type = type,
	    .present = 1,
	    .dpl = 0,
	    .db = code64 ? 0 : 1,
	    .s = 1,
	    .l = code64 ? 1 : 0,
	    .g = 1,
	};
}

void cpu_sregs_for_entry(struct kvm_sregs *s, const struct boot_entry *e)
{
	if (e->mode == CPU_REAL16)
		return; /* KVM's reset state is real mode already */
	struct kvm_segment data = flat_segment(BOOT_SEL_DATA, 0x3, 0);
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdt.base = e->gdt_base;
	s->gdt.limit = e->gdt_limit;
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = CR0_PE | CR0_ET | CR0_NE;
	s->cr4 = 0;
	s->efer = 0;
	if (e->mode == CPU_PROT32) {
		s->cs = flat_segment(BOOT_SEL_CODE32, 0xB, 0);
		return;
	}
	s->cs = flat_segment(BOOT_SEL_CODE64, 0xB, 1);
	s->cr3 = e->cr3;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->cr0 |= CR0_PG | CR0_WP;
	s->efer = EFER_LME | EFER_LMA;
}

void cpu_regs_for_entry(struct kvm_regs *r, const struct boot_entry *e)
{
	memset(r, 0, sizeof(*r));
	r->rflags = 0x2; /* IF=0 */
	r->rip = e->rip;
	r->rsp = e->rsp;
	r->rax = e->rax;
	r->rbx = e->rbx;
	r->rsi = e->rsi;
	r->rdi = e->rdi;
}

#define HV_BASE_LEAF   0x40000000u
#define HV_TIMING_LEAF 0x40000010u
#define APIC_BUS_KHZ   1000000u /* KVM's local APIC timer counts at 1 GHz (1 ns per bus cycle) */

static struct kvm_cpuid_entry2 *find_leaf(struct kvm_cpuid2 *c, uint32_t function)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == function)
			return &c->entries[i];
	return NULL;
}

/*
 * Leaf 0x40000010 (the timing leaf VMware defined and other VMMs copy): EAX = TSC kHz,
 * EBX = local APIC timer kHz. Guests then program one-shot timers without calibrating
 * against the PIT, which on kvm_pvm costs hundreds of emulated port reads per boot. KVM's
 * own leaves (signature at 0x40000000) stay; only their maximum leaf grows.
 */
static void add_timing_leaf(struct kvm_cpuid2 *c, int vcpu_fd)
{
	int khz = ioctl(vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0 || find_leaf(c, HV_TIMING_LEAF))
		return;
	struct kvm_cpuid_entry2 *base = find_leaf(c, HV_BASE_LEAF);
	if (!base) {
		base = &c->entries[c->nent++];
		memset(base, 0, sizeof(*base));
		base->function = HV_BASE_LEAF;
		memcpy(&base->ebx, "tiny", 4); /* "tinyvmmtinyv" */
		memcpy(&base->ecx, "vmmt", 4);
		memcpy(&base->edx, "inyv", 4);
	}
	if (base->eax < HV_TIMING_LEAF)
		base->eax = HV_TIMING_LEAF;
	struct kvm_cpuid_entry2 *t = &c->entries[c->nent++];
	memset(t, 0, sizeof(*t));
	t->function = HV_TIMING_LEAF;
	t->eax = (uint32_t)khz;
	t->ebx = APIC_BUS_KHZ;
}

int cpu_setup_cpuid(int vcpu_fd, const struct kvm_host *h, unsigned index, unsigned count)
{
	size_t sz = sizeof(*h->cpuid) + h->cpuid->nent * sizeof(h->cpuid->entries[0]);
	/* room for the two hypervisor leaves we may add */
	struct kvm_cpuid2 *c = malloc(sz + 2 * sizeof(h->cpuid->entries[0]));
	if (!c)
		return -ENOMEM;
	memcpy(c, h->cpuid, sz);
	add_timing_leaf(c, vcpu_fd);
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *en = &c->entries[i];
		switch (en->function) {
		case 1:
			/* initial APIC ID and logical processor count */
			en->ebx = (en->ebx & 0x0000FFFF) | (index << 24) | ((count & 0xFF) << 16);
			if (count > 1)
				en->edx |= 1u << 28; /* HTT: the count above is meaningful */
			/* guests look for the hypervisor leaves (0x40000000...) only with this bit */
			en->ecx |= 1u << 31;
			/*
			 * KVM emulates the LAPIC's TSC-deadline mode on any CPU but leaves the
			 * bit to the VMM. A guest sleeping 20 s then takes one timer interrupt,
			 * not one per 4.3 s that a 32-bit one-shot count at 1 GHz allows.
			 */
			if (h->has_tsc_deadline)
				en->ecx |= 1u << 24;
			break;
		case 0xB:
		case 0x1F:
			en->edx = index; /* x2APIC ID */
			break;
		default:
			break;
		}
	}
	int r = ioctl(vcpu_fd, KVM_SET_CPUID2, c) ? -errno : 0;
	free(c);
	return r;
}

#define APIC_SPIV	 0xF0
#define APIC_LVT0	 0x350
#define APIC_LVT1	 0x360
#define APIC_MODE_EXTINT (7u << 8)
#define APIC_MODE_NMI	 (4u << 8)

static void apic_set(struct kvm_lapic_state *l, unsigned reg, uint32_t v)
{
	memcpy(&l->regs[reg], &v, sizeof(v));
}

static uint32_t apic_get(const struct kvm_lapic_state *l, unsigned reg)
{
	uint32_t v;
	memcpy(&v, &l->regs[reg], sizeof(v));
	return v;
}

int cpu_setup_lapic_virtual_wire(int vcpu_fd)
{
	struct kvm_lapic_state l;
	if (ioctl(vcpu_fd, KVM_GET_LAPIC, &l))
		return -errno;
	apic_set(&l, APIC_LVT0, APIC_MODE_EXTINT);
	apic_set(&l, APIC_LVT1, APIC_MODE_NMI);
	apic_set(&l, APIC_SPIV,
		 apic_get(&l, APIC_SPIV) | 0x1FF); /* enabled, spurious vector 0xFF */
	return ioctl(vcpu_fd, KVM_SET_LAPIC, &l) ? -errno : 0;
}

int cpu_setup_fpu(int vcpu_fd)
{
	struct kvm_fpu f;
	memset(&f, 0, sizeof(f));
	f.fcw = 0x37F;
	f.mxcsr = 0x1F80;
	return ioctl(vcpu_fd, KVM_SET_FPU, &f) ? -errno : 0;
}

int cpu_setup_boot(int vcpu_fd, const struct kvm_host *h, unsigned index, unsigned count,
		   const struct boot_entry *e, const char **what)
{
	int r;
	if ((r = cpu_setup_cpuid(vcpu_fd, h, index, count))) {
		*what = "KVM_SET_CPUID2";
		return r;
	}
	if ((r = cpu_setup_lapic_virtual_wire(vcpu_fd))) {
		*what = "KVM_SET_LAPIC";
		return r;
	}
	if ((r = cpu_setup_fpu(vcpu_fd))) {
		*what = "KVM_SET_FPU";
		return r;
	}
	if (index != 0)
		return 0; /* application processors wait for INIT/SIPI */
	struct kvm_sregs s;
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &s)) {
		*what = "KVM_GET_SREGS";
		return -errno;
	}
	cpu_sregs_for_entry(&s, e);
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &s)) {
		*what = "KVM_SET_SREGS";
		return -errno;
	}
	struct kvm_regs regs;
	cpu_regs_for_entry(&regs, e);
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs)) {
		*what = "KVM_SET_REGS";
		return -errno;
	}
	return 0;
}
