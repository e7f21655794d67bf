/* MC146818 RTC: a clock computed from the timer_base on demand, register C flags, PC CMOS bytes. */
#include "devices/rtc.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

enum rtc_reg {
	REG_SEC = 0x00,
	REG_SEC_ALARM = 0x01,
	REG_MIN = 0x02,
	REG_MIN_ALARM = 0x03,
	REG_HOUR = 0x04,
	REG_HOUR_ALARM = 0x05,
	REG_DOW = 0x06,
	REG_DAY = 0x07,
	REG_MONTH = 0x08,
	REG_YEAR = 0x09,
	REG_A = 0x0A,
	REG_B = 0x0B,
	REG_C = 0x0C,
	REG_D = 0x0D,
	CMOS_FLOPPY = 0x10,
	CMOS_EQUIPMENT = 0x14,
	CMOS_BASE_KIB = 0x15,  /* and 0x16 */
	CMOS_EXT_KIB = 0x17,   /* and 0x18 */
	CMOS_CHECKSUM = 0x2E,  /* high byte, low byte at 0x2F: sum of 0x10..0x2D */
	CMOS_EXT_KIB_2 = 0x30, /* and 0x31, a copy of 0x17/0x18 */
	REG_CENTURY = 0x32,
	CMOS_ABOVE_16M = 0x34, /* and 0x35, 64 KiB units */
	CMOS_ABOVE_4G = 0x5B,  /* 0x5B..0x5D, 64 KiB units */
};

#define A_UIP	  0x80
#define A_DV_MASK 0x70
#define A_DV_32K  0x20 /* the only divider setting that keeps time with a 32.768 kHz crystal */
#define A_RS_MASK 0x0F

#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_BIN 0x04
#define B_24H 0x02

/* Register C flags sit at the same bit positions as their enables in register B. */
#define C_IRQF	0x80
#define C_PF	0x40
#define C_AF	0x20
#define C_UF	0x10
#define C_FLAGS (C_PF | C_AF | C_UF)

#define D_VRT 0x80

#define RESET_A 0x26 /* 32.768 kHz divider, 1024 Hz periodic rate: what PC firmware sets */
#define RESET_B B_24H

#define NS_PER_S	   1000000000LL
#define TICK_HZ		   32768LL
#define UIP_NS		   244141LL /* 8 ticks of the time base before each update */
#define DIVIDER_RESTART_NS (NS_PER_S / 2)
#define SECS_PER_DAY	   86400LL
#define MAX_FLOOR_NS	   (3600 * NS_PER_S) /* a floor beyond this is as good as "off" */

#define KIB (1ULL << 10)
#define MIB (1ULL << 20)

/* ---- arithmetic ------------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Whole 32.768 kHz ticks in `ns` (ns >= 0), without overflowing for any clock value. */
static int64_t ticks_of(int64_t ns)
{
	return ns / NS_PER_S * TICK_HZ + ns % NS_PER_S * TICK_HZ / NS_PER_S;
}

/* The first nanosecond at which ticks_of() reaches `t`. */
static int64_t ns_of_ticks(int64_t t)
{
	return t / TICK_HZ * NS_PER_S + (t % TICK_HZ * NS_PER_S + TICK_HZ - 1) / TICK_HZ;
}

/* ---- calendar (proleptic Gregorian, UTC, any year) --------------------------------- */

static const int days_before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

static bool leap_year(int64_t y)
{
	return floor_mod(y, 4) == 0 && (floor_mod(y, 100) != 0 || floor_mod(y, 400) == 0);
}

/* Leap years in [1, y] (negative counts for y < 0, so differences stay right). */
static int64_t leaps_through(int64_t y)
{
	return floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
}

static int64_t days_from_date(int64_t y, int month, int64_t day)
{
	int64_t d = (y - 1970) * 365 + leaps_through(y - 1) - leaps_through(1969);
	d += days_before_month[month - 1] + (month > 2 && leap_year(y)) + day - 1;
	return d;
}

struct rtc_tm {
	int64_t year;
	int month, day, hour, min, sec;
	int wday; /* 0 = Sunday */
};

