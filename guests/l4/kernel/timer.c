/* The timer: 8259s masked, the local APIC one-shot (or TSC-deadline) for the earliest deadline. */
#include "cpu.h"
#include "sched.h"

#define APIC_PHYS     0xFEE00000ull
#define APIC_REG(off) (*(volatile uint32_t *)(L4_APIC_VBASE + (APIC_PHYS - 0xC0000000ull) + (off)))
#define APIC_EOI      0x0B0
#define APIC_SVR      0x0F0
#define APIC_LVT_TMR  0x320
#define APIC_TMICT    0x380
#define APIC_TMCCT    0x390
#define APIC_TDCR     0x3E0
#define LVT_MASKED    (1u << 16)
#define LVT_TSC_DL    (2u << 17)

#define MSR_APIC_BASE	 0x1B
#define MSR_TSC_DEADLINE 0x6E0

#define MODE_ONESHOT 1
#define MODE_TSC_DL  2

#define NONE	  (~0ull)
#define SLICE_MS  10
#define PIT_HZ	  1193182ull
#define PIT_LATCH 23864u /* ~20 ms */

uint64_t tsc_khz;
static uint64_t lapic_khz;
static unsigned mode;
static uint64_t armed = NONE; /* the deadline the hardware holds */
static uint64_t slice_ticks, slice_end;
static int slice_on;

/* Remapped first, so that a stray interrupt lands on a harmless vector; then all masked. */
static void pic_off(void)
{
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, VEC_PIC0);
	outb(0xA1, VEC_PIC0 + 8);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

/*
 * Without the hypervisor's frequency leaf (QEMU TCG): count TSC and APIC timer ticks over
 * ~20 ms of PIT channel 2 (gated via port 0x61, OUT2 read back in its bit 5). Returns the
 * TSC ticks, and the APIC ticks in *apic; 0 if the PIT never answered.
 */
