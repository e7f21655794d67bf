/* Unit tests of the MC146818 RTC/CMOS model through ports 0x70/0x71 on a virtual clock. */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "devices/rtc.h"
#include "tests/support/fakes.h"
#include "tests/support/vclock.h"
#include "vmm/bus.h"
#include "vmm/guest_mem.h"

/* Register numbers and bits from the MC146818A data sheet and the PC CMOS map. */
#define SEC	  0x00
#define SEC_ALARM 0x01
#define MIN	  0x02
#define MIN_ALARM 0x03
#define HOUR	  0x04
#define HOUR_ALM  0x05
#define DOW	  0x06
#define DAY	  0x07
#define MONTH	  0x08
#define YEAR	  0x09
#define RA	  0x0A
#define RB	  0x0B
#define RC	  0x0C
#define RD	  0x0D
#define CENTURY	  0x32

#define MS (1000000ULL)
#define US (1000ULL)
#define S  (1000000000ULL)

#define EPOCH_2012_06_15_235958 1339804798LL /* a Friday */
#define EPOCH_2012_02_28_235959 1330473599LL
#define EPOCH_1999_12_31_235959 946684799LL
#define EPOCH_2100_02_28_235959 4107542399LL
#define EPOCH_2012_06_15_123000 1339763400LL

struct bench {
	struct vclock vc;
	struct rtc r;
	struct fake_irq irq;
};

static void bench_init_with(struct bench *b, struct rtc_config cfg, int64_t epoch)
{
	memset(b, 0, sizeof(*b));
	vclock_init(&b->vc, epoch);
	cfg.irq = fake_irq_line(&b->irq, 8);
	cfg.timers = &b->vc.base;
	cr_assert_eq(rtc_init(&b->r, &cfg), 0);
}

static void bench_init(struct bench *b, int64_t epoch)
{
	bench_init_with(b, (struct rtc_config){.ram_low_bytes = 16 * 1024 * 1024}, epoch);
}

static void bench_fini(struct bench *b)
{
	rtc_destroy(&b->r);
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++)
		cr_assert_null(b->vc.armed[i], "destroy leaves no timer armed");
}

static uint8_t rd(struct bench *b, uint8_t index)
{
	rtc_io_ops.write(&b->r, 0, 1, index);
	return (uint8_t)rtc_io_ops.read(&b->r, 1, 1);
}

static void wr(struct bench *b, uint8_t index, uint8_t v)
{
	rtc_io_ops.write(&b->r, 0, 1, index);
	rtc_io_ops.write(&b->r, 1, 1, v);
}

static void advance(struct bench *b, uint64_t ns)
{
	vclock_advance(&b->vc, ns);
}

static unsigned timers_armed(const struct bench *b)
{
	unsigned n = 0;
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++)
		n += b->vc.armed[i] != NULL;
	return n;
}

/* Steps `total` in `step` increments, reading C after each; counts the C bits seen. */
static unsigned count_flag(struct bench *b, uint8_t flag, uint64_t total, uint64_t step)
{
	unsigned n = 0;
	for (uint64_t t = 0; t < total; t += step) {
		advance(b, step);
		if (rd(b, RC) & flag)
			n++;
	}
	return n;
}

static void expect_time(struct bench *b, const uint8_t want[10], uint8_t century)
{
	static const uint8_t regs[] = {SEC, MIN, HOUR, DOW, DAY, MONTH, YEAR};
	static const uint8_t idx[] = {0, 2, 4, 6, 7, 8, 9};
	for (unsigned i = 0; i < sizeof(regs); i++)
		cr_assert_eq(rd(b, regs[i]), want[idx[i]], "register %#x: got %#x want %#x",
			     regs[i], rd(b, regs[i]), want[idx[i]]);
	cr_assert_eq(rd(b, CENTURY), century);
}

Test(rtc, reset_registers)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	cr_assert_eq(rd(&b, RA), 0x26, "32.768 kHz divider, 1024 Hz rate");
	cr_assert_eq(rd(&b, RB), 0x02, "24 h, BCD, no interrupts");
	cr_assert_eq(rd(&b, RC), 0x00);
	cr_assert_eq(rd(&b, RD), 0x80, "valid RAM and time");
	cr_assert_eq(timers_armed(&b), 0, "nothing enabled, no host timer");
	bench_fini(&b);
}

