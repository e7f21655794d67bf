/* Unit tests for the 8254 PIT and port 0x61, driven through their ports on a virtual clock. */
#include <criterion/criterion.h>
#include <errno.h>

#include "devices/pit.h"
#include "tests/support/fakes.h"
#include "tests/support/vclock.h"
#include "vmm/bus.h"

#define SEC 1000000000ULL

struct rig {
	struct vclock vc;
	struct fake_irq irq;
	struct pit pit;
};

static void rig_up(struct rig *r)
{
	vclock_init(&r->vc, 0);
	struct pit_config cfg = {.irq = fake_irq_line(&r->irq, 0), .timers = &r->vc.base};
	cr_assert_eq(pit_init(&r->pit, &cfg), 0);
}

static void outb(struct rig *r, uint16_t port, uint8_t v)
{
	if (port == PIT_PORT61)
		pit_port61_io_ops.write(&r->pit, 0, 1, v);
	else
		pit_io_ops.write(&r->pit, (uint16_t)(port - PIT_IO_BASE), 1, v);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
	if (port == PIT_PORT61)
		return (uint8_t)pit_port61_io_ops.read(&r->pit, 0, 1);
	return (uint8_t)pit_io_ops.read(&r->pit, (uint16_t)(port - PIT_IO_BASE), 1);
}

/* Control word for channel `ch`, lsb-then-msb access, binary. */
static void program(struct rig *r, unsigned ch, unsigned mode, unsigned count)
{
	outb(r, 0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	outb(r, (uint16_t)(0x40 + ch), count & 0xFF);
	outb(r, (uint16_t)(0x40 + ch), (count >> 8) & 0xFF);
}

/* The middle of input-clock tick k (1193182 Hz), where the counter state is unambiguous. */
static void advance_to_tick(struct rig *r, uint64_t k)
{
	uint64_t target = (2 * k + 1) * SEC / (2 * (uint64_t)PIT_FREQ_HZ);
	cr_assert_geq(target, r->vc.now_ns);
	vclock_advance(&r->vc, target - r->vc.now_ns);
}

/* Counter latch command, then lsb and msb of the latched value. */
static unsigned latched_count(struct rig *r, unsigned ch)
{
	outb(r, 0x43, (uint8_t)(ch << 6));
	unsigned lo = inb(r, (uint16_t)(0x40 + ch));
	return lo | (unsigned)inb(r, (uint16_t)(0x40 + ch)) << 8;
}

static uint8_t status_of(struct rig *r, unsigned ch)
{
	outb(r, 0x43, (uint8_t)(0xE0 | 2u << ch)); /* read-back: status only */
	return inb(r, (uint16_t)(0x40 + ch));
}

static unsigned irqs_in_one_second(unsigned mode, unsigned divisor)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, mode, divisor);
	vclock_advance(&r.vc, SEC);
	unsigned n = r.irq.rises;
	cr_assert_eq(r.irq.last_gsi, 0);
	pit_destroy(&r.pit);
	return n;
}

/* 1193182 / 1193 = 1000.15 Hz */
Test(pit_irq0, mode2_divisor_1193_is_1000hz)
{
	unsigned n = irqs_in_one_second(2, 1193);
	cr_assert(n >= 999 && n <= 1001, "got %u", n);
}

Test(pit_irq0, mode3_divisor_1193_is_1000hz)
{
	unsigned n = irqs_in_one_second(3, 1193);
	cr_assert(n >= 999 && n <= 1001, "got %u", n);
}

/* 1193182 / 11932 = 99.998 Hz */
Test(pit_irq0, mode2_divisor_11932_is_100hz)
{
	unsigned n = irqs_in_one_second(2, 11932);
	cr_assert(n >= 99 && n <= 101, "got %u", n);
}

Test(pit_irq0, mode3_divisor_11932_is_100hz)
{
	unsigned n = irqs_in_one_second(3, 11932);
	cr_assert(n >= 99 && n <= 101, "got %u", n);
}

