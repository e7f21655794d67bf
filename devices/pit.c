/* Intel 8254 model: counters computed from the clock on demand, IRQ 0 from one timer. */
#include "devices/pit.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define NS_PER_S 1000000000ULL
#define NO_EDGE	 UINT64_MAX

enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };
enum { LATCH_NONE, LATCH_LSB, LATCH_MSB, LATCH_WORD };
enum { CH_IDLE, CH_WAIT_TRIGGER, CH_ACTIVE };

/* Split so that neither product overflows for any monotonic time a host can reach. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_S * PIT_FREQ_HZ + ns % NS_PER_S * PIT_FREQ_HZ / NS_PER_S;
}

/* Rounded up, so a deadline is never before the tick it stands for. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t rem = ticks % PIT_FREQ_HZ;
	return ticks / PIT_FREQ_HZ * NS_PER_S + (rem * NS_PER_S + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

static uint32_t modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 65536;
}

static uint16_t bin_to_bcd(uint32_t v)
{
	v %= 10000;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* Guests may write nibbles above 9; they are taken at face value, modulo 10000. */
static uint32_t bcd_to_bin(uint16_t v)
{
	uint32_t b =
	    (v >> 12 & 0xF) * 1000u + (v >> 8 & 0xF) * 100u + (v >> 4 & 0xF) * 10u + (v & 0xF);
	return b % 10000;
}

/* The 8254 counts a written 0 as the full range. */
static uint32_t decode_count(const struct pit_channel *c, uint16_t raw)
{
	uint32_t n = c->bcd ? bcd_to_bin(raw) : raw;
	return n ? n : modulus(c);
}

static uint64_t elapsed(const struct pit_channel *c, uint64_t tick)
{
	if (!c->counting)
		return c->frozen;
	return tick > c->start_tick ? tick - c->start_tick : 0;
}

/* A count written mid-cycle in modes 2/3 replaces the old one once its cycle ends. */
static void catch_up(struct pit_channel *c, uint64_t tick)
{
	if (c->state != CH_ACTIVE || !c->counting || !c->pending || tick < c->pending_tick)
		return;
	c->count = c->count_reg;
	c->start_tick = c->pending_tick;
	c->pending = false;
	c->null_count = false;
}

/* Binary value of the counting element, 0..modulus-1. */
static uint32_t counter_value(const struct pit_channel *c, uint64_t tick)
{
	if (c->state != CH_ACTIVE)
		return c->hold % modulus(c);
	uint64_t e = elapsed(c, tick);
	uint32_t n = c->count, m = modulus(c);
	uint32_t v;
	switch (c->mode) {
	case 2:
		v = n - (uint32_t)(e % n);
		break;
	case 3: {
		/* Decrements by two; an odd count runs from n-1 and stays high one tick longer. */
		uint32_t p = (uint32_t)(e % n), high = (n + 1) / 2;
		uint32_t top = n & 1 ? n - 1 : n;
		v = top - 2 * (p < high ? p : p - high);
		break;
	}
	default:
		/* modes 0, 1, 4, 5 keep counting down through zero and wrap */
		v = (uint32_t)((n + m - e % m) % m);
		break;
	}
	return v % m;
}

static bool output(const struct pit_channel *c, uint64_t tick)
{
	if (c->state == CH_IDLE)
		return c->mode != 0;
	if (c->state == CH_WAIT_TRIGGER)
		return true;
	uint64_t e = elapsed(c, tick);
	uint32_t n = c->count;
	switch (c->mode) {
	case 0:
	case 1:
		return e >= n;
	case 2:
		return !c->counting || e % n != n - 1;
	case 3:
		return !c->counting || e % n < (n + 1) / 2;
	default:
		return e != n;
	}
}

/* First rising edge of OUT strictly after `after`, or NO_EDGE. */
static uint64_t next_edge(const struct pit_channel *c, uint64_t after)
{
	if (c->state != CH_ACTIVE || !c->counting)
		return NO_EDGE;
	uint64_t s = c->start_tick, n = c->count, edge;
	switch (c->mode) {
	case 2:
	case 3:
		if (after < s)
			return s + n;
		return s + ((after - s) / n + 1) * n;
	case 0:
	case 1:
		edge = s + n;
		break;
	default:
		/* modes 4 and 5: OUT drops for one tick at zero; it rises after that */
		edge = s + n + 1;
		break;
	}
	return edge > after ? edge : NO_EDGE;
}

static uint16_t read_value(const struct pit_channel *c, uint64_t tick)
{
	uint32_t v = counter_value(c, tick);
	return c->bcd ? bin_to_bcd(v) : (uint16_t)v;
}