Test(rtc, init_needs_a_timer_base)
{
	struct rtc r;
	struct rtc_config cfg = {0};
	cr_assert_lt(rtc_init(&r, &cfg), 0);
	cr_assert_lt(rtc_init(&r, NULL), 0);
}

Test(rtc, time_in_bcd_rolls_over_midnight)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	expect_time(
	    &b,
	    (const uint8_t[10]){
		[0] = 0x58, [2] = 0x59, [4] = 0x23, [6] = 6, [7] = 0x15, [8] = 0x06, [9] = 0x12},
	    0x20);
	advance(&b, 2 * S);
	expect_time(
	    &b,
	    (const uint8_t[10]){
		[0] = 0x00, [2] = 0x00, [4] = 0x00, [6] = 7, [7] = 0x16, [8] = 0x06, [9] = 0x12},
	    0x20);
	bench_fini(&b);
}

Test(rtc, time_in_binary)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x06);
	expect_time(
	    &b,
	    (const uint8_t[10]){[0] = 58, [2] = 59, [4] = 23, [6] = 6, [7] = 15, [8] = 6, [9] = 12},
	    20);
	advance(&b, 2 * S);
	expect_time(
	    &b,
	    (const uint8_t[10]){[0] = 0, [2] = 0, [4] = 0, [6] = 7, [7] = 16, [8] = 6, [9] = 12},
	    20);
	bench_fini(&b);
}

Test(rtc, twelve_hour_mode_marks_pm_in_bit_7)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x00);
	cr_assert_eq(rd(&b, HOUR), 0x91, "11 PM in BCD");
	wr(&b, RB, 0x04);
	cr_assert_eq(rd(&b, HOUR), 0x8B, "11 PM in binary");
	advance(&b, 2 * S);
	cr_assert_eq(rd(&b, HOUR), 12, "midnight is 12 AM");
	wr(&b, RB, 0x00);
	cr_assert_eq(rd(&b, HOUR), 0x12);
	bench_fini(&b);
}

Test(rtc, twelve_hour_mode_noon_is_12_pm)
{
	struct bench b;
	bench_init_with(
	    &b, (struct rtc_config){.use_start_s = true, .start_s = EPOCH_2012_06_15_123000}, 0);
	wr(&b, RB, 0x00);
	cr_assert_eq(rd(&b, HOUR), 0x92);
	cr_assert_eq(rd(&b, MIN), 0x30);
	bench_fini(&b);
}

Test(rtc, leap_day_and_century_rollovers)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_02_28_235959);
	advance(&b, S);
	cr_assert_eq(rd(&b, DAY), 0x29);
	cr_assert_eq(rd(&b, MONTH), 0x02);
	bench_fini(&b);

	bench_init(&b, EPOCH_1999_12_31_235959);
	cr_assert_eq(rd(&b, CENTURY), 0x19);
	advance(&b, S);
	expect_time(&b,
		    (const uint8_t[10]){
			[0] = 0, [2] = 0, [4] = 0, [6] = 7, [7] = 0x01, [8] = 0x01, [9] = 0x00},
		    0x20);
	bench_fini(&b);

	bench_init(&b, EPOCH_2100_02_28_235959);
	advance(&b, S);
	cr_assert_eq(rd(&b, DAY), 0x01, "2100 is not a leap year");
	cr_assert_eq(rd(&b, MONTH), 0x03);
	cr_assert_eq(rd(&b, DOW), 2, "Monday");
	cr_assert_eq(rd(&b, CENTURY), 0x21);
	bench_fini(&b);
}

Test(rtc, uip_is_set_in_the_244us_before_each_update)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	advance(&b, 500 * MS);
	cr_assert_eq(rd(&b, RA), 0x26);
	advance(&b, 500 * MS - 300 * US);
	cr_assert_eq(rd(&b, RA) & 0x80, 0, "300 us before the update");
	advance(&b, 100 * US);
	cr_assert_eq(rd(&b, RA) & 0x80, 0x80, "200 us before the update");
	cr_assert_eq(rd(&b, SEC), 0x58, "not yet updated");
	advance(&b, 201 * US);
	cr_assert_eq(rd(&b, RA) & 0x80, 0, "just after the update");
	cr_assert_eq(rd(&b, SEC), 0x59);
	bench_fini(&b);
}

