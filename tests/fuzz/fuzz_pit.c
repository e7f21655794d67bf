/* libFuzzer harness: the 8254 PIT and port 0x61 through their ports, with time passing. */
#include <stdlib.h>

#include "devices/pit.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct vclock vc;
	vclock_init(&vc, 0);
	/* the host has been up for anything up to 9 years */
	vclock_advance(&vc, fz_u64(&in) >> (6 + fz_u8(&in) % 58));
	struct fake_irq irq;
	struct pit_config cfg = {.irq = fake_irq_line(&irq, 0), .timers = &vc.base};
	struct pit p;
	if (pit_init(&p, &cfg))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, PIT_IO_BASE, PIT_IO_LEN, &pit_io_ops, &p, "pit") ||
	    bus_register(&bus, PIT_PORT61, 1, &pit_port61_io_ops, &p, "61"))
		abort();
	const struct fz_range r[] = {{PIT_IO_BASE, PIT_IO_LEN}, {PIT_PORT61, 1}};
	fz_run_ports(&in, &bus, r, 2, &vc, NULL, NULL, 4096);
	for (unsigned i = 0; i < PIT_CHANNELS; i++)
		if (p.ch[i].mode > 5 || p.ch[i].count_reg > 65536)
			abort();
	pit_destroy(&p);
	return 0;
}
