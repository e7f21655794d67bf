/* libFuzzer harness: the MC146818 RTC/CMOS through ports 0x70/0x71, with time passing in leaps. */
#include <stdlib.h>

#include "devices/rtc.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"
#include "vmm/guest_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct vclock vc;
	/* any start time, the epoch's edges and far-future years included */
	vclock_init(&vc, (int64_t)fz_u64(&in) >> 24);
	struct fake_irq irq;
	uint8_t cfgsel = fz_u8(&in);
	uint64_t ram = (uint64_t)fz_u32(&in) << (cfgsel & 7);
	uint64_t low = gmem_low_bytes(ram); /* split as the VM splits it */
	struct rtc_config cfg = {.irq = fake_irq_line(&irq, 8),
				 .timers = &vc.base,
				 .ram_low_bytes = low,
				 .ram_high_bytes = ram - low,
				 .floppy_types = fz_u8(&in),
				 .use_start_s = cfgsel & 8,
				 .start_s = (int64_t)fz_u64(&in) >>
					    24, /* +-17,000 years: a host's clock */
				 .min_period_ns = cfgsel & 16 ? fz_u32(&in) : 0};
	struct rtc r;
	if (rtc_init(&r, &cfg))
		return 0; /* a configuration the model refuses: fine, it said so */
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, 0x70, RTC_PORT_COUNT, &rtc_io_ops, &r, "rtc"))
		abort();
	const struct fz_range ranges[] = {{0x70, RTC_PORT_COUNT}};
	fz_run_ports(&in, &bus, ranges, 1, &vc, NULL, NULL, 4096);
	if (r.index >= RTC_CMOS_SIZE)
		abort();
	rtc_destroy(&r);
	return 0;
}
