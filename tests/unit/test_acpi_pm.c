/* Unit tests for the ACPI PM1a event/control registers and PM timer, through their ports. */
#include <criterion/criterion.h>
#include <errno.h>

#include "devices/acpi_pm.h"
#include "tests/support/fakes.h"
#include "tests/support/vclock.h"

#define SEC  1000000000ULL
#define MSEC 1000000ULL
/* Bit 23 of a 3.579545 MHz counter flips every 2^23 ticks = 2.343484437... s. */
#define CARRY1_NS 2343484438ULL /* first flip (0 -> 1), rounded up to a whole ns */
#define CARRY2_NS 4686968875ULL /* second flip (1 -> 0, the 24-bit wrap) */

struct rig {
	struct vclock vc;
	struct fake_irq sci;
	struct fake_stopper stop;
	struct acpi_pm pm;
};

static void rig_up(struct rig *r)
{
	vclock_init(&r->vc, 0);
	struct acpi_pm_config cfg = {.sci = fake_irq_line(&r->sci, ACPI_PM_SCI_IRQ),
				     .timers = &r->vc.base,
				     .stopper = fake_stopper_of(&r->stop)};
	cr_assert_eq(acpi_pm_init(&r->pm, &cfg), 0);
}

static void rig_down(struct rig *r)
{
	acpi_pm_destroy(&r->pm);
}

static uint32_t in(struct rig *r, uint16_t port, unsigned size)
{
	return acpi_pm_io_ops.read(&r->pm, (uint16_t)(port - ACPI_PM_BASE), size);
}

static void out(struct rig *r, uint16_t port, unsigned size, uint32_t v)
{
	acpi_pm_io_ops.write(&r->pm, (uint16_t)(port - ACPI_PM_BASE), size, v);
}

static void advance_to(struct rig *r, uint64_t ns)
{
	cr_assert_geq(ns, r->vc.now_ns);
	vclock_advance(&r->vc, ns - r->vc.now_ns);
}

static unsigned armed_timers(const struct rig *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++)
		n += r->vc.armed[i] != NULL;
	return n;
}

static uint32_t pm_timer(struct rig *r)
{
	return in(r, ACPI_PM_TMR_BLK, 4);
}

Test(acpi_pm_timer, counts_at_3579545_hz_from_zero)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(pm_timer(&r), 0);
	advance_to(&r, SEC / 2);
	cr_assert_eq(pm_timer(&r), 1789772); /* 3579545 / 2, truncated */
	advance_to(&r, SEC);
	cr_assert_eq(pm_timer(&r), 3579545);
	rig_down(&r);
}

Test(acpi_pm_timer, wraps_at_24_bits)
{
	struct rig r;
	rig_up(&r);
	advance_to(&r, 5 * SEC);
	cr_assert_eq(pm_timer(&r), (5ULL * 3579545) & 0xFFFFFF);
	advance_to(&r, 3600 * SEC);
	cr_assert_eq(pm_timer(&r), (3600ULL * 3579545) & 0xFFFFFF);
	cr_assert_eq(in(&r, ACPI_PM_TMR_BLK + 3, 1), 0, "TMR_VAL_EXT=0: bits 24-31 read 0");
	rig_down(&r);
}

Test(acpi_pm_timer, starts_at_zero_whatever_the_clock_says)
{
	struct rig r;
	vclock_init(&r.vc, 0);
	vclock_advance(&r.vc, 7 * SEC + 123);
	struct acpi_pm_config cfg = {.timers = &r.vc.base};
	cr_assert_eq(acpi_pm_init(&r.pm, &cfg), 0);
	cr_assert_eq(pm_timer(&r), 0);
	vclock_advance(&r.vc, SEC);
	cr_assert_eq(pm_timer(&r), 3579545);
	rig_down(&r);
}

