/* Unit tests of int 16h: keys from COM1's receiver through the BDA keyboard buffer. */
#include "tests/unit/test_bios_fixture.h"

#define KBD_HEAD  0x41A
#define KBD_TAIL  0x41C
#define KBD_START 0x480
#define KBD_END	  0x482
#define KBD_FLAGS 0x417

static struct bios_bench b;

static void setup(void)
{
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
	cr_assert_eq(bios_install(&b.env), 0);
	/* FIFO on (FCR bit 0), so a test can queue several bytes at once; see the 16450 test */
	uart_io_ops.write(&b.uart, 2, 1, 0x07);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_int16, .init = setup, .fini = teardown);

static void type(const char *s)
{
	cr_assert_eq(uart_receive(&b.uart, (const uint8_t *)s, strlen(s)), (int)strlen(s));
}

static struct bios_regs kb(uint16_t ax)
{
	struct bios_regs r = regs_ax(ax);
	call(&b, 0x16, &r);
	return r;
}

static uint16_t take_key(void)
{
	struct bios_regs r = kb(0x0000);
	cr_assert_not(ZF(&r), "a key is waiting");
	return (uint16_t)r.eax;
}

Test(bios_int16, no_key)
{
	struct bios_regs r = regs_ax(0x0100);
	r.eax = 0xABCD0100;
	call(&b, 0x16, &r);
	cr_assert(ZF(&r));
	r = regs_ax(0x0000);
	r.eax = 0x12340000;
	call(&b, 0x16, &r);
	cr_assert(ZF(&r), "the blob sleeps and asks again");
	cr_assert_eq(r.eax, 0x12340000, "AX untouched so the retry asks the same");
	r = kb(0x1000);
	cr_assert(ZF(&r));
}

Test(bios_int16, peek_then_take)
{
	type("a");
	struct bios_regs r = kb(0x0100);
	cr_assert_not(ZF(&r));
	cr_assert_eq(r.eax & 0xFFFF, 0x1E61, "scan code 1Eh, 'a'");
	r = kb(0x0100);
	cr_assert_not(ZF(&r), "peeking leaves the key");
	cr_assert_eq(take_key(), 0x1E61);
	r = kb(0x0100);
	cr_assert(ZF(&r));
	r = kb(0x1100);
	cr_assert(ZF(&r));
}

Test(bios_int16, keys_arrive_in_order)
{
	type("hello");
	const char *want = "hello";
	for (unsigned i = 0; i < 5; i++)
		cr_assert_eq(take_key() & 0xFF, (uint8_t)want[i]);
	struct bios_regs r = kb(0x0100);
	cr_assert(ZF(&r));
}

Test(bios_int16, us_layout_scan_codes)
{
	struct {
		const char *in;
		uint16_t key;
	} t[] = {
	    {"\r", 0x1C0D},   {"\n", 0x1C0D}, {"A", 0x1E41},  {"1", 0x0231},
	    {"/", 0x352F},    {" ", 0x3920},  {"\t", 0x0F09}, {"\x7f", 0x0E08},
	    {"\x03", 0x2E03}, {"!", 0x0221},  {"z", 0x2C7A},  {"=", 0x0D3D},
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		type(t[i].in);
		cr_assert_eq(take_key(), t[i].key, "byte %02x", (uint8_t)t[i].in[0]);
	}
}

Test(bios_int16, terminal_cursor_keys)
{
	type("\x1b[A\x1b[B\x1bOC\x1b[D");
	cr_assert_eq(take_key(), 0x4800, "up");
	cr_assert_eq(take_key(), 0x5000, "down");
	cr_assert_eq(take_key(), 0x4D00, "right");
	cr_assert_eq(take_key(), 0x4B00, "left");
}

Test(bios_int16, lone_escape_and_unknown_sequences)
{
	type("\x1b");
	cr_assert_eq(take_key(), 0x011B);
	type("\x1b[Zq");
	cr_assert_eq(take_key(), 0x011B);
	cr_assert_eq(take_key() & 0xFF, '[');
	cr_assert_eq(take_key() & 0xFF, 'Z');
	cr_assert_eq(take_key(), 0x1071);
}