static uint64_t pit_window(uint64_t *apic)
{
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
	outb(0x43, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
	APIC_REG(APIC_TMICT) = 0xFFFFFFFFu;
	outb(0x42, PIT_LATCH & 0xFF);
	outb(0x42, PIT_LATCH >> 8);
	uint64_t t0 = rdtsc();
	uint32_t c0 = APIC_REG(APIC_TMCCT);
	for (unsigned long spins = 0; !(inb(0x61) & 0x20); spins++)
		if (spins > 50000000ul)
			return 0;
	uint64_t t1 = rdtsc();
	uint32_t c1 = APIC_REG(APIC_TMCCT);
	APIC_REG(APIC_TMICT) = 0;
	*apic = c0 - c1;
	return t1 - t0;
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	if (a > b) {
		uint64_t t = a;
		a = b;
		b = t;
	}
	return c < a ? a : c > b ? b : c;
}

/* A host that deschedules the vCPU inside one window skews it: take the median of three. */
static int calibrate(void)
{
	uint64_t t[3], a[3];
	for (unsigned i = 0; i < 3; i++)
		if (!(t[i] = pit_window(&a[i])))
			return -1;
	tsc_khz = median3(t[0], t[1], t[2]) * PIT_HZ / (PIT_LATCH * 1000ull);
	lapic_khz = median3(a[0], a[1], a[2]) * PIT_HZ / (PIT_LATCH * 1000ull);
	return tsc_khz && lapic_khz ? 0 : -1;
}

void timer_init(int verb)
{
	uint32_t r[4];
	const char *src = "cpuid 0x40000010";
	pic_off();
	/*
	 * Firmware leaves PIT channel 0 ticking at 18.2 Hz into the (now masked) PIC, and a
	 * VMM emulating the PIT keeps a host timer running for it. Mode 0 without a count
	 * stops the channel: no tick this kernel does not use costs anything on the host.
	 */
	outb(0x43, 0x30);
	cpuid(1, r);
	uint32_t ecx1 = r[2];
	int tsc_dl = (ecx1 >> 24) & 1;
	/*
	 * tinyvmm does not set the hypervisor bit, so the leaf is probed regardless; where no
	 * hypervisor answers, EAX is 0 (AMD) or a basic leaf's (Intel), never in this range.
	 */
	cpuid(0x40000000, r);
	uint32_t hv_max = r[0];
	if (hv_max >= 0x40000010 && hv_max < 0x40010000) {
		cpuid(0x40000010, r);
		tsc_khz = r[0];
		lapic_khz = r[1];
	}
	uint64_t base = rdmsr(MSR_APIC_BASE);
	if ((base & 0xFFFFFF000ull) != APIC_PHYS || !(base & 0x800))
		wrmsr(MSR_APIC_BASE, APIC_PHYS | 0x800 | (base & 0x100));
	APIC_REG(APIC_SVR) = 0x100 | VEC_SPURIOUS;
	APIC_REG(APIC_TDCR) = 0xB; /* divide by 1 */
	APIC_REG(APIC_LVT_TMR) = LVT_MASKED | VEC_TIMER;
	if (!tsc_khz || (!tsc_dl && !lapic_khz)) {
		src = "PIT";
		if (calibrate()) {
			kprintf("l4: timer calibration failed, assuming 1 GHz\n");
			tsc_khz = lapic_khz = 1000000;
		}
	}
	mode = tsc_dl ? MODE_TSC_DL : MODE_ONESHOT;
	APIC_REG(APIC_LVT_TMR) = VEC_TIMER | (tsc_dl ? LVT_TSC_DL : 0);
	/*
	 * SDM 10.5.4.1 wants the LVT write ordered before the first IA32_TSC_DEADLINE write;
	 * that write comes with the first timeout, after the banner's OUT drained all stores.
	 * (No MFENCE: an SSE2 encoding that an instruction emulator may not know.)
	 */
	slice_ticks = tsc_khz * SLICE_MS;
	kip->tsc_khz = tsc_khz;
	kip->timer_mode = mode;
	if (verb)
		kprintf("l4: TSC %lu kHz, APIC timer %lu kHz (%s; cpuid 1 ecx 0x%x, 0x40000000 eax "
			"0x%x)\n",
			tsc_khz, lapic_khz, src, ecx1, hv_max);
}

const char *timer_mode_name(void)
{
	return mode == MODE_TSC_DL ? "tsc-deadline" : "lapic one-shot";
}

/* Arms the hardware for the earliest of the first timeout and, with others ready, the slice end. */
void timer_update(void)
{
	timer_dirty = 0;
	uint64_t want = timeouts ? timeouts->deadline : NONE;
	if (ready && current) {
		if (!slice_on) {
			slice_on = 1;
			slice_end = rdtsc() + slice_ticks;
		}
		if (slice_end < want)
			want = slice_end;
	} else {
		slice_on = 0;
	}
	if (want == armed)
		return;
	armed = want;
	if (mode == MODE_TSC_DL) {
		wrmsr(MSR_TSC_DEADLINE, want == NONE ? 0 : want);
		return;
	}
	uint64_t count = 0;
	if (want != NONE) {
		uint64_t now = rdtsc(), d = want > now ? want - now : 0;
		if (d > tsc_khz * 4000) /* the 32-bit counter's reach; it re-arms when it fires */
			d = tsc_khz * 4000;
		count = d * lapic_khz / tsc_khz + 1; /* rounded up: never early */
		if (count > 0xFFFFFFFFu)
			count = 0xFFFFFFFFu;
	}
	APIC_REG(APIC_TMICT) = (uint32_t)count;
}

void timer_irq(void)
{
	kip->kernel_ticks++;
	APIC_REG(APIC_EOI) = 0;
	armed = NONE; /* one-shot: the hardware is disarmed now */
	timer_dirty = 1;
	uint64_t now = rdtsc();
	expire_timeouts(now);
	if (slice_on && now >= slice_end) {
		slice_end = now + slice_ticks;
		preempt();
	}
}
