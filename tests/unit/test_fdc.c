/* Unit tests of the floppy-controller stub through its ports: registers and command phases. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "devices/fdc.h"
#include "tests/support/fakes.h"
#include "vmm/bus.h"

/* Offsets from 0x3F0 and register bits from the 82077AA data sheet, written out here. */
#define SRA  0
#define SRB  1
#define DOR  2
#define TDR  3
#define MSR  4
#define DSR  4
#define FIFO 5

#define RQM 0x80
#define DIO 0x40
#define CB  0x10

#define MSR_IDLE    RQM
#define MSR_COMMAND (RQM | CB)
#define MSR_RESULT  (RQM | DIO | CB)

struct frig {
	struct fdc f;
	struct fake_irq irq;
};

static void frig_up(struct frig *r)
{
	memset(r, 0, sizeof(*r));
	struct fdc_config cfg = {.irq = fake_irq_line(&r->irq, 6)};
	cr_assert_eq(fdc_init(&r->f, &cfg), 0);
}

static void frig_down(struct frig *r)
{
	fdc_destroy(&r->f);
}

static uint8_t in(struct frig *r, uint16_t off)
{
	return (uint8_t)fdc_io_ops.read(&r->f, off, 1);
}

static void out(struct frig *r, uint16_t off, uint8_t v)
{
	fdc_io_ops.write(&r->f, off, 1, v);
}

/* Sends a command the way a driver does: wait for RQM with DIO clear before each byte. */
static void send(struct frig *r, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t m = in(r, MSR);
		cr_assert_eq(m & (RQM | DIO), RQM, "byte %zu: MSR %#x not ready for a command", i,
			     m);
		out(r, FIFO, bytes[i]);
		if (i + 1 < n)
			cr_assert_eq(in(r, MSR), MSR_COMMAND, "more command bytes expected");
	}
}

/* Reads a result phase of exactly `n` bytes. */
static void results(struct frig *r, uint8_t *outb, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(in(r, MSR), MSR_RESULT, "result byte %zu", i);
		outb[i] = in(r, FIFO);
	}
	cr_assert_eq(in(r, MSR), MSR_IDLE, "result phase over after %zu bytes", n);
}

Test(fdc, idle_registers)
{
	struct frig r;
	frig_up(&r);
	cr_assert_eq(in(&r, MSR), MSR_IDLE, "ready for a command, no drive busy");
	cr_assert_eq(in(&r, DOR), 0x0C, "out of reset, DMA/IRQ enabled");
	cr_assert_eq(fdc_dir_io_ops.read(&r.f, 0, 1) & 0x80, 0, "no disk change");
	cr_assert_eq(in(&r, SRA), 0xFF, "PS/2 registers not decoded in AT mode");
	cr_assert_eq(in(&r, SRB), 0xFF);
	cr_assert_eq(in(&r, FIFO), 0xFF, "nothing to read");
	cr_assert_eq(in(&r, MSR), MSR_IDLE);
	cr_assert_eq(r.irq.rises, 0);
	frig_down(&r);
}

Test(fdc, dor_and_tdr_hold_what_is_written)
{
	struct frig r;
	frig_up(&r);
	out(&r, DOR, 0x1C);
	cr_assert_eq(in(&r, DOR), 0x1C);
	out(&r, DOR, 0x3D);
	cr_assert_eq(in(&r, DOR), 0x3D);
	out(&r, TDR, 0x02);
	cr_assert_eq(in(&r, TDR) & 0x03, 0x02);
	fdc_dir_io_ops.write(&r.f, 0, 1, 0x01); /* CCR: 300 kb/s; write-only */
	cr_assert_eq(fdc_dir_io_ops.read(&r.f, 0, 1) & 0x80, 0);
	frig_down(&r);
}

Test(fdc, version)
{
	struct frig r;
	frig_up(&r);
	uint8_t cmd = 0x10, res;
	send(&r, &cmd, 1);
	results(&r, &res, 1);
	cr_assert_eq(res, 0x90, "enhanced controller");
	frig_down(&r);
}

Test(fdc, sense_interrupt_with_nothing_pending)
{
	struct frig r;
	frig_up(&r);
	uint8_t cmd = 0x08, res;
	send(&r, &cmd, 1);
	results(&r, &res, 1);
	cr_assert_eq(res, 0x80, "invalid: no interrupt pending");
	frig_down(&r);
}

static void expect_reset_senses(struct frig *r)
{
	for (uint8_t d = 0; d < 4; d++) {
		uint8_t cmd = 0x08, res[2];
		send(r, &cmd, 1);
		results(r, res, 2);
		cr_assert_eq(res[0], 0xC0 | d, "drive %u: ready-line change", d);
		cr_assert_eq(res[1], 0, "drive %u: cylinder", d);
	}
	uint8_t cmd = 0x08, res;
	send(r, &cmd, 1);
	results(r, &res, 1);
	cr_assert_eq(res, 0x80, "then nothing");
}