/* Loads the counting element and starts it, subject to the gate in modes 0, 2, 3, 4. */
static void start(struct pit_channel *c, uint64_t tick, uint32_t n)
{
	c->state = CH_ACTIVE;
	c->count = n;
	c->null_count = false;
	c->pending = false;
	c->counting = c->gate || c->mode == 1 || c->mode == 5;
	c->start_tick = tick;
	c->frozen = 0;
}

/* Stops the counting element where it is, until a count is loaded again. */
static void halt(struct pit_channel *c, uint64_t tick)
{
	c->hold = counter_value(c, tick);
	c->state = CH_IDLE;
	c->counting = false;
	c->pending = false;
}

static void load_count(struct pit_channel *c, uint16_t raw, uint64_t tick)
{
	uint32_t n = decode_count(c, raw);
	c->count_reg = n;
	c->null_count = true;
	switch (c->mode) {
	case 1:
	case 5:
		/* used at the next trigger */
		if (c->state == CH_IDLE)
			c->state = CH_WAIT_TRIGGER;
		break;
	case 2:
	case 3:
		if (c->state == CH_ACTIVE && c->counting) {
			uint64_t e = elapsed(c, tick);
			c->pending_tick = c->start_tick + (e / c->count + 1) * c->count;
			c->pending = true;
		} else if (c->state != CH_ACTIVE) {
			start(c, tick, n);
		}
		/* active with the gate low: the rising gate reloads count_reg */
		break;
	default:
		start(c, tick, n);
		break;
	}
}

static void set_gate(struct pit_channel *c, bool gate, uint64_t tick)
{
	if (gate == c->gate)
		return;
	catch_up(c, tick);
	c->gate = gate;
	switch (c->mode) {
	case 1:
	case 5:
		/* a rising edge (re)triggers once a count has been written */
		if (gate && c->state != CH_IDLE)
			start(c, tick, c->count_reg);
		break;
	case 2:
	case 3:
		if (c->state != CH_ACTIVE)
			break;
		if (gate) {
			start(c, tick, c->count_reg);
		} else {
			c->frozen = elapsed(c, tick);
			c->counting = false;
			c->pending = false;
		}
		break;
	default:
		if (c->state != CH_ACTIVE)
			break;
		if (gate) {
			c->start_tick = tick - c->frozen;
			c->counting = true;
		} else {
			c->frozen = elapsed(c, tick);
			c->counting = false;
		}
		break;
	}
}

static void latch_count(struct pit_channel *c, uint64_t tick)
{
	/* a second latch before the first is read is ignored */
	if (c->latch != LATCH_NONE)
		return;
	c->latched = read_value(c, tick);
	c->latch = c->rw == RW_LSB ? LATCH_LSB : c->rw == RW_MSB ? LATCH_MSB : LATCH_WORD;
}

static void latch_status(struct pit_channel *c, uint64_t tick)
{
	if (c->status_latched)
		return;
	c->status =
	    (uint8_t)((output(c, tick) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) | (c->ctrl & 0x3F));
	c->status_latched = true;
}

static void read_back(struct pit *p, uint8_t cmd, uint64_t tick)
{
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		if (!(cmd & (2u << i)))
			continue;
		struct pit_channel *c = &p->ch[i];
		catch_up(c, tick);
		/* both bits are active low */
		if (!(cmd & 0x20))
			latch_count(c, tick);
		if (!(cmd & 0x10))
			latch_status(c, tick);
	}
}

/* Returns true when channel 0's next edge may have moved. */
static bool write_control(struct pit *p, uint8_t v, uint64_t tick)
{
	unsigned sel = v >> 6;
	if (sel == 3) {
		read_back(p, v, tick);
		return false;
	}
	struct pit_channel *c = &p->ch[sel];
	catch_up(c, tick);
	unsigned rw = v >> 4 & 3;
	if (rw == RW_LATCH) {
		latch_count(c, tick);
		return false;
	}
	halt(c, tick);
	unsigned mode = v >> 1 & 7;
	c->mode = (uint8_t)(mode > 5 ? mode - 4 : mode);
	c->ctrl = v & 0x3F;
	c->rw = (uint8_t)rw;
	c->bcd = v & 1;
	c->null_count = true;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->latch = LATCH_NONE;
	c->status_latched = false;
	return sel == 0;
}