Test(acpi_pm_timer, writes_are_ignored)
{
	struct rig r;
	rig_up(&r);
	advance_to(&r, SEC);
	out(&r, ACPI_PM_TMR_BLK, 4, 0);
	out(&r, ACPI_PM_TMR_BLK + 1, 1, 0xAA);
	cr_assert_eq(pm_timer(&r), 3579545);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, set_when_bit_23_flips_either_way)
{
	struct rig r;
	rig_up(&r);
	advance_to(&r, CARRY1_NS - 1000);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2) & ACPI_PM1_TMR_STS, 0);
	advance_to(&r, CARRY1_NS);
	cr_assert_eq(pm_timer(&r), 1u << 23);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2) & ACPI_PM1_TMR_STS, ACPI_PM1_TMR_STS);
	out(&r, ACPI_PM1_STS, 2, ACPI_PM1_TMR_STS);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2) & ACPI_PM1_TMR_STS, 0);
	advance_to(&r, CARRY2_NS - 1000);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2) & ACPI_PM1_TMR_STS, 0);
	advance_to(&r, CARRY2_NS);
	cr_assert_eq(pm_timer(&r), 0, "bit 23 goes back to 0 at the 24-bit wrap");
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2) & ACPI_PM1_TMR_STS, ACPI_PM1_TMR_STS);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, no_sci_and_no_host_timer_without_tmr_en)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(armed_timers(&r), 0);
	for (unsigned i = 0; i < 60; i++) {
		advance_to(&r, r.vc.now_ns + SEC);
		(void)in(&r, ACPI_PM1_STS, 2);
		out(&r, ACPI_PM1_STS, 2, ACPI_PM1_TMR_STS);
	}
	cr_assert_eq(r.vc.fired, 0);
	cr_assert_eq(armed_timers(&r), 0);
	cr_assert_eq(r.sci.rises, 0);
	cr_assert_eq(r.sci.level, 0);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, sci_rises_at_the_carry_with_tmr_en)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	cr_assert_eq(armed_timers(&r), 1);
	advance_to(&r, CARRY1_NS - 1);
	cr_assert_eq(r.sci.level, 0);
	/* no port access: the timer alone must raise the line */
	advance_to(&r, CARRY1_NS);
	cr_assert_eq(r.sci.level, 1);
	cr_assert_eq(r.sci.rises, 1);
	cr_assert_eq(r.sci.last_gsi, ACPI_PM_SCI_IRQ);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, sci_is_a_level_held_until_cleared)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	advance_to(&r, 20 * SEC);
	cr_assert_eq(r.sci.level, 1);
	cr_assert_eq(r.sci.rises, 1, "no re-pulsing while the status is pending");
	cr_assert_leq(r.vc.fired, 1, "nothing to wake for while TMR_STS is already set");
	out(&r, ACPI_PM1_STS, 2, ACPI_PM1_TMR_STS);
	cr_assert_eq(r.sci.level, 0);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, one_sci_per_carry_when_the_guest_acks)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	/* an SCI handler: acknowledge each time the line is seen high */
	for (uint64_t t = 0; t <= 10 * SEC; t += 10 * MSEC) {
		advance_to(&r, t);
		if (r.sci.level)
			out(&r, ACPI_PM1_STS, 2, ACPI_PM1_TMR_STS);
	}
	/* floor(10 s * 3579545 Hz / 2^23) carries */
	cr_assert_eq(r.sci.rises, 4);
	cr_assert_eq(r.vc.fired, 4);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, enabling_after_a_missed_carry_raises_sci_at_once)
{
	struct rig r;
	rig_up(&r);
	advance_to(&r, 3 * SEC);
	cr_assert_eq(r.sci.level, 0);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	cr_assert_eq(r.sci.level, 1, "TMR_STS was set by the carry even though disabled");
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, disabling_cancels_the_timer_and_drops_sci)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	cr_assert_eq(armed_timers(&r), 1);
	out(&r, ACPI_PM1_EN, 2, 0);
	cr_assert_eq(armed_timers(&r), 0);
	advance_to(&r, 10 * SEC);
	cr_assert_eq(r.vc.fired, 0);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	cr_assert_eq(r.sci.level, 1);
	out(&r, ACPI_PM1_EN, 2, 0);
	cr_assert_eq(r.sci.level, 0);
	rig_down(&r);
}

Test(acpi_pm_tmr_sts, a_stale_fire_changes_nothing)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	out(&r, ACPI_PM1_EN, 2, 0);
	/* the fire raced with the cancel and runs anyway */
	r.pm.timer.fire(&r.pm.timer, 100 * SEC);
	cr_assert_eq(r.sci.rises, 0);
	cr_assert_eq(armed_timers(&r), 0);
	/* a fire earlier than the deadline it was armed for is stale too */
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_TMR_EN);
	r.pm.timer.fire(&r.pm.timer, SEC);
	cr_assert_eq(r.sci.rises, 0);
	advance_to(&r, CARRY1_NS);
	cr_assert_eq(r.sci.rises, 1);
	rig_down(&r);
}