Test(rtc, uip_is_clear_while_set)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x82);
	advance(&b, S - 100 * US);
	cr_assert_eq(rd(&b, RA) & 0x80, 0);
	bench_fini(&b);
}

Test(rtc, uip_bit_is_read_only)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0xA6);
	cr_assert_eq(rd(&b, RA), 0x26);
	bench_fini(&b);
}

struct rate_case {
	uint8_t rs;
	unsigned hz;
};

static const struct rate_case rate_cases[] = {
    {3, 8192}, {4, 4096}, {6, 1024}, {10, 64}, {15, 2}, {1, 256}, {2, 128},
};

Test(rtc, periodic_interrupt_rates_over_one_second)
{
	for (unsigned i = 0; i < sizeof(rate_cases) / sizeof(rate_cases[0]); i++) {
		struct bench b;
		bench_init(&b, EPOCH_2012_06_15_235958);
		wr(&b, RA, (uint8_t)(0x20 | rate_cases[i].rs));
		wr(&b, RB, 0x42); /* PIE */
		unsigned pf = count_flag(&b, 0x40, S, 100 * US);
		cr_assert_eq(pf, rate_cases[i].hz, "rate %u: %u PF, want %u", rate_cases[i].rs, pf,
			     rate_cases[i].hz);
		cr_assert_eq(b.irq.rises, rate_cases[i].hz, "one IRQ 8 edge per period");
		cr_assert_eq(b.irq.last_gsi, 8);
		bench_fini(&b);
	}
}

/* A guest that acknowledges each IRQ 8 at once, stepped in 50 us; a late host timer is
 * modelled by moving the clock without firing anything. */
static unsigned acked_irqs(struct bench *b, uint64_t total, uint64_t stall_at, uint64_t stall)
{
	unsigned n = 0;
	for (uint64_t t = 0; t < total; t += 50 * US) {
		if (t == stall_at)
			b->vc.now_ns += stall; /* the timer service overslept */
		advance(b, 50 * US);
		if (b->irq.level) {
			n++;
			rd(b, RC);
		}
	}
	return n;
}

Test(rtc, periods_merged_by_a_late_host_are_replayed)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x26); /* 1024 Hz */
	wr(&b, RB, 0x42); /* PIE */
	unsigned n = acked_irqs(&b, S, 300 * MS, 5 * MS);
	/* 5 ms late: about five periods ran into one PF; each is delivered afterwards */
	cr_assert_geq(n, 1024 + 5 - 2, "%u interrupts in 1.005 s", n);
	cr_assert_leq(n, 1024 + 5 + 1, "%u interrupts in 1.005 s", n);
	bench_fini(&b);
}

Test(rtc, a_long_stall_owes_at_most_one_second)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x26);
	wr(&b, RB, 0x42);
	unsigned n = acked_irqs(&b, 100 * MS, 10 * MS, 2 * S);
	/* two seconds asleep: the replay goes no faster than the floor (10 kHz) */
	cr_assert_leq(n, 103 + 1001, "%u", n);
	cr_assert_geq(n, 900, "%u", n);
	bench_fini(&b);
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x26);
	wr(&b, RB, 0x42);
	n = acked_irqs(&b, 1500 * MS, 10 * MS, 2 * S);
	/* 1.5 s stepped: 1536 periods, plus one second's worth (1024) of the 2048 slept through */
	cr_assert(n >= 1536 + 1024 - 3 && n <= 1536 + 1024 + 2, "%u", n);
	bench_fini(&b);
}

Test(rtc, rewriting_the_rate_forgets_the_backlog)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x26);
	wr(&b, RB, 0x42);
	advance(&b, 10 * MS); /* ten periods, all merged: the guest never acknowledged */
	wr(&b, RB, 0x02);     /* PIE off */
	rd(&b, RC);
	wr(&b, RB, 0x42);
	cr_assert_leq(acked_irqs(&b, 3 * MS, 0, 0), 4, "no replay of periods from before");
	bench_fini(&b);
}

