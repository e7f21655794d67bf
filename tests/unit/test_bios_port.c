/* Unit tests of the BIOS service-port hook on a fake vCPU: vector from RIP, FLAGS on the stack. */
#include <errno.h>
#include <linux/kvm.h>

#include "tests/unit/test_bios_fixture.h"
#include "vmm/exit.h"

#define CS_BIOS	  0xF000
#define STACK_SEG 0x0000
#define STACK_SP  0x7000
#define FLAG_TF	  0x0100
#define FLAG_DF	  0x0400
#define CALLER_IP 0x1234
#define CALLER_CS 0x0800
#define RAX_HIGH  0xDEAD000000000000ULL

struct fake_vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int fail_get, fail_set;
	unsigned set_calls;
};

static struct bios_bench b;
static struct fake_vcpu cpu;

static int fv_get_regs(void *ctx, struct kvm_regs *r)
{
	struct fake_vcpu *f = ctx;
	*r = f->regs;
	return f->fail_get ? -EIO : 0;
}

static int fv_set_regs(void *ctx, const struct kvm_regs *r)
{
	struct fake_vcpu *f = ctx;
	f->set_calls++;
	if (f->fail_set)
		return -EIO;
	f->regs = *r;
	return 0;
}

static int fv_get_sregs(void *ctx, struct kvm_sregs *s)
{
	struct fake_vcpu *f = ctx;
	*s = f->sregs;
	return f->fail_get ? -EIO : 0;
}

static struct exit_env xenv(void)
{
	return (struct exit_env){
	    .bus = &b.bus,
	    .mem = &b.mem,
	    .acc = {.get_regs = fv_get_regs,
		    .set_regs = fv_set_regs,
		    .get_sregs = fv_get_sregs,
		    .ctx = &cpu},
	};
}

static void real_seg(struct kvm_segment *s, uint16_t sel)
{
	*s = (struct kvm_segment){.base = (uint64_t)sel << 4, .limit = 0xFFFF, .selector = sel};
}

/* The vCPU as it is inside stub `vector` after an INT from CALLER_CS:CALLER_IP. */
static void at_stub(unsigned vector, unsigned rip_delta, uint16_t ss, uint16_t sp, uint16_t flags)
{
	memset(&cpu, 0, sizeof(cpu));
	real_seg(&cpu.sregs.cs, CS_BIOS);
	real_seg(&cpu.sregs.ss, ss);
	real_seg(&cpu.sregs.ds, 0);
	real_seg(&cpu.sregs.es, 0);
	cpu.sregs.cr0 = 0x10;
	cpu.regs.rip = BIOS_STUB_TABLE + (vector - BIOS_STUB_FIRST) * BIOS_STUB_STRIDE + rip_delta;
	cpu.regs.rsp = sp;
	cpu.regs.rflags = 0x2;
	uint16_t frame[3] = {CALLER_IP, CALLER_CS, flags};
	for (unsigned i = 0; i < 3; i++) {
		uint64_t at = ((uint64_t)ss << 4) + (uint16_t)(sp + 2 * i);
		wr16(&b, at, frame[i]);
	}
}

static uint16_t frame_flags(uint16_t ss, uint16_t sp)
{
	return rd16(&b, ((uint64_t)ss << 4) + (uint16_t)(sp + 4));
}

static int handle(struct exit_env *x)
{
	return bios_port_handle(&b.env, x, 0);
}

static void setup(void)
{
	bench_open(&b, 1 * MIB_, EPOCH_2012_06_15_123000);
	cr_assert_eq(bios_install(&b.env), 0);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_port, .init = setup, .fini = teardown);

Test(bios_port, vector_from_rip_at_the_out)
{
	at_stub(0x12, 0, STACK_SEG, STACK_SP, FLAG_IF | BIOS_FLAG_CF | 0x2);
	cpu.regs.rax = RAX_HIGH | 0xFFFF;
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	cr_assert_eq(cpu.regs.rax & 0xFFFF, 639, "int 12h answered");
	cr_assert_eq(cpu.regs.rax & ~0xFFFFFFFFULL, RAX_HIGH, "upper RAX kept");
	cr_assert_eq(cpu.regs.rip, BIOS_STUB_TABLE + 2 * BIOS_STUB_STRIDE, "RIP never moved");
	cr_assert_eq(cpu.regs.rsp, STACK_SP);
	uint16_t f = frame_flags(STACK_SEG, STACK_SP);
	cr_assert_eq(f & BIOS_FLAG_CF, 0, "CF cleared in the caller's FLAGS image");
	cr_assert_eq(f & FLAG_IF, FLAG_IF, "IF kept");
	cr_assert_eq(rd16(&b, STACK_SP), CALLER_IP, "return address untouched");
}