static void tm_of(int64_t secs, struct rtc_tm *tm)
{
	int64_t days = floor_div(secs, SECS_PER_DAY);
	int64_t tod = secs - days * SECS_PER_DAY;
	tm->hour = (int)(tod / 3600);
	tm->min = (int)(tod / 60 % 60);
	tm->sec = (int)(tod % 60);
	tm->wday = (int)floor_mod(days + 4, 7); /* 1970-01-01 was a Thursday */

	/* 400 Gregorian years are 146097 days; the estimate is off by at most one year. */
	int64_t y = 1970 + floor_div(days * 400, 146097);
	while (days_from_date(y, 1, 1) > days)
		y--;
	while (days_from_date(y + 1, 1, 1) <= days)
		y++;
	int64_t doy = days - days_from_date(y, 1, 1);
	int m = 12;
	while (m > 1 && doy < days_before_month[m - 1] + (m > 2 && leap_year(y)))
		m--;
	tm->year = y;
	tm->month = m;
	tm->day = (int)(doy - days_before_month[m - 1] - (m > 2 && leap_year(y))) + 1;
}

/* ---- register encodings (register B: DM and 24/12) ------------------------------ */

static bool binary_mode(const struct rtc *r)
{
	return r->cmos[REG_B] & B_BIN;
}

