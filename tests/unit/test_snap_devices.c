/* Unit tests of each device model's snapshot save/load: a copy restored on a later clock behaves
 * as the original does from there on. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/fdc.h"
#include "devices/kbc.h"
#include "devices/pit.h"
#include "devices/report.h"
#include "devices/rtc.h"
#include "devices/sysport.h"
#include "devices/uart.h"
#include "tests/support/fakes.h"
#include "tests/support/vclock.h"

#define MS 1000000ULL
/* the restoring side's clock is this much later than the capturing side's */
#define LATER (3600ULL * 1000 * MS)

static void pit_out(struct pit *p, uint16_t port, uint8_t v)
{
	pit_io_ops.write(p, (uint16_t)(port - PIT_IO_BASE), 1, v);
}

static unsigned pit_latched(struct pit *p)
{
	pit_out(p, 0x43, 0x00);
	unsigned lo = pit_io_ops.read(p, 0, 1) & 0xFF;
	return lo | (pit_io_ops.read(p, 0, 1) & 0xFF) << 8;
}

Test(snap_devices, pit_counts_and_interrupts_on_after_load)
{
	struct vclock a, b;
	struct fake_irq ia = {0}, ib = {0};
	struct pit pa, pb;
	vclock_init(&a, 0);
	vclock_init(&b, 0);
	cr_assert_eq(pit_init(&pa, &(struct pit_config){fake_irq_line(&ia, 0), &a.base}), 0);
	pit_out(&pa, 0x43, 0x34); /* channel 0, lsb/msb, mode 2 */
	pit_out(&pa, 0x40, 0xA9);
	pit_out(&pa, 0x41 - 1, 0x04); /* 1193: 1 ms */
	vclock_advance(&a, 10 * MS + 300000);
	void *st = malloc(pit_state_size());
	pit_save(&pa, st);
	vclock_advance(&b, 10 * MS + 300000 + LATER);
	cr_assert_eq(pit_init(&pb, &(struct pit_config){fake_irq_line(&ib, 0), &b.base}), 0);
	cr_assert_eq(pit_load(&pb, st, LATER), 0);
	cr_assert_eq(pit_latched(&pb), pit_latched(&pa));
	unsigned ra = ia.rises + ia.taken, rb = ib.rises + ib.taken;
	vclock_advance(&a, 50 * MS);
	vclock_advance(&b, 50 * MS);
	cr_assert_eq(ib.rises + ib.taken - rb, ia.rises + ia.taken - ra,
		     "IRQ 0 edges after load: %u, original %u", ib.rises + ib.taken - rb,
		     ia.rises + ia.taken - ra);
	cr_assert_gt(ia.rises + ia.taken - ra, 40);
	cr_assert_eq(pit_latched(&pb), pit_latched(&pa));
	pit_destroy(&pa);
	pit_destroy(&pb);
	free(st);
}

static uint8_t cmos(struct rtc *r, uint8_t reg)
{
	rtc_io_ops.write(r, 0, 1, reg);
	return (uint8_t)rtc_io_ops.read(r, 1, 1);
}

static void cmos_set(struct rtc *r, uint8_t reg, uint8_t v)
{
	rtc_io_ops.write(r, 0, 1, reg);
	rtc_io_ops.write(r, 1, 1, v);
}

Test(snap_devices, rtc_keeps_time_cmos_and_periodic_interrupt)
{
	struct vclock a, b;
	struct fake_irq ia = {0}, ib = {0};
	struct rtc ra, rb;
	vclock_init(&a, 1339763400);
	vclock_init(&b, 0); /* another wall clock: the guest's time must come from the file */
	cr_assert_eq(
	    rtc_init(&ra, &(struct rtc_config){.irq = fake_irq_line(&ia, 8), .timers = &a.base}),
	    0);
	cmos_set(&ra, 0x0B, 0x42); /* PIE, 24 h */
	cmos_set(&ra, 0x0A, 0x2F); /* 2 Hz */
	cmos_set(&ra, 0x40, 0x5A); /* a byte of plain CMOS */
	vclock_advance(&a, 1700 * MS);
	(void)cmos(&ra, 0x0C);
	void *st = malloc(rtc_state_size());
	rtc_save(&ra, st);
	vclock_advance(&b, 1700 * MS + LATER);
	cr_assert_eq(
	    rtc_init(&rb, &(struct rtc_config){.irq = fake_irq_line(&ib, 8), .timers = &b.base}),
	    0);
	cr_assert_eq(rtc_load(&rb, st, LATER), 0);
	cr_assert_eq(cmos(&rb, 0x40), 0x5A);
	for (unsigned step = 0; step < 6; step++) {
		vclock_advance(&a, 450 * MS);
		vclock_advance(&b, 450 * MS);
		cr_assert_eq(cmos(&rb, 0x00), cmos(&ra, 0x00), "seconds differ at step %u", step);
		cr_assert_eq(cmos(&rb, 0x02), cmos(&ra, 0x02));
		cr_assert_eq(cmos(&rb, 0x0C), cmos(&ra, 0x0C), "register C at step %u", step);
	}
	rtc_destroy(&ra);
	rtc_destroy(&rb);
	free(st);
}

