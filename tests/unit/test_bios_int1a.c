/* Unit tests of int 1Ah: BDA ticks and the RTC's time and date in BCD whatever the RTC's mode. */
#include "tests/unit/test_bios_fixture.h"

#define S_NS 1000000000ULL

static struct bios_bench b;

static void setup(void)
{
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_235958);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_int1a, .init = setup, .fini = teardown);

static void cmos_write(uint8_t index, uint8_t v)
{
	rtc_io_ops.write(&b.rtc, 0, 1, index);
	rtc_io_ops.write(&b.rtc, 1, 1, v);
}

static struct bios_regs clock_call(uint16_t ax)
{
	struct bios_regs r = regs_ax(ax);
	call(&b, 0x1A, &r);
	return r;
}

Test(bios_int1a, time_in_bcd)
{
	struct bios_regs r = clock_call(0x0200);
	cr_assert_not(CF(&r));
	cr_assert_eq((r.ecx >> 8) & 0xFF, 0x23, "hours");
	cr_assert_eq(r.ecx & 0xFF, 0x59, "minutes");
	cr_assert_eq((r.edx >> 8) & 0xFF, 0x58, "seconds");
	cr_assert_eq(r.edx & 0xFF, 0, "no daylight saving");
}

Test(bios_int1a, seconds_advance)
{
	struct bios_regs r = clock_call(0x0200);
	uint8_t s0 = (r.edx >> 8) & 0xFF;
	vclock_advance(&b.vc, S_NS);
	r = clock_call(0x0200);
	cr_assert_eq(s0, 0x58);
	cr_assert_eq((r.edx >> 8) & 0xFF, 0x59, "GRUB's timeout counts on this");
	vclock_advance(&b.vc, S_NS);
	r = clock_call(0x0200);
	cr_assert_eq(r.ecx & 0xFFFF, 0x0000, "midnight");
	cr_assert_eq((r.edx >> 8) & 0xFF, 0x00);
}

Test(bios_int1a, date_in_bcd)
{
	struct bios_regs r = clock_call(0x0400);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.ecx & 0xFFFF, 0x2012, "century and year");
	cr_assert_eq(r.edx & 0xFFFF, 0x0615, "month and day");
}

Test(bios_int1a, binary_rtc_still_answers_bcd)
{
	cmos_write(0x0B, 0x06); /* 24 h, binary */
	struct bios_regs r = clock_call(0x0200);
	cr_assert_eq(r.ecx & 0xFFFF, 0x2359);
	cr_assert_eq((r.edx >> 8) & 0xFF, 0x58);
	r = clock_call(0x0400);
	cr_assert_eq(r.ecx & 0xFFFF, 0x2012);
	cr_assert_eq(r.edx & 0xFFFF, 0x0615);
}

Test(bios_int1a, twelve_hour_rtc_answers_24_hour)
{
	cmos_write(0x0B, 0x00); /* 12 h, BCD: 11 PM */
	struct bios_regs r = clock_call(0x0200);
	cr_assert_eq((r.ecx >> 8) & 0xFF, 0x23);
	cmos_write(0x0B, 0x04); /* 12 h, binary */
	r = clock_call(0x0200);
	cr_assert_eq((r.ecx >> 8) & 0xFF, 0x23);
	vclock_advance(&b.vc, 2 * S_NS); /* 12 AM is hour 0 */
	r = clock_call(0x0200);
	cr_assert_eq((r.ecx >> 8) & 0xFF, 0x00);
}

Test(bios_int1a, twelve_hour_noon)
{
	struct bios_bench n;
	bench_open(&n, 2 * MIB_, EPOCH_2012_06_15_123000);
	rtc_io_ops.write(&n.rtc, 0, 1, 0x0B);
	rtc_io_ops.write(&n.rtc, 1, 1, 0x00);
	struct bios_regs r = regs_ax(0x0200);
	bios_service(&n.env, 0x1A, &r);
	cr_assert_eq(r.ecx & 0xFFFF, 0x1230, "12 PM is hour 12");
	bench_close(&n);
}

Test(bios_int1a, daylight_saving_flag)
{
	cmos_write(0x0B, 0x03);
	struct bios_regs r = clock_call(0x0200);
	cr_assert_eq(r.edx & 0xFF, 1);
}

Test(bios_int1a, tick_count_and_midnight_flag)
{
	uint8_t *t = gp(&b, 0x46C, 5);
	t[0] = 0xAB;
	t[1] = 0x34;
	t[2] = 0x12;
	t[3] = 0x00;
	t[4] = 1;
	struct bios_regs r = clock_call(0x0000);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.ecx & 0xFFFF, 0x0012);
	cr_assert_eq(r.edx & 0xFFFF, 0x34AB);
	cr_assert_eq(AL(&r), 1, "midnight passed");
	r = clock_call(0x0000);
	cr_assert_eq(AL(&r), 0, "reading clears the flag");
}

Test(bios_int1a, set_tick_count)
{
	struct bios_regs r = regs_ax(0x0100);
	r.ecx = 0x0017;
	r.edx = 0xFFFF;
	call(&b, 0x1A, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(rd32(&b, 0x46C), 0x0017FFFF);
}

Test(bios_int1a, no_rtc_on_the_bus)
{
	struct io_bus empty;
	bus_init(&empty);
	b.env.bus = &empty;
	struct bios_regs r = clock_call(0x0200);
	cr_assert(CF(&r));
	r = clock_call(0x0400);
	cr_assert(CF(&r));
	b.env.bus = NULL;
	r = clock_call(0x0200);
	cr_assert(CF(&r));
}

Test(bios_int1a, unknown_function_fails)
{
	struct bios_regs r = clock_call(0xB100); /* PCI BIOS: absent */
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 1);
}