static uint8_t encode(const struct rtc *r, int64_t v)
{
	if (binary_mode(r))
		return (uint8_t)v;
	v = floor_mod(v, 100);
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* Garbage BCD (digits above 9) decodes to a larger number; the callers range-check. */
static int decode(const struct rtc *r, uint8_t b)
{
	return binary_mode(r) ? b : (b >> 4) * 10 + (b & 0x0F);
}

static uint8_t encode_hour(const struct rtc *r, int h)
{
	if (r->cmos[REG_B] & B_24H)
		return encode(r, h);
	int h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(encode(r, h12) | (h >= 12 ? 0x80 : 0));
}

static int decode_hour(const struct rtc *r, uint8_t b)
{
	if (r->cmos[REG_B] & B_24H)
		return decode(r, b);
	int h = decode(r, b & 0x7F) % 12; /* 12 AM is hour 0 */
	return b & 0x80 ? h + 12 : h;
}

/* ---- the clock ------------------------------------------------------------------- */

static int64_t clock_now(struct rtc *r)
{
	int64_t now = (int64_t)timer_now(r->cfg.timers);
	/* Every path below assumes time never runs backwards across our lock. */
	return now < r->checked_ns ? r->checked_ns : now;
}

static bool divider_running(const struct rtc *r)
{
	return (r->cmos[REG_A] & A_DV_MASK) == A_DV_32K;
}

/* Updates happen while the divider runs and SET is clear; SET keeps the divider going. */
static bool clock_running(const struct rtc *r)
{
	return divider_running(r) && !(r->cmos[REG_B] & B_SET);
}

static int64_t since_ref(const struct rtc *r, int64_t now)
{
	return now - r->phase_ref_ns; /* phase_ref_ns is only ever set at or before now */
}

static int64_t guest_secs(const struct rtc *r, int64_t now)
{
	return r->sec_base + since_ref(r, now) / NS_PER_S;
}

static bool update_in_progress(const struct rtc *r, int64_t now)
{
	return clock_running(r) && since_ref(r, now) % NS_PER_S >= NS_PER_S - UIP_NS;
}

/* Writes `secs` into the time and date bytes, as the chip's last update would have left them. */
static void store_time(struct rtc *r, int64_t secs)
{
	struct rtc_tm tm;
	tm_of(secs, &tm);
	r->cmos[REG_SEC] = encode(r, tm.sec);
	r->cmos[REG_MIN] = encode(r, tm.min);
	r->cmos[REG_HOUR] = encode_hour(r, tm.hour);
	r->cmos[REG_DOW] = encode(r, floor_mod(tm.wday + r->dow_adjust, 7) + 1);
	r->cmos[REG_DAY] = encode(r, tm.day);
	r->cmos[REG_MONTH] = encode(r, tm.month);
	r->cmos[REG_YEAR] = encode(r, floor_mod(tm.year, 100));
	r->cmos[REG_CENTURY] = encode(r, floor_div(tm.year, 100));
}

/*
 * Reads the time the guest wrote. Any byte values give some time (out-of-range fields
 * carry over, a month outside 1..12 is clamped), and the guest's day of week is kept as
 * an offset, since on the chip it is a counter independent of the date.
 */
static int64_t load_time(struct rtc *r)
{
	int64_t year = decode(r, r->cmos[REG_YEAR]) + 100LL * decode(r, r->cmos[REG_CENTURY]);
	int month = decode(r, r->cmos[REG_MONTH]);
	month = month < 1 ? 1 : month > 12 ? 12 : month;
	int64_t days = days_from_date(year, month, 1) + decode(r, r->cmos[REG_DAY]) - 1;
	int64_t secs = days * SECS_PER_DAY + decode_hour(r, r->cmos[REG_HOUR]) * 3600LL +
		       decode(r, r->cmos[REG_MIN]) * 60LL + decode(r, r->cmos[REG_SEC]);
	int wday = (int)floor_mod(floor_div(secs, SECS_PER_DAY) + 4, 7);
	r->dow_adjust = (int)floor_mod(decode(r, r->cmos[REG_DOW]) - 1 - wday, 7);
	return secs;
}

/* The clock resumes from the bytes the guest wrote, keeping the divider's phase. */
static void restart_clock(struct rtc *r, int64_t now)
{
	r->sec_base = load_time(r) - since_ref(r, now) / NS_PER_S;
}

/* ---- alarm ----------------------------------------------------------------------- */

#define ALARM_ANY   (-1)
#define ALARM_NEVER (-2)

static int alarm_field(const struct rtc *r, uint8_t b, int limit)
{
	if ((b & 0xC0) == 0xC0)
		return ALARM_ANY;
	int v = decode(r, b);
	return v < limit ? v : ALARM_NEVER;
}

static int alarm_hour(const struct rtc *r)
{
	uint8_t b = r->cmos[REG_HOUR_ALARM];
	if ((b & 0xC0) == 0xC0)
		return ALARM_ANY;
	if (r->cmos[REG_B] & B_24H)
		return alarm_field(r, b, 24);
	int h = decode(r, b & 0x7F);
	if (h < 1 || h > 12)
		return ALARM_NEVER;
	return h % 12 + (b & 0x80 ? 12 : 0);
}

/*
 * The first second at or after `from` whose time of day matches the alarm bytes, so an
 * alarm costs one timer fire per match instead of one per second. The pattern repeats
 * daily, so today and tomorrow hold a match if there is one.
 */
static bool alarm_next(const struct rtc *r, int64_t from, int64_t *at)
{
	int want_s = alarm_field(r, r->cmos[REG_SEC_ALARM], 60);
	int want_m = alarm_field(r, r->cmos[REG_MIN_ALARM], 60);
	int want_h = alarm_hour(r);
	if (want_s == ALARM_NEVER || want_m == ALARM_NEVER || want_h == ALARM_NEVER)
		return false;
	int64_t today = floor_div(from, SECS_PER_DAY) * SECS_PER_DAY;
	for (int64_t day = today; day <= today + SECS_PER_DAY; day += SECS_PER_DAY) {
		for (int h = 0; h < 24; h++) {
			int64_t hour = day + h * 3600LL;
			if ((want_h != ALARM_ANY && h != want_h) || hour + 3599 < from)
				continue;
			for (int m = 0; m < 60; m++) {
				int64_t minute = hour + m * 60LL;
				if ((want_m != ALARM_ANY && m != want_m) || minute + 59 < from)
					continue;
				int64_t t = want_s == ALARM_ANY ? minute : minute + want_s;
				if (want_s == ALARM_ANY && t < from)
					t = from;
				if (t < from)
					continue;
				*at = t;
				return true;
			}
		}
	}
	return false;
}

/* ---- register C flags, IRQ and the timer ------------------------------------------- */

/* Periodic interrupt period in time-base ticks, floor applied; 0 when the rate is off. */
static int64_t periodic_ticks(const struct rtc *r)
{
	int rs = r->cmos[REG_A] & A_RS_MASK;
	if (rs == 0)
		return 0;
	/* Rates 1 and 2 would be faster than 3 on a 32.768 kHz base; the chip gives 256/128 Hz. */
	int64_t t = rs <= 2 ? 1LL << (rs + 6) : 1LL << (rs - 1);
	uint64_t floor_ns = r->cfg.min_period_ns ? r->cfg.min_period_ns : TIMER_MIN_PERIOD_NS;
	if (floor_ns > (uint64_t)MAX_FLOOR_NS)
		floor_ns = MAX_FLOOR_NS;
	int64_t fns = (int64_t)floor_ns;
	int64_t floor_t =
	    fns / NS_PER_S * TICK_HZ + (fns % NS_PER_S * TICK_HZ + NS_PER_S - 1) / NS_PER_S;
	return t > floor_t ? t : floor_t;
}

/*
 * Periodic interrupts a guest could not see because the host woke late (two periods ran
 * into one unread PF) are replayed, one per read of register C and no closer than the
 * floor, as QEMU's RTC does with lost-tick slewing; a guest counting IRQ 8 then sees the
 * programmed rate on a busy host. The replay goes at the guest's pace (one per read of C),
 * so even a long backlog is no storm; at most one second's worth is kept (a nested or
 * overloaded host stalls for 100 ms and more, which a 50 ms cap used to lose).
 */
#define RTC_MAX_BACKLOG_NS 1000000000LL

static int64_t backlog_cap(const struct rtc *r)
{
	int64_t period = ns_of_ticks(periodic_ticks(r));
	return period > 0 ? RTC_MAX_BACKLOG_NS / period : 0;
}

/*
 * Sets PF, UF and AF for every periodic tick, update and alarm match in
 * (checked_ns, now], whether or not their interrupts are enabled, as the chip does. Every
 * change to the time base, rate, SET or alarm calls this first, so the interval is
 * always under one configuration.
 */
static void sync_flags(struct rtc *r, int64_t now)
{
	if (now <= r->checked_ns)
		return;
	int64_t a = since_ref(r, r->checked_ns);
	int64_t b = since_ref(r, now);
	r->checked_ns = now;
	if (!divider_running(r))
		return;
	int64_t p = periodic_ticks(r);
	int64_t crossed = p ? ticks_of(b) / p - ticks_of(a) / p : 0;
	if (crossed > 0) {
		/* periods whose interrupt merged into one still unread: replayed later */
		int64_t missed = crossed - ((r->flags & C_PF) ? 0 : 1);
		if (r->cmos[REG_B] & B_PIE)
			r->pf_backlog = min64(r->pf_backlog + missed, backlog_cap(r));
		r->flags |= C_PF;
	}
	if (r->cmos[REG_B] & B_SET)
		return;
	int64_t sa = r->sec_base + a / NS_PER_S;
	int64_t sb = r->sec_base + b / NS_PER_S;
	if (sb == sa)
		return;
	r->flags |= C_UF;
	int64_t match;
	if (alarm_next(r, sa + 1, &match) && match <= sb)
		r->flags |= C_AF;
}

static bool irqf(const struct rtc *r)
{
	return r->flags & r->cmos[REG_B] & C_FLAGS;
}

/* The chip's IRQ pin is level (asserted while IRQF); the VM turns it into an ISA edge. */
static void update_irq(struct rtc *r)
{
	bool level = irqf(r);
	if (level != r->irq_level) {
		r->irq_level = level;
		irq_set(&r->cfg.irq, level);
	}
}

/*
 * Arms the timer for the next moment an enabled interrupt's flag will be set. While IRQF
 * is up no timer is needed at all: the line stays asserted until the guest reads C (or
 * rewrites B), which re-arms, and the flags themselves are computed from the clock. So a
 * guest that ignores IRQ 8, or keeps its interrupts off, costs the host no wake-ups.
 */
static void rearm(struct rtc *r, int64_t now, bool force)
{
	int64_t when = INT64_MAX;
	uint8_t want = irqf(r) ? 0 : r->cmos[REG_B] & C_FLAGS;
	if (want && divider_running(r)) {
		int64_t d = since_ref(r, now);
		int64_t p = periodic_ticks(r);
		if ((want & B_PIE) && p)
			when = r->phase_ref_ns + ns_of_ticks((ticks_of(d) / p + 1) * p);
		if ((want & B_PIE) && p && r->pf_backlog > 0)
			when = min64(when, now + (int64_t)TIMER_MIN_PERIOD_NS);
		if (!(r->cmos[REG_B] & B_SET)) {
			int64_t s = d / NS_PER_S;
			int64_t match;
			if (want & B_UIE)
				when = min64(when, r->phase_ref_ns + (s + 1) * NS_PER_S);
			if ((want & B_AIE) && alarm_next(r, r->sec_base + s + 1, &match))
				when =
				    min64(when, r->phase_ref_ns + (match - r->sec_base) * NS_PER_S);
		}
	}
	struct timer_base *tb = r->cfg.timers;
	if (when == INT64_MAX) {
		if (r->timer_armed || force)
			tb->cancel(tb, &r->timer);
		r->timer_armed = false;
		return;
	}
	if (!force && r->timer_armed && r->timer_deadline == (uint64_t)when)
		return;
	r->timer_armed = true;
	r->timer_deadline = (uint64_t)when;
	tb->arm(tb, &r->timer, (uint64_t)when);
}

/* Stale fires are harmless: flags come from the clock and rearm() recomputes the deadline. */
static void rtc_fire(struct timer *t, uint64_t now_ns)
{
	(void)now_ns;
	struct rtc *r = t->opaque;
	pthread_mutex_lock(&r->lock);
	int64_t now = clock_now(r);
	sync_flags(r, now);
	if (r->pf_backlog > 0 && !(r->flags & C_PF) && (r->cmos[REG_B] & B_PIE)) {
		r->pf_backlog--;
		r->flags |= C_PF;
	}
	update_irq(r);
	rearm(r, now, true);
	pthread_mutex_unlock(&r->lock);
}

/* ---- register access ------------------------------------------------------------- */

static void set_control(struct rtc *r, uint8_t a, uint8_t b, int64_t now)
{
	bool was_running = clock_running(r);
	bool was_dividing = divider_running(r);
	sync_flags(r, now);
	if (was_running)
		store_time(r, guest_secs(r, now)); /* the bytes freeze at the current time */
	r->cmos[REG_A] = a & (uint8_t)~A_UIP;
	r->cmos[REG_B] = b;
	r->pf_backlog = 0; /* a new rate or PIE setting owes nothing from the old one */
	if (!was_dividing && divider_running(r))
		r->phase_ref_ns = now - DIVIDER_RESTART_NS; /* first update 500 ms later */
	if (!was_running && clock_running(r))
		restart_clock(r, now);
	update_irq(r);
	rearm(r, now, false);
}

static bool is_time_reg(unsigned i)
{
	return i == REG_SEC || i == REG_MIN || i == REG_HOUR || i == REG_DOW || i == REG_DAY ||
	       i == REG_MONTH || i == REG_YEAR || i == REG_CENTURY;
}

static uint8_t read_data(struct rtc *r)
{
	unsigned i = r->index;
	int64_t now;
	uint8_t v;
	if (is_time_reg(i)) {
		if (clock_running(r))
			store_time(r, guest_secs(r, clock_now(r)));
		return r->cmos[i];
	}
	switch (i) {
	case REG_A:
		return r->cmos[REG_A] | (update_in_progress(r, clock_now(r)) ? A_UIP : 0);
	case REG_C:
		now = clock_now(r);
		sync_flags(r, now);
		v = r->flags | (irqf(r) ? C_IRQF : 0);
		r->flags = 0;
		update_irq(r);
		rearm(r, now, false);
		return v;
	case REG_D:
		return D_VRT; /* the battery is always good */
	default:
		return r->cmos[i];
	}
}

static void write_data(struct rtc *r, uint8_t v)
{
	unsigned i = r->index;
	int64_t now = clock_now(r);
	if (is_time_reg(i)) {
		if (!clock_running(r)) {
			r->cmos[i] = v;
			return;
		}
		/* A write while running changes the counter; later updates count from it. */
		sync_flags(r, now);
		store_time(r, guest_secs(r, now));
		r->cmos[i] = v;
		restart_clock(r, now);
		rearm(r, now, false);
		return;
	}
	switch (i) {
	case REG_SEC_ALARM:
	case REG_MIN_ALARM:
	case REG_HOUR_ALARM:
		sync_flags(r, now);
		r->cmos[i] = v;
		rearm(r, now, false);
		break;
	case REG_A:
		set_control(r, v, r->cmos[REG_B], now);
		break;
	case REG_B:
		/* SET going high clears UIE on the chip; updates cannot end while it is set. */
		set_control(r, r->cmos[REG_A], v & B_SET ? v & (uint8_t)~B_UIE : v, now);
		break;
	case REG_C:
	case REG_D:
		break; /* read-only */
	default:
		r->cmos[i] = v;
		break;
	}
}

/* Offset 0 is the write-only index port (bit 7 gates NMI on a PC), offset 1 the data port. */
static uint8_t read_port(struct rtc *r, unsigned port)
{
	return port == 1 ? read_data(r) : 0xFF;
}

static void write_port(struct rtc *r, unsigned port, uint8_t v)
{
	if (port == 0) {
		r->index = v & 0x7F;
		r->nmi_masked = v & 0x80;
	} else if (port == 1) {
		write_data(r, v);
	}
}

/* Byte ports: the bus splits wider accesses (outw 0x70 = index, then data; byte_regs). */
static uint32_t rtc_read(void *dev, uint16_t offset, unsigned size)
{
	struct rtc *r = dev;
	(void)size;
	pthread_mutex_lock(&r->lock);
	uint8_t v = read_port(r, offset);
	pthread_mutex_unlock(&r->lock);
	return v;
}

static void rtc_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct rtc *r = dev;
	(void)size;
	pthread_mutex_lock(&r->lock);
	write_port(r, offset, (uint8_t)value);
	pthread_mutex_unlock(&r->lock);
}