Test(snap_devices, rtc_load_refuses_an_index_past_cmos)
{
	struct vclock a;
	struct fake_irq ia = {0};
	struct rtc r;
	vclock_init(&a, 0);
	cr_assert_eq(
	    rtc_init(&r, &(struct rtc_config){.irq = fake_irq_line(&ia, 8), .timers = &a.base}), 0);
	uint8_t *st = malloc(rtc_state_size());
	rtc_save(&r, st);
	size_t at = offsetof(struct rtc, index) - offsetof(struct rtc, timer_armed);
	st[at] = 200;
	cr_assert_eq(rtc_load(&r, st, 0), -EINVAL);
	rtc_destroy(&r);
	free(st);
}

Test(snap_devices, acpi_pm_timer_reads_on_from_the_same_value)
{
	struct vclock a, b;
	struct fake_irq ia = {0}, ib = {0};
	struct fake_stopper sa = {0}, sb = {0};
	struct acpi_pm pa, pb;
	vclock_init(&a, 0);
	vclock_init(&b, 0);
	cr_assert_eq(acpi_pm_init(&pa, &(struct acpi_pm_config){fake_irq_line(&ia, 9), &a.base,
								fake_stopper_of(&sa)}),
		     0);
	vclock_advance(&a, 777 * MS);
	void *st = malloc(acpi_pm_state_size());
	acpi_pm_save(&pa, st);
	vclock_advance(&b, 777 * MS + LATER);
	cr_assert_eq(acpi_pm_init(&pb, &(struct acpi_pm_config){fake_irq_line(&ib, 9), &b.base,
								fake_stopper_of(&sb)}),
		     0);
	cr_assert_eq(acpi_pm_load(&pb, st, LATER), 0);
	uint16_t tmr = ACPI_PM_TMR_BLK - ACPI_PM_BASE;
	cr_assert_eq(acpi_pm_io_ops.read(&pb, tmr, 4), acpi_pm_io_ops.read(&pa, tmr, 4));
	vclock_advance(&a, 5 * MS);
	vclock_advance(&b, 5 * MS);
	cr_assert_eq(acpi_pm_io_ops.read(&pb, tmr, 4), acpi_pm_io_ops.read(&pa, tmr, 4));
	acpi_pm_destroy(&pa);
	acpi_pm_destroy(&pb);
	free(st);
}

Test(snap_devices, uart_keeps_registers_and_received_bytes)
{
	struct fake_irq ia = {0}, ib = {0};
	struct fake_sink oa = {0}, ob = {0};
	struct uart ua, ub;
	cr_assert_eq(uart_init(&ua, &(struct uart_config){.irq = fake_irq_line(&ia, 4),
							  .out = fake_sink_of(&oa)}),
		     0);
	uart_io_ops.write(&ua, 3, 1, 0x83); /* DLAB, 8N1 */
	uart_io_ops.write(&ua, 0, 1, 0x01);
	uart_io_ops.write(&ua, 3, 1, 0x03);
	uart_io_ops.write(&ua, 2, 1, 0x01); /* FIFO on: 16 bytes of receiver */
	uart_io_ops.write(&ua, 7, 1, 0x42); /* scratch */
	uart_io_ops.write(&ua, 1, 1, 0x01); /* RX interrupt */
	cr_assert_eq(uart_receive(&ua, (const uint8_t *)"abc", 3), 3);
	(void)uart_io_ops.read(&ua, 0, 1); /* 'a' taken before the capture */
	void *st = malloc(uart_state_size());
	uart_save(&ua, st);
	cr_assert_eq(uart_init(&ub, &(struct uart_config){.irq = fake_irq_line(&ib, 4),
							  .out = fake_sink_of(&ob)}),
		     0);
	cr_assert_eq(uart_load(&ub, st), 0);
	cr_assert_eq(uart_baud(&ub), 115200);
	cr_assert_eq(uart_io_ops.read(&ub, 7, 1), 0x42);
	cr_assert_eq(uart_io_ops.read(&ub, 0, 1), 'b');
	cr_assert_eq(uart_io_ops.read(&ub, 0, 1), 'c');
	uart_io_ops.write(&ub, 0, 1, 'z');
	cr_assert(ob.len == 1 && ob.buf[0] == 'z' && oa.len == 0, "output goes to the new sink");
	((uint8_t *)st)[offsetof(struct uart, rx_head) - offsetof(struct uart, divisor)] = 99;
	cr_assert_eq(uart_load(&ub, st), -EINVAL);
	uart_destroy(&ua);
	uart_destroy(&ub);
	free(st);
}