static void write_counter(struct pit_channel *c, uint8_t v, uint64_t tick)
{
	catch_up(c, tick);
	switch (c->rw) {
	case RW_LSB:
		load_count(c, v, tick);
		break;
	case RW_MSB:
		load_count(c, (uint16_t)(v << 8), tick);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = v;
			c->write_msb_next = true;
			/* mode 0 stops counting, OUT low, as soon as the first byte lands */
			if (c->mode == 0)
				halt(c, tick);
		} else {
			c->write_msb_next = false;
			load_count(c, (uint16_t)(c->write_lsb | v << 8), tick);
		}
		break;
	}
}

static uint8_t read_counter(struct pit_channel *c, uint64_t tick)
{
	catch_up(c, tick);
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	switch (c->latch) {
	case LATCH_LSB:
		c->latch = LATCH_NONE;
		return c->latched & 0xFF;
	case LATCH_MSB:
		c->latch = LATCH_NONE;
		return c->latched >> 8;
	case LATCH_WORD:
		c->latch = LATCH_MSB;
		return c->latched & 0xFF;
	default:
		break;
	}
	uint16_t v = read_value(c, tick);
	switch (c->rw) {
	case RW_LSB:
		return v & 0xFF;
	case RW_MSB:
		return v >> 8;
	default:
		c->read_msb_next = !c->read_msb_next;
		return c->read_msb_next ? v & 0xFF : v >> 8;
	}
}

/*
 * Interrupts owed to the guest: channel 0's edges that came (the host slept through them,
 * or the guest had not yet taken the previous one, so the edge merged with it in the 8259)
 * are sent again, one per fire and no closer than the floor, until the controller takes
 * them. A guest that counts ticks thus sees the programmed rate on a busy host, and the
 * pace of the replay is the guest's own (an edge it cannot take yet is not lost, it waits).
 * At most one second's worth is owed: a host stalled longer owes the guest no more.
 */
#define PIT_RETRY_MAX_NS 10000000ULL /* 10 ms: the longest wait before sending again */

static uint32_t owed_cap(const struct pit_channel *c)
{
	uint64_t per_s = c->count ? PIT_FREQ_HZ / c->count : 1;
	uint64_t floor_per_s = NS_PER_S / TIMER_MIN_PERIOD_NS;
	if (per_s > floor_per_s)
		per_s = floor_per_s;
	return per_s ? (uint32_t)per_s : 1;
}

/* Adds channel 0's edges after counted_tick up to `tick` to what is owed. */
static void count_edges_locked(struct pit *p, uint64_t tick)
{
	const struct pit_channel *c = &p->ch[0];
	uint64_t first = next_edge(c, p->counted_tick);
	if (first == NO_EDGE || first > tick)
		return;
	uint64_t n = 1, last = first;
	if (c->mode == 2 || c->mode == 3) {
		uint64_t more = (tick - first) / c->count;
		n += more;
		last = first + more * c->count;
	}
	uint64_t cap = owed_cap(c);
	p->owed = p->owed + n > cap ? (uint32_t)cap : p->owed + (uint32_t)n;
	p->counted_tick = last;
}

/*
 * Applies a count channel 0 took at the end of a cycle (catch_up), counting the edges of the
 * old cycles first: the edge that ends the last old cycle is the new cycle's start, which
 * the new count's arithmetic does not see. Every path that may catch channel 0 up (port
 * accesses, fires) calls this first, under the lock.
 */
static void settle_ch0_locked(struct pit *p, uint64_t tick)
{
	struct pit_channel *c = &p->ch[0];
	if (c->state == CH_ACTIVE && c->counting && c->pending && tick >= c->pending_tick) {
		count_edges_locked(p, c->pending_tick);
		catch_up(c, tick);
	}
}

/* Arms `timer` for channel 0's first rising OUT edge after counted_tick, or, while
 * interrupts are owed, for the earliest the floor allows; no sooner than the floor after
 * the last edge sent. */
static void arm_next_locked(struct pit *p)
{
	uint64_t deadline;
	if (p->owed) {
		deadline = p->last_irq_ns + (p->retry_ns ? p->retry_ns : TIMER_MIN_PERIOD_NS);
	} else {
		uint64_t edge = next_edge(&p->ch[0], p->counted_tick);
		if (edge == NO_EDGE) {
			if (p->irq_armed) {
				p->irq_armed = false;
				p->timers->cancel(p->timers, &p->timer);
			}
			return;
		}
		deadline = ticks_to_ns(edge);
		if (p->irq_delivered && deadline < p->last_irq_ns + TIMER_MIN_PERIOD_NS)
			deadline = p->last_irq_ns + TIMER_MIN_PERIOD_NS;
	}
	p->irq_armed = true;
	p->irq_deadline_ns = deadline;
	p->timers->arm(p->timers, &p->timer, deadline);
}

