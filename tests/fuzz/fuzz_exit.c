/* libFuzzer harness: the exit dispatcher on any kvm_run a (possibly broken or hostile) KVM and
 * guest could leave, with the emulation fixups and the page walker behind it. */
#include <stdlib.h>

#include "devices/uart.h"
#include "tests/fuzz/cpu.h"
#include "tests/support/fakes.h"
#include "vmm/gva.h"

/* The size KVM maps kvm_run with on x86 (three pages: the run, the PIO data page, more). */
#define RUN_PAGES 3

/* A device that needs the accessing vCPU, as the BIOS service port does: even values end it. */
static void service(void *dev, struct io_ctx *ctx, uint16_t offset, unsigned size, uint32_t value)
{
	(void)dev;
	(void)offset;
	(void)size;
	if (ctx->vcpu && !(value & 1))
		ctx->end = VM_END_POWEROFF;
}

static const struct io_ops service_ops = {.write_ctx = service};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	static uint8_t page[RUN_PAGES * 4096] __attribute__((aligned(4096)));
	struct guest_mem mem;
	uint8_t ram = fz_u8(&in);
	if (fz_ram(&mem, ram))
		abort();
	struct fz_cpu c;
	fz_cpu_load(&in, &c);
	fz_fill_ram(&in, &mem, 48);

	struct fake_irq irq;
	struct fake_sink out;
	struct uart u;
	struct uart_config uc = {.irq = fake_irq_line(&irq, 4), .out = fake_sink_of(&out)};
	if (uart_init(&u, &uc))
		abort();
	struct exit_env env = {.mem = &mem, .acc = fz_cpu_access(&c)};
	struct io_bus bus;
	bus_init(&bus);
	bus_register(&bus, 0x3F8, UART_PORT_COUNT, &uart_io_ops, &u, "com1");
	env.bus = &bus;
	if (ram & 0x80)
		bus_register(&bus, 0xE7, 1, &service_ops, NULL, "service");
	if (ram & 0x40)
		memset(&env.acc, 0, sizeof(env.acc)); /* a vCPU with no accessors */

	for (unsigned exits = 0; exits < 16 && !fz_empty(&in); exits++) {
		memset(page, 0, sizeof(page));
		struct kvm_run *run = (struct kvm_run *)page;
		static const uint32_t reasons[] = {
		    KVM_EXIT_IO,       KVM_EXIT_MMIO,	      KVM_EXIT_INTERNAL_ERROR,
		    KVM_EXIT_SHUTDOWN, KVM_EXIT_SYSTEM_EVENT, KVM_EXIT_FAIL_ENTRY,
		    KVM_EXIT_HLT,      KVM_EXIT_INTR,	      KVM_EXIT_DEBUG};
		uint8_t r = fz_u8(&in);
		run->exit_reason = r < 0xF0 ? reasons[r % 9] : fz_u32(&in);
		/* the union as the exit left it: mostly what that exit fills, some noise */
		fz_bytes(&in, &run->io, fz_u8(&in) % 256);
		if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR && (r & 1))
			run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		if (run->exit_reason == KVM_EXIT_IO && (r & 2)) {
			run->io.data_offset = 4096 + (run->io.data_offset & 0xFFF);
			run->io.size = (uint8_t)(1u << (run->io.size % 3));
			run->io.count = run->io.count % 64 + 1;
		}
		fz_bytes(&in, page + 4096, fz_u8(&in));
		size_t run_size = r & 4 ? fz_u16(&in) : sizeof(page);
		if (run_size > sizeof(page))
			run_size = sizeof(page);
		enum vm_end a = exit_dispatch(&env, run, run_size);
		if (a == VM_END_CRASH && !env.why[0])
			abort(); /* a VM that ends must say why */
		if (a != VM_END_NONE && a != VM_END_CRASH && a != VM_END_RESET &&
		    a != VM_END_POWEROFF)
			abort();
		env.why[0] = 0;
	}
	/* the page walker on its own, at any address */
	struct gva_ctx g = {c.sregs.cr0, c.sregs.cr3, c.sregs.cr4, c.sregs.efer};
	uint8_t buf[32];
	(void)gva_read(&mem, &g, c.regs.rip, buf, sizeof(buf));
	uart_destroy(&u);
	gmem_free(&mem);
	return 0;
}
