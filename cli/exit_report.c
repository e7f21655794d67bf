/* Prints a VM's exits by kind, by device (bus range) and by BIOS service vector, busiest first. */
#include "cli/exit_report.h"

#include <stdlib.h>

struct count {
	const char *name;
	uint64_t n;
	unsigned vector;
};

static int by_count_desc(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

void exit_report_print(FILE *out, const struct vm *vm, double seconds)
{
	struct exit_stats t = {0};
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		const struct exit_stats *s = &vm->vcpus[i].env.stats;
		t.total += s->total;
		t.io += s->io;
		t.mmio += s->mmio;
		t.fixups += s->fixups;
		t.other += s->other;
	}
	fprintf(out, "tinyvmm: vm '%s' (%s): %llu exits to user space in %.3f s", vm->name,
		vm->uuid, (unsigned long long)t.total, seconds);
	if (seconds > 0)
		fprintf(out, " (%.0f/s)", (double)t.total / seconds);
	fprintf(out, "\n  port I/O %llu, MMIO %llu, emulation fixups %llu, other %llu\n",
		(unsigned long long)t.io, (unsigned long long)t.mmio, (unsigned long long)t.fixups,
		(unsigned long long)t.other);

	struct count dev[BUS_MAX_RANGES];
	unsigned n = 0;
	for (unsigned i = 0; i < vm->bus.n; i++)
		if (vm->bus.r[i].accesses)
			dev[n++] = (struct count){vm->bus.r[i].name, vm->bus.r[i].accesses, 0};
	qsort(dev, n, sizeof(dev[0]), by_count_desc);
	fprintf(out, "  port accesses by device (the guest's and the BIOS services'):");
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%s %s %llu", i ? "," : "", dev[i].name, (unsigned long long)dev[i].n);
	if (vm->bus.unhandled)
		fprintf(out, "%s unclaimed ports/MMIO %llu", n ? "," : "",
			(unsigned long long)vm->bus.unhandled);
	fprintf(out, "%s\n", n || vm->bus.unhandled ? "" : " none");

	struct count bios[BIOS_STUB_COUNT];
	unsigned nb = 0;
	uint64_t calls = 0;
	for (unsigned i = 0; i < BIOS_STUB_COUNT; i++) {
		if (vm->bios.calls[i])
			bios[nb++] = (struct count){NULL, vm->bios.calls[i], BIOS_STUB_FIRST + i};
		calls += vm->bios.calls[i];
	}
	if (!calls)
		return;
	qsort(bios, nb, sizeof(bios[0]), by_count_desc);
	fprintf(out, "  BIOS service calls %llu (one exit each):", (unsigned long long)calls);
	for (unsigned i = 0; i < nb; i++)
		fprintf(out, "%s int %02Xh %llu", i ? "," : "", bios[i].vector,
			(unsigned long long)bios[i].n);
	fprintf(out, "\n");
}
