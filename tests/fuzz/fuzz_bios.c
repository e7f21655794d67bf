/* libFuzzer harness: the BIOS services (int 10h-1Ah) with arbitrary registers, guest memory and
 * disks, directly and through the service port's exit hook. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/rtc.h"
#include "devices/sysport.h"
#include "devices/uart.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"
#include "vmm/exit.h"
#include "vmm/firmware/bios.h"
#include "vmm/platform/layout.h"

/* The vCPU the exit hook sees: registers from the input, written back in place. */
struct fake_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	bool fail_get, fail_set;
};

static int get_regs(void *ctx, struct kvm_regs *r)
{
	struct fake_cpu *c = ctx;
	*r = c->regs;
	return c->fail_get ? -EIO : 0;
}

static int set_regs(void *ctx, const struct kvm_regs *r)
{
	struct fake_cpu *c = ctx;
	c->regs = *r;
	return c->fail_set ? -EIO : 0;
}

static int get_sregs(void *ctx, struct kvm_sregs *s)
{
	*s = ((struct fake_cpu *)ctx)->sregs;
	return 0;
}

static void load_regs(struct fz *in, struct bios_regs *r)
{
	*r = (struct bios_regs){.eax = fz_u32(in),
				.ebx = fz_u32(in),
				.ecx = fz_u32(in),
				.edx = fz_u32(in),
				.esi = fz_u32(in),
				.edi = fz_u32(in),
				.ebp = fz_u32(in),
				.ds = fz_u16(in),
				.es = fz_u16(in),
				.ss = fz_u16(in),
				.sp = fz_u16(in),
				.flags = fz_u16(in)};
}