Test(bios_port, vector_from_rip_after_the_out)
{
	at_stub(0x11, BIOS_STUB_OUT_LEN, STACK_SEG, STACK_SP, FLAG_IF | 0x2);
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	cr_assert_eq(cpu.regs.rax & 0xFFFF, rd16(&b, 0x410), "int 11h answered");
	cr_assert_eq(cpu.set_calls, 1);
}

Test(bios_port, outs_from_elsewhere_are_ignored)
{
	unsigned deltas[] = {1, 3, 7};
	for (unsigned i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		at_stub(0x12, deltas[i], STACK_SEG, STACK_SP, FLAG_IF | BIOS_FLAG_CF);
		struct exit_env x = xenv();
		cr_assert_eq(handle(&x), VM_END_NONE);
		cr_assert_eq(cpu.set_calls, 0, "delta %u", deltas[i]);
		cr_assert(frame_flags(STACK_SEG, STACK_SP) & BIOS_FLAG_CF);
	}
	uint64_t rips[] = {0, BIOS_STUB_TABLE - BIOS_STUB_STRIDE,
			   BIOS_STUB_TABLE + BIOS_STUB_COUNT * BIOS_STUB_STRIDE, 0xFFFF};
	for (unsigned i = 0; i < sizeof(rips) / sizeof(rips[0]); i++) {
		at_stub(0x10, 0, STACK_SEG, STACK_SP, FLAG_IF);
		cpu.regs.rip = rips[i];
		struct exit_env x = xenv();
		cr_assert_eq(handle(&x), VM_END_NONE);
		cr_assert_eq(cpu.set_calls, 0, "rip %llx", (unsigned long long)rips[i]);
	}
	at_stub(0x10, 0, STACK_SEG, STACK_SP, FLAG_IF);
	real_seg(&cpu.sregs.cs, 0x1000); /* same IP, another segment */
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	cr_assert_eq(cpu.set_calls, 0);
}

Test(bios_port, protected_mode_outs_are_ignored)
{
	at_stub(0x12, 0, STACK_SEG, STACK_SP, FLAG_IF);
	cpu.sregs.cr0 |= 1;
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	cr_assert_eq(cpu.set_calls, 0);
}

Test(bios_port, failure_sets_cf_and_only_result_flags_change)
{
	uint16_t before = FLAG_IF | FLAG_TF | FLAG_DF | BIOS_FLAG_ZF | 0x2;
	at_stub(0x13, 0, STACK_SEG, STACK_SP, before);
	cpu.regs.rax = 0x4B01;
	cpu.regs.rdx = 0x80;
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	uint16_t f = frame_flags(STACK_SEG, STACK_SP);
	cr_assert_eq(f, before | BIOS_FLAG_CF, "flags %04x", f);
	cr_assert_eq((cpu.regs.rax >> 8) & 0xFF, 1);
}

Test(bios_port, keyboard_answers_in_zf)
{
	at_stub(0x16, 0, STACK_SEG, STACK_SP, FLAG_IF | 0x2);
	cpu.regs.rax = 0x0100;
	struct exit_env x = xenv();
	handle(&x);
	cr_assert(frame_flags(STACK_SEG, STACK_SP) & BIOS_FLAG_ZF, "no key");
	cr_assert_eq(uart_receive(&b.uart, (const uint8_t *)"y", 1), 1);
	at_stub(0x16, 0, STACK_SEG, STACK_SP, FLAG_IF | BIOS_FLAG_ZF | 0x2);
	cpu.regs.rax = 0x0000;
	x = xenv();
	handle(&x);
	cr_assert_not(frame_flags(STACK_SEG, STACK_SP) & BIOS_FLAG_ZF);
	cr_assert_eq(cpu.regs.rax & 0xFFFF, 0x1579);
}