/* After a reprogram: nothing owed from the old program; the next edge from now on. */
static void rearm_locked(struct pit *p, uint64_t now_ns)
{
	p->owed = 0;
	p->retry_ns = TIMER_MIN_PERIOD_NS;
	p->counted_tick = ns_to_ticks(now_ns);
	arm_next_locked(p);
}

static void pit_fire(struct timer *t, uint64_t now_ns)
{
	struct pit *p = t->opaque;
	pthread_mutex_lock(&p->lock);
	/* a fire that lost a race with a reprogram finds a later deadline or none */
	if (!p->irq_armed || now_ns < p->irq_deadline_ns) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	p->irq_armed = false;
	uint64_t tick = ns_to_ticks(now_ns);
	settle_ch0_locked(p, tick);
	count_edges_locked(p, tick);
	bool send = p->owed > 0;
	if (send) {
		p->irq_delivered = true;
		p->last_irq_ns = now_ns;
	}
	uint64_t program = p->program;
	pthread_mutex_unlock(&p->lock);

	/* outside the lock: the edge goes through KVM, and port accesses must not wait on it */
	int st = send ? irq_pulse_status(&p->irq) : IRQ_EDGE_TAKEN;

	pthread_mutex_lock(&p->lock);
	/* a reprogram meanwhile owes nothing from before and has armed its own timer */
	if (program == p->program) {
		if (send && st == IRQ_EDGE_TAKEN) {
			if (p->owed)
				p->owed--;
			p->retry_ns = TIMER_MIN_PERIOD_NS;
		} else if (send && st == IRQ_EDGE_MASKED) {
			p->owed = 0; /* masked everywhere: the guest asked not to get them */
		} else if (send) {
			/* not taken yet: try again later and later (a guest with interrupts off
			 * for long must not cost the host more wake-ups than the PIT's own rate),
			 * never later than one period, or the owed edges would only grow */
			uint64_t period = ticks_to_ns(p->ch[0].count ? p->ch[0].count : 1);
			uint64_t most = period < PIT_RETRY_MAX_NS ? period : PIT_RETRY_MAX_NS;
			p->retry_ns = p->retry_ns * 2 > most ? most : p->retry_ns * 2;
			if (p->retry_ns < TIMER_MIN_PERIOD_NS)
				p->retry_ns = TIMER_MIN_PERIOD_NS;
		}
		if (!p->irq_armed)
			arm_next_locked(p);
	}
	pthread_mutex_unlock(&p->lock);
}

static uint8_t pit_read_byte(struct pit *p, unsigned offset, uint64_t tick)
{
	if (offset < PIT_CHANNELS)
		return read_counter(&p->ch[offset], tick);
	return 0xFF; /* the control register is write-only */
}

static uint32_t pit_read(void *dev, uint16_t offset, unsigned size)
{
	struct pit *p = dev;
	uint32_t v;
	(void)size;
	pthread_mutex_lock(&p->lock);
	uint64_t tick = ns_to_ticks(timer_now(p->timers));
	settle_ch0_locked(p, tick);
	/* byte ports: a wide access reaches the following ports one byte at a time, as on ISA,
	 * split by the bus (byte_regs) */
	v = offset < PIT_IO_LEN ? pit_read_byte(p, offset, tick) : 0xFF;
	pthread_mutex_unlock(&p->lock);
	return v;
}

static void pit_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct pit *p = dev;
	bool moved = false;
	(void)size;
	pthread_mutex_lock(&p->lock);
	uint64_t now = timer_now(p->timers);
	uint64_t tick = ns_to_ticks(now);
	settle_ch0_locked(p, tick);
	uint8_t b = (uint8_t)value;
	if (offset == 3) {
		moved = write_control(p, b, tick);
	} else if (offset < PIT_CHANNELS) {
		write_counter(&p->ch[offset], b, tick);
		moved = offset == 0;
	}
	if (moved) {
		p->program++;
		rearm_locked(p, now);
	}
	pthread_mutex_unlock(&p->lock);
}

static uint32_t port61_read(void *dev, uint16_t offset, unsigned size)
{
	struct pit *p = dev;
	uint32_t v = 0;
	pthread_mutex_lock(&p->lock);
	if (offset == 0) {
		uint64_t tick = ns_to_ticks(timer_now(p->timers));
		struct pit_channel *c = &p->ch[2];
		catch_up(c, tick);
		/* bits 6 and 7 report parity and channel-check errors, which never happen */
		v = (p->port61 & 0x0Fu) | (p->refresh ? 0x10u : 0) | (output(c, tick) ? 0x20u : 0);
		p->refresh = !p->refresh;
	} else {
		v = 0xFF;
	}
	pthread_mutex_unlock(&p->lock);
	(void)size; /* a byte port: the bus splits wider accesses (byte_regs) */
	return v;
}

