/* Unit tests of int 14h: the UART at the BDA's COM1 address, driven through the port bus. */
#include "tests/unit/test_bios_fixture.h"

static struct bios_bench b;

static void setup(void)
{
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	cr_assert_eq(bios_install(&b.env), 0);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_serial, .init = setup, .fini = teardown);

static struct bios_regs com(uint16_t ax, uint16_t dx)
{
	struct bios_regs r = regs_ax(ax);
	r.edx = dx;
	call(&b, 0x14, &r);
	return r;
}

Test(bios_serial, com1_is_in_the_bda)
{
	cr_assert_eq(rd16(&b, 0x400), 0x3F8);
}

Test(bios_serial, send_reaches_the_uart)
{
	struct bios_regs r = com(0x0100 | 'X', 0);
	cr_assert_eq(b.uart_out.len, 1);
	cr_assert_eq(b.uart_out.buf[0], 'X');
	cr_assert_not(AH(&r) & 0x80, "no timeout");
	cr_assert(AH(&r) & 0x20, "transmitter holding register empty");
	cr_assert_eq(AL(&r), 'X');
}

Test(bios_serial, send_closes_an_open_divisor_latch)
{
	uart_io_ops.write(&b.uart, 3, 1, 0x83);
	com(0x0100 | 'Y', 0);
	cr_assert_eq(b.uart_out.len, 1);
	cr_assert_eq(b.uart_out.buf[0], 'Y');
}

Test(bios_serial, init_programs_baud_and_line)
{
	/* AL = 111 00 0 11: 9600 baud, no parity, 1 stop bit, 8 data bits */
	struct bios_regs r = com(0x00E3, 0);
	cr_assert_eq(uart_baud(&b.uart), 9600);
	cr_assert_eq(uart_io_ops.read(&b.uart, 3, 1), 0x03);
	cr_assert(AH(&r) & 0x60, "line status returned");
	r = com(0x0043, 0); /* 300 baud */
	cr_assert_eq(uart_baud(&b.uart), 300);
}

Test(bios_serial, receive)
{
	cr_assert_eq(uart_receive(&b.uart, (const uint8_t *)"q", 1), 1);
	struct bios_regs r = com(0x0200, 0);
	cr_assert_eq(AL(&r), 'q');
	cr_assert_not(AH(&r) & 0x80);
	r = com(0x0200, 0);
	cr_assert(AH(&r) & 0x80, "nothing waiting: timeout at once, no spinning");
}

Test(bios_serial, status)
{
	struct bios_regs r = com(0x0300, 0);
	cr_assert_eq(AH(&r) & 0x60, 0x60);
	cr_assert_not(CF(&r));
}

Test(bios_serial, absent_ports)
{
	uint16_t ports[] = {1, 3, 4, 0xFFFF};
	for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		struct bios_regs r = com(0x0100 | 'Z', ports[i]);
		cr_assert(CF(&r), "DX=%u", ports[i]);
		cr_assert(AH(&r) & 0x80, "DX=%u: timeout", ports[i]);
	}
	cr_assert_eq(b.uart_out.len, 0);
}

Test(bios_serial, unknown_function_fails)
{
	struct bios_regs r = com(0x0400, 0);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 1);
}
