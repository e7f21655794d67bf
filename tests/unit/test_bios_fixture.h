/* Shared bench for the BIOS unit tests: guest RAM, UART/RTC/port 0x92 on a bus, fake disks. */
#ifndef TINYVMM_TESTS_UNIT_TEST_BIOS_FIXTURE_H
#define TINYVMM_TESTS_UNIT_TEST_BIOS_FIXTURE_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "devices/rtc.h"
#include "devices/sysport.h"
#include "devices/uart.h"
#include "tests/support/fakes.h"
#include "tests/support/vclock.h"
#include "vmm/bus.h"
#include "vmm/e820.h"
#include "vmm/firmware/bios.h"
#include "vmm/guest_mem.h"

#define KIB_ (1024ULL)
#define MIB_ (1024ULL * 1024)
#define GIB_ (1024ULL * 1024 * 1024)

#define EPOCH_2012_06_15_235958 1339804798LL
#define EPOCH_2012_06_15_123000 1339763400LL

#define FLAG_IF 0x0200

struct bios_bench {
	struct guest_mem mem;
	struct io_bus bus;
	struct bios_env env;
	struct fake_sink console;
	struct vclock vc;
	struct rtc rtc;
	struct fake_irq rtc_irq;
	struct uart uart;
	struct fake_irq uart_irq;
	struct fake_sink uart_out;
	struct sysport sys;
	struct fake_stopper stopper;
	struct disk disks[3]; /* floppy, hard 0, hard 1 */
};

/* What every sector of a fake disk holds: a function of its LBA, independent of the BIOS. */
static inline uint8_t sector_byte(uint64_t lba, unsigned i)
{
	return (uint8_t)(lba * 31 + i * 7 + 1);
}

static inline void bench_open(struct bios_bench *b, uint64_t ram, int64_t epoch)
{
	memset(b, 0, sizeof(*b));
	cr_assert_eq(gmem_alloc(&b->mem, ram), 0);
	bus_init(&b->bus);
	vclock_init(&b->vc, epoch);
	struct rtc_config rc = {.irq = fake_irq_line(&b->rtc_irq, 8),
				.timers = &b->vc.base,
				.ram_low_bytes = b->mem.regions[0].size,
				.ram_high_bytes = ram - b->mem.regions[0].size};
	cr_assert_eq(rtc_init(&b->rtc, &rc), 0);
	struct uart_config uc = {.irq = fake_irq_line(&b->uart_irq, 4),
				 .out = fake_sink_of(&b->uart_out)};
	cr_assert_eq(uart_init(&b->uart, &uc), 0);
	struct sysport_config sc = {.stopper = fake_stopper_of(&b->stopper)};
	cr_assert_eq(sysport_init(&b->sys, &sc), 0);
	cr_assert_eq(bus_register(&b->bus, 0x70, 2, &rtc_io_ops, &b->rtc, "rtc"), 0);
	cr_assert_eq(bus_register(&b->bus, 0x3F8, 8, &uart_io_ops, &b->uart, "com1"), 0);
	cr_assert_eq(bus_register(&b->bus, 0x92, 1, &sysport_92_io_ops, &b->sys, "92"), 0);
	b->env.mem = &b->mem;
	b->env.bus = &b->bus;
	b->env.console = fake_sink_of(&b->console);
	e820_build(&b->env.e820, &b->mem);
}

static inline void bench_close(struct bios_bench *b)
{
	for (unsigned i = 0; i < 3; i++)
		free(b->disks[i].map);
	sysport_destroy(&b->sys);
	uart_destroy(&b->uart);
	rtc_destroy(&b->rtc);
	gmem_free(&b->mem);
}

/* slot 0: floppy (drive 00h); 1, 2: hard disks 80h, 81h. Filled with sector_byte(). */
static inline struct disk *bench_disk(struct bios_bench *b, unsigned slot, uint64_t bytes,
				      uint32_t cyls, uint32_t heads, uint32_t spt)
{
	struct disk *d = &b->disks[slot];
	d->map = calloc(1, bytes ? bytes : 1);
	cr_assert_not_null(d->map);
	d->size = bytes;
	d->sectors = bytes / 512;
	d->mode = DISK_WRITABLE;
	d->kind = slot ? DISK_HARD : DISK_FLOPPY;
	d->chs = (struct disk_chs){cyls, heads, spt};
	d->path = slot ? "hd.img" : "fd.img";
	for (uint64_t lba = 0; lba < d->sectors; lba++)
		for (unsigned i = 0; i < 512; i++)
			d->map[lba * 512 + i] = sector_byte(lba, i);
	if (slot)
		b->env.hard[slot - 1] = d;
	else
		b->env.floppy = d;
	return d;
}

static inline struct disk *bench_floppy_144(struct bios_bench *b)
{
	return bench_disk(b, 0, 1474560, 80, 2, 18);
}

static inline uint8_t *gp(struct bios_bench *b, uint64_t gpa, uint64_t len)
{
	uint8_t *p = gmem_ptr(&b->mem, gpa, len);
	cr_assert_not_null(p, "gpa 0x%llx in RAM", (unsigned long long)gpa);
	return p;
}

static inline uint16_t rd16(struct bios_bench *b, uint64_t gpa)
{
	uint8_t *p = gp(b, gpa, 2);
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t rd32(struct bios_bench *b, uint64_t gpa)
{
	uint8_t *p = gp(b, gpa, 4);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr16(struct bios_bench *b, uint64_t gpa, uint16_t v)
{
	uint8_t *p = gp(b, gpa, 2);
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline struct bios_regs regs_ax(uint16_t ax)
{
	return (struct bios_regs){.eax = ax, .flags = FLAG_IF | 0x0002};
}

static inline enum bios_outcome call(struct bios_bench *b, unsigned vec, struct bios_regs *r)
{
	return bios_service(&b->env, vec, r);
}

static inline uint8_t AH(const struct bios_regs *r)
{
	return (uint8_t)(r->eax >> 8);
}

static inline uint8_t AL(const struct bios_regs *r)
{
	return (uint8_t)r->eax;
}

static inline int CF(const struct bios_regs *r)
{
	return r->flags & BIOS_FLAG_CF;
}

static inline int ZF(const struct bios_regs *r)
{
	return (r->flags & BIOS_FLAG_ZF) != 0;
}

#endif