/* One call through the service port, as the stub's OUT would make it. */
static void port_call(struct fz *in, struct bios_env *env, struct guest_mem *mem)
{
	struct fake_cpu cpu = {0};
	uint8_t how = fz_u8(in);
	struct bios_regs r;
	load_regs(in, &r);
	cpu.regs = (struct kvm_regs){.rax = r.eax,
				     .rbx = r.ebx,
				     .rcx = r.ecx,
				     .rdx = r.edx,
				     .rsi = r.esi,
				     .rdi = r.edi,
				     .rbp = r.ebp,
				     .rsp = r.sp,
				     .rflags = how & 0x80 ? 1u << 17 : 0x202};
	/* RIP at a stub (before or after its OUT), or anywhere */
	unsigned stub = fz_u8(in);
	cpu.regs.rip = how & 0x40
			   ? fz_u32(in)
			   : BIOS_STUB_TABLE + (stub % (BIOS_STUB_COUNT + 1)) * BIOS_STUB_STRIDE +
				 (how & 0x20 ? BIOS_STUB_OUT_LEN : 0);
	cpu.sregs.cs.base = how & 0x10 ? fz_u32(in) : PLATFORM_BIOS_BASE;
	cpu.sregs.cs.selector = (uint16_t)(cpu.sregs.cs.base >> 4);
	cpu.sregs.ss.selector = r.ss;
	/* the stack's base as real mode makes it, or near the end of RAM */
	cpu.sregs.ss.base = how & 0x08 ? gmem_top(mem) - fz_u16(in) : (uint64_t)r.ss << 4;
	cpu.sregs.ds.selector = r.ds;
	cpu.sregs.es.selector = r.es;
	cpu.sregs.cr0 = how & 0x04 ? 1 : 0x60000010;
	cpu.fail_get = (how & 3) == 3 && (stub & 1);
	cpu.fail_set = (how & 3) == 3 && (stub & 2);
	struct exit_env x = {
	    .mem = mem,
	    .acc = {
		.get_regs = get_regs, .set_regs = set_regs, .get_sregs = get_sregs, .ctx = &cpu}};
	int action = bios_port_handle(env, &x, fz_u8(in));
	if (action != VM_END_NONE && action != VM_END_CRASH)
		abort();
	if (action == VM_END_CRASH && !x.why[0])
		abort(); /* a VM that ends must say why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	uint8_t sel = fz_u8(&in);
	struct guest_mem mem;
	if (fz_ram(&mem, sel))
		abort();
	struct vclock vc;
	vclock_init(&vc, 1339804798);
	struct fake_irq rtc_irq, uart_irq;
	struct fake_sink uart_out, console;
	struct fake_stopper stop;
	struct rtc rtc;
	struct uart uart;
	struct sysport sys;
	struct rtc_config rc = {.irq = fake_irq_line(&rtc_irq, 8),
				.timers = &vc.base,
				.ram_low_bytes = mem.regions[0].size,
				.ram_high_bytes = mem.ram_size - mem.regions[0].size};
	struct uart_config uc = {.irq = fake_irq_line(&uart_irq, 4),
				 .out = fake_sink_of(&uart_out)};
	struct sysport_config sc = {.stopper = fake_stopper_of(&stop)};
	if (rtc_init(&rtc, &rc) || uart_init(&uart, &uc) || sysport_init(&sys, &sc))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	bus_register(&bus, 0x70, 2, &rtc_io_ops, &rtc, "rtc");
	bus_register(&bus, 0x3F8, 8, &uart_io_ops, &uart, "com1");
	bus_register(&bus, 0x92, 1, &sysport_92_io_ops, &sys, "92");

	/* disks with input bytes in front: a floppy and two hard disks, opened once (disk_open
	 * per input would be most of the time; fuzz_disk covers sizes and opening) */
	static struct disk fd, hd[2];
	if (!fd.map && (fz_disk_open(&fd, NULL, 0, 1474560, DISK_FLOPPY, DISK_SNAPSHOT) ||
			fz_disk_open(&hd[0], NULL, 0, 20000 * 512, DISK_HARD, DISK_SNAPSHOT) ||
			fz_disk_open(&hd[1], NULL, 0, 7 * 512, DISK_HARD, DISK_READONLY)))
		abort();
	uint8_t disks = fz_u8(&in);
	fz_bytes(&in, fd.map, (disks & 0x30) * 32u);
	fz_bytes(&in, hd[0].map, (disks & 0xC0) * 8u);
	/* int 15h AH=86h waits end at once, as in a VM being stopped */
	_Atomic bool stopping = true;
	struct bios_env env = {.mem = &mem,
			       .bus = &bus,
			       .floppy = disks & 1 ? &fd : NULL,
			       .hard = {disks & 2 ? &hd[0] : NULL, disks & 6 ? &hd[1] : NULL},
			       .console = fake_sink_of(&console),
			       .boot_drive = fz_u8(&in),
			       .stopping = &stopping};
	e820_build(&env.e820, &mem);
	(void)bios_install(&env); /* too little RAM is refused; the services must cope anyway */
	fz_fill_ram(&in, &mem, fz_u8(&in) % 16);
	if (sel & 0x80) {
		struct bios_entry entry;
		(void)bios_boot(&env, &entry);
	}
	for (unsigned calls = 0; calls < 64 && !fz_empty(&in); calls++) {
		uint8_t how = fz_u8(&in);
		if (how & 1) {
			port_call(&in, &env, &mem);
			continue;
		}
		unsigned vector =
		    how & 2 ? fz_u8(&in) : BIOS_STUB_FIRST + fz_u8(&in) % BIOS_STUB_COUNT;
		struct bios_regs r;
		load_regs(&in, &r);
		enum bios_outcome o = bios_service(&env, vector, &r);
		if (o != BIOS_CONTINUE && o != BIOS_NO_BOOT)
			abort();
		if (how & 4)
			vclock_advance(&vc, (uint64_t)fz_u16(&in) << 10);
		if (how & 8) { /* the host types on the serial line between calls */
			uint8_t c[4];
			(void)uart_receive(&uart, c, fz_bytes(&in, c, sizeof(c)));
		}
	}
	sysport_destroy(&sys);
	uart_destroy(&uart);
	rtc_destroy(&rtc);
	gmem_free(&mem);
	return 0;
}
