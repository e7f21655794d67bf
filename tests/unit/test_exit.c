/* Unit tests of the exit dispatcher on hand-built kvm_run structures and a fake vCPU. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/emul_fixup.h"
#include "vmm/emul_iret.h"
#include "vmm/exit.h"

#define RUN_SIZE 4096

struct fake_dev {
	uint8_t out[64];
	unsigned nout;
	uint32_t in_value;
};

static uint32_t dev_read(void *d, uint16_t off, unsigned size)
{
	(void)off;
	(void)size;
	return ((struct fake_dev *)d)->in_value;
}

static void dev_write(void *d, uint16_t off, unsigned size, uint32_t v)
{
	(void)off;
	(void)size;
	struct fake_dev *f = d;
	if (f->nout < sizeof(f->out))
		f->out[f->nout++] = (uint8_t)v;
}

static const struct io_ops dev_ops = {dev_read, dev_write};

struct fake_vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	int injected;
	unsigned vector;
	int set_regs_calls, set_sregs_calls, unblock_calls, faults;
	unsigned fault_vector;
	uint32_t fault_code;
	int fail_set_sregs;
};

static int f_get_regs(void *c, struct kvm_regs *r)
{
	*r = ((struct fake_vcpu *)c)->regs;
	return 0;
}
static int f_set_regs(void *c, const struct kvm_regs *r)
{
	((struct fake_vcpu *)c)->regs = *r;
	((struct fake_vcpu *)c)->set_regs_calls++;
	return 0;
}
static int f_set_sregs(void *c, const struct kvm_sregs *s)
{
	struct fake_vcpu *f = c;
	if (f->fail_set_sregs)
		return -22;
	f->sregs = *s;
	f->set_sregs_calls++;
	return 0;
}
static int f_inject_fault(void *c, unsigned v, uint32_t code)
{
	struct fake_vcpu *f = c;
	f->faults++;
	f->fault_vector = v;
	f->fault_code = code;
	return 0;
}
static int f_end_iret_blocking(void *c)
{
	((struct fake_vcpu *)c)->unblock_calls++;
	return 0;
}
static int f_get_sregs(void *c, struct kvm_sregs *s)
{
	*s = ((struct fake_vcpu *)c)->sregs;
	return 0;
}
static int f_get_fpu(void *c, struct kvm_fpu *f)
{
	*f = ((struct fake_vcpu *)c)->fpu;
	return 0;
}
static int f_inject(void *c, unsigned v)
{
	struct fake_vcpu *f = c;
	f->injected++;
	f->vector = v;
	return 0;
}

static struct io_bus bus;
static struct fake_dev dev;
static struct fake_vcpu cpu;
static struct guest_mem mem;
static uint8_t ram[1 << 20];
static struct exit_env env;
static struct kvm_run *run;

static void setup(void)
{
	bus_init(&bus);
	memset(&dev, 0, sizeof(dev));
	cr_assert_eq(bus_register(&bus, 0x3F8, 8, &dev_ops, &dev, "dev"), 0);
	memset(&cpu, 0, sizeof(cpu));
	memset(ram, 0, sizeof(ram));
	gmem_layout(&mem, ram, sizeof(ram));
	memset(&env, 0, sizeof(env));
	env.bus = &bus;
	env.mem = &mem;
	env.acc = (struct vcpu_access){.get_regs = f_get_regs,
				       .set_regs = f_set_regs,
				       .get_sregs = f_get_sregs,
				       .get_fpu = f_get_fpu,
				       .inject_exception = f_inject,
				       .set_sregs = f_set_sregs,
				       .inject_fault = f_inject_fault,
				       .end_iret_blocking = f_end_iret_blocking,
				       .ctx = &cpu};
	run = calloc(1, RUN_SIZE);
}

static void teardown(void)
{
	free(run);
}

TestSuite(exit_dispatch, .init = setup, .fini = teardown);

static void io_exit(uint8_t dir, uint16_t port, uint8_t size, uint32_t count, uint64_t off)
{
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = off;
}

Test(exit_dispatch, string_out_reaches_the_device_byte_by_byte)
{
	io_exit(KVM_EXIT_IO_OUT, 0x3F8, 1, 5, 1024);
	memcpy((uint8_t *)run + 1024, "hello", 5);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(dev.nout, 5);
	cr_assert_arr_eq(dev.out, "hello", 5);
	cr_assert_eq(env.stats.io, 1);
}

Test(exit_dispatch, in_fills_the_data_area)
{
	dev.in_value = 0x60;
	io_exit(KVM_EXIT_IO_IN, 0x3FD, 1, 1, 512);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(((uint8_t *)run)[512], 0x60);
	io_exit(KVM_EXIT_IO_IN, 0x80, 2, 1, 512);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	uint16_t v;
	memcpy(&v, (uint8_t *)run + 512, 2);
	cr_assert_eq(v, 0xFFFF, "nobody at 0x80 here: the bus floats high");
}

Test(exit_dispatch, io_data_outside_the_run_page_is_refused)
{
	io_exit(KVM_EXIT_IO_OUT, 0x3F8, 1, 100, RUN_SIZE - 10);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert_eq(dev.nout, 0);
	io_exit(KVM_EXIT_IO_OUT, 0x3F8, 3, 1, 512);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH,
		     "size 3 is not an x86 access");
	io_exit(KVM_EXIT_IO_OUT, 0x3F8, 4, 0x40000001u, 512);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH, "count * size overflow");
}

/* A data area over the io header must not let an IN rewrite the count it was checked with. */
Test(exit_dispatch, in_data_cannot_raise_the_checked_count)
{
	dev.in_value = 0x08;
	io_exit(KVM_EXIT_IO_IN, 0x3F8, 1, 4, offsetof(struct kvm_run, io.count));
	((uint8_t *)run)[100] = 0xAA;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(((uint8_t *)run)[100], 0xAA, "only count * size bytes may be written");
}

