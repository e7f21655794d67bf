/* Unit tests of int 15h: E820 walk, E801/88h sizes, the A20 gate, the wait, refused functions. */
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <time.h>

#include "tests/unit/test_bios_fixture.h"

#define SMAP 0x534D4150
#define DST  0x7000ULL /* ES:DI = 0700:0000 */

TestSuite(bios_int15);

static struct bios_regs e820_call(uint32_t ebx, uint32_t ecx)
{
	struct bios_regs r = regs_ax(0);
	r.eax = 0xE820;
	r.edx = SMAP;
	r.ebx = ebx;
	r.ecx = ecx;
	r.es = DST >> 4;
	r.edi = 0;
	return r;
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

Test(bios_int15, e820_walk_with_20_byte_entries)
{
	struct bios_bench b;
	bench_open(&b, 48 * MIB_, EPOCH_2012_06_15_123000);
	/* What a PC with 48 MiB shows: low RAM, reserved EBDA/BIOS holes, RAM from 1 MiB */
	uint64_t want[][3] = {
	    {0, 0x9FC00, 1},
	    {0x9FC00, 0x400, 2},
	    {0xE0000, 0x20000, 2},
	    {0x100000, 47 * MIB_, 1},
	};
	uint32_t ebx = 0;
	unsigned n = 0;
	do {
		uint8_t *dst = gp(&b, DST, 24);
		memset(dst, 0xEE, 24);
		struct bios_regs r = e820_call(ebx, 20);
		call(&b, 0x15, &r);
		cr_assert_not(CF(&r), "entry %u", n);
		cr_assert_eq(r.eax, SMAP);
		cr_assert_eq(r.ecx, 20);
		cr_assert_lt(n, 4);
		cr_assert_eq(le64_at(dst), want[n][0], "entry %u base", n);
		cr_assert_eq(le64_at(dst + 8), want[n][1], "entry %u length", n);
		cr_assert_eq(le32_at(dst + 16), want[n][2], "entry %u type", n);
		cr_assert_eq(dst[20], 0xEE, "20-byte entries only");
		ebx = r.ebx;
		n++;
	} while (ebx != 0);
	cr_assert_eq(n, 4);
	bench_close(&b);
}

Test(bios_int15, e820_24_byte_entries_carry_the_enabled_bit)
{
	struct bios_bench b;
	bench_open(&b, 48 * MIB_, EPOCH_2012_06_15_123000);
	uint8_t *dst = gp(&b, DST, 32);
	memset(dst, 0xEE, 32);
	struct bios_regs r = e820_call(3, 32);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.ecx, 24);
	cr_assert_eq(r.ebx, 0, "the last entry ends the walk");
	cr_assert_eq(le64_at(dst), 0x100000);
	cr_assert_eq(le32_at(dst + 20), 1);
	cr_assert_eq(dst[24], 0xEE);
	bench_close(&b);
}

Test(bios_int15, e820_refuses_bad_requests)
{
	struct bios_bench b;
	bench_open(&b, 48 * MIB_, EPOCH_2012_06_15_123000);
	struct bios_regs r = e820_call(0, 20);
	r.edx = 0x12345678;
	call(&b, 0x15, &r);
	cr_assert(CF(&r), "no SMAP signature");

	r = e820_call(4, 20);
	call(&b, 0x15, &r);
	cr_assert(CF(&r), "continuation past the last entry");

	r = e820_call(0xFFFFFFFF, 20);
	call(&b, 0x15, &r);
	cr_assert(CF(&r));

	r = e820_call(0, 19);
	call(&b, 0x15, &r);
	cr_assert(CF(&r), "buffer smaller than an entry");
	bench_close(&b);
}

Test(bios_int15, e820_buffer_outside_ram)
{
	struct bios_bench b;
	bench_open(&b, 1 * MIB_, EPOCH_2012_06_15_123000);
	struct bios_regs r = e820_call(0, 20);
	r.es = 0xFFFF;
	r.edi = 0xFFF0; /* 0x10FFE0 */
	call(&b, 0x15, &r);
	cr_assert(CF(&r));
	bench_close(&b);
}

struct sizes {
	uint64_t ram;
	uint16_t e801_ax, e801_bx, ext88;
};

static void check_sizes(const struct sizes *s)
{
	struct bios_bench b;
	bench_open(&b, s->ram, EPOCH_2012_06_15_123000);
	struct bios_regs r = regs_ax(0xE801);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.eax & 0xFFFF, s->e801_ax, "E801 AX for %llu MiB",
		     (unsigned long long)(s->ram / MIB_));
	cr_assert_eq(r.ecx & 0xFFFF, s->e801_ax);
	cr_assert_eq(r.ebx & 0xFFFF, s->e801_bx, "E801 BX for %llu MiB",
		     (unsigned long long)(s->ram / MIB_));
	cr_assert_eq(r.edx & 0xFFFF, s->e801_bx);
	r = regs_ax(0x8800);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.eax & 0xFFFF, s->ext88, "88h for %llu MiB",
		     (unsigned long long)(s->ram / MIB_));
	bench_close(&b);
}