Test(rtc, periodic_flag_without_pie_costs_no_timer)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	unsigned pf = count_flag(&b, 0x40, S, 100 * US); /* reset rate 6, PIE off */
	cr_assert_eq(pf, 1024, "PF is set even with PIE off");
	cr_assert_eq(b.vc.fired, 0);
	cr_assert_eq(b.irq.rises, 0);
	bench_fini(&b);
}

Test(rtc, periodic_rate_0_is_off)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x20);
	wr(&b, RB, 0x42);
	cr_assert_eq(count_flag(&b, 0x40, S, MS), 0);
	cr_assert_eq(b.irq.rises, 0);
	cr_assert_eq(timers_armed(&b), 0);
	bench_fini(&b);
}

Test(rtc, periodic_rate_is_clamped_to_the_floor)
{
	struct bench b;
	bench_init_with(&b, (struct rtc_config){.min_period_ns = MS}, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x23); /* 8192 Hz asked */
	wr(&b, RB, 0x42);
	unsigned pf = count_flag(&b, 0x40, S, 50 * US);
	cr_assert_leq(pf, 1000, "no faster than one per millisecond: %u", pf);
	cr_assert_geq(pf, 900, "but still close to the floor: %u", pf);
	cr_assert_leq(b.vc.fired, 1000);
	bench_fini(&b);
}

Test(rtc, reading_c_clears_flags_and_lowers_irq)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x42);
	advance(&b, MS);
	cr_assert_eq(b.irq.level, 1);
	cr_assert_eq(b.irq.rises, 1);
	cr_assert_eq(rd(&b, RC), 0xC0, "IRQF | PF");
	cr_assert_eq(b.irq.level, 0);
	cr_assert_eq(rd(&b, RC), 0x00, "read cleared it");
	bench_fini(&b);
}

Test(rtc, an_ignored_interrupt_costs_one_timer_fire)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x23);
	wr(&b, RB, 0x52); /* PIE | UIE at 8192 Hz */
	advance(&b, 3 * S);
	cr_assert_eq(b.vc.fired, 1, "IRQF stays up until C is read: nothing to wake for");
	cr_assert_eq(b.irq.level, 1);
	/* The alarm bytes are 00:00:00 at reset and midnight passed: AF too, enabled or not. */
	cr_assert_eq(rd(&b, RC), 0xF0, "IRQF | PF | AF | UF");
	cr_assert_eq(timers_armed(&b), 1, "reading C re-arms");
	bench_fini(&b);
}

Test(rtc, enabling_pie_with_pf_pending_raises_irq_at_once)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	advance(&b, 2 * MS);
	cr_assert_eq(b.irq.level, 0);
	wr(&b, RB, 0x42);
	cr_assert_eq(b.irq.level, 1, "IRQF = PF & PIE");
	wr(&b, RB, 0x02);
	cr_assert_eq(b.irq.level, 0, "and drops with PIE");
	cr_assert_eq(rd(&b, RC), 0x40, "PF still set, IRQF not");
	bench_fini(&b);
}

Test(rtc, update_ended_interrupt_once_per_second)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	advance(&b, 300 * MS);
	wr(&b, RB, 0x12); /* UIE */
	unsigned uf = count_flag(&b, 0x10, 3 * S, 10 * MS);
	cr_assert_eq(uf, 3);
	cr_assert_eq(b.irq.rises, 3);
	cr_assert_leq(b.vc.fired, 3, "one timer fire per update");
	bench_fini(&b);
}

Test(rtc, update_flag_is_set_without_uie)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	advance(&b, 1500 * MS);
	cr_assert_eq(rd(&b, RC) & 0x90, 0x10, "UF without IRQF");
	cr_assert_eq(b.irq.rises, 0);
	cr_assert_eq(b.vc.fired, 0);
	bench_fini(&b);
}