Test(snap_devices, kbc_sysport_and_fdc_round_trip)
{
	struct fake_stopper s = {0};
	struct kbc ka, kb;
	cr_assert_eq(kbc_init(&ka, &(struct kbc_config){fake_stopper_of(&s)}), 0);
	cr_assert_eq(kbc_init(&kb, &(struct kbc_config){fake_stopper_of(&s)}), 0);
	kbc_cmd_io_ops.write(&ka, 0, 1, 0xD1); /* write output port: A20 on */
	kbc_data_io_ops.write(&ka, 0, 1, 0xDF);
	void *st = malloc(kbc_state_size());
	kbc_save(&ka, st);
	cr_assert_eq(kbc_load(&kb, st), 0);
	cr_assert_eq(memcmp(&kb.out_port, &ka.out_port, kbc_state_size()), 0);
	free(st);

	struct sysport pa, pb;
	cr_assert_eq(sysport_init(&pa, &(struct sysport_config){fake_stopper_of(&s)}), 0);
	cr_assert_eq(sysport_init(&pb, &(struct sysport_config){fake_stopper_of(&s)}), 0);
	sysport_92_io_ops.write(&pa, 0, 1, 0x02);
	sysport_post_io_ops.write(&pa, 0, 1, 0x55);
	st = malloc(sysport_state_size());
	sysport_save(&pa, st);
	cr_assert_eq(sysport_load(&pb, st), 0);
	cr_assert_eq(sysport_92_io_ops.read(&pb, 0, 1), sysport_92_io_ops.read(&pa, 0, 1));
	cr_assert_eq(pb.post_code, 0x55);
	free(st);

	struct fake_irq ia = {0}, ib = {0};
	struct fdc fa, fb;
	cr_assert_eq(fdc_init(&fa, &(struct fdc_config){fake_irq_line(&ia, 6)}), 0);
	cr_assert_eq(fdc_init(&fb, &(struct fdc_config){fake_irq_line(&ib, 6)}), 0);
	fdc_io_ops.write(&fa, 2, 1, 0x1C); /* DOR: motor A, DMA/IRQ, not reset */
	fdc_io_ops.write(&fa, 5, 1, 0x03); /* SPECIFY, two bytes to come */
	fdc_io_ops.write(&fa, 5, 1, 0xDF);
	st = malloc(fdc_state_size());
	fdc_save(&fa, st);
	cr_assert_eq(fdc_load(&fb, st), 0);
	fdc_io_ops.write(&fa, 5, 1, 0x02); /* the command completes the same on both */
	fdc_io_ops.write(&fb, 5, 1, 0x02);
	cr_assert_eq(memcmp(&fb.dor, &fa.dor, fdc_state_size()), 0);
	cr_assert_eq(fdc_io_ops.read(&fb, 4, 1), fdc_io_ops.read(&fa, 4, 1));
	free(st);
	kbc_destroy(&ka);
	kbc_destroy(&kb);
	sysport_destroy(&pa);
	sysport_destroy(&pb);
	fdc_destroy(&fa);
	fdc_destroy(&fb);
}

Test(snap_devices, report_counts_and_args_position_survive)
{
	struct report_dev a, b;
	cr_assert_eq(report_init(&a, &(struct report_config){.args = "app=hello"}), 0);
	cr_assert_eq(report_init(&b, &(struct report_config){.args = "app=hello"}), 0);
	report_io_ops.write(&a, 0, 4, REPORT_WORD(REPORT_APP_START, REPORT_APP_HELLO));
	report_io_ops.write(&a, 0, 4, REPORT_WORD(REPORT_LAP, 1));
	(void)report_io_ops.read(&a, 1, 1);
	struct report_state st;
	report_save(&a, &st);
	cr_assert_eq(report_load(&b, &st), 0);
	cr_assert_eq(atomic_load(&b.count[REPORT_LAP]), 1);
	cr_assert_eq(report_io_ops.read(&b, 1, 1), report_io_ops.read(&a, 1, 1));
	st.args_pos = REPORT_ARGS_MAX + 1;
	cr_assert_eq(report_load(&b, &st), -EINVAL);
	report_destroy(&a);
	report_destroy(&b);
}
