/* The IRET and exit harnesses' shared part: a vCPU register file cut from the input, behind the
 * exit dispatcher's accessors. */
#ifndef TINYVMM_TESTS_FUZZ_CPU_H
#define TINYVMM_TESTS_FUZZ_CPU_H

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>

#include "tests/fuzz/support.h"
#include "vmm/exit.h"

struct fz_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	uint8_t fail; /* bit per accessor that fails: a vCPU whose ioctls are refused */
	unsigned injected;
};

static inline void fz_segment(struct fz *in, struct kvm_segment *s)
{
	uint8_t a = fz_u8(in), b = fz_u8(in);
	/* small bases and flat limits most of the time, anything otherwise */
	s->base = b & 0x80 ? fz_u64(in) : (uint64_t)fz_u16(in) << (b & 0xF);
	s->limit = b & 0x40 ? fz_u32(in) : 0xFFFFFFFF;
	s->selector = fz_u16(in);
	s->type = a & 0xF;
	s->present = !(b & 0x20);
	s->dpl = (a >> 4) & 3;
	s->db = (a >> 6) & 1;
	s->s = !(b & 0x10);
	s->l = a >> 7;
	s->g = 1;
}

/* Registers in the shapes that matter: real mode, unpaged protected mode, long mode. */
static inline void fz_cpu_load(struct fz *in, struct fz_cpu *c)
{
	memset(c, 0, sizeof(*c));
	uint8_t mode = fz_u8(in);
	c->fail = fz_u8(in) & fz_u8(in) & fz_u8(in); /* rarely */
	__u64 *gprs[] = {&c->regs.rax, &c->regs.rbx, &c->regs.rcx, &c->regs.rdx,
			 &c->regs.rsi, &c->regs.rdi, &c->regs.rbp, &c->regs.r8};
	for (unsigned i = 0; i < 8; i++)
		*gprs[i] = mode & 0x80 ? fz_u64(in) : fz_u32(in);
	c->regs.rsp = mode & 0x40 ? fz_u64(in) : fz_u16(in);
	c->regs.rip = mode & 0x40 ? fz_u64(in) : fz_u16(in);
	c->regs.rflags = fz_u32(in) | 2;
	struct kvm_segment *segs[] = {&c->sregs.cs, &c->sregs.ds, &c->sregs.es, &c->sregs.fs,
				      &c->sregs.gs, &c->sregs.ss, &c->sregs.tr, &c->sregs.ldt};
	for (unsigned i = 0; i < 8; i++)
		fz_segment(in, segs[i]);
	c->sregs.gdt.base = mode & 0x20 ? fz_u64(in) : fz_u16(in);
	c->sregs.gdt.limit = fz_u16(in);
	c->sregs.idt.base = fz_u16(in);
	c->sregs.idt.limit = fz_u16(in);
	switch (mode & 3) {
	case 0: /* real mode */
		c->sregs.cr0 = 0x60000010;
		break;
	case 1: /* protected mode, paging off */
		c->sregs.cr0 = 0x11;
		break;
	case 2: /* long mode with the guest's own page tables */
		c->sregs.cr0 = 0x80000011;
		c->sregs.cr4 = 0x20 | (mode & 4 ? 0x1000 : 0); /* PAE, maybe LA57 */
		c->sregs.efer = 0x500;
		c->sregs.cr3 = fz_u32(in) & ~0xFFFu;
		break;
	case 3: /* anything */
		c->sregs.cr0 = fz_u64(in);
		c->sregs.cr3 = fz_u64(in);
		c->sregs.cr4 = fz_u64(in);
		c->sregs.efer = fz_u64(in);
		break;
	}
	c->fpu.fsw = fz_u16(in);
}

static inline int fz_cpu_get_regs(void *ctx, struct kvm_regs *r)
{
	struct fz_cpu *c = ctx;
	*r = c->regs;
	return c->fail & 1 ? -EIO : 0;
}

static inline int fz_cpu_set_regs(void *ctx, const struct kvm_regs *r)
{
	struct fz_cpu *c = ctx;
	c->regs = *r;
	return c->fail & 2 ? -EIO : 0;
}

static inline int fz_cpu_get_sregs(void *ctx, struct kvm_sregs *s)
{
	struct fz_cpu *c = ctx;
	*s = c->sregs;
	return c->fail & 4 ? -EIO : 0;
}

static inline int fz_cpu_set_sregs(void *ctx, const struct kvm_sregs *s)
{
	struct fz_cpu *c = ctx;
	c->sregs = *s;
	return c->fail & 8 ? -EIO : 0;
}

static inline int fz_cpu_get_fpu(void *ctx, struct kvm_fpu *f)
{
	struct fz_cpu *c = ctx;
	*f = c->fpu;
	return c->fail & 16 ? -EIO : 0;
}

static inline int fz_cpu_inject(void *ctx, unsigned vector)
{
	struct fz_cpu *c = ctx;
	if (vector > 31)
		abort(); /* only exceptions are ever injected */
	c->injected++;
	return c->fail & 32 ? -EBUSY : 0;
}

static inline int fz_cpu_inject_fault(void *ctx, unsigned vector, uint32_t code)
{
	(void)code;
	return fz_cpu_inject(ctx, vector);
}

static inline int fz_cpu_end_iret_blocking(void *ctx)
{
	struct fz_cpu *c = ctx;
	return c->fail & 64 ? -EIO : 0;
}

static inline struct vcpu_access fz_cpu_access(struct fz_cpu *c)
{
	return (struct vcpu_access){.get_regs = fz_cpu_get_regs,
				    .set_regs = fz_cpu_set_regs,
				    .get_sregs = fz_cpu_get_sregs,
				    .get_fpu = fz_cpu_get_fpu,
				    .inject_exception = fz_cpu_inject,
				    .set_sregs = fz_cpu_set_sregs,
				    .inject_fault = fz_cpu_inject_fault,
				    .end_iret_blocking = fz_cpu_end_iret_blocking,
				    .ctx = c};
}

#endif