Test(acpi_pm_sts, write_one_to_clear)
{
	struct rig r;
	rig_up(&r);
	advance_to(&r, 3 * SEC);
	acpi_pm_press_power_button(&r.pm);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), ACPI_PM1_TMR_STS | ACPI_PM1_PWRBTN_STS);
	out(&r, ACPI_PM1_STS, 2, 0);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), ACPI_PM1_TMR_STS | ACPI_PM1_PWRBTN_STS,
		     "writing 0 leaves status alone");
	out(&r, ACPI_PM1_STS, 2, ACPI_PM1_PWRBTN_STS);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), ACPI_PM1_TMR_STS);
	out(&r, ACPI_PM1_STS, 2, 0xFFFF);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), 0);
	rig_down(&r);
}

Test(acpi_pm_sts, byte_writes_clear_only_their_byte)
{
	struct rig r;
	rig_up(&r);
	advance_to(&r, 3 * SEC);
	acpi_pm_press_power_button(&r.pm);
	out(&r, ACPI_PM1_STS + 1, 1, 0x01); /* PWRBTN_STS is bit 0 of the high byte */
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), ACPI_PM1_TMR_STS);
	acpi_pm_press_power_button(&r.pm);
	out(&r, ACPI_PM1_STS, 1, 0xFF);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), ACPI_PM1_PWRBTN_STS);
	rig_down(&r);
}

Test(acpi_pm_sts, reserved_bits_read_zero)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), 0);
	out(&r, ACPI_PM1_STS, 2, 0xFFFF);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), 0);
	rig_down(&r);
}

Test(acpi_pm_en, defined_enable_bits_stick_reserved_read_zero)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(in(&r, ACPI_PM1_EN, 2), 0);
	out(&r, ACPI_PM1_EN, 2, 0xFFFF);
	/* TMR_EN 0, GBL_EN 5, PWRBTN_EN 8, SLPBTN_EN 9, RTC_EN 10, PCIEXP_WAKE_DIS 14 */
	cr_assert_eq(in(&r, ACPI_PM1_EN, 2), 0x4721);
	out(&r, ACPI_PM1_EN + 1, 1, 0x00);
	cr_assert_eq(in(&r, ACPI_PM1_EN, 2), 0x0021, "a byte write leaves the other byte");
	rig_down(&r);
}

Test(acpi_pm_button, sets_status_and_raises_sci_only_when_enabled)
{
	struct rig r;
	rig_up(&r);
	acpi_pm_press_power_button(&r.pm);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2) & ACPI_PM1_PWRBTN_STS, ACPI_PM1_PWRBTN_STS);
	cr_assert_eq(r.sci.level, 0);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_PWRBTN_EN);
	cr_assert_eq(r.sci.level, 1);
	out(&r, ACPI_PM1_STS, 2, ACPI_PM1_PWRBTN_STS);
	cr_assert_eq(r.sci.level, 0);
	acpi_pm_press_power_button(&r.pm);
	cr_assert_eq(r.sci.level, 1);
	cr_assert_eq(r.sci.rises, 2);
	cr_assert_eq(r.stop.stops, 0, "the button asks the guest; it does not stop the VM");
	rig_down(&r);
}

Test(acpi_pm_button, guest_shuts_down_in_response)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1_EN, 2, ACPI_PM1_PWRBTN_EN);
	acpi_pm_press_power_button(&r.pm);
	cr_assert_eq(r.sci.level, 1);
	/* the guest's handler: acknowledge, then enter S5 keeping SCI_EN */
	out(&r, ACPI_PM1_STS, 2, ACPI_PM1_PWRBTN_STS);
	uint16_t cnt = (uint16_t)in(&r, ACPI_PM1A_CNT_BLK, 2);
	out(&r, ACPI_PM1A_CNT_BLK, 2,
	    cnt | ACPI_PM_SLP_TYP_S5 << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_POWEROFF);
	rig_down(&r);
}

Test(acpi_pm_cnt, slp_en_with_s5_powers_off)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1A_CNT_BLK, 2, ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_POWEROFF);
	cr_assert_eq(r.stop.status, 0);
	cr_assert_eq(r.pm.poweroffs, 1);
	rig_down(&r);
}

Test(acpi_pm_cnt, slp_en_by_byte_write_to_the_high_byte)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1A_CNT_BLK + 1, 1, ACPI_PM1_SLP_EN >> 8);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_POWEROFF);
	rig_down(&r);
}

