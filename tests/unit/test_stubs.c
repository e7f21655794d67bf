/* Unit tests for the keyboard-controller stub, ports 0x92/0x80 and the debug-exit port. */
#include <criterion/criterion.h>

#include "devices/debug_exit.h"
#include "devices/kbc.h"
#include "devices/sysport.h"
#include "tests/support/fakes.h"
#include "vmm/bus.h"

struct kbc_rig {
	struct fake_stopper stop;
	struct kbc kbc;
};

static void kbc_up(struct kbc_rig *r)
{
	struct kbc_config cfg = {.stopper = fake_stopper_of(&r->stop)};
	cr_assert_eq(kbc_init(&r->kbc, &cfg), 0);
}

static uint8_t kbc_status(struct kbc_rig *r)
{
	return (uint8_t)kbc_cmd_io_ops.read(&r->kbc, 0, 1);
}

static void kbc_cmd(struct kbc_rig *r, uint8_t v)
{
	kbc_cmd_io_ops.write(&r->kbc, 0, 1, v);
}

static void kbc_out(struct kbc_rig *r, uint8_t v)
{
	kbc_data_io_ops.write(&r->kbc, 0, 1, v);
}

static uint8_t kbc_in(struct kbc_rig *r)
{
	return (uint8_t)kbc_data_io_ops.read(&r->kbc, 0, 1);
}

Test(kbc, status_never_busy_and_system_flag_set)
{
	struct kbc_rig r;
	kbc_up(&r);
	uint8_t st = kbc_status(&r);
	cr_assert_eq(st & 0x02, 0, "input buffer full must read clear");
	cr_assert_eq(st & 0x04, 0x04, "system flag");
	cr_assert_eq(st & 0x01, 0, "nothing to read yet");
	kbc_cmd(&r, 0xD1);
	cr_assert_eq(kbc_status(&r) & 0x02, 0, "still clear while a command waits for data");
	kbc_destroy(&r.kbc);
}

Test(kbc, self_test_answers_0x55_and_clears_output_full)
{
	struct kbc_rig r;
	kbc_up(&r);
	kbc_cmd(&r, 0xAA);
	cr_assert_eq(kbc_status(&r) & 0x01, 0x01);
	cr_assert_eq(kbc_in(&r), 0x55);
	cr_assert_eq(kbc_status(&r) & 0x01, 0);
	cr_assert_eq(kbc_in(&r), 0x55, "the data port keeps its last value");
	kbc_cmd(&r, 0xAB);
	cr_assert_eq(kbc_status(&r) & 0x01, 0x01);
	cr_assert_eq(kbc_in(&r), 0x00, "interface test passes");
	kbc_destroy(&r.kbc);
}

Test(kbc, d1_writes_output_port_a20)
{
	struct kbc_rig r;
	kbc_up(&r);
	kbc_cmd(&r, 0xD1);
	kbc_out(&r, 0xDD); /* A20 off, reset line high */
	cr_assert_not(kbc_a20(&r.kbc));
	kbc_cmd(&r, 0xD1);
	kbc_out(&r, 0xDF); /* GRUB's and Linux's value: A20 on */
	cr_assert(kbc_a20(&r.kbc));
	cr_assert_eq(r.stop.stops, 0);
	kbc_cmd(&r, 0xD0);
	cr_assert_eq(kbc_status(&r) & 0x01, 0x01);
	cr_assert_eq(kbc_in(&r), 0xDF);
	kbc_destroy(&r.kbc);
}

Test(kbc, d1_with_reset_line_low_requests_reset)
{
	struct kbc_rig r;
	kbc_up(&r);
	kbc_cmd(&r, 0xD1);
	kbc_out(&r, 0x02);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_RESET);
	kbc_destroy(&r.kbc);
}

Test(kbc, fe_pulses_reset)
{
	struct kbc_rig r;
	kbc_up(&r);
	kbc_cmd(&r, 0xFE);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_RESET);
	kbc_cmd(&r, 0xFF); /* pulses no line */
	cr_assert_eq(r.stop.stops, 1);
	kbc_destroy(&r.kbc);
}

Test(kbc, dd_df_switch_a20)
{
	struct kbc_rig r;
	kbc_up(&r);
	cr_assert(kbc_a20(&r.kbc), "A20 starts on");
	kbc_cmd(&r, 0xDD);
	cr_assert_not(kbc_a20(&r.kbc));
	kbc_cmd(&r, 0xDF);
	cr_assert(kbc_a20(&r.kbc));
	cr_assert_eq(r.stop.stops, 0);
	kbc_destroy(&r.kbc);
}

Test(kbc, command_byte_round_trip_and_disable_bits)
{
	struct kbc_rig r;
	kbc_up(&r);
	kbc_cmd(&r, 0x60);
	kbc_out(&r, 0x47);
	kbc_cmd(&r, 0x20);
	cr_assert_eq(kbc_in(&r), 0x47);
	kbc_cmd(&r, 0xAD);
	kbc_cmd(&r, 0x20);
	cr_assert_eq(kbc_in(&r) & 0x10, 0x10, "keyboard disabled");
	kbc_cmd(&r, 0xAE);
	kbc_cmd(&r, 0x20);
	cr_assert_eq(kbc_in(&r) & 0x10, 0);
	kbc_destroy(&r.kbc);
}