const struct io_ops rtc_io_ops = {.read = rtc_read, .write = rtc_write, .byte_regs = true};

/* ---- CMOS contents a PC BIOS leaves ----------------------------------------------- */

static void put16(uint8_t *c, unsigned at, uint64_t v)
{
	if (v > 0xFFFF)
		v = 0xFFFF;
	c[at] = (uint8_t)v;
	c[at + 1] = (uint8_t)(v >> 8);
}

static void fill_memory_bytes(uint8_t *c, uint64_t low, uint64_t high)
{
	put16(c, CMOS_BASE_KIB, (low < 640 * KIB ? low : 640 * KIB) / KIB);
	uint64_t ext = low > MIB ? (low - MIB) / KIB : 0;
	put16(c, CMOS_EXT_KIB, ext);
	put16(c, CMOS_EXT_KIB_2, ext);
	put16(c, CMOS_ABOVE_16M, low > 16 * MIB ? (low - 16 * MIB) >> 16 : 0);
	uint64_t above4g = high >> 16;
	if (above4g > 0xFFFFFF)
		above4g = 0xFFFFFF;
	c[CMOS_ABOVE_4G] = (uint8_t)above4g;
	c[CMOS_ABOVE_4G + 1] = (uint8_t)(above4g >> 8);
	c[CMOS_ABOVE_4G + 2] = (uint8_t)(above4g >> 16);
}