Test(bios_port, stack_pointer_wraps_in_its_segment)
{
	at_stub(0x12, 0, 0x2000, 0xFFFC, FLAG_IF | BIOS_FLAG_CF | 0x2);
	cr_assert_eq(frame_flags(0x2000, 0xFFFC), FLAG_IF | BIOS_FLAG_CF | 0x2);
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	cr_assert_eq(rd16(&b, 0x20000), FLAG_IF | 0x2, "FLAGS at SS:0000 after the wrap");
}

Test(bios_port, stack_outside_ram_ends_the_vm)
{
	at_stub(0x12, 0, STACK_SEG, STACK_SP, FLAG_IF);
	real_seg(&cpu.sregs.ss, 0xFFFF);
	cpu.regs.rsp = 0x0200; /* FFFF:0204 = 0x100194, past 1 MiB of RAM */
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_CRASH);
	cr_assert_not_null(strstr(x.why, "stack"), "%s", x.why);
	cr_assert_not_null(strstr(x.why, "ffff:0200"), "%s", x.why);
	cr_assert_eq(cpu.set_calls, 0);
}

Test(bios_port, no_bootable_disk_ends_the_vm)
{
	bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	b.env.boot_drive = 0x80;
	at_stub(0x19, 0, STACK_SEG, STACK_SP, FLAG_IF);
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_CRASH);
	cr_assert_eq(strncmp(x.why, "no bootable disk", 16), 0, "%s", x.why);
	cr_assert_not_null(strstr(x.why, "0x80"), "%s", x.why);
	cr_assert_not_null(strstr(x.why, "signature"), "%s", x.why);
}

Test(bios_port, int19_sets_the_boot_registers)
{
	struct disk *d = bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	d->map[510] = 0x55;
	d->map[511] = 0xAA;
	b.env.boot_drive = 0x80;
	at_stub(0x19, 0, STACK_SEG, STACK_SP, FLAG_IF);
	cpu.regs.rbx = cpu.regs.rsi = 0x1111;
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_NONE);
	cr_assert_eq(cpu.regs.rdx & 0xFF, 0x80);
	cr_assert_eq(cpu.regs.rbx | cpu.regs.rsi, 0);
	cr_assert_eq(memcmp(gp(&b, 0x7C00, 512), d->map, 512), 0);
}

Test(bios_port, unreadable_registers_end_the_vm)
{
	at_stub(0x12, 0, STACK_SEG, STACK_SP, FLAG_IF);
	cpu.fail_get = 1;
	struct exit_env x = xenv();
	cr_assert_eq(handle(&x), VM_END_CRASH);
	cr_assert_neq(x.why[0], 0);
	at_stub(0x12, 0, STACK_SEG, STACK_SP, FLAG_IF);
	cpu.fail_set = 1;
	x = xenv();
	cr_assert_eq(handle(&x), VM_END_CRASH);
}

/* The port as a bus device, called by the exit dispatcher from a synthetic KVM_EXIT_IO. */
Test(bios_port, through_the_exit_dispatcher)
{
	cr_assert_eq(
	    bus_register(&b.bus, BIOS_SERVICE_PORT, 1, &bios_port_ops, &b.env, "bios-service"), 0);
	at_stub(0x12, 0, STACK_SEG, STACK_SP, FLAG_IF | BIOS_FLAG_CF | 0x2);
	uint8_t page[4096] __attribute__((aligned(8)));
	memset(page, 0, sizeof(page));
	struct kvm_run *run = (struct kvm_run *)page;
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.size = 1;
	run->io.port = BIOS_SERVICE_PORT;
	run->io.count = 1;
	run->io.data_offset = 1024;
	page[1024] = 0x12;
	struct exit_env x = xenv();
	cr_assert_eq(exit_dispatch(&x, run, sizeof(page)), VM_END_NONE);
	cr_assert_eq(cpu.regs.rax & 0xFFFF, 639);
	cr_assert_eq(frame_flags(STACK_SEG, STACK_SP) & BIOS_FLAG_CF, 0);
	/* a string OUT there is not a call: registers untouched */
	cpu.regs.rax = 0;
	run->io.count = 2;
	cr_assert_eq(exit_dispatch(&x, run, sizeof(page)), VM_END_NONE);
	cr_assert_eq(cpu.regs.rax, 0);
}