static void port61_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct pit *p = dev;
	(void)size;
	if (offset != 0)
		return;
	pthread_mutex_lock(&p->lock);
	uint64_t tick = ns_to_ticks(timer_now(p->timers));
	p->port61 = value & 0x0F;
	set_gate(&p->ch[2], value & 1, tick);
	pthread_mutex_unlock(&p->lock);
}

/* Byte ports: the bus splits wider accesses (byte_regs). */
const struct io_ops pit_io_ops = {.read = pit_read, .write = pit_write, .byte_regs = true};
const struct io_ops pit_port61_io_ops = {
    .read = port61_read, .write = port61_write, .byte_regs = true};

int pit_init(struct pit *p, const struct pit_config *cfg)
{
	if (!p || !cfg || !cfg->timers || !cfg->timers->now || !cfg->timers->arm ||
	    !cfg->timers->cancel || !cfg->timers->detach)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	int rc = pthread_mutex_init(&p->lock, NULL);
	if (rc)
		return -rc;
	p->irq = cfg->irq;
	p->timers = cfg->timers;
	p->timer.fire = pit_fire;
	p->timer.opaque = p;
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		struct pit_channel *c = &p->ch[i];
		c->ctrl = RW_WORD << 4 | 3 << 1;
		c->mode = 3;
		c->rw = RW_WORD;
		c->state = CH_IDLE;
		c->gate = i != 2;
		c->count_reg = c->count = modulus(c);
	}
	return 0;
}

void pit_destroy(struct pit *p)
{
	p->timers->detach(p->timers, &p->timer);
	pthread_mutex_destroy(&p->lock);
}

/* The state starts at `ch`: the lock, wiring and timer before it stay this VM's. */
size_t pit_state_size(void)
{
	return sizeof(struct pit) - offsetof(struct pit, ch);
}

void pit_save(struct pit *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->ch, pit_state_size());
	pthread_mutex_unlock(&d->lock);
}

int pit_load(struct pit *d, const void *in, uint64_t delta_ns)
{
	struct timer_base *tb = d->timers;
	pthread_mutex_lock(&d->lock);
	tb->cancel(tb, &d->timer);
	memcpy(&d->ch, in, pit_state_size());
	bool bad = false;
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		struct pit_channel *c = &d->ch[i];
		bool *bools[] = {&c->bcd,	    &c->gate,	       &c->counting,
				 &c->null_count,    &c->pending,       &c->write_msb_next,
				 &c->read_msb_next, &c->status_latched};
		for (unsigned k = 0; k < sizeof(bools) / sizeof(bools[0]); k++)
			snap_fix_bool(bools[k]);
		/* the counter arithmetic divides by these */
		bad |= c->count == 0 || c->count > 65536 || c->count_reg == 0 ||
		       c->count_reg > 65536 || c->mode > 7 || c->rw > 3 || c->state > CH_ACTIVE;
	}
	snap_fix_bool(&d->refresh);
	snap_fix_bool(&d->irq_armed);
	snap_fix_bool(&d->irq_delivered);
	if (bad) {
		d->irq_armed = false;
		pthread_mutex_unlock(&d->lock);
		return -EINVAL;
	}
	/* counters run on input ticks: whole ticks of the shift, as ns_to_ticks counts them */
	uint64_t dticks = ns_to_ticks(delta_ns);
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		d->ch[i].start_tick += dticks;
		d->ch[i].pending_tick += dticks;
	}
	d->counted_tick += dticks;
	d->irq_deadline_ns += delta_ns;
	d->last_irq_ns += delta_ns;
	/* the edge bookkeeping's invariants: nothing counted or sent after now, waits and
	 * debts of the sizes the model itself reaches */
	uint64_t now = timer_now(tb);
	if (d->counted_tick > ns_to_ticks(now) || d->last_irq_ns > now ||
	    d->retry_ns > PIT_RETRY_MAX_NS + TIMER_MIN_PERIOD_NS ||
	    d->irq_deadline_ns > now + PIT_RETRY_MAX_NS + ticks_to_ns(65536) ||
	    d->owed > (1u << 20)) {
		d->irq_armed = false;
		pthread_mutex_unlock(&d->lock);
		return -EINVAL;
	}
	if (d->irq_armed)
		tb->arm(tb, &d->timer, d->irq_deadline_ns);
	pthread_mutex_unlock(&d->lock);
	return 0;
}