Test(acpi_pm_cnt, slp_typ_then_slp_en_as_acpica_does)
{
	struct rig r;
	rig_up(&r);
	/* a non-S5 type first, so the S5 write has to replace it */
	out(&r, ACPI_PM1A_CNT_BLK, 2, 5 << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SCI_EN);
	out(&r, ACPI_PM1A_CNT_BLK, 2, ACPI_PM1_SCI_EN);
	cr_assert_eq(r.stop.stops, 0, "SLP_TYP alone does not sleep");
	out(&r, ACPI_PM1A_CNT_BLK, 2, ACPI_PM1_SCI_EN | ACPI_PM1_SLP_EN);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_POWEROFF);
	rig_down(&r);
}

Test(acpi_pm_cnt, other_sleep_types_are_ignored_and_counted)
{
	struct rig r;
	rig_up(&r);
	for (uint16_t typ = 1; typ < 8; typ++) {
		out(&r, ACPI_PM1A_CNT_BLK, 2,
		    (uint32_t)typ << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN | ACPI_PM1_SCI_EN);
		cr_assert_eq(r.pm.last_ignored_slp_typ, typ);
	}
	cr_assert_eq(r.stop.stops, 0);
	cr_assert_eq(r.pm.ignored_sleeps, 7);
	cr_assert_eq(r.pm.poweroffs, 0);
	rig_down(&r);
}

Test(acpi_pm_cnt, slp_en_reads_back_zero_slp_typ_sticks)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1A_CNT_BLK, 2, 3 << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
	uint32_t v = in(&r, ACPI_PM1A_CNT_BLK, 2);
	cr_assert_eq(v & ACPI_PM1_SLP_EN, 0);
	cr_assert_eq(v & ACPI_PM1_SLP_TYP_MASK, 3 << ACPI_PM1_SLP_TYP_SHIFT);
	rig_down(&r);
}

Test(acpi_pm_cnt, sci_en_round_trip)
{
	struct rig r;
	rig_up(&r);
	cr_assert_eq(in(&r, ACPI_PM1A_CNT_BLK, 2) & ACPI_PM1_SCI_EN, ACPI_PM1_SCI_EN,
		     "no SMM: the hardware comes up in ACPI mode");
	out(&r, ACPI_PM1A_CNT_BLK, 2, 0);
	cr_assert_eq(in(&r, ACPI_PM1A_CNT_BLK, 2) & ACPI_PM1_SCI_EN, 0);
	out(&r, ACPI_PM1A_CNT_BLK, 1, ACPI_PM1_SCI_EN);
	cr_assert_eq(in(&r, ACPI_PM1A_CNT_BLK, 2) & ACPI_PM1_SCI_EN, ACPI_PM1_SCI_EN);
	cr_assert_eq(r.stop.stops, 0);
	rig_down(&r);
}

Test(acpi_pm_cnt, gbl_rls_is_write_only)
{
	struct rig r;
	rig_up(&r);
	out(&r, ACPI_PM1A_CNT_BLK, 2, 0x0004 | ACPI_PM1_SCI_EN);
	cr_assert_eq(in(&r, ACPI_PM1A_CNT_BLK, 2), ACPI_PM1_SCI_EN);
	rig_down(&r);
}

/* Builds a known state: STS = TMR|PWRBTN, EN = TMR|GBL|PWRBTN, CNT = S-type 5 + SCI_EN, t = 3 s. */
static void known_state(struct rig *r)
{
	rig_up(r);
	advance_to(r, 3 * SEC);
	acpi_pm_press_power_button(&r->pm);
	out(r, ACPI_PM1_EN, 2, 0x0121);
	out(r, ACPI_PM1A_CNT_BLK, 2, 0x1401);
}

Test(acpi_pm_access, every_width_at_every_offset)
{
	struct rig r;
	known_state(&r);
	/* 3 s * 3579545 Hz = 10738635 = 0xA3DBCB; 6-7 and past the block float high */
	const uint8_t bytes[16] = {0x01, 0x01, 0x21, 0x01, 0x01, 0x14, 0xFF, 0xFF,
				   0xCB, 0xDB, 0xA3, 0x00, 0xFF, 0xFF, 0xFF, 0xFF};
	for (unsigned off = 0; off < ACPI_PM_LEN; off++) {
		for (unsigned size = 1; size <= 4; size *= 2) {
			uint32_t want = 0;
			for (unsigned i = 0; i < size; i++)
				want |= (uint32_t)bytes[off + i] << (8 * i);
			uint32_t got = in(&r, (uint16_t)(ACPI_PM_BASE + off), size);
			cr_assert_eq(got, want, "offset %u size %u: 0x%x, want 0x%x", off, size,
				     got, want);
		}
	}
	rig_down(&r);
}

