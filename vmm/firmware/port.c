/* The BIOS service port, a device on the VM's bus: from the trapping stub to bios_service() and
 * back. */
#include "vmm/exit.h"
#include "vmm/firmware/service.h"
#include "vmm/platform/layout.h"

#define CR0_PE	     0x1ULL
#define RFLAGS_VM    (1ULL << 17)
#define FRAME_FLAGS  4 /* the INT frame on the stack: IP, CS, FLAGS */
#define RESULT_FLAGS (BIOS_FLAG_CF | BIOS_FLAG_ZF)

/*
 * The vector whose stub holds `linear`, or -1. KVM backends differ on whether RIP has
 * already moved past the OUT when the exit reaches us, so both places are accepted.
 */
static int stub_vector(uint64_t linear)
{
	const uint64_t base = PLATFORM_BIOS_BASE + BIOS_STUB_TABLE;
	if (linear < base || linear - base >= BIOS_STUB_COUNT * BIOS_STUB_STRIDE)
		return -1;
	uint64_t off = linear - base;
	unsigned in = (unsigned)(off % BIOS_STUB_STRIDE);
	if (in != 0 && in != BIOS_STUB_OUT_LEN)
		return -1;
	return (int)(BIOS_STUB_FIRST + off / BIOS_STUB_STRIDE);
}

static void load(struct bios_regs *r, const struct kvm_regs *k, const struct kvm_sregs *s)
{
	*r = (struct bios_regs){
	    .eax = (uint32_t)k->rax,
	    .ebx = (uint32_t)k->rbx,
	    .ecx = (uint32_t)k->rcx,
	    .edx = (uint32_t)k->rdx,
	    .esi = (uint32_t)k->rsi,
	    .edi = (uint32_t)k->rdi,
	    .ebp = (uint32_t)k->rbp,
	    .ds = s->ds.selector,
	    .es = s->es.selector,
	    .ss = s->ss.selector,
	    .sp = (uint16_t)k->rsp,
	};
}

static uint64_t low32(uint64_t reg, uint32_t v)
{
	return (reg & ~0xFFFFFFFFULL) | v;
}

static void store(struct kvm_regs *k, const struct bios_regs *r)
{
	k->rax = low32(k->rax, r->eax);
	k->rbx = low32(k->rbx, r->ebx);
	k->rcx = low32(k->rcx, r->ecx);
	k->rdx = low32(k->rdx, r->edx);
	k->rsi = low32(k->rsi, r->esi);
	k->rdi = low32(k->rdi, r->edi);
	k->rbp = low32(k->rbp, r->ebp);
}

int bios_port_handle(void *ctx, struct exit_env *x, uint8_t value)
{
	(void)value; /* the stub's address names the vector; AL is the caller's */
	struct bios_env *env = ctx;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	if (!env || !x->acc.get_regs || !x->acc.get_sregs || !x->acc.set_regs)
		return exit_crash(x,
				  "BIOS service port: no BIOS or no register access for this vCPU");
	if (x->acc.get_regs(x->acc.ctx, &regs) || x->acc.get_sregs(x->acc.ctx, &sregs))
		return exit_crash(x, "BIOS service port: cannot read the vCPU's registers");
	/* Only real-mode code at a stub is a BIOS call; anything else writing 0xE7 is noise. */
	if ((sregs.cr0 & CR0_PE) || (regs.rflags & RFLAGS_VM))
		return VM_END_NONE;
	int vector = stub_vector(sregs.cs.base + regs.rip);
	if (vector < 0)
		return VM_END_NONE;

	/* SP wraps within the stack segment, byte by byte, as the CPU's IRET would see it. */
	uint16_t sp = (uint16_t)regs.rsp;
	uint8_t *lo = gmem_ptr(env->mem, sregs.ss.base + (uint16_t)(sp + FRAME_FLAGS), 1);
	uint8_t *hi = gmem_ptr(env->mem, sregs.ss.base + (uint16_t)(sp + FRAME_FLAGS + 1), 1);
	if (!lo || !hi)
		return exit_crash(
		    x,
		    "BIOS int %02xh: the caller's stack SS:SP = %04x:%04x is outside guest "
		    "RAM",
		    (unsigned)vector, sregs.ss.selector, sp);

	struct bios_regs r;
	load(&r, &regs, &sregs);
	uint16_t flags = (uint16_t)(*lo | *hi << 8);
	r.flags = flags;
	/* atomic: several vCPUs of one VM may be in the BIOS at once */
	atomic_fetch_add_explicit(&env->calls[vector - BIOS_STUB_FIRST], 1, memory_order_relaxed);
	if (bios_service(env, (unsigned)vector, &r) == BIOS_NO_BOOT)
		return exit_crash(x, "no bootable disk: %s", env->why);

	store(&regs, &r);
	if (x->acc.set_regs(x->acc.ctx, &regs))
		return exit_crash(x, "BIOS int %02xh: cannot write the vCPU's registers",
				  (unsigned)vector);
	/* Services answer in CF and ZF only; IF, TF and the rest stay the caller's. */
	flags = (uint16_t)((flags & ~RESULT_FLAGS) | (r.flags & RESULT_FLAGS));
	*lo = (uint8_t)flags;
	*hi = (uint8_t)(flags >> 8);
	return VM_END_NONE;
}

/* A one-byte OUT by a vCPU is a call; anything else there (host code, a wide or string OUT)
 * is noise the port ignores, as it ignores OUTs from outside the stubs. */
static void port_write(void *dev, struct io_ctx *ctx, uint16_t offset, unsigned size,
		       uint32_t value)
{
	(void)offset;
	if (ctx->vcpu && size == 1 && ctx->count == 1)
		ctx->end = (enum vm_end)bios_port_handle(dev, ctx->vcpu, (uint8_t)value);
}

const struct io_ops bios_port_ops = {.write_ctx = port_write};
