/* Dispatches KVM exits: port I/O to the bus, MMIO to nothing, failures to a reason, fixups in
 * place. */
#include "vmm/exit.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/errf.h"
#include "vmm/emul_fixup.h"
#include "vmm/emul_iret.h"
#include "vmm/gva.h"

#define VEC_BP 3
#define VEC_MF 16

enum vm_end exit_crash(struct exit_env *env, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(env->why, sizeof(env->why), 0, fmt, ap);
	va_end(ap);
	return VM_END_CRASH;
}

static enum vm_end do_io(struct exit_env *env, struct kvm_run *run, size_t run_size)
{
	/* Read once: the data area is in the same mapping, so an IN could rewrite these fields
	 * between the check and their use. */
	const unsigned size = run->io.size;
	const uint32_t count = run->io.count;
	const uint16_t port = run->io.port;
	const bool out = run->io.direction == KVM_EXIT_IO_OUT;
	const uint64_t offset = run->io.data_offset;
	uint64_t bytes = (uint64_t)size * count;
	if ((size != 1 && size != 2 && size != 4) || offset > run_size || bytes > run_size - offset)
		return exit_crash(env, "malformed I/O exit (port 0x%x size %u count %u)", port,
				  size, count);
	uint8_t *data = (uint8_t *)run + offset;
	/* a device may end the VM (the BIOS service port): the rest of a string OUT is dropped */
	struct io_ctx ctx = {.vcpu = env, .count = count, .end = VM_END_NONE};
	for (uint32_t i = 0; i < count && ctx.end == VM_END_NONE; i++, data += size) {
		uint32_t v = 0;
		if (out) {
			memcpy(&v, data, size);
			bus_write_ctx(env->bus, port, size, v, &ctx);
		} else {
			v = bus_read(env->bus, port, size);
			memcpy(data, &v, size);
		}
	}
	return ctx.end;
}

static enum vm_end do_mmio(struct exit_env *env, struct kvm_run *run)
{
	/* No MMIO devices outside the kernel's LAPIC/IOAPIC: reads float high, writes vanish. */
	if (!run->mmio.is_write) {
		unsigned len = run->mmio.len <= sizeof(run->mmio.data) ? run->mmio.len : 8;
		memset(run->mmio.data, 0xFF, len);
	}
	atomic_fetch_add_explicit(&env->bus->unhandled, 1, memory_order_relaxed);
	return VM_END_NONE;
}

static void format_bytes(char *out, size_t outlen, const uint8_t *b, size_t n)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < n && used + 4 < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s%02x", i ? " " : "", b[i]);
	if (n == 0)
		snprintf(out, outlen, "unreadable");
}

/* Instruction bytes from KVM when it gives them, else read through the guest's page tables. */
static size_t insn_bytes(struct exit_env *env, struct kvm_run *run, const struct kvm_sregs *s,
			 uint64_t rip, uint8_t *buf, size_t cap)
{
	const uint64_t want = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	if (run->emulation_failure.ndata >= 3 && (run->emulation_failure.flags & want) &&
	    run->emulation_failure.insn_size > 0) {
		size_t n = run->emulation_failure.insn_size;
		if (n > cap)
			n = cap;
		if (n > sizeof(run->emulation_failure.insn_bytes))
			n = sizeof(run->emulation_failure.insn_bytes);
		memcpy(buf, run->emulation_failure.insn_bytes, n);
		return n;
	}
	struct gva_ctx g = {s->cr0, s->cr3, s->cr4, s->efer};
	uint64_t linear = (s->efer & (1ULL << 10)) && s->cs.l ? rip : s->cs.base + rip;
	return gva_read(env->mem, &g, linear, buf, cap);
}

/* An IRET outside real mode: emul_iret decides, this only carries its result to the vCPU. */
static enum vm_end do_iret(struct exit_env *env, struct kvm_regs *regs, struct kvm_sregs *sregs,
			   const uint8_t *insn, size_t n)
{
	const unsigned long long rip = regs->rip;
	const unsigned cpl = sregs->ss.dpl & 3;
	struct iret_result r;
	enum iret_status st = emul_iret(insn, n, env->mem, regs, sregs, &r);
	if (st == IRET_REFUSED) {
		char hex[64];
		format_bytes(hex, sizeof(hex), insn, n > 8 ? 8 : n);
		return exit_crash(env, "cannot complete iret at RIP 0x%llx (CPL %u, bytes %s): %s",
				  rip, cpl, hex, r.why);
	}
	if (!env->acc.set_sregs || !env->acc.inject_fault || !env->acc.end_iret_blocking)
		return exit_crash(env, "cannot complete iret at RIP 0x%llx: no vCPU accessors",
				  rip);
	/* An IRET lifts NMI blocking even when it faults (the SDM's VMX chapter says so). */
	if (env->acc.end_iret_blocking(env->acc.ctx))
		return exit_crash(env, "cannot complete iret at RIP 0x%llx: NMI and shadow state",
				  rip);
	if (st == IRET_FAULT) {
		if (env->acc.inject_fault(env->acc.ctx, r.vector, r.error_code))
			return exit_crash(
			    env,
			    "cannot deliver exception %u (error code 0x%x) for iret at "
			    "RIP 0x%llx",
			    r.vector, r.error_code, rip);
		atomic_fetch_add_explicit(&env->stats.fixups, 1, memory_order_relaxed);
		return VM_END_NONE;
	}
	if (r.mark_accessed) {
		/* a locked OR, as the CPU sets the bit, so a vCPU writing the GDT loses nothing */
		uint8_t *type = gmem_ptr(env->mem, r.accessed_gpa, 1);
		if (!type)
			return exit_crash(
			    env, "cannot complete iret at RIP 0x%llx: CS descriptor not in RAM",
			    rip);
		__atomic_fetch_or(type, 1, __ATOMIC_SEQ_CST); /* guest RAM: no C11 atomic object */
	}
	if ((r.sregs_changed && env->acc.set_sregs(env->acc.ctx, sregs)) ||
	    env->acc.set_regs(env->acc.ctx, regs))
		return exit_crash(env, "cannot complete iret at RIP 0x%llx: registers not written",
				  rip);
	atomic_fetch_add_explicit(&env->stats.fixups, 1, memory_order_relaxed);
	return VM_END_NONE;
}