Test(bios_int16, a_full_buffer_leaves_the_rest_in_the_uart)
{
	const char *s = "abcdefghijklmnop"; /* 16 bytes; the BDA ring holds 15 keys */
	type(s);
	struct bios_regs r = kb(0x0100);
	cr_assert_not(ZF(&r));
	for (unsigned i = 0; i < 16; i++)
		cr_assert_eq(take_key() & 0xFF, (uint8_t)s[i], "key %u", i);
	r = kb(0x0100);
	cr_assert(ZF(&r));
}

Test(bios_int16, insane_buffer_pointers_are_reset)
{
	wr16(&b, KBD_HEAD, 0x1234);
	wr16(&b, KBD_TAIL, 0xFFFF);
	wr16(&b, KBD_START, 0xF000);
	wr16(&b, KBD_END, 0x0001);
	uint8_t *after = gp(&b, 0x500, 0x100);
	memset(after, 0x77, 0x100);
	type("x");
	cr_assert_eq(take_key() & 0xFF, 'x');
	for (unsigned i = 0; i < 0x100; i++)
		cr_assert_eq(after[i], 0x77, "nothing written outside the BDA");
	cr_assert_eq(rd16(&b, KBD_START), 0x1E);
	cr_assert_eq(rd16(&b, KBD_END), 0x3E);
}

Test(bios_int16, divisor_latch_open_means_no_key)
{
	uart_io_ops.write(&b.uart, 3, 1, 0x83);
	type("k");
	struct bios_regs r = kb(0x0100);
	cr_assert(ZF(&r));
	uart_io_ops.write(&b.uart, 3, 1, 0x03);
	cr_assert_eq(take_key() & 0xFF, 'k', "the byte waited in the UART");
}

Test(bios_int16, no_serial_port_in_bda)
{
	wr16(&b, 0x400, 0);
	type("k");
	struct bios_regs r = kb(0x0100);
	cr_assert(ZF(&r));
}

Test(bios_int16, shift_flags)
{
	*gp(&b, KBD_FLAGS, 1) = 0x20;
	*gp(&b, KBD_FLAGS + 1, 1) = 0x04;
	struct bios_regs r = kb(0x0200);
	cr_assert_eq(AL(&r), 0x20);
	r = kb(0x1200);
	cr_assert_eq(r.eax & 0xFFFF, 0x0420);
}

Test(bios_int16, store_keystroke)
{
	struct bios_regs r = regs_ax(0x0500);
	r.ecx = 0x3B00; /* F1 */
	call(&b, 0x16, &r);
	cr_assert_eq(AL(&r), 0);
	cr_assert_eq(take_key(), 0x3B00);
	for (unsigned i = 0; i < 15; i++) {
		r = regs_ax(0x0500);
		r.ecx = 0x1E61;
		call(&b, 0x16, &r);
		cr_assert_eq(AL(&r), 0, "key %u fits", i);
	}
	r = regs_ax(0x0500);
	r.ecx = 0x1E61;
	call(&b, 0x16, &r);
	cr_assert_eq(AL(&r), 1, "buffer full");
}

/* A host input thread that refills the one-byte receiver whenever the guest drains it. */
struct feeder {
	struct uart *u;
	const char *rest;
};

static void feed_next(void *ctx)
{
	struct feeder *f = ctx;
	int n = uart_receive(f->u, (const uint8_t *)f->rest, strlen(f->rest));
	if (n > 0)
		f->rest += n;
}

Test(bios_int16, one_byte_receiver_fed_by_the_host)
{
	static const char input[] = "\x1b[Bok";
	struct feeder f = {&b.uart, input};
	uart_destroy(&b.uart);
	struct uart_config uc = {.irq = fake_irq_line(&b.uart_irq, 4),
				 .out = fake_sink_of(&b.uart_out),
				 .rx_room = feed_next,
				 .rx_room_ctx = &f};
	cr_assert_eq(uart_init(&b.uart, &uc), 0); /* FIFO off: a 16450-style receiver */
	feed_next(&f);
	struct bios_regs r = kb(0x0100);
	cr_assert_not(ZF(&r));
	cr_assert_eq(r.eax & 0xFFFF, 0x5000, "ESC [ B assembled across refills");
	cr_assert_eq(take_key(), 0x5000);
	cr_assert_eq(take_key() & 0xFF, 'o');
	cr_assert_eq(take_key() & 0xFF, 'k');
}

Test(bios_int16, unknown_function_fails)
{
	struct bios_regs r = kb(0x5500);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 1);
}