Test(exit_dispatch, mmio_reads_float_high)
{
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.is_write = 0;
	run->mmio.len = 4;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(run->mmio.data[0], 0xFF);
	cr_assert_eq(run->mmio.data[3], 0xFF);
}

Test(exit_dispatch, triple_fault_and_failed_entry_end_the_vm)
{
	run->exit_reason = KVM_EXIT_SHUTDOWN;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert(strstr(env.why, "triple fault"), "%s", env.why);
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = 0x21;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert(strstr(env.why, "entry failed") && strstr(env.why, "0x21"), "%s", env.why);
	run->exit_reason = 0x7777;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
}

Test(exit_dispatch, system_events)
{
	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run->system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_POWEROFF);
	run->system_event.type = KVM_SYSTEM_EVENT_RESET;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_RESET);
}

/* An emulation failure whose instruction bytes KVM reports in the exit. */
static void emul_failure(const uint8_t *bytes, unsigned n)
{
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 3;
	run->emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = (uint8_t)n;
	memcpy(run->emulation_failure.insn_bytes, bytes, n);
}

Test(exit_dispatch, fwait_is_stepped_over)
{
	cpu.regs.rip = 0x1000;
	emul_failure((const uint8_t[]){0x9B, 0x90}, 2);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(cpu.regs.rip, 0x1001);
	cr_assert_eq(cpu.injected, 0);
	cr_assert_eq(env.stats.fixups, 1);
}

Test(exit_dispatch, fwait_with_a_pending_x87_exception_raises_mf)
{
	cpu.regs.rip = 0x1000;
	cpu.fpu.fsw = 0x80;
	cpu.sregs.cr0 = 0x21; /* PE | NE */
	emul_failure((const uint8_t[]){0x9B}, 1);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(cpu.injected, 1);
	cr_assert_eq(cpu.vector, 16);
	cr_assert_eq(cpu.regs.rip, 0x1000, "a fault leaves RIP on the instruction");
}

Test(exit_dispatch, int3_delivers_bp_after_the_instruction)
{
	cpu.regs.rip = 0x2000;
	emul_failure((const uint8_t[]){0xCC}, 1);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(cpu.regs.rip, 0x2001);
	cr_assert_eq(cpu.injected, 1);
	cr_assert_eq(cpu.vector, 3);
}

