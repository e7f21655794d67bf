/* ACPI PM1a event/control registers and the 24-bit PM timer, computed from the clock on demand. */
#include "devices/acpi_pm.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define NS_PER_S     1000000000ULL
#define CARRY_TICKS  (1ULL << ACPI_PM_TIMER_CARRY_BIT)
#define STS_SETTABLE (ACPI_PM1_TMR_STS | ACPI_PM1_PWRBTN_STS | ACPI_PM1_WAK_STS)
/* TMR, GBL, PWRBTN, SLPBTN, RTC enables and PCIEXP_WAKE_DIS: the bits the spec defines. */
#define EN_DEFINED 0x4721
#define CNT_BM_RLD 0x0002
#define CNT_STORED (ACPI_PM1_SCI_EN | CNT_BM_RLD | ACPI_PM1_SLP_TYP_MASK)

/* Register offsets within the range. */
enum { OFF_STS = 0, OFF_EN = 2, OFF_CNT = 4, OFF_TMR = 8 };

/* Split so that neither product overflows for any monotonic time a host can reach. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_S * ACPI_PM_TIMER_HZ + ns % NS_PER_S * ACPI_PM_TIMER_HZ / NS_PER_S;
}

/* The first nanosecond at which ns_to_ticks() reaches `ticks`. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t rem = ticks % ACPI_PM_TIMER_HZ;
	return ticks / ACPI_PM_TIMER_HZ * NS_PER_S +
	       (rem * NS_PER_S + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;
}

static uint64_t ticks_at(const struct acpi_pm *pm, uint64_t now_ns)
{
	return now_ns > pm->start_ns ? ns_to_ticks(now_ns - pm->start_ns) : 0;
}

/* TMR_STS is set by every carry, enabled or not; fold in those that happened by now. */
static void sync_locked(struct acpi_pm *pm, uint64_t now_ns)
{
	uint64_t carries = ticks_at(pm, now_ns) / CARRY_TICKS;
	if (carries > pm->carries) {
		pm->carries = carries;
		pm->sts |= ACPI_PM1_TMR_STS;
	}
}

/* The SCI is a level: held while any enabled status bit is set. */
static void update_sci_locked(struct acpi_pm *pm)
{
	bool level = (pm->sts & pm->en) != 0;
	if (level != pm->sci_level) {
		pm->sci_level = level;
		irq_set(&pm->sci, level);
	}
}

/*
 * A carry matters to the host only when it would raise the SCI: with TMR_EN clear, or
 * TMR_STS already set, the next carry changes nothing the guest cannot compute on read.
 */
static void rearm_locked(struct acpi_pm *pm)
{
	bool want = (pm->en & ACPI_PM1_TMR_EN) && !(pm->sts & ACPI_PM1_TMR_STS);
	if (!want) {
		if (pm->timer_armed) {
			pm->timer_armed = false;
			pm->timers->cancel(pm->timers, &pm->timer);
		}
		return;
	}
	uint64_t deadline = pm->start_ns + ticks_to_ns((pm->carries + 1) * CARRY_TICKS);
	if (pm->timer_armed && pm->timer_deadline == deadline)
		return;
	pm->timer_armed = true;
	pm->timer_deadline = deadline;
	pm->timers->arm(pm->timers, &pm->timer, deadline);
}

/* Every access starts here, so the guest always sees status as of now. */
static uint64_t catch_up_locked(struct acpi_pm *pm)
{
	uint64_t now = timer_now(pm->timers);
	sync_locked(pm, now);
	rearm_locked(pm);
	update_sci_locked(pm);
	return now;
}

static void acpi_pm_fire(struct timer *t, uint64_t now_ns)
{
	struct acpi_pm *pm = t->opaque;
	pthread_mutex_lock(&pm->lock);
	/* a fire that lost a race with a cancel or re-arm finds no deadline or a later one */
	if (pm->timer_armed && now_ns >= pm->timer_deadline) {
		pm->timer_armed = false;
		sync_locked(pm, now_ns);
		rearm_locked(pm);
		update_sci_locked(pm);
	}
	pthread_mutex_unlock(&pm->lock);
}

static uint8_t read_byte(const struct acpi_pm *pm, unsigned off, uint32_t tmr)
{
	uint16_t reg;
	switch (off & ~1u) {
	case OFF_STS:
		reg = pm->sts;
		break;
	case OFF_EN:
		reg = pm->en;
		break;
	case OFF_CNT:
		reg = pm->cnt; /* SLP_EN is write-only and never stored */
		break;
	case OFF_TMR:
	case OFF_TMR + 2:
		return (uint8_t)(tmr >> (8 * (off - OFF_TMR)));
	default:
		return 0xFF; /* the gap at 6-7 and anything past the range float high */
	}
	return (uint8_t)(reg >> (8 * (off & 1)));
}

static uint32_t acpi_pm_read(void *dev, uint16_t offset, unsigned size)
{
	struct acpi_pm *pm = dev;
	uint32_t v = 0;
	pthread_mutex_lock(&pm->lock);
	uint64_t now = catch_up_locked(pm);
	/* one sample for the whole access, so a 32-bit read of the timer is coherent */
	uint32_t tmr = (uint32_t)(ticks_at(pm, now) & ACPI_PM_TIMER_MASK);
	for (unsigned i = 0; i < size && i < 4; i++)
		v |= (uint32_t)read_byte(pm, offset + i, tmr) << (8 * i);
	pthread_mutex_unlock(&pm->lock);
	return v;
}

