/* MC146818 RTC and CMOS memory (ports 0x70/0x71, IRQ 8): clock, interrupts, PC CMOS layout. */
#ifndef TINYVMM_DEVICES_RTC_H
#define TINYVMM_DEVICES_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/timer.h"

#define RTC_PORT_BASE  0x70 /* register rtc_io_ops on [0x70, 0x72): index, then data */
#define RTC_PORT_COUNT 2
#define RTC_IRQ	       8
#define RTC_CMOS_SIZE  128

/*
 * How the model departs from the chip, on purpose:
 * - Time is computed from the timer_base clock when the guest reads it; no per-second
 *   timer. A host timer runs only while an enabled interrupt (PIE/UIE/AIE) is waiting
 *   for its flag and IRQF is down; PF/UF/AF are otherwise derived from the clock when C
 *   is read, as the chip sets them whether enabled or not.
 * - The update is instantaneous: UIP is set during the 244 us before it, not during it.
 * - Register A's divider runs only with DV = 010 (32.768 kHz). Any other value holds
 *   the clock, like the 11x reset; back at 010 the first update comes 500 ms later.
 * - DSE (daylight saving) and SQWE are stored but have no effect; there is no SQW pin.
 * - Changing DM or 24/12 while the clock runs re-renders the time at once (the chip
 *   would leave stale bytes until the guest rewrote them).
 */

/* CMOS 0x10 values, high nibble drive A, low nibble drive B. */
#define RTC_FLOPPY_NONE	   0x0
#define RTC_FLOPPY_1440K   0x4
#define RTC_FLOPPY_A_1440K (RTC_FLOPPY_1440K << 4)

struct rtc_config {
	struct irq_line irq;	   /* IRQ 8 */
	struct timer_base *timers; /* clock and deadlines; required */
	uint64_t
	    ram_low_bytes; /* guest RAM from 0 up to the PCI hole (CMOS 0x15-0x18, 0x30, 0x34) */
	uint64_t ram_high_bytes; /* guest RAM from 4 GiB up (CMOS 0x5B-0x5D) */
	uint8_t floppy_types;	 /* CMOS 0x10, e.g. RTC_FLOPPY_A_1440K, or 0 */
	/*
	 * The guest's wall clock at init, in seconds since the epoch (UTC), when
	 * use_start_s; otherwise the host's, from timers->wall_epoch_s().
	 */
	bool use_start_s;
	int64_t start_s;
	/*
	 * Floor for the periodic interrupt period; 0 means TIMER_MIN_PERIOD_NS. The default
	 * lets every MC146818 rate through (8192 Hz = 122 us is the fastest); a population
	 * manager may raise it. Applied in 32.768 kHz ticks, rounded up.
	 */
	uint64_t min_period_ns;
};

/* All state; defined here so a VM can embed it. Touch only through the functions below. */
struct rtc {
	pthread_mutex_t lock;
	struct rtc_config cfg;
	struct timer timer; /* next PF/UF/AF moment that an enabled interrupt needs */
	bool timer_armed;
	uint64_t timer_deadline;
	uint8_t cmos[RTC_CMOS_SIZE]; /* the time bytes are live only while the clock is stopped */
	uint8_t index;
	bool nmi_masked; /* bit 7 of the last index write; the chipset's, kept for reference */
	bool irq_level;
	uint8_t flags;	      /* PF, AF, UF of register C; IRQF is derived */
	int64_t phase_ref_ns; /* a second boundary of the divider chain, on the timer_base clock */
	int64_t sec_base;     /* guest seconds since the epoch at phase_ref_ns, while running */
	int64_t checked_ns;   /* PF/AF/UF are accounted for up to this instant */
	int64_t pf_backlog;   /* periodic interrupts merged by a late host timer, to replay */
	int dow_adjust;	      /* the guest's day-of-week register minus the computed weekday */
};

/* 0 or -errno (-EINVAL without cfg->timers). Register A = 0x26, B = 0x02 (24 h, BCD). */
int rtc_init(struct rtc *r, const struct rtc_config *cfg);
/* Detaches the timer (waits for a fire in progress); call before freeing `r`. */
void rtc_destroy(struct rtc *r);

extern const struct io_ops rtc_io_ops; /* `dev` is the struct rtc */

/* The CMOS 0x10 type of a drive A floppy image of `image_bytes` (1.44 MB when the size is no
 * standard one), for rtc_config.floppy_types. */
uint8_t rtc_floppy_a_type(uint64_t image_bytes);

/*
 * Snapshot: the clock, CMOS bytes and interrupt flags -- the struct from `timer_armed` on, which
 * holds no pointer -- as rtc_state_size() bytes, its times on the timer_base clock as they were at
 * capture. Load replaces the state of an initialised device, moves every time by `delta_ns` (the
 * clock now minus the clock at capture) and re-arms its timer. 0 or -errno.
 */
size_t rtc_state_size(void);
void rtc_save(struct rtc *d, void *out);
int rtc_load(struct rtc *d, const void *in, uint64_t delta_ns);

#endif