Test(kbc, unknown_command_and_stray_data_are_ignored)
{
	struct kbc_rig r;
	kbc_up(&r);
	kbc_cmd(&r, 0xAA);
	(void)kbc_in(&r);
	kbc_cmd(&r, 0xC3);
	cr_assert_eq(kbc_status(&r) & 0x01, 0);
	kbc_out(&r, 0x00); /* for a keyboard that is not there; must not reach the output port */
	cr_assert_eq(r.stop.stops, 0);
	cr_assert(kbc_a20(&r.kbc));
	cr_assert_eq(kbc_in(&r), 0x55);
	/* a command abandons a pending D1 */
	kbc_cmd(&r, 0xD1);
	kbc_cmd(&r, 0xAB);
	kbc_out(&r, 0x00);
	cr_assert_eq(r.stop.stops, 0);
	kbc_destroy(&r.kbc);
}

Test(kbc, every_byte_on_both_ports_is_survivable)
{
	struct kbc_rig r;
	kbc_up(&r);
	for (unsigned c = 0; c < 256; c++) {
		for (unsigned d = 0; d < 256; d += 17) {
			kbc_cmd(&r, (uint8_t)c);
			kbc_out(&r, (uint8_t)d);
			cr_assert_eq(kbc_status(&r) & 0x02, 0);
			(void)kbc_in(&r);
		}
	}
	cr_assert_eq(io_ops_read(&kbc_cmd_io_ops, &r.kbc, 1, 0, 2) >> 8, 0xFF);
	kbc_destroy(&r.kbc);
}

struct sys_rig {
	struct fake_stopper stop;
	struct sysport sys;
};

static void sys_up(struct sys_rig *r)
{
	struct sysport_config cfg = {.stopper = fake_stopper_of(&r->stop)};
	cr_assert_eq(sysport_init(&r->sys, &cfg), 0);
}

Test(sysport, port92_a20_reads_back)
{
	struct sys_rig r;
	sys_up(&r);
	cr_assert(sysport_a20(&r.sys));
	sysport_92_io_ops.write(&r.sys, 0, 1, 0x00);
	cr_assert_not(sysport_a20(&r.sys));
	cr_assert_eq(sysport_92_io_ops.read(&r.sys, 0, 1) & 0x02, 0);
	sysport_92_io_ops.write(&r.sys, 0, 1, 0x02);
	cr_assert(sysport_a20(&r.sys));
	cr_assert_eq(sysport_92_io_ops.read(&r.sys, 0, 1) & 0x02, 0x02);
	cr_assert_eq(r.stop.stops, 0);
	sysport_destroy(&r.sys);
}

Test(sysport, port92_bit0_requests_reset)
{
	struct sys_rig r;
	sys_up(&r);
	sysport_92_io_ops.write(&r.sys, 0, 1, 0x03);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_RESET);
	uint8_t v = (uint8_t)sysport_92_io_ops.read(&r.sys, 0, 1);
	cr_assert_eq(v & 0x01, 0, "a read-modify-write must not reset again");
	sysport_92_io_ops.write(&r.sys, 0, 1, v | 0x02);
	cr_assert_eq(r.stop.stops, 1);
	sysport_destroy(&r.sys);
}

Test(sysport, post_code_reads_back_and_counts)
{
	struct sys_rig r;
	sys_up(&r);
	sysport_post_io_ops.write(&r.sys, 0, 1, 0x12);
	sysport_post_io_ops.write(&r.sys, 0, 1, 0xA5);
	cr_assert_eq(sysport_post_io_ops.read(&r.sys, 0, 1), 0xA5);
	cr_assert_eq(sysport_post_code(&r.sys), 0xA5);
	cr_assert_eq(sysport_post_writes(&r.sys), 2);
	cr_assert_eq(r.stop.stops, 0);
	sysport_destroy(&r.sys);
}

struct dbg_rig {
	struct fake_stopper stop;
	struct debug_exit dbg;
};

static void dbg_up(struct dbg_rig *r)
{
	struct debug_exit_config cfg = {.stopper = fake_stopper_of(&r->stop)};
	cr_assert_eq(debug_exit_init(&r->dbg, &cfg), 0);
}

static int dbg_status_for(unsigned size, uint32_t v)
{
	struct dbg_rig r;
	dbg_up(&r);
	debug_exit_io_ops.write(&r.dbg, 0, size, v);
	cr_assert_eq(r.stop.stops, 1);
	cr_assert_eq(r.stop.kind, VM_END_DEBUG_EXIT);
	debug_exit_destroy(&r.dbg);
	return r.stop.status;
}

Test(debug_exit, status_is_value_shifted_or_one)
{
	cr_assert_eq(dbg_status_for(1, 0), 1);
	cr_assert_eq(dbg_status_for(1, 1), 3);
	cr_assert_eq(dbg_status_for(1, 0x7f), 0xff);
	cr_assert_eq(dbg_status_for(4, 0x7f), 0xff);
}

Test(debug_exit, two_byte_write_keeps_full_value)
{
	cr_assert_eq(dbg_status_for(2, 0x1234), 0x2469);
}

Test(debug_exit, reads_all_ones_and_every_offset_exits)
{
	struct dbg_rig r;
	dbg_up(&r);
	cr_assert_eq(debug_exit_io_ops.read(&r.dbg, 0, 1), 0xFF);
	cr_assert_eq(debug_exit_io_ops.read(&r.dbg, 0, 2), 0xFFFF);
	cr_assert_eq(debug_exit_io_ops.read(&r.dbg, 0, 4), 0xFFFFFFFF);
	cr_assert_eq(r.stop.stops, 0, "reads do not exit");
	debug_exit_io_ops.write(&r.dbg, 2, 1, 0x10);
	cr_assert_eq(r.stop.stops, 1, "QEMU's isa-debug-exit exits on 0xf6 too");
	cr_assert_eq(r.stop.status, 0x21);
	debug_exit_destroy(&r.dbg);
}
