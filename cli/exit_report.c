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
	struct vm_exit_counts c;
	vm_exit_counts(vm, &c);
	fprintf(out, "tinyvmm: vm '%s' (%s): %llu exits to user space in %.3f s", vm_name(vm),
		vm_uuid(vm), (unsigned long long)c.total, seconds);
	if (seconds > 0)
		fprintf(out, " (%.0f/s)", (double)c.total / seconds);
	fprintf(out, "\n  port I/O %llu, MMIO %llu, emulation fixups %llu, other %llu\n",
		(unsigned long long)c.io, (unsigned long long)c.mmio, (unsigned long long)c.fixups,
		(unsigned long long)c.other);

	struct count dev[BUS_MAX_RANGES];
	unsigned n = 0;
	for (unsigned i = 0; i < c.nranges; i++)
		if (c.ranges[i].accesses)
			dev[n++] = (struct count){c.ranges[i].name, c.ranges[i].accesses, 0};
	qsort(dev, n, sizeof(dev[0]), by_count_desc);
	fprintf(out, "  port accesses by device (the guest's and the BIOS services'):");
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%s %s %llu", i ? "," : "", dev[i].name, (unsigned long long)dev[i].n);
	if (c.unhandled)
		fprintf(out, "%s unclaimed ports/MMIO %llu", n ? "," : "",
			(unsigned long long)c.unhandled);
	fprintf(out, "%s\n", n || c.unhandled ? "" : " none");

	struct count bios[BIOS_STUB_COUNT];
	unsigned nb = 0;
	uint64_t calls = 0;
	for (unsigned i = 0; i < BIOS_STUB_COUNT; i++) {
		if (c.bios_calls[i])
			bios[nb++] = (struct count){NULL, c.bios_calls[i], BIOS_STUB_FIRST + i};
		calls += c.bios_calls[i];
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