/* A written 0 means 65536: 18.2 Hz, so 182 edges in ten seconds. */
Test(pit_irq0, divisor_zero_is_65536)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 0);
	vclock_advance(&r.vc, 10 * SEC);
	cr_assert(r.irq.rises >= 181 && r.irq.rises <= 183, "got %u", r.irq.rises);
	pit_destroy(&r.pit);
}

/* Divisor 2 asks for 597 kHz; the floor allows at most one edge per 100 µs. */
Test(pit_irq0, tiny_divisor_is_clamped_to_floor)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 2);
	vclock_advance(&r.vc, SEC);
	unsigned cap = (unsigned)(SEC / TIMER_MIN_PERIOD_NS);
	cr_assert(r.irq.rises <= cap && r.irq.rises >= cap - cap / 100, "got %u", r.irq.rises);
	cr_assert_leq(r.vc.fired, cap);
	pit_destroy(&r.pit);
}

Test(pit_irq0, mode0_fires_once_at_terminal_count)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 0, 1000);
	advance_to_tick(&r, 999);
	cr_assert_eq(r.irq.rises, 0);
	advance_to_tick(&r, 1000);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(r.irq.level, 0, "an ISA edge, not a held level");
	vclock_advance(&r.vc, 5 * SEC);
	cr_assert_eq(r.irq.rises, 1);
	pit_destroy(&r.pit);
}

Test(pit_irq0, mode4_fires_once)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 4, 500);
	vclock_advance(&r.vc, SEC);
	cr_assert_eq(r.irq.rises, 1);
	pit_destroy(&r.pit);
}

/* Channel 0's gate is tied high, so the gate-triggered modes never start. */
Test(pit_irq0, modes_1_and_5_never_fire_on_channel0)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 1, 100);
	vclock_advance(&r.vc, SEC);
	program(&r, 0, 5, 100);
	vclock_advance(&r.vc, SEC);
	cr_assert_eq(r.irq.rises, 0);
	pit_destroy(&r.pit);
}

Test(pit_irq0, control_word_cancels_previous_period)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193);
	vclock_advance(&r.vc, SEC / 2);
	unsigned before = r.irq.rises;
	cr_assert(before >= 499 && before <= 501, "got %u", before);
	outb(&r, 0x43, 0x30); /* mode 0, no count yet */
	vclock_advance(&r.vc, 2 * SEC);
	cr_assert_eq(r.irq.rises, before);
	pit_destroy(&r.pit);
}

Test(pit_irq0, reprogrammed_rate_takes_effect)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193);
	vclock_advance(&r.vc, SEC);
	unsigned fast = r.irq.rises;
	program(&r, 0, 2, 11932);
	vclock_advance(&r.vc, SEC);
	unsigned slow = r.irq.rises - fast;
	cr_assert(fast >= 999 && fast <= 1001, "got %u", fast);
	cr_assert(slow >= 99 && slow <= 101, "got %u", slow);
	pit_destroy(&r.pit);
}

/* 8254 mode 2: a count written while counting is loaded when the current cycle ends. */
Test(pit_irq0, mode2_count_without_control_word_applies_after_cycle)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193);
	advance_to_tick(&r, 3 * 1193 + 600);
	cr_assert_eq(r.irq.rises, 3);
	outb(&r, 0x40, 11932 & 0xFF);
	outb(&r, 0x40, 11932 >> 8);
	cr_assert_eq(latched_count(&r, 0), 1193 - 600, "old cycle keeps counting");
	advance_to_tick(&r, 4 * 1193);
	cr_assert_eq(r.irq.rises, 4);
	cr_assert_eq(latched_count(&r, 0), 11932, "new count loaded at the cycle end");
	advance_to_tick(&r, 4 * 1193 + 11931);
	cr_assert_eq(r.irq.rises, 4);
	advance_to_tick(&r, 4 * 1193 + 11932);
	cr_assert_eq(r.irq.rises, 5);
	pit_destroy(&r.pit);
}