Test(rtc, alarm_fires_at_the_matching_second_only)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, SEC_ALARM, 0x05);
	wr(&b, MIN_ALARM, 0x00);
	wr(&b, HOUR_ALM, 0x00);
	wr(&b, RB, 0x22); /* AIE */
	advance(&b, 6900 * MS);
	cr_assert_eq(b.irq.level, 0, "00:00:04.9");
	cr_assert_eq(b.vc.fired, 0, "no per-second polling for an alarm");
	advance(&b, 200 * MS);
	cr_assert_eq(b.irq.level, 1, "00:00:05.1");
	cr_assert_eq(rd(&b, RC) & 0xA0, 0xA0, "IRQF | AF");
	cr_assert_eq(rd(&b, SEC), 0x05);
	cr_assert_eq(b.vc.fired, 1);
	advance(&b, 10 * S);
	cr_assert_eq(rd(&b, RC) & 0x20, 0, "once a day, not again");
	bench_fini(&b);
}

Test(rtc, alarm_dont_care_bytes_match_every_minute)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, SEC_ALARM, 0x30);
	wr(&b, MIN_ALARM, 0xC0);
	wr(&b, HOUR_ALM, 0xFF);
	wr(&b, RB, 0x22);
	unsigned af = count_flag(&b, 0x20, 180 * S, S);
	cr_assert_eq(af, 3, "00:00:30, 00:01:30, 00:02:30");
	cr_assert_eq(b.irq.rises, 3);
	bench_fini(&b);
}

Test(rtc, alarm_in_twelve_hour_mode)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x20); /* AIE, 12 h, BCD */
	wr(&b, SEC_ALARM, 0x01);
	wr(&b, MIN_ALARM, 0x00);
	wr(&b, HOUR_ALM, 0x12); /* 12 AM */
	advance(&b, 2500 * MS);
	cr_assert_eq(b.irq.level, 0);
	advance(&b, S);
	cr_assert_eq(b.irq.level, 1, "00:00:01 matched");
	bench_fini(&b);
}

Test(rtc, alarm_with_impossible_values_never_fires)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, SEC_ALARM, 0x75);
	wr(&b, MIN_ALARM, 0xC0);
	wr(&b, HOUR_ALM, 0xC0);
	wr(&b, RB, 0x22);
	cr_assert_eq(timers_armed(&b), 0);
	advance(&b, 120 * S);
	cr_assert_eq(rd(&b, RC) & 0x20, 0);
	bench_fini(&b);
}

Test(rtc, set_bit_clears_uie)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x92);
	cr_assert_eq(rd(&b, RB), 0x82);
	bench_fini(&b);
}

static void write_2020_01_02_030405(struct bench *b)
{
	wr(b, SEC, 0x05);
	wr(b, MIN, 0x04);
	wr(b, HOUR, 0x03);
	wr(b, DOW, 5); /* Thursday */
	wr(b, DAY, 0x02);
	wr(b, MONTH, 0x01);
	wr(b, YEAR, 0x20);
	wr(b, CENTURY, 0x20);
}

Test(rtc, set_holds_the_clock_and_the_written_time_runs_from_clear)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	advance(&b, 300 * MS);
	wr(&b, RB, 0x82);
	write_2020_01_02_030405(&b);
	advance(&b, 5 * S);
	cr_assert_eq(rd(&b, SEC), 0x05, "no updates while SET");
	wr(&b, RB, 0x02);
	expect_time(
	    &b,
	    (const uint8_t[10]){
		[0] = 0x05, [2] = 0x04, [4] = 0x03, [6] = 5, [7] = 0x02, [8] = 0x01, [9] = 0x20},
	    0x20);
	advance(&b, S);
	cr_assert_eq(rd(&b, SEC), 0x06, "one update per second from there");
	advance(&b, 21 * 3600 * S);
	cr_assert_eq(rd(&b, DAY), 0x03);
	cr_assert_eq(rd(&b, DOW), 6, "Friday");

	/* The host clock was not touched: a new RTC on the same clock reads host time. */
	struct rtc other;
	struct fake_irq irq2;
	struct rtc_config cfg = {.irq = fake_irq_line(&irq2, 8), .timers = &b.vc.base};
	cr_assert_eq(rtc_init(&other, &cfg), 0);
	rtc_io_ops.write(&other, 0, 1, YEAR);
	cr_assert_eq(rtc_io_ops.read(&other, 1, 1), 0x12);
	rtc_destroy(&other);
	bench_fini(&b);
}