Test(fdc, dor_reset_reports_four_drives)
{
	struct frig r;
	frig_up(&r);
	out(&r, DOR, 0x08);  /* nRESET low */
	out(&r, FIFO, 0x10); /* ignored while in reset */
	cr_assert_eq(in(&r, MSR) & (RQM | DIO), RQM);
	cr_assert_eq(r.irq.rises, 0);
	out(&r, DOR, 0x0C);
	cr_assert_eq(r.irq.rises, 1, "an interrupt when the reset ends");
	cr_assert_eq(in(&r, MSR), MSR_IDLE);
	expect_reset_senses(&r);
	frig_down(&r);
}

Test(fdc, reset_without_dma_gate_raises_no_irq)
{
	struct frig r;
	frig_up(&r);
	out(&r, DOR, 0x00);
	out(&r, DOR, 0x04);
	cr_assert_eq(r.irq.rises, 0, "IRQ output gated off by DOR bit 3");
	expect_reset_senses(&r);
	frig_down(&r);
}

Test(fdc, dsr_software_reset)
{
	struct frig r;
	frig_up(&r);
	out(&r, DSR, 0x80);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(in(&r, MSR), MSR_IDLE, "the reset bit clears itself");
	expect_reset_senses(&r);
	frig_down(&r);
}

Test(fdc, specify_takes_three_bytes_and_answers_nothing)
{
	struct frig r;
	frig_up(&r);
	const uint8_t cmd[] = {0x03, 0xDF, 0x03};
	send(&r, cmd, sizeof(cmd));
	cr_assert_eq(in(&r, MSR), MSR_IDLE);
	uint8_t d = 0x0E, res[10];
	send(&r, &d, 1);
	results(&r, res, 10);
	cr_assert_eq(res[4], 0xDF, "DUMPREG shows SRT/HUT");
	cr_assert_eq(res[5], 0x03, "and HLT/ND");
	frig_down(&r);
}

Test(fdc, seek_recalibrate_and_drive_status)
{
	struct frig r;
	frig_up(&r);
	const uint8_t seek[] = {0x0F, 0x05, 40}; /* drive 1, head 1, cylinder 40 */
	send(&r, seek, sizeof(seek));
	cr_assert_eq(in(&r, MSR), MSR_IDLE, "no drive left busy");
	cr_assert_eq(r.irq.rises, 1);
	uint8_t cmd = 0x08, res[2];
	send(&r, &cmd, 1);
	results(&r, res, 2);
	cr_assert_eq(res[0], 0x20 | 0x04 | 1, "seek end, head 1, drive 1");
	cr_assert_eq(res[1], 40);

	const uint8_t sds[] = {0x04, 0x01};
	send(&r, sds, sizeof(sds));
	results(&r, res, 1);
	cr_assert_eq(res[0] & 0x03, 1);
	cr_assert_eq(res[0] & 0x10, 0, "not on track 0");

	const uint8_t recal[] = {0x07, 0x01};
	send(&r, recal, sizeof(recal));
	cr_assert_eq(r.irq.rises, 2);
	send(&r, &cmd, 1);
	results(&r, res, 2);
	cr_assert_eq(res[0], 0x20 | 1);
	cr_assert_eq(res[1], 0);
	send(&r, sds, sizeof(sds));
	results(&r, res, 1);
	cr_assert_eq(res[0] & 0x10, 0x10, "track 0");
	frig_down(&r);
}

Test(fdc, read_data_ends_at_once_without_a_medium)
{
	struct frig r;
	frig_up(&r);
	/* READ DATA with MT+MFM: drive 0 head 0, C 2 H 0 R 3 N 2, EOT 18, GPL, DTL */
	const uint8_t cmd[] = {0xE6, 0x00, 2, 0, 3, 2, 18, 0x1B, 0xFF};
	send(&r, cmd, sizeof(cmd));
	cr_assert_eq(r.irq.rises, 1, "result phase interrupt");
	uint8_t res[7];
	results(&r, res, 7);
	cr_assert_eq(res[0] & 0xC0, 0x40, "abnormal termination");
	cr_assert_eq(res[0] & 0x07, 0x00, "head 0 drive 0");
	cr_assert_eq(res[3], 2);
	cr_assert_eq(res[4], 0);
	cr_assert_eq(res[5], 3);
	cr_assert_eq(res[6], 2);
	uint8_t s = 0x08;
	send(&r, &s, 1);
	results(&r, res, 1);
	cr_assert_eq(res[0], 0x80, "reading the results cleared that interrupt");
	frig_down(&r);
}