Test(pit_irq0, stale_fire_is_ignored)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193);
	outb(&r, 0x43, 0x30); /* cancels; a fire already under way may still arrive */
	r.pit.timer.fire(&r.pit.timer, 10 * SEC);
	cr_assert_eq(r.irq.rises, 0);
	program(&r, 0, 0, 1000);
	r.pit.timer.fire(&r.pit.timer, r.vc.now_ns); /* before the new deadline */
	cr_assert_eq(r.irq.rises, 0);
	vclock_advance(&r.vc, SEC);
	cr_assert_eq(r.irq.rises, 1);
	pit_destroy(&r.pit);
}

/* The timer service fires late when the host is busy: the edges slept through are still
 * delivered, one per fire and at least the floor apart, so the guest's count is right. */
Test(pit_irq0, late_fire_replays_missed_edges)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193); /* edges every 1193 ticks, about 1 ms */
	/* the host wakes 5.5 ms late for the first edge */
	r.vc.now_ns = 5500000;
	r.pit.timer.fire(&r.pit.timer, r.vc.now_ns);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_geq(r.pit.irq_deadline_ns, 5500000 + TIMER_MIN_PERIOD_NS,
		      "the next edge respects the floor");
	vclock_advance(&r.vc, 1000000);
	cr_assert_eq(r.irq.rises, 6, "edges 1..6 ms all delivered by 6.5 ms, got %u", r.irq.rises);
	vclock_advance(&r.vc, SEC - 6500000);
	cr_assert_eq(r.irq.rises, 1000, "%u", r.irq.rises);
	pit_destroy(&r.pit);
}

/* A stall owes at most a second's worth, sent no faster than the floor allows. */
Test(pit_irq0, a_long_stall_owes_at_most_one_second)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193);
	r.vc.now_ns = 2 * SEC; /* two seconds without a fire: 2000 edges missed */
	r.pit.timer.fire(&r.pit.timer, r.vc.now_ns);
	vclock_advance(&r.vc, 10000000);
	cr_assert_leq(r.irq.rises, 101, "10 ms at the floor: %u edges", r.irq.rises);
	cr_assert_geq(r.irq.rises, 100);
	/* then the rest of the second's worth, and the rate again */
	vclock_advance(&r.vc, SEC - 10000000);
	unsigned caught_up = r.irq.rises;
	cr_assert(caught_up >= 1000 + 900 && caught_up <= 1000 + 1001,
		  "a second owed plus a second of new edges: %u", caught_up);
	vclock_advance(&r.vc, SEC);
	cr_assert(r.irq.rises - caught_up >= 999 && r.irq.rises - caught_up <= 1001, "%u",
		  r.irq.rises - caught_up);
	pit_destroy(&r.pit);
}

/* An edge that merges in the 8259 with one the guest has not taken is sent again once it can
 * be taken: a guest slower than the rate for a while still counts every tick. */
Test(pit_irq0, merged_edges_are_sent_again_until_taken)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 11932);		     /* 100 Hz */
	r.irq.edge_status = IRQ_EDGE_MERGED;	     /* the guest takes nothing for half a second */
	vclock_advance(&r.vc, SEC / 2 + SEC / 1000); /* edges at 10, 20 .. 500 ms */
	unsigned tried = r.irq.rises;
	/* tries back off to one period: about 2 per 10 ms, not the floor's 100 */
	cr_assert(tried >= 50 && tried <= 120, "tries: %u", tried);
	cr_assert_eq(r.irq.taken, 0);
	/* the edges up to the last try (the 500 ms one may come after it) */
	cr_assert(r.pit.owed == 49 || r.pit.owed == 50, "edges owed: %u", r.pit.owed);
	r.irq.edge_status = IRQ_EDGE_TAKEN;
	vclock_advance(&r.vc, SEC / 2 + SEC / 50); /* to 1.021 s: edges at 10 .. 1020 ms */
	cr_assert_eq(r.irq.taken, 102, "every edge taken: %u", r.irq.taken);
	cr_assert_eq(r.pit.owed, 0);
	pit_destroy(&r.pit);
}

