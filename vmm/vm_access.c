/* What the layers above read of a VM: name, RAM, COM1, the firmware console, exit counters. */
#include <stdatomic.h>

#include "vmm/vm_internal.h"

const char *vm_name(const struct vm *vm)
{
	return vm->name;
}

const char *vm_uuid(const struct vm *vm)
{
	return vm->uuid;
}

const struct guest_mem *vm_mem(const struct vm *vm)
{
	return &vm->mem;
}

struct uart *vm_com1(struct vm *vm)
{
	return &vm->dev.com1;
}

void vm_firmware_console_write(struct vm *vm, const char *text, size_t len)
{
	sink_write(&vm->bios.console, (const uint8_t *)text, len);
}

static uint64_t load(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

void vm_exit_counts(const struct vm *vm, struct vm_exit_counts *out)
{
	*out = (struct vm_exit_counts){0};
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		const struct exit_stats *s = &vm->vcpus[i].env.stats;
		out->total += load(&s->total);
		out->io += load(&s->io);
		out->mmio += load(&s->mmio);
		out->fixups += load(&s->fixups);
		out->other += load(&s->other);
	}
	out->nranges = vm->bus.n;
	for (unsigned i = 0; i < vm->bus.n; i++) {
		out->ranges[i].name = vm->bus.r[i].name;
		out->ranges[i].accesses = load(&vm->bus.r[i].accesses);
	}
	out->unhandled = load(&vm->bus.unhandled);
	for (unsigned i = 0; i < BIOS_STUB_COUNT; i++)
		out->bios_calls[i] = load(&vm->bios.calls[i]);
}
