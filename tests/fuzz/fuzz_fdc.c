/* libFuzzer harness: the floppy-controller stub through 0x3F0-0x3F5 and 0x3F7, with resets. */
#include <stdlib.h>

#include "devices/fdc.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

static void reset(void *ctx, struct fz *in, uint8_t arg)
{
	(void)in;
	(void)arg;
	fdc_reset(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct fake_irq irq;
	struct fdc_config cfg = {.irq = fake_irq_line(&irq, FDC_IRQ)};
	struct fdc f;
	if (fdc_init(&f, &cfg))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, FDC_BASE, FDC_LEN, &fdc_io_ops, &f, "fdc") ||
	    bus_register(&bus, FDC_DIR_BASE, FDC_DIR_LEN, &fdc_dir_io_ops, &f, "dir"))
		abort();
	const struct fz_range r[] = {{FDC_BASE, FDC_LEN}, {FDC_DIR_BASE, FDC_DIR_LEN}};
	fz_run_ports(&in, &bus, r, 2, NULL, reset, &f, 4096);
	if (f.cmd_len > FDC_CMD_MAX || f.cmd_need > FDC_CMD_MAX || f.res_len > FDC_RESULT_MAX ||
	    f.res_pos > FDC_RESULT_MAX)
		abort();
	fdc_destroy(&f);
	return 0;
}