/* A masked line owes nothing: the guest asked not to be interrupted. */
Test(pit_irq0, masked_edges_are_not_owed)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 11932);
	r.irq.edge_status = IRQ_EDGE_MASKED;
	vclock_advance(&r.vc, SEC / 2 + SEC / 1000);
	cr_assert_eq(r.pit.owed, 0);
	cr_assert_eq(r.irq.rises, 50, "one edge per period, no retries: %u", r.irq.rises);
	r.irq.edge_status = IRQ_EDGE_TAKEN;
	vclock_advance(&r.vc, SEC / 2);
	cr_assert_eq(r.irq.taken, 50);
	pit_destroy(&r.pit);
}

Test(pit_counter, mode2_counts_n_down_to_1)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 2, 1000);
	cr_assert_eq(latched_count(&r, 1), 1000);
	advance_to_tick(&r, 250);
	cr_assert_eq(latched_count(&r, 1), 750);
	advance_to_tick(&r, 999);
	cr_assert_eq(latched_count(&r, 1), 1);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0, "OUT low for the last tick of the cycle");
	advance_to_tick(&r, 1000);
	cr_assert_eq(latched_count(&r, 1), 1000);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0x80);
	pit_destroy(&r.pit);
}

Test(pit_counter, mode3_decrements_by_two_each_half)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 3, 1000);
	advance_to_tick(&r, 100);
	cr_assert_eq(latched_count(&r, 1), 800);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0x80, "first half high");
	advance_to_tick(&r, 600);
	cr_assert_eq(latched_count(&r, 1), 800);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0, "second half low");
	advance_to_tick(&r, 1000);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0x80);
	pit_destroy(&r.pit);
}

/* Odd counts: high for (n+1)/2 ticks, low for (n-1)/2. */
Test(pit_counter, mode3_odd_count_halves)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 3, 5);
	advance_to_tick(&r, 2);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0x80);
	advance_to_tick(&r, 3);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0);
	advance_to_tick(&r, 4);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0);
	advance_to_tick(&r, 5);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0x80);
	pit_destroy(&r.pit);
}

Test(pit_counter, mode0_out_rises_at_zero_and_count_wraps)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 0, 100);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0, "OUT low after the count is written");
	advance_to_tick(&r, 99);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0);
	advance_to_tick(&r, 150);
	cr_assert_eq(status_of(&r, 1) & 0x80, 0x80);
	cr_assert_eq(latched_count(&r, 1), 0x10000 - 50);
	pit_destroy(&r.pit);
}

Test(pit_counter, latch_returns_value_at_latch_time)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 10000);
	advance_to_tick(&r, 1193);
	outb(&r, 0x43, 0x00);
	advance_to_tick(&r, 5000);
	unsigned lo = inb(&r, 0x40);
	unsigned hi = inb(&r, 0x40);
	cr_assert_eq(lo | hi << 8, 10000 - 1193);

	outb(&r, 0x43, 0x00);
	advance_to_tick(&r, 6000);
	outb(&r, 0x43, 0x00); /* ignored: the first latch is still unread */
	lo = inb(&r, 0x40);
	hi = inb(&r, 0x40);
	cr_assert_eq(lo | hi << 8, 10000 - 5000);

	lo = inb(&r, 0x40); /* unlatched again: the live count */
	hi = inb(&r, 0x40);
	cr_assert_eq(lo | hi << 8, 10000 - 6000);
	pit_destroy(&r.pit);
}

Test(pit_counter, latch_survives_half_read)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 2, 10000);
	advance_to_tick(&r, 100);
	outb(&r, 0x43, 0x40);
	unsigned lo = inb(&r, 0x41);
	advance_to_tick(&r, 3000);
	unsigned hi = inb(&r, 0x41);
	cr_assert_eq(lo | hi << 8, 9900);
	pit_destroy(&r.pit);
}

