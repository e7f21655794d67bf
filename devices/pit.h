/* Intel 8254 interval timer (ports 0x40-0x43, IRQ 0) and system control port B (0x61). */
#ifndef TINYVMM_DEVICES_PIT_H
#define TINYVMM_DEVICES_PIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/timer.h"

#define PIT_FREQ_HZ  1193182u
#define PIT_IO_BASE  0x40 /* register pit_io_ops on [0x40, 0x44) */
#define PIT_IO_LEN   4
#define PIT_IRQ	     0
#define PIT_PORT61   0x61 /* register pit_port61_io_ops on [0x61, 0x62), same struct pit */
#define PIT_CHANNELS 3

struct pit_config {
	struct irq_line irq;	   /* ISA IRQ 0; edges are delivered with irq_pulse() */
	struct timer_base *timers; /* clock for the counters and the deadline for IRQ 0 */
};

/*
 * One counter. Nothing ticks on the host: the counting element is a function of the
 * elapsed input-clock ticks since `start_tick`, evaluated when the guest looks.
 */
struct pit_channel {
	uint8_t ctrl;	     /* low 6 bits of the last control word, echoed by read-back status */
	uint8_t mode;	     /* 0-5 (6 and 7 alias 2 and 3) */
	uint8_t rw;	     /* 1 lsb, 2 msb, 3 lsb then msb */
	bool bcd;	     /* count in four BCD digits instead of 16 bits */
	bool gate;	     /* channels 0 and 1 are tied high; channel 2 is port 0x61 bit 0 */
	uint8_t state;	     /* enum in pit.c: idle, waiting for a gate trigger, active */
	bool counting;	     /* active and not suspended by a low gate */
	bool null_count;     /* a written count has not reached the counting element yet */
	uint32_t count_reg;  /* last count written, 1..65536 (or 1..10000 in BCD) */
	uint32_t count;	     /* count the counting element runs with */
	uint64_t start_tick; /* absolute input tick at which this run's elapsed time is 0 */
	uint64_t frozen;     /* elapsed ticks while the gate suspends counting */
	uint32_t hold;	     /* counter value shown while idle or waiting for a trigger */
	bool pending;	     /* modes 2/3: count_reg replaces count at pending_tick */
	uint64_t pending_tick;
	bool write_msb_next; /* lsb/msb write flip-flop */
	uint8_t write_lsb;
	bool read_msb_next; /* lsb/msb read flip-flop for unlatched reads */
	uint8_t latch;	    /* which latched bytes remain to be read (enum in pit.c) */
	uint16_t latched;
	bool status_latched;
	uint8_t status;
};

struct pit {
	pthread_mutex_t lock;
	struct irq_line irq;
	struct timer_base *timers;
	struct timer timer; /* channel 0's next IRQ edge */
	struct pit_channel ch[PIT_CHANNELS];
	uint8_t port61; /* bits 0-3 as last written */
	bool refresh;	/* port 0x61 bit 4, flipped on every read */
	bool irq_armed; /* `timer` is armed for irq_deadline_ns */
	uint64_t irq_deadline_ns;
	uint64_t counted_tick; /* channel 0's edges up to this input tick are counted */
	uint32_t owed;	       /* counted edges whose interrupt the guest has not taken */
	uint64_t retry_ns;     /* wait before sending an owed edge again (doubles while merged) */
	uint64_t program;      /* bumped by every reprogram of channel 0 */
	bool irq_delivered;    /* last_irq_ns is meaningful */
	uint64_t last_irq_ns;  /* for the TIMER_MIN_PERIOD_NS floor between IRQ 0 edges */
};

/*
 * Starts with every channel idle (mode 3, lsb/msb access, no count loaded), so no
 * timer runs until the guest or its firmware programs channel 0.
 * Returns 0, -EINVAL for a missing timer base, or the mutex error.
 *
 * Timing notes:
 * - IRQ 0 edges are at least TIMER_MIN_PERIOD_NS apart (at most 10 kHz): in modes 2
 *   and 3 a divisor below about 120 is slowed to 10 kHz, while counter reads keep the
 *   programmed rate. Edges the host slept through, and edges that merged in the 8259 with
 *   one the guest had not taken yet (irq_pulse_status), are owed and sent again, one per
 *   fire, until taken; at most one second's worth is owed.
 * - A count written without a control word while modes 2 or 3 are counting takes effect
 *   at the end of the current period (the 8254 switches mode 3 at the next half cycle;
 *   rounding to the full cycle keeps the square wave in phase with IRQ 0).
 * - Modes 1 and 5 start on a rising gate; channel 0's gate is tied high, so there they
 *   never start and never interrupt, as on a PC.
 */
int pit_init(struct pit *p, const struct pit_config *cfg);
void pit_destroy(struct pit *p);

extern const struct io_ops pit_io_ops;
extern const struct io_ops pit_port61_io_ops;

/*
 * Snapshot: the three counters, port 0x61 and the IRQ 0 bookkeeping -- the struct from `ch` on,
 * which holds no pointer -- as pit_state_size() bytes, its times on the timer_base clock as they
 * were at capture. Load replaces the state of an initialised device, moves every time by `delta_ns`
 * (the clock now minus the clock at capture) and re-arms its timer. 0 or -errno.
 */
size_t pit_state_size(void);
void pit_save(struct pit *d, void *out);
int pit_load(struct pit *d, const void *in, uint64_t delta_ns);

#endif