/* The bytes of one 16-bit register that a write touched, gathered before acting on them. */
struct reg_write {
	uint16_t value;
	uint16_t mask;
};

/* Returns true when the guest asked for soft-off. */
static bool write_cnt_locked(struct acpi_pm *pm, struct reg_write w)
{
	uint16_t v = (uint16_t)((pm->cnt & ~w.mask) | (w.value & w.mask));
	pm->cnt = v & CNT_STORED;
	if (!(w.mask & w.value & ACPI_PM1_SLP_EN))
		return false;
	uint16_t typ = (v & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT;
	if (typ == ACPI_PM_SLP_TYP_S5) {
		pm->poweroffs++;
		return true;
	}
	pm->ignored_sleeps++;
	pm->last_ignored_slp_typ = typ;
	return false;
}

static void acpi_pm_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct acpi_pm *pm = dev;
	struct reg_write sts = {0}, en = {0}, cnt = {0};
	/* wide and byte accesses both reduce to bytes of the 16-bit registers they cover */
	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned off = offset + i;
		uint16_t b = (uint16_t)((value >> (8 * i)) & 0xFF) << (8 * (off & 1));
		uint16_t m = (uint16_t)(0xFF << (8 * (off & 1)));
		struct reg_write *w = NULL;
		switch (off & ~1u) {
		case OFF_STS:
			w = &sts;
			break;
		case OFF_EN:
			w = &en;
			break;
		case OFF_CNT:
			w = &cnt;
			break;
		default:
			break; /* the timer is read-only; the rest is not decoded */
		}
		if (w) {
			w->value |= b;
			w->mask |= m;
		}
	}
	pthread_mutex_lock(&pm->lock);
	uint64_t now = timer_now(pm->timers);
	/* carries up to now belong before the clear, or a late one would be lost */
	sync_locked(pm, now);
	pm->sts &= (uint16_t) ~(sts.value & sts.mask & STS_SETTABLE);
	pm->en = (uint16_t)(((pm->en & ~en.mask) | (en.value & en.mask)) & EN_DEFINED);
	bool poweroff = cnt.mask && write_cnt_locked(pm, cnt);
	rearm_locked(pm);
	update_sci_locked(pm);
	pthread_mutex_unlock(&pm->lock);
	/* outside the lock: stopping the VM may take locks of its own */
	if (poweroff)
		vm_request_stop(&pm->stopper, VM_END_POWEROFF, 0);
}

const struct io_ops acpi_pm_io_ops = {.read = acpi_pm_read, .write = acpi_pm_write};

void acpi_pm_press_power_button(struct acpi_pm *pm)
{
	pthread_mutex_lock(&pm->lock);
	catch_up_locked(pm);
	pm->sts |= ACPI_PM1_PWRBTN_STS;
	update_sci_locked(pm);
	pthread_mutex_unlock(&pm->lock);
}

int acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_config *cfg)
{
	if (!pm || !cfg || !cfg->timers || !cfg->timers->now || !cfg->timers->arm ||
	    !cfg->timers->cancel || !cfg->timers->detach)
		return -EINVAL;
	memset(pm, 0, sizeof(*pm));
	int rc = pthread_mutex_init(&pm->lock, NULL);
	if (rc)
		return -rc;
	pm->sci = cfg->sci;
	pm->timers = cfg->timers;
	pm->stopper = cfg->stopper;
	pm->timer.fire = acpi_pm_fire;
	pm->timer.opaque = pm;
	pm->start_ns = timer_now(pm->timers);
	pm->cnt = ACPI_PM1_SCI_EN;
	return 0;
}

void acpi_pm_destroy(struct acpi_pm *pm)
{
	if (!pm)
		return;
	/* not under the lock: detach waits for a fire, which takes it */
	pm->timers->detach(pm->timers, &pm->timer);
	pthread_mutex_destroy(&pm->lock);
}

/* The state starts at `timer_armed`: the lock, wiring and timer before it stay this VM's. */
size_t acpi_pm_state_size(void)
{
	return sizeof(struct acpi_pm) - offsetof(struct acpi_pm, timer_armed);
}

void acpi_pm_save(struct acpi_pm *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->timer_armed, acpi_pm_state_size());
	pthread_mutex_unlock(&d->lock);
}

int acpi_pm_load(struct acpi_pm *d, const void *in, uint64_t delta_ns)
{
	struct timer_base *tb = d->timers;
	pthread_mutex_lock(&d->lock);
	tb->cancel(tb, &d->timer);
	memcpy(&d->timer_armed, in, acpi_pm_state_size());
	snap_fix_bool(&d->timer_armed);
	snap_fix_bool(&d->sci_level);
	d->timer_deadline += delta_ns;
	d->start_ns += delta_ns;
	/* the clock arithmetic's invariants: the timer started in the past, and no carry is
	 * counted before it happens (a later one would wrap the next deadline) */
	uint64_t now = timer_now(tb);
	bool bad = d->start_ns > now || d->carries > ticks_at(d, now) / CARRY_TICKS;
	if (bad)
		d->timer_armed = false;
	else if (d->timer_armed)
		tb->arm(tb, &d->timer, d->timer_deadline);
	pthread_mutex_unlock(&d->lock);
	return bad ? -EINVAL : 0;
}