Test(pit_counter, lsb_msb_flip_flop_is_per_channel)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 0, 0x1234);
	program(&r, 1, 0, 0x5678);
	cr_assert_eq(inb(&r, 0x40), 0x34);
	cr_assert_eq(inb(&r, 0x41), 0x78);
	cr_assert_eq(inb(&r, 0x40), 0x12);
	cr_assert_eq(inb(&r, 0x41), 0x56);
	/* a control word resets the flip-flop to the lsb */
	cr_assert_eq(inb(&r, 0x40), 0x34);
	outb(&r, 0x43, 0x30);
	cr_assert_eq(inb(&r, 0x40), 0x34);
	cr_assert_eq(inb(&r, 0x40), 0x12);
	pit_destroy(&r.pit);
}

Test(pit_counter, lsb_only_and_msb_only_access)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x43, 0x50); /* channel 1, lsb only, mode 0 */
	outb(&r, 0x41, 0x50);
	cr_assert_eq(inb(&r, 0x41), 0x50);
	cr_assert_eq(inb(&r, 0x41), 0x50);
	advance_to_tick(&r, 0x10);
	cr_assert_eq(inb(&r, 0x41), 0x40);
	outb(&r, 0x43, 0x60); /* msb only */
	outb(&r, 0x41, 0x12);
	cr_assert_eq(inb(&r, 0x41), 0x12);
	outb(&r, 0x43, 0x40);
	advance_to_tick(&r, 0x10 + 0x300);
	cr_assert_eq(inb(&r, 0x41), 0x12, "latched msb-only value is one byte");
	cr_assert_eq(inb(&r, 0x41), 0x0F, "then live reads resume");
	pit_destroy(&r.pit);
}

Test(pit_counter, count_loads_after_second_byte)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 2, 1000);
	advance_to_tick(&r, 100);
	outb(&r, 0x43, 0x74); /* channel 1, mode 2 again: waits for a new count */
	outb(&r, 0x41, 0x00);
	advance_to_tick(&r, 200);
	cr_assert_eq(status_of(&r, 1) & 0x40, 0x40, "null count until the msb arrives");
	outb(&r, 0x41, 0x02);
	cr_assert_eq(status_of(&r, 1) & 0x40, 0);
	cr_assert_eq(latched_count(&r, 1), 0x200);
	pit_destroy(&r.pit);
}

Test(pit_counter, zero_count_is_65536)
{
	struct rig r;
	rig_up(&r);
	program(&r, 1, 2, 0);
	cr_assert_eq(latched_count(&r, 1), 0);
	advance_to_tick(&r, 1);
	cr_assert_eq(latched_count(&r, 1), 0xFFFF);
	pit_destroy(&r.pit);
}

Test(pit_counter, read_back_latches_status_then_count)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 100);
	advance_to_tick(&r, 30);
	outb(&r, 0x43, 0xC2); /* count and status of channel 0 */
	advance_to_tick(&r, 60);
	/* OUT high, count loaded, lsb/msb, mode 2, binary */
	cr_assert_eq(inb(&r, 0x40), 0xB4);
	cr_assert_eq(inb(&r, 0x40), 70);
	cr_assert_eq(inb(&r, 0x40), 0);

	outb(&r, 0x43, 0x30); /* mode 0, no count: OUT low, null count */
	cr_assert_eq(status_of(&r, 0), 0x70);

	program(&r, 1, 3, 10);
	program(&r, 2, 0, 20);
	outb(&r, 0x43, 0xDC); /* count only, channels 1 and 2 */
	cr_assert_eq(inb(&r, 0x41), 10);
	cr_assert_eq(inb(&r, 0x41), 0);
	cr_assert_eq(inb(&r, 0x42), 20);
	cr_assert_eq(inb(&r, 0x42), 0);
	pit_destroy(&r.pit);
}