/* Equipment byte: bit 0 floppy present, bits 7-6 drives - 1, bit 1 FPU; video 00 = VGA. */
static uint8_t equipment_byte(uint8_t floppy)
{
	unsigned drives = ((floppy & 0xF0) != 0) + ((floppy & 0x0F) != 0);
	uint8_t v = 0x02;
	if (drives)
		v |= (uint8_t)(0x01 | (drives - 1) << 6);
	return v;
}

uint8_t rtc_floppy_a_type(uint64_t image_bytes)
{
	static const struct {
		uint64_t size;
		uint8_t type;
	} types[] = {{368640, 1}, {1228800, 2}, {737280, 3}, {1474560, 4}, {2949120, 5}};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (image_bytes == types[i].size)
			return (uint8_t)(types[i].type << 4);
	return RTC_FLOPPY_A_1440K;
}

static void fill_cmos(struct rtc *r)
{
	uint8_t *c = r->cmos;
	c[REG_A] = RESET_A;
	c[REG_B] = RESET_B;
	c[CMOS_FLOPPY] = r->cfg.floppy_types;
	c[CMOS_EQUIPMENT] = equipment_byte(r->cfg.floppy_types);
	fill_memory_bytes(c, r->cfg.ram_low_bytes, r->cfg.ram_high_bytes);
	unsigned sum = 0;
	for (unsigned i = CMOS_FLOPPY; i < CMOS_CHECKSUM; i++)
		sum += c[i];
	c[CMOS_CHECKSUM] = (uint8_t)(sum >> 8);
	c[CMOS_CHECKSUM + 1] = (uint8_t)sum;
}