Test(bios_int15, sizes_2mib)
{
	check_sizes(&(struct sizes){2 * MIB_, 1024, 0, 1024});
}

Test(bios_int15, sizes_48mib)
{
	/* 15 MiB between 1 and 16 MiB; 32 MiB above in 64 KiB blocks; 47 MiB above 1 MiB */
	check_sizes(&(struct sizes){48 * MIB_, 15 * 1024, 512, 47 * 1024});
}

Test(bios_int15, sizes_4gib)
{
	/* RAM stops at the 3 GiB PCI hole below 4 GiB; 88h saturates at 63 MiB */
	check_sizes(
	    &(struct sizes){4 * GIB_, 15 * 1024, (uint16_t)((3 * GIB_ - 16 * MIB_) >> 16), 0xFC00});
}

Test(bios_int15, a20_gate)
{
	struct bios_bench b;
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	struct bios_regs r = regs_ax(0x2402);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0);
	cr_assert_eq(AL(&r), 1, "A20 starts enabled");

	r = regs_ax(0x2400);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0);
	cr_assert_not(sysport_a20(&b.sys));
	r = regs_ax(0x2402);
	call(&b, 0x15, &r);
	cr_assert_eq(AL(&r), 0);

	r = regs_ax(0x2401);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r), "GRUB's test: CF=0 and AH=0");
	cr_assert_eq(AH(&r), 0);
	cr_assert(sysport_a20(&b.sys));

	r = regs_ax(0x2403);
	call(&b, 0x15, &r);
	cr_assert_not(CF(&r));
	cr_assert(r.ebx & 0x2, "supported through port 92h");

	r = regs_ax(0x2404);
	call(&b, 0x15, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 1);
	cr_assert_eq(b.stopper.stops, 0, "port 92h bit 0 (reset) never written");
	bench_close(&b);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

Test(bios_int15, wait_sleeps_cx_dx_microseconds)
{
	struct bios_bench b;
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	struct bios_regs r = regs_ax(0x8600);
	r.ecx = 0x0000;
	r.edx = 30000; /* 30 ms */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	call(&b, 0x15, &r);
	cr_assert_geq(seconds_since(&t0), 0.030);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0);
	bench_close(&b);
}

static void on_kick(int sig)
{
	(void)sig;
}

struct kicker {
	pthread_t target;
	_Atomic bool done;
};

/* Kicks every 50 ms until the call is back: one kick that lands before the sleep starts, as
 * on a loaded host, would be lost, since this bench has no stop flag to cover it. */
static void *kick_later(void *arg)
{
	struct kicker *k = arg;
	struct timespec ts = {0, 50 * 1000 * 1000};
	while (!atomic_load_explicit(&k->done, memory_order_acquire)) {
		nanosleep(&ts, NULL);
		if (!atomic_load_explicit(&k->done, memory_order_acquire))
			pthread_kill(k->target, SIGUSR1);
	}
	return NULL;
}

Test(bios_int15, wait_returns_early_when_the_vcpu_is_kicked)
{
	struct bios_bench b;
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	struct sigaction sa = {.sa_handler = on_kick}; /* no SA_RESTART, like a vCPU kick */
	sigaction(SIGUSR1, &sa, NULL);
	struct kicker k = {pthread_self(), false};
	pthread_t t;
	pthread_create(&t, NULL, kick_later, &k);
	struct bios_regs r = regs_ax(0x8600);
	r.ecx = 0x004C; /* 0x4C4B40 us = 5 s */
	r.edx = 0x4B40;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	call(&b, 0x15, &r);
	double took = seconds_since(&t0);
	atomic_store_explicit(&k.done, true, memory_order_release);
	pthread_join(t, NULL);
	cr_assert_lt(took, 2.0, "took %.3f s", took);
	bench_close(&b);
}

/* A stop that landed before the sleep began (no signal to cut it short) is still seen. */
Test(bios_int15, wait_ends_when_the_vm_is_stopping)
{
	struct bios_bench b;
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	_Atomic bool stopping = true;
	b.env.stopping = &stopping;
	struct bios_regs r = regs_ax(0x8600);
	r.ecx = 0x004C; /* 5 s */
	r.edx = 0x4B40;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	call(&b, 0x15, &r);
	cr_assert_lt(seconds_since(&t0), 0.5);
	cr_assert(!CF(&r));
	bench_close(&b);
}

Test(bios_int15, unsupported_functions_fail)
{
	struct bios_bench b;
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	uint16_t refused[] = {0xC000, 0x5300, 0x5301, 0x530E};
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct bios_regs r = regs_ax(refused[i]);
		call(&b, 0x15, &r);
		cr_assert(CF(&r), "AX=%04x", refused[i]);
		cr_assert_eq(AH(&r), 0x86, "AX=%04x: function not supported", refused[i]);
	}
	struct bios_regs r = regs_ax(0x9900);
	call(&b, 0x15, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 1);
	r = regs_ax(0xE881);
	call(&b, 0x15, &r);
	cr_assert(CF(&r));
	bench_close(&b);
}