Test(pit_counter, status_reports_control_word_and_bcd)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x43, 0x7D); /* channel 1, lsb/msb, mode 6 (= 2), BCD */
	cr_assert_eq(status_of(&r, 1) & 0x3F, 0x3D);
	pit_destroy(&r.pit);
}

Test(pit_counter, bcd_counting)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x43, 0x71); /* channel 1, lsb/msb, mode 0, BCD */
	outb(&r, 0x41, 0x00);
	outb(&r, 0x41, 0x01); /* 0100 decimal */
	advance_to_tick(&r, 50);
	cr_assert_eq(latched_count(&r, 1), 0x0050);
	outb(&r, 0x43, 0x71);
	outb(&r, 0x41, 0x00);
	outb(&r, 0x41, 0x00); /* 0 is 10000 in BCD */
	advance_to_tick(&r, 51);
	cr_assert_eq(latched_count(&r, 1), 0x9999);
	pit_destroy(&r.pit);
}

/* arch/x86/kernel/tsc.c pit_calibrate_tsc: gate on, mode 0, 10 ms latch, poll port 0x61 bit 5. */
Test(pit_channel2, linux_calibration_sequence)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x61, (uint8_t)((inb(&r, 0x61) & ~0x02) | 0x01));
	outb(&r, 0x43, 0xB0);
	unsigned latch = PIT_FREQ_HZ / 100;
	outb(&r, 0x42, latch & 0xFF);
	outb(&r, 0x42, latch >> 8);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	advance_to_tick(&r, latch - 1);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	advance_to_tick(&r, latch);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0x20);
	cr_assert_eq(r.irq.rises, 0, "channel 2 has no IRQ");
	pit_destroy(&r.pit);
}

/* quick_pit_calibrate: mode 0 from 0xffff, reading lsb then msb without latching. */
Test(pit_channel2, msb_polling_sees_countdown)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x61, 0x01);
	outb(&r, 0x43, 0xB0);
	outb(&r, 0x42, 0xFF);
	outb(&r, 0x42, 0xFF);
	inb(&r, 0x42);
	cr_assert_eq(inb(&r, 0x42), 0xFF);
	advance_to_tick(&r, 256);
	inb(&r, 0x42);
	cr_assert_eq(inb(&r, 0x42), 0xFE);
	advance_to_tick(&r, 512);
	inb(&r, 0x42);
	cr_assert_eq(inb(&r, 0x42), 0xFD);
	pit_destroy(&r.pit);
}

Test(pit_channel2, low_gate_suspends_mode0)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(inb(&r, 0x61) & 0x01, 0, "gate starts low");
	program(&r, 2, 0, 1000);
	advance_to_tick(&r, 2000);
	cr_assert_eq(latched_count(&r, 2), 1000);
	outb(&r, 0x61, 0x01);
	advance_to_tick(&r, 2500);
	cr_assert_eq(latched_count(&r, 2), 500);
	outb(&r, 0x61, 0x00);
	advance_to_tick(&r, 5000);
	cr_assert_eq(latched_count(&r, 2), 500);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	outb(&r, 0x61, 0x01);
	advance_to_tick(&r, 5499);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	advance_to_tick(&r, 5500);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0x20);
	pit_destroy(&r.pit);
}

Test(pit_channel2, mode2_low_gate_forces_out_high_and_rising_gate_reloads)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x61, 0x01);
	program(&r, 2, 2, 100);
	advance_to_tick(&r, 99);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	outb(&r, 0x61, 0x00);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0x20);
	advance_to_tick(&r, 150);
	outb(&r, 0x61, 0x01);
	cr_assert_eq(latched_count(&r, 2), 100);
	advance_to_tick(&r, 180);
	cr_assert_eq(latched_count(&r, 2), 70);
	pit_destroy(&r.pit);
}