int rtc_init(struct rtc *r, const struct rtc_config *cfg)
{
	if (!r || !cfg || !cfg->timers)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	r->timer.fire = rtc_fire;
	r->timer.opaque = r;
	int err = pthread_mutex_init(&r->lock, NULL);
	if (err)
		return -err;

	struct timer_base *tb = cfg->timers;
	int64_t now = (int64_t)timer_now(tb);
	r->checked_ns = now;
	if (cfg->use_start_s) {
		r->phase_ref_ns = now;
		r->sec_base = cfg->start_s;
	} else {
		/* wall_epoch_s is the wall clock at now == 0, so seconds turn at multiples of 1 s.
		 */
		r->phase_ref_ns = 0;
		r->sec_base = tb->wall_epoch_s ? tb->wall_epoch_s(tb) : 0;
	}
	fill_cmos(r);
	store_time(r, guest_secs(r, now));
	return 0;
}

void rtc_destroy(struct rtc *r)
{
	if (!r)
		return;
	struct timer_base *tb = r->cfg.timers;
	if (tb && tb->detach)
		tb->detach(tb, &r->timer);
	pthread_mutex_destroy(&r->lock);
}

/* The state starts at `timer_armed`: the lock, wiring and timer before it stay this VM's. */
size_t rtc_state_size(void)
{
	return sizeof(struct rtc) - offsetof(struct rtc, timer_armed);
}