Test(exit_dispatch, stac_and_clac_flip_ac_at_cpl0_only)
{
	cpu.regs.rip = 0x3000;
	cpu.regs.rflags = 0x2;
	emul_failure((const uint8_t[]){0x0F, 0x01, 0xCB}, 3);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(cpu.regs.rflags, 0x2 | RFLAGS_AC);
	cr_assert_eq(cpu.regs.rip, 0x3003);
	emul_failure((const uint8_t[]){0x0F, 0x01, 0xCA}, 3);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(cpu.regs.rflags, 0x2);
	cpu.sregs.cs.selector = 0x33; /* CPL 3 */
	emul_failure((const uint8_t[]){0x0F, 0x01, 0xCA}, 3);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
}

Test(exit_dispatch, other_instructions_stop_with_rip_and_bytes)
{
	cpu.regs.rip = 0xdead0;
	emul_failure((const uint8_t[]){0x0F, 0xAE, 0x2F}, 3); /* xrstor */
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert(strstr(env.why, "0xdead0"), "%s", env.why);
	cr_assert(strstr(env.why, "0f ae 2f"), "%s", env.why);
}

Test(exit_dispatch, instruction_bytes_are_read_from_guest_memory_when_kvm_has_none)
{
	/* real mode: linear = CS.base + RIP */
	cpu.sregs.cs.base = 0x10000;
	cpu.regs.rip = 0x234;
	ram[0x10234] = 0x9B;
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 0;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(cpu.regs.rip, 0x235);
}

Test(exit_dispatch, other_internal_errors_are_named)
{
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_DELIVERY_EV;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert(strstr(env.why, "delivery"), "%s", env.why);
	run->internal.suberror = 999;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
}

Test(emul_fixup, decode_is_exact)
{
	cr_assert_eq(emul_fixup_decode((const uint8_t[]){0x9B}, 1, 0).kind, FIXUP_FWAIT);
	cr_assert_eq(emul_fixup_decode((const uint8_t[]){0xCC}, 1, 0).kind, FIXUP_INJECT_BP);
	cr_assert_eq(emul_fixup_decode((const uint8_t[]){0x0F, 0x01}, 2, 0).kind, FIXUP_NONE,
		     "truncated stac");
	cr_assert_eq(emul_fixup_decode((const uint8_t[]){0x66, 0x9B}, 2, 0).kind, FIXUP_NONE,
		     "prefixes are not guessed at");
	cr_assert_eq(emul_fixup_decode(NULL, 0, 0).kind, FIXUP_NONE);
	cr_assert_eq(emul_fixup_decode((const uint8_t[]){0xDD, 0xD8}, 2, 0).kind, FIXUP_NONE,
		     "x87 arithmetic is not faked");
}

static int svc_calls;
static uint8_t svc_value;
static uint32_t svc_count;
static struct exit_env *svc_vcpu;

/* A device that needs the accessing vCPU (as the BIOS service port does): it sees the vCPU's
 * exit context, and a value of 0xEE asks the VM to end. */
static void ctx_write(void *d, struct io_ctx *ctx, uint16_t offset, unsigned size, uint32_t v)
{
	(void)d;
	(void)offset;
	(void)size;
	svc_calls++;
	svc_value = (uint8_t)v;
	svc_count = ctx->count;
	svc_vcpu = ctx->vcpu;
	if (v == 0xEE && ctx->vcpu) {
		snprintf(svc_vcpu->why, sizeof(svc_vcpu->why), "service said stop");
		ctx->end = VM_END_CRASH;
	}
}

static const struct io_ops ctx_ops = {.write_ctx = ctx_write};