Test(acpi_pm_access, dword_write_reaches_sts_and_en)
{
	struct rig r;
	known_state(&r);
	/* clear both status bits and set only PWRBTN_EN, in one 32-bit write */
	out(&r, ACPI_PM1A_EVT_BLK, 4, (uint32_t)ACPI_PM1_PWRBTN_EN << 16 | 0x0101);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), 0);
	cr_assert_eq(in(&r, ACPI_PM1_EN, 2), ACPI_PM1_PWRBTN_EN);
	cr_assert_eq(r.sci.level, 0);
	rig_down(&r);
}

Test(acpi_pm_access, undecoded_offsets_change_nothing)
{
	struct rig r;
	known_state(&r);
	uint32_t sts = in(&r, ACPI_PM1_STS, 2), en = in(&r, ACPI_PM1_EN, 2);
	uint32_t cnt = in(&r, ACPI_PM1A_CNT_BLK, 2);
	for (uint16_t off = 6; off < 8; off++)
		out(&r, (uint16_t)(ACPI_PM_BASE + off), 1, 0xFF);
	out(&r, ACPI_PM_BASE + 6, 2, 0xFFFF);
	out(&r, ACPI_PM_BASE + ACPI_PM_LEN, 4, 0xFFFFFFFF);
	out(&r, 0xFFFF, 4, 0xFFFFFFFF);
	cr_assert_eq(in(&r, ACPI_PM_BASE + 6, 2), 0xFFFF);
	cr_assert_eq(in(&r, ACPI_PM_BASE + ACPI_PM_LEN, 4), 0xFFFFFFFF);
	cr_assert_eq(in(&r, ACPI_PM1_STS, 2), sts);
	cr_assert_eq(in(&r, ACPI_PM1_EN, 2), en);
	cr_assert_eq(in(&r, ACPI_PM1A_CNT_BLK, 2), cnt);
	cr_assert_eq(r.stop.stops, 0);
	rig_down(&r);
}

/* A small deterministic generator kept in the test's own frame. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(acpi_pm_access, random_access_fuzz)
{
	struct rig r;
	rig_up(&r);
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	unsigned s5_writes = 0;
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t x = next_rand(&seed);
		uint16_t off = (uint16_t)(x % 20);
		unsigned size = 1u << (x >> 8) % 3;
		uint32_t v = (uint32_t)(x >> 32);
		switch (x >> 16 & 7) {
		case 0:
			vclock_advance(&r.vc, x >> 20 & 0x3FFFFFFF);
			break;
		case 1:
			acpi_pm_press_power_button(&r.pm);
			break;
		case 2:
		case 3:
		case 4:
			(void)acpi_pm_io_ops.read(&r.pm, off, size);
			break;
		default:
			/* count writes that put SLP_EN=1 with SLP_TYP=0 into PM1_CNT's high byte */
			for (unsigned b = 0; b < size; b++)
				if (off + b == 5 && ((v >> (8 * b)) & 0x3C) == 0x20)
					s5_writes++;
			acpi_pm_io_ops.write(&r.pm, off, size, v);
			break;
		}
		cr_assert_lt(pm_timer(&r), 1u << 24);
		cr_assert_eq(in(&r, ACPI_PM1A_CNT_BLK, 2) & ACPI_PM1_SLP_EN, 0);
		cr_assert_leq(armed_timers(&r), 1);
		uint32_t pending = in(&r, ACPI_PM1_STS, 2) & in(&r, ACPI_PM1_EN, 2);
		cr_assert_eq(r.sci.level, pending != 0);
	}
	cr_assert_eq((unsigned)r.stop.stops, s5_writes);
	rig_down(&r);
}

Test(acpi_pm_init, rejects_a_missing_clock)
{
	struct acpi_pm pm;
	struct acpi_pm_config cfg = {0};
	cr_assert_eq(acpi_pm_init(&pm, &cfg), -EINVAL);
	cr_assert_eq(acpi_pm_init(&pm, NULL), -EINVAL);
	cr_assert_eq(acpi_pm_init(NULL, &cfg), -EINVAL);
}