Test(rtc, a_written_day_of_week_keeps_counting_from_the_written_value)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RB, 0x82);
	wr(&b, DOW, 2);
	wr(&b, RB, 0x02);
	cr_assert_eq(rd(&b, DOW), 2);
	advance(&b, 2 * S);
	cr_assert_eq(rd(&b, DOW), 3);
	bench_fini(&b);
}

Test(rtc, writing_a_time_byte_while_running_moves_the_counter)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	advance(&b, 200 * MS);
	wr(&b, SEC, 0x30);
	cr_assert_eq(rd(&b, SEC), 0x30);
	cr_assert_eq(rd(&b, MIN), 0x59);
	advance(&b, 800 * MS);
	cr_assert_eq(rd(&b, SEC), 0x31, "the divider phase is kept");
	bench_fini(&b);
}

Test(rtc, divider_reset_stops_the_clock_and_restarts_half_a_second_later)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RA, 0x70);
	rd(&b, RC);
	advance(&b, 3 * S);
	cr_assert_eq(rd(&b, SEC), 0x58, "held in reset");
	cr_assert_eq(rd(&b, RC), 0x00, "no PF or UF while the divider is reset");
	cr_assert_eq(rd(&b, RA) & 0x80, 0);
	advance(&b, 123 * MS);
	wr(&b, RA, 0x26);
	advance(&b, 499 * MS);
	cr_assert_eq(rd(&b, SEC), 0x58);
	advance(&b, 2 * MS);
	cr_assert_eq(rd(&b, SEC), 0x59, "first update 500 ms after release");
	advance(&b, S);
	cr_assert_eq(rd(&b, SEC), 0x00);
	bench_fini(&b);
}

Test(rtc, linux_style_set_time_sequence)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	/* SET, divider reset, write, clear SET, release divider: as Linux's mc146818 code does. */
	wr(&b, RB, 0x82);
	wr(&b, RA, 0x76);
	write_2020_01_02_030405(&b);
	wr(&b, RB, 0x02);
	advance(&b, 2 * S);
	cr_assert_eq(rd(&b, SEC), 0x05, "divider still in reset");
	wr(&b, RA, 0x26);
	advance(&b, 600 * MS);
	cr_assert_eq(rd(&b, SEC), 0x06);
	cr_assert_eq(rd(&b, YEAR), 0x20);
	bench_fini(&b);
}

Test(rtc, nmi_bit_of_the_index_is_masked_off)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, 0x8F, 0x5A);
	cr_assert_eq(rd(&b, 0x0F), 0x5A);
	cr_assert_eq(rd(&b, 0x80 | RA), 0x26);
	cr_assert_eq(rd(&b, 0x80 | SEC), 0x58);
	bench_fini(&b);
}

Test(rtc, out_of_range_index_wraps_into_128_bytes)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, 0xFF, 0x77);
	cr_assert_eq(rd(&b, 0x7F), 0x77);
	wr(&b, 0x7F, 0x11);
	cr_assert_eq(rd(&b, 0xFF), 0x11);
	bench_fini(&b);
}

Test(rtc, index_port_reads_open_bus_and_unknown_offsets_are_ignored)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, 0x40, 0x33);
	cr_assert_eq(rtc_io_ops.read(&b.r, 0, 1), 0xFF);
	cr_assert_eq(rtc_io_ops.read(&b.r, 2, 1), 0xFF);
	cr_assert_eq(io_ops_read(&rtc_io_ops, &b.r, RTC_PORT_COUNT, 0xFFFF, 4), 0xFFFFFFFF);
	rtc_io_ops.write(&b.r, 2, 1, 0x00);
	io_ops_write(&rtc_io_ops, &b.r, RTC_PORT_COUNT, 0xFFFF, 2, 0x0000);
	cr_assert_eq(rtc_io_ops.read(&b.r, 1, 1), 0x33, "index and data untouched");
	bench_fini(&b);
}

Test(rtc, word_write_to_the_index_port_sets_index_then_data)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	io_ops_write(&rtc_io_ops, &b.r, RTC_PORT_COUNT, 0, 2,
		     0x5A0F); /* outw 0x70: AL = index, AH = data */
	cr_assert_eq(rd(&b, 0x0F), 0x5A);
	bench_fini(&b);
}