void rtc_save(struct rtc *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->timer_armed, rtc_state_size());
	pthread_mutex_unlock(&d->lock);
}

int rtc_load(struct rtc *d, const void *in, uint64_t delta_ns)
{
	struct timer_base *tb = d->cfg.timers;
	int64_t now = (int64_t)timer_now(tb);
	pthread_mutex_lock(&d->lock);
	tb->cancel(tb, &d->timer);
	memcpy(&d->timer_armed, in, rtc_state_size());
	snap_fix_bool(&d->timer_armed);
	snap_fix_bool(&d->nmi_masked);
	snap_fix_bool(&d->irq_level);
	/* shifted in unsigned arithmetic: a damaged file's times must not overflow here */
	d->timer_deadline += delta_ns;
	d->phase_ref_ns = (int64_t)((uint64_t)d->phase_ref_ns + delta_ns);
	d->checked_ns = (int64_t)((uint64_t)d->checked_ns + delta_ns);
	/* what the clock arithmetic relies on: the references lie in the past, within reach,
	 * and the guest's seconds in a range the calendar code handles */
	const int64_t reach = INT64_C(1) << 60, secs = INT64_C(1) << 40;
	bool bad = d->index >= RTC_CMOS_SIZE || d->phase_ref_ns > now ||
		   d->phase_ref_ns < now - reach || d->checked_ns > now + reach ||
		   d->checked_ns < now - reach || d->sec_base > secs || d->sec_base < -secs ||
		   d->pf_backlog < 0 || d->pf_backlog > INT32_MAX || d->dow_adjust > 7 ||
		   d->dow_adjust < -7;
	if (bad)
		d->timer_armed = false;
	else if (d->timer_armed)
		tb->arm(tb, &d->timer, d->timer_deadline);
	pthread_mutex_unlock(&d->lock);
	return bad ? -EINVAL : 0;
}