Test(fdc, read_id_and_format)
{
	struct frig r;
	frig_up(&r);
	const uint8_t rid[] = {0x4A, 0x06}; /* drive 2, head 1 */
	send(&r, rid, sizeof(rid));
	uint8_t res[7];
	results(&r, res, 7);
	cr_assert_eq(res[0], 0x40 | 0x04 | 2);
	const uint8_t fmt[] = {0x4D, 0x00, 2, 18, 0x54, 0xF6};
	send(&r, fmt, sizeof(fmt));
	results(&r, res, 7);
	cr_assert_eq(res[0] & 0xC0, 0x40);
	frig_down(&r);
}

Test(fdc, invalid_opcode)
{
	struct frig r;
	frig_up(&r);
	static const uint8_t bad[] = {0x00, 0x01, 0x18, 0x1F, 0x43, 0xFF};
	for (size_t i = 0; i < sizeof(bad); i++) {
		uint8_t res;
		send(&r, &bad[i], 1);
		results(&r, &res, 1);
		cr_assert_eq(res, 0x80, "opcode %#x", bad[i]);
	}
	frig_down(&r);
}

Test(fdc, abandoned_result_phase_does_not_wedge)
{
	struct frig r;
	frig_up(&r);
	uint8_t v = 0x10;
	out(&r, FIFO, v);
	cr_assert_eq(in(&r, MSR), MSR_RESULT);
	out(&r, FIFO, 0x08); /* host ignores the result and moves on */
	uint8_t res;
	results(&r, &res, 1);
	cr_assert_eq(res, 0x80);
	frig_down(&r);
}

Test(fdc, lock_keeps_configure_over_reset)
{
	struct frig r;
	frig_up(&r);
	const uint8_t conf[] = {0x13, 0x00, 0x57, 0x00};
	send(&r, conf, sizeof(conf));
	cr_assert_eq(in(&r, MSR), MSR_IDLE);
	uint8_t lock = 0x94, res[10];
	send(&r, &lock, 1);
	results(&r, res, 1);
	cr_assert_eq(res[0], 0x10);
	out(&r, DSR, 0x80);
	expect_reset_senses(&r);
	uint8_t d = 0x0E;
	send(&r, &d, 1);
	results(&r, res, 10);
	cr_assert_eq(res[7] & 0x80, 0x80, "locked");
	cr_assert_eq(res[8], 0x57, "configuration survived");

	lock = 0x14;
	send(&r, &lock, 1);
	results(&r, res, 1);
	cr_assert_eq(res[0], 0x00);
	out(&r, DSR, 0x80);
	expect_reset_senses(&r);
	send(&r, &d, 1);
	results(&r, res, 10);
	cr_assert_eq(res[8], 0x00, "unlocked: reset to defaults");
	frig_down(&r);
}

Test(fdc, init_rejects_null)
{
	struct fdc f;
	struct fdc_config cfg = {0};
	cr_assert_eq(fdc_init(NULL, &cfg), -EINVAL);
	cr_assert_eq(fdc_init(&f, NULL), -EINVAL);
}

Test(fdc, hardware_reset)
{
	struct frig r;
	frig_up(&r);
	out(&r, DOR, 0x00);
	out(&r, FIFO, 0x03);
	fdc_reset(&r.f);
	cr_assert_eq(in(&r, DOR), 0x0C);
	cr_assert_eq(in(&r, MSR), MSR_IDLE);
	uint8_t cmd = 0x08, res;
	send(&r, &cmd, 1);
	results(&r, &res, 1);
	cr_assert_eq(res, 0x80);
	frig_down(&r);
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(fdc, fuzz_keeps_msr_ready)
{
	struct frig r;
	frig_up(&r);
	uint64_t seed = 0x2545F4914F6CDD1Dull;
	for (unsigned i = 0; i < 100000; i++) {
		uint64_t x = xs(&seed);
		unsigned size = 1u << ((x >> 8) % 3);
		uint16_t off = (uint16_t)((x >> 16) % 7);
		uint32_t v = (uint32_t)(x >> 32);
		if ((x & 0x1F) == 0)
			io_ops_write(&fdc_dir_io_ops, &r.f, FDC_DIR_LEN, off % 2, size, v);
		else if (x & 1)
			io_ops_write(&fdc_io_ops, &r.f, FDC_LEN, off, size, v);
		else
			(void)io_ops_read(&fdc_io_ops, &r.f, FDC_LEN, off, size);
		uint8_t m = in(&r, MSR);
		cr_assert(m & RQM, "access %u: RQM dropped", i);
		cr_assert_eq(m & 0x0F, 0, "access %u: a drive shows busy", i);
	}
	out(&r, DOR, 0x0C);
	out(&r, DSR, 0x80);
	/* Drain whatever result phase the fuzz left, then the controller answers as usual. */
	for (unsigned i = 0; i < 16 && (in(&r, MSR) & DIO); i++)
		(void)in(&r, FIFO);
	uint8_t cmd = 0x10, res;
	send(&r, &cmd, 1);
	results(&r, &res, 1);
	cr_assert_eq(res, 0x90);
	frig_down(&r);
}