Test(exit_dispatch, a_device_sees_the_accessing_vcpu_and_may_end_the_vm)
{
	svc_calls = 0;
	cr_assert_eq(bus_register(&bus, 0xE7, 1, &ctx_ops, NULL, "svc"), 0);
	io_exit(KVM_EXIT_IO_OUT, 0xE7, 1, 1, 512);
	((uint8_t *)run)[512] = 0x13;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE);
	cr_assert_eq(svc_calls, 1);
	cr_assert_eq(svc_value, 0x13);
	cr_assert_eq(svc_count, 1);
	cr_assert_eq(svc_vcpu, &env, "the device got this vCPU's exit context");
	cr_assert_eq(dev.nout, 0, "no other device saw it");
	((uint8_t *)run)[512] = 0xEE;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert_str_eq(env.why, "service said stop");
	/* a string OUT that ends the VM on its second byte: the third never reaches the device */
	svc_calls = 0;
	io_exit(KVM_EXIT_IO_OUT, 0xE7, 1, 3, 512);
	memcpy((uint8_t *)run + 512, "\x01\xEE\x02", 3);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert_eq(svc_calls, 2);
	cr_assert_eq(svc_count, 3, "the device is told the instruction's count");
	/* host code writing the port makes a call with no vCPU, which cannot end anything */
	svc_calls = 0;
	bus_write(&bus, 0xE7, 1, 0xEE);
	cr_assert_eq(svc_calls, 1);
	cr_assert_null(svc_vcpu);
}

/* A 32-bit protected-mode vCPU at CPL 0 in an interrupt handler, as kvm_pvm leaves it when
 * its emulator gives up on the handler's IRET: flat code 0x08 and data 0x10, and a 16-bit
 * code segment 0x18 at 0x10000 whose accessed bit is still clear. */
static void pm32_in_handler(void)
{
	memcpy(ram + 0x1000 + 0x08, "\xFF\xFF\x00\x00\x00\x9B\xCF\x00", 8);
	memcpy(ram + 0x1000 + 0x10, "\xFF\xFF\x00\x00\x00\x93\xCF\x00", 8);
	memcpy(ram + 0x1000 + 0x18, "\xFF\xFF\x00\x00\x01\x9A\x00\x00", 8);
	memcpy(ram + 0x1000 + 0x20, "\xFF\xFF\x00\x00\x00\xFB\xCF\x00", 8);
	struct kvm_segment flat = {.limit = 0xFFFFFFFF, .present = 1, .db = 1, .s = 1, .g = 1};
	cpu.sregs.cr0 = 0x11;
	cpu.sregs.cs = flat;
	cpu.sregs.cs.selector = 0x08;
	cpu.sregs.cs.type = 0xB;
	cpu.sregs.ss = flat;
	cpu.sregs.ss.selector = 0x10;
	cpu.sregs.ss.type = 3;
	cpu.sregs.gdt.base = 0x1000;
	cpu.sregs.gdt.limit = 0x27;
	cpu.regs.rip = 0x100268;
	cpu.regs.rsp = 0x7FF4;
	cpu.regs.rflags = 0x2;
}

static void stack_frame(uint32_t eip, uint32_t cs, uint32_t eflags)
{
	memcpy(ram + 0x7FF4, &eip, 4);
	memcpy(ram + 0x7FF8, &cs, 4);
	memcpy(ram + 0x7FFC, &eflags, 4);
}

Test(exit_dispatch, iret_to_the_same_code_segment_writes_only_regs)
{
	pm32_in_handler();
	stack_frame(0x100400, 0x08, 0x246);
	emul_failure((const uint8_t[]){0xCF, 0x90}, 2);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE, "%s", env.why);
	cr_assert_eq(cpu.regs.rip, 0x100400);
	cr_assert_eq(cpu.regs.rsp, 0x8000);
	cr_assert_eq(cpu.regs.rflags, 0x246, "IF back on");
	cr_assert_eq(cpu.set_regs_calls, 1);
	cr_assert_eq(cpu.set_sregs_calls, 0, "CS unchanged: no KVM_SET_SREGS");
	cr_assert_eq(cpu.unblock_calls, 1, "IRET ends NMI blocking");
	cr_assert_eq(cpu.faults + cpu.injected, 0);
	cr_assert_eq(env.stats.fixups, 1);
}