Test(rtc, status_c_and_d_are_read_only)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, RC, 0xFF);
	wr(&b, RD, 0x00);
	cr_assert_eq(rd(&b, RC), 0x00);
	cr_assert_eq(rd(&b, RD), 0x80);
	bench_fini(&b);
}

Test(rtc, shutdown_status_and_free_bytes_are_plain_storage)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	wr(&b, 0x0F, 0x0A);
	wr(&b, 0x50, 0xC3);
	advance(&b, 5 * S);
	cr_assert_eq(rd(&b, 0x0F), 0x0A);
	cr_assert_eq(rd(&b, 0x50), 0xC3);
	bench_fini(&b);
}

static uint16_t rd16(struct bench *b, uint8_t lo)
{
	return (uint16_t)(rd(b, lo) | rd(b, (uint8_t)(lo + 1)) << 8);
}

static uint32_t above_4g(struct bench *b)
{
	return (uint32_t)rd(b, 0x5B) | (uint32_t)rd(b, 0x5C) << 8 | (uint32_t)rd(b, 0x5D) << 16;
}

static void with_ram(struct bench *b, uint64_t ram, uint8_t floppy)
{
	/* split as the VM splits it (vmm/guest_mem.h) */
	uint64_t low = gmem_low_bytes(ram);
	bench_init_with(b,
			(struct rtc_config){.ram_low_bytes = low,
					    .ram_high_bytes = ram - low,
					    .floppy_types = floppy},
			EPOCH_2012_06_15_235958);
}

Test(rtc, memory_bytes_for_2_mib)
{
	struct bench b;
	with_ram(&b, 2ULL << 20, 0);
	cr_assert_eq(rd16(&b, 0x15), 640);
	cr_assert_eq(rd16(&b, 0x17), 1024, "1 MiB above 1 MiB, in KiB");
	cr_assert_eq(rd16(&b, 0x30), 1024);
	cr_assert_eq(rd16(&b, 0x34), 0);
	cr_assert_eq(above_4g(&b), 0);
	bench_fini(&b);
}

Test(rtc, memory_bytes_for_48_mib)
{
	struct bench b;
	with_ram(&b, 48ULL << 20, 0);
	cr_assert_eq(rd16(&b, 0x15), 640);
	cr_assert_eq(rd16(&b, 0x17), 47 * 1024);
	cr_assert_eq(rd16(&b, 0x30), 47 * 1024);
	cr_assert_eq(rd16(&b, 0x34), 32 * 16, "32 MiB above 16 MiB in 64 KiB units");
	cr_assert_eq(above_4g(&b), 0);
	bench_fini(&b);
}

Test(rtc, memory_bytes_for_6_gib)
{
	struct bench b;
	with_ram(&b, 6ULL << 30, 0);
	cr_assert_eq(rd16(&b, 0x17), 0xFFFF, "capped");
	cr_assert_eq(rd16(&b, 0x30), 0xFFFF);
	/* 3 GiB stay below the PCI hole, the other 3 GiB move above 4 GiB. */
	cr_assert_eq(rd16(&b, 0x34), (3u << 14) - 256);
	cr_assert_eq(above_4g(&b), 3u << 14);
	bench_fini(&b);
}

Test(rtc, memory_bytes_for_less_than_640_kib)
{
	struct bench b;
	with_ram(&b, 512ULL << 10, 0);
	cr_assert_eq(rd16(&b, 0x15), 512);
	cr_assert_eq(rd16(&b, 0x17), 0);
	bench_fini(&b);
}