Test(pit_channel2, mode1_one_shot_triggered_by_gate)
{
	struct rig r;
	rig_up(&r);
	program(&r, 2, 1, 100);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0x20, "OUT high until triggered");
	advance_to_tick(&r, 10);
	outb(&r, 0x61, 0x01);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	advance_to_tick(&r, 109);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	advance_to_tick(&r, 110);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0x20);
	outb(&r, 0x61, 0x00);
	advance_to_tick(&r, 200);
	outb(&r, 0x61, 0x01); /* retrigger */
	advance_to_tick(&r, 299);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0);
	advance_to_tick(&r, 300);
	cr_assert_eq(inb(&r, 0x61) & 0x20, 0x20);
	pit_destroy(&r.pit);
}

Test(pit_port61, stored_bits_refresh_toggle_and_zero_top)
{
	struct rig r;
	rig_up(&r);
	outb(&r, 0x61, 0xFF);
	uint8_t a = inb(&r, 0x61);
	uint8_t b = inb(&r, 0x61);
	cr_assert_eq(a & 0x0F, 0x0F);
	cr_assert_eq(b & 0x0F, 0x0F);
	cr_assert_neq(a & 0x10, b & 0x10, "refresh bit toggles between reads");
	cr_assert_eq(a & 0xC0, 0);
	cr_assert_eq(b & 0xC0, 0);
	outb(&r, 0x61, 0x02);
	cr_assert_eq(inb(&r, 0x61) & 0x03, 0x02, "speaker data enable is stored");
	pit_destroy(&r.pit);
}

Test(pit_robustness, init_rejects_missing_timer_base)
{
	struct pit p;
	struct pit_config cfg = {0};
	cr_assert_eq(pit_init(&p, &cfg), -EINVAL);
}

Test(pit_robustness, destroy_leaves_no_timer_armed)
{
	struct rig r;
	rig_up(&r);
	program(&r, 0, 2, 1193);
	vclock_advance(&r.vc, SEC / 10);
	pit_destroy(&r.pit);
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++)
		cr_assert_null(r.vc.armed[i]);
}

Test(pit_robustness, unmapped_offsets_and_wide_accesses)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(pit_io_ops.read(&r.pit, 3, 1), 0xFF, "control register is write-only");
	cr_assert_eq(pit_io_ops.read(&r.pit, 9, 1), 0xFF);
	io_ops_write(&pit_io_ops, &r.pit, PIT_IO_LEN, 200, 4, 0xFFFFFFFF);
	cr_assert_eq(io_ops_read(&pit_port61_io_ops, &r.pit, 1, 0, 2) >> 8, 0xFF);
	/* a 16-bit write at 0x42 also reaches the control port 0x43 */
	io_ops_write(&pit_io_ops, &r.pit, PIT_IO_LEN, 2, 2, 0xB0 << 8 | 0x00);
	cr_assert_eq(status_of(&r, 2) & 0x3F, 0x30);
	pit_destroy(&r.pit);
}

static uint32_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

/* Success is surviving: any byte on any port at any time, with IRQs still bounded. */
Test(pit_robustness, register_fuzz)
{
	struct rig r;
	rig_up(&r);
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	static const unsigned sizes[] = {1, 2, 4};
	for (unsigned i = 0; i < 200000; i++) {
		uint32_t x = next_rand(&seed);
		uint16_t off = x & 3;
		unsigned size = sizes[(x >> 2) % 3];
		uint32_t v = next_rand(&seed);
		switch ((x >> 4) & 7) {
		case 0:
			io_ops_read(&pit_io_ops, &r.pit, PIT_IO_LEN, off, size);
			break;
		case 1:
			pit_port61_io_ops.write(&r.pit, 0, 1, v);
			break;
		case 2:
			pit_port61_io_ops.read(&r.pit, 0, 1);
			break;
		case 3:
			vclock_advance(&r.vc, v % 50000);
			break;
		default:
			io_ops_write(&pit_io_ops, &r.pit, PIT_IO_LEN, off, size, v);
			break;
		}
	}
	cr_assert_leq(r.irq.rises, r.vc.now_ns / TIMER_MIN_PERIOD_NS + 1);
	pit_destroy(&r.pit);
}