Test(exit_dispatch, iret_to_another_code_segment_writes_sregs_and_the_accessed_bit)
{
	pm32_in_handler();
	memcpy(ram + 0x7FF4 - 2, "\x34\x12\x18\x00\x03\x02", 6); /* IP, CS, FLAGS */
	cpu.regs.rsp = 0x7FF2;
	emul_failure((const uint8_t[]){0x66, 0xCF}, 2);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE, "%s", env.why);
	cr_assert_eq(cpu.regs.rip, 0x1234);
	cr_assert_eq(cpu.regs.rsp, 0x7FF8);
	cr_assert_eq(cpu.regs.rflags, 0x203);
	cr_assert_eq(cpu.set_sregs_calls, 1);
	cr_assert_eq(cpu.sregs.cs.selector, 0x18);
	cr_assert_eq(cpu.sregs.cs.base, 0x10000);
	cr_assert_eq(cpu.sregs.cs.limit, 0xFFFF);
	cr_assert_eq(cpu.sregs.cs.db, 0);
	cr_assert_eq(cpu.sregs.cs.type, 0xB);
	cr_assert_eq(cpu.sregs.ss.selector, 0x10, "the rest of sregs written back as read");
	cr_assert_eq(cpu.sregs.gdt.base, 0x1000);
	cr_assert_eq(ram[0x1000 + 0x18 + 5], 0x9B, "the guest's descriptor is now accessed");
	cr_assert_eq(env.stats.fixups, 1);
}

Test(exit_dispatch, iret_bytes_are_read_at_cs_base_plus_eip_when_kvm_has_none)
{
	pm32_in_handler();
	cpu.sregs.cs.base = 0x10000;
	cpu.sregs.cs.limit = 0xFFFF;
	cpu.regs.rip = 0x234;
	ram[0x10234] = 0xCF;
	stack_frame(0x300, 0x08, 0x2);
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 0;
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE, "%s", env.why);
	cr_assert_eq(cpu.regs.rip, 0x300);
	cr_assert_eq(cpu.sregs.cs.base, 0, "flat CS 0x08 loaded");
	cr_assert_eq(cpu.set_sregs_calls, 1);
}

Test(exit_dispatch, an_iret_fault_is_injected_with_its_error_code)
{
	pm32_in_handler();
	ram[0x1000 + 0x18 + 5] = 0x1A; /* not present */
	stack_frame(0x100, 0x18, 0x2);
	emul_failure((const uint8_t[]){0xCF}, 1);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_NONE, "%s", env.why);
	cr_assert_eq(cpu.faults, 1);
	cr_assert_eq(cpu.fault_vector, 11, "#NP");
	cr_assert_eq(cpu.fault_code, 0x18);
	cr_assert_eq(cpu.regs.rip, 0x100268, "a fault leaves RIP on the IRET");
	cr_assert_eq(cpu.regs.rsp, 0x7FF4);
	cr_assert_eq(cpu.set_regs_calls + cpu.set_sregs_calls, 0);
	cr_assert_eq(cpu.unblock_calls, 1, "even a faulting IRET ends NMI blocking");
	cr_assert_eq(env.stats.fixups, 1);
}

Test(exit_dispatch, an_iret_refusal_stops_the_vm_with_rip_bytes_and_reason)
{
	pm32_in_handler();
	stack_frame(0x100, 0x23, 0x202); /* to ring 3 */
	emul_failure((const uint8_t[]){0xCF, 0xFA, 0xF4}, 3);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert_str_eq(
	    env.why, "cannot complete iret at RIP 0x100268 (CPL 0, bytes cf fa f4): a return to "
		     "an outer privilege level (CPL 0 to 3) is not implemented");
	cr_assert_eq(cpu.set_regs_calls + cpu.set_sregs_calls + cpu.unblock_calls, 0);
	cr_assert_eq(env.stats.fixups, 0);
}

Test(exit_dispatch, iret_in_long_mode_stays_kvms_and_stops_the_vm)
{
	pm32_in_handler();
	cpu.sregs.efer = 0x500;
	emul_failure((const uint8_t[]){0xCF}, 1);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert(strstr(env.why, "long mode"), "%s", env.why);
}

Test(exit_dispatch, iret_stops_the_vm_when_sregs_cannot_be_written)
{
	pm32_in_handler();
	stack_frame(0x100, 0x18, 0x2);
	cpu.fail_set_sregs = 1;
	emul_failure((const uint8_t[]){0xCF}, 1);
	cr_assert_eq(exit_dispatch(&env, run, RUN_SIZE), VM_END_CRASH);
	cr_assert(strstr(env.why, "cannot complete iret at RIP 0x100268"), "%s", env.why);
	cr_assert_eq(cpu.set_regs_calls, 0, "no half-done IRET");
}