Test(rtc, floppy_type_equipment_byte_and_checksum)
{
	struct bench b;
	with_ram(&b, 2ULL << 20, RTC_FLOPPY_A_1440K);
	cr_assert_eq(rd(&b, 0x10), 0x40);
	cr_assert_eq(rd(&b, 0x14) & 0xC3, 0x03, "one floppy drive, FPU present");
	unsigned sum = 0;
	for (uint8_t i = 0x10; i < 0x2E; i++)
		sum += rd(&b, i);
	cr_assert_eq((unsigned)rd(&b, 0x2E) << 8 | rd(&b, 0x2F), sum & 0xFFFF);
	bench_fini(&b);

	with_ram(&b, 2ULL << 20, 0);
	cr_assert_eq(rd(&b, 0x10), 0x00);
	cr_assert_eq(rd(&b, 0x14) & 0x01, 0x00, "no floppy");
	bench_fini(&b);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* libc's gmtime is an independent oracle for the calendar, across centuries and leap rules. */
Test(rtc, calendar_agrees_with_gmtime)
{
	uint32_t seed = 0x2012;
	for (int i = 0; i < 3000; i++) {
		int64_t t =
		    (int64_t)(((uint64_t)xorshift(&seed) << 32 | xorshift(&seed)) % (1ULL << 34)) -
		    (1LL << 31); /* 1901 .. 2514 */
		struct tm want;
		time_t tt = (time_t)t;
		cr_assert_not_null(gmtime_r(&tt, &want));
		struct bench b;
		bench_init_with(&b, (struct rtc_config){.use_start_s = true, .start_s = t}, 0);
		wr(&b, RB, 0x06); /* binary, 24 h */
		cr_assert_eq(rd(&b, SEC), want.tm_sec, "t=%lld", (long long)t);
		cr_assert_eq(rd(&b, MIN), want.tm_min, "t=%lld", (long long)t);
		cr_assert_eq(rd(&b, HOUR), want.tm_hour, "t=%lld", (long long)t);
		cr_assert_eq(rd(&b, DOW), want.tm_wday + 1, "t=%lld", (long long)t);
		cr_assert_eq(rd(&b, DAY), want.tm_mday, "t=%lld", (long long)t);
		cr_assert_eq(rd(&b, MONTH), want.tm_mon + 1, "t=%lld", (long long)t);
		int year = want.tm_year + 1900;
		cr_assert_eq(rd(&b, YEAR), year % 100, "t=%lld", (long long)t);
		cr_assert_eq(rd(&b, CENTURY), year / 100, "t=%lld", (long long)t);

		/* Writing the same bytes back under SET must give the same instant. */
		wr(&b, RB, 0x86);
		wr(&b, SEC, (uint8_t)want.tm_sec);
		wr(&b, RB, 0x06);
		advance(&b, 86400 * S);
		tt += 86400;
		cr_assert_not_null(gmtime_r(&tt, &want));
		cr_assert_eq(rd(&b, DAY), want.tm_mday, "t=%lld + 1 day", (long long)t);
		cr_assert_eq(rd(&b, MONTH), want.tm_mon + 1, "t=%lld + 1 day", (long long)t);
		cr_assert_eq(rd(&b, DOW), want.tm_wday + 1, "t=%lld + 1 day", (long long)t);
		bench_fini(&b);
	}
}

/* A broken guest: random ports, indexes, values and sizes while time runs. No crash, sane IRQ. */
Test(rtc, register_fuzzing_keeps_invariants)
{
	struct bench b;
	bench_init(&b, EPOCH_2012_06_15_235958);
	uint32_t seed = 0xC0FFEE;
	static const unsigned sizes[] = {1, 2, 4, 0, 3};
	for (int i = 0; i < 100000; i++) {
		uint32_t r = xorshift(&seed);
		uint16_t off = (uint16_t)(r % 4);
		unsigned size = sizes[(r >> 8) % 5];
		if (r & 0x10000)
			io_ops_write(&rtc_io_ops, &b.r, RTC_PORT_COUNT, off, size, xorshift(&seed));
		else
			io_ops_read(&rtc_io_ops, &b.r, RTC_PORT_COUNT, off, size);
		if ((r & 0x7000) == 0)
			advance(&b, xorshift(&seed) % (50 * MS));
		cr_assert_leq(timers_armed(&b), 1);
	}
	/* A sane guest can take over afterwards. */
	wr(&b, RA, 0x26);
	wr(&b, RB, 0x02);
	rd(&b, RC);
	cr_assert_eq(b.irq.level, 0);
	wr(&b, RB, 0x42);
	advance(&b, 2 * MS);
	cr_assert_eq(b.irq.level, 1);
	bench_fini(&b);
}