static enum vm_end do_emulation_failure(struct exit_env *env, struct kvm_run *run)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	if (!env->acc.get_regs || env->acc.get_regs(env->acc.ctx, &regs) ||
	    env->acc.get_sregs(env->acc.ctx, &sregs))
		return exit_crash(env,
				  "KVM internal error: emulation failure (registers unreadable)");

	uint8_t insn[15];
	size_t n = insn_bytes(env, run, &sregs, regs.rip, insn, sizeof(insn));
	if (emul_iret_match(insn, n))
		return do_iret(env, &regs, &sregs, insn, n);
	unsigned cpl = sregs.cs.selector & 3;
	struct fixup f = emul_fixup_decode(insn, n, cpl);

	if (f.kind == FIXUP_FWAIT) {
		struct kvm_fpu fpu;
		/* FSW.ES set with CR0.NE: a real CPU would raise #MF here */
		if (env->acc.get_fpu && env->acc.get_fpu(env->acc.ctx, &fpu) == 0 &&
		    (fpu.fsw & 0x80) && (sregs.cr0 & (1ULL << 5))) {
			if (env->acc.inject_exception(env->acc.ctx, VEC_MF))
				return exit_crash(env, "cannot inject #MF for fwait at 0x%llx",
						  (unsigned long long)regs.rip);
			atomic_fetch_add_explicit(&env->stats.fixups, 1, memory_order_relaxed);
			return VM_END_NONE;
		}
	}
	if (f.kind == FIXUP_NONE) {
		char hex[64];
		format_bytes(hex, sizeof(hex), insn, n > 8 ? 8 : n);
		return exit_crash(
		    env,
		    "KVM internal error: cannot emulate the instruction at RIP 0x%llx "
		    "(CPL %u, bytes %s)",
		    (unsigned long long)regs.rip, cpl, hex);
	}
	uint64_t rip = regs.rip, rflags = regs.rflags;
	emul_fixup_apply(&f, &rip, &rflags);
	regs.rip = rip;
	regs.rflags = rflags;
	if (env->acc.set_regs(env->acc.ctx, &regs))
		return exit_crash(env, "cannot complete %s at 0x%llx", f.mnemonic,
				  (unsigned long long)regs.rip);
	if (f.kind == FIXUP_INJECT_BP && env->acc.inject_exception(env->acc.ctx, VEC_BP))
		return exit_crash(env, "cannot deliver #BP for int3 at 0x%llx",
				  (unsigned long long)regs.rip);
	atomic_fetch_add_explicit(&env->stats.fixups, 1, memory_order_relaxed);
	return VM_END_NONE;
}

static enum vm_end do_internal_error(struct exit_env *env, struct kvm_run *run)
{
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
		return do_emulation_failure(env, run);
	static const char *const names[] = {
	    [KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while delivering an exception",
	    [KVM_INTERNAL_ERROR_DELIVERY_EV] = "event delivery failed",
	    [KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected hardware exit reason",
	};
	uint32_t sub = run->internal.suberror;
	const char *name =
	    sub < sizeof(names) / sizeof(names[0]) && names[sub] ? names[sub] : "unknown suberror";
	return exit_crash(env, "KVM internal error %u (%s)", sub, name);
}

static enum vm_end do_system_event(struct exit_env *env, struct kvm_run *run)
{
	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return VM_END_POWEROFF;
	case KVM_SYSTEM_EVENT_RESET:
		return VM_END_RESET;
	case KVM_SYSTEM_EVENT_CRASH:
		return exit_crash(env, "guest reported a crash (system event)");
	default:
		return exit_crash(env, "unexpected system event %u", run->system_event.type);
	}
}

enum vm_end exit_dispatch(struct exit_env *env, struct kvm_run *run, size_t run_size)
{
	atomic_fetch_add_explicit(&env->stats.total, 1, memory_order_relaxed);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		atomic_fetch_add_explicit(&env->stats.io, 1, memory_order_relaxed);
		return do_io(env, run, run_size);
	case KVM_EXIT_MMIO:
		atomic_fetch_add_explicit(&env->stats.mmio, 1, memory_order_relaxed);
		return do_mmio(env, run);
	case KVM_EXIT_INTR:
	case KVM_EXIT_IRQ_WINDOW_OPEN:
	case KVM_EXIT_HLT:
	case KVM_EXIT_DEBUG:
		atomic_fetch_add_explicit(&env->stats.other, 1, memory_order_relaxed);
		return VM_END_NONE;
	case KVM_EXIT_SHUTDOWN:
		return exit_crash(env, "triple fault (KVM_EXIT_SHUTDOWN)");
	case KVM_EXIT_FAIL_ENTRY:
		return exit_crash(
		    env, "VM entry failed (hardware reason 0x%llx)",
		    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return do_internal_error(env, run);
	case KVM_EXIT_SYSTEM_EVENT:
		return do_system_event(env, run);
	default:
		return exit_crash(env, "unexpected KVM exit reason %u", run->exit_reason);
	}
}
