/* Unit tests of the 16550A UART model, driven through its port registers as a guest would. */
#include <criterion/criterion.h>
#include <string.h>

#include "devices/uart.h"
#include "tests/support/fakes.h"
#include "vmm/bus.h"

/* Register offsets and bits from the 16550A data sheet, written out independently here. */
#define THR 0
#define RBR 0
#define DLL 0
#define IER 1
#define DLM 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

struct bench {
	struct uart u;
	struct fake_irq irq;
	struct fake_sink sink;
	unsigned room_calls;
};

static void on_room(void *ctx)
{
	struct bench *b = ctx;
	b->room_calls++;
}

static void bench_init(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	struct uart_config cfg = {
	    .irq = fake_irq_line(&b->irq, 4),
	    .out = fake_sink_of(&b->sink),
	    .rx_room = on_room,
	    .rx_room_ctx = b,
	};
	cr_assert_eq(uart_init(&b->u, &cfg), 0);
}

static uint8_t rd(struct bench *b, uint16_t off)
{
	return (uint8_t)uart_io_ops.read(&b->u, off, 1);
}

static void wr(struct bench *b, uint16_t off, uint8_t v)
{
	uart_io_ops.write(&b->u, off, 1, v);
}

static void put(struct bench *b, const char *s)
{
	cr_assert_eq(uart_receive(&b->u, (const uint8_t *)s, strlen(s)), (int)strlen(s));
}

Test(uart, reset_state_is_idle_with_transmitter_empty)
{
	struct bench b;
	bench_init(&b);
	cr_assert_eq(rd(&b, IER), 0x00);
	cr_assert_eq(rd(&b, IIR), 0x01, "no interrupt pending, FIFOs off");
	cr_assert_eq(rd(&b, LCR), 0x00);
	cr_assert_eq(rd(&b, MCR), 0x00);
	cr_assert_eq(rd(&b, LSR), 0x60, "THRE and TEMT, no data");
	cr_assert_eq(rd(&b, MSR), 0xB0, "host side present: DCD, DSR, CTS");
	cr_assert_eq(b.irq.rises, 0);
	uart_destroy(&b.u);
}

Test(uart, init_rejects_null)
{
	struct uart u;
	struct uart_config cfg = {0};
	cr_assert_lt(uart_init(NULL, &cfg), 0);
	cr_assert_lt(uart_init(&u, NULL), 0);
}

Test(uart, hello_bytes_reach_the_sink)
{
	struct bench b;
	bench_init(&b);
	const char *msg = "hello\n";
	for (const char *p = msg; *p; p++)
		wr(&b, THR, (uint8_t)*p);
	cr_assert_eq(b.sink.len, strlen(msg));
	cr_assert_arr_eq(b.sink.buf, msg, strlen(msg));
	uart_destroy(&b.u);
}

Test(uart, lsr_reports_transmitter_empty_after_each_write)
{
	struct bench b;
	bench_init(&b);
	for (int i = 0; i < 100; i++) {
		wr(&b, THR, 'x');
		cr_assert_eq(rd(&b, LSR) & 0x60, 0x60);
	}
	uart_destroy(&b.u);
}

Test(uart, dlab_switches_offsets_0_and_1_to_the_divisor)
{
	struct bench b;
	bench_init(&b);
	wr(&b, IER, 0x05);
	wr(&b, LCR, 0x83); /* DLAB, 8N1 */
	wr(&b, DLL, 0x01);
	wr(&b, DLM, 0x00);
	cr_assert_eq(rd(&b, DLL), 0x01);
	cr_assert_eq(rd(&b, DLM), 0x00);
	cr_assert_eq(b.sink.len, 0, "DLL writes are not transmitted");
	cr_assert_eq(uart_baud(&b.u), 115200);

	wr(&b, LCR, 0x03);
	cr_assert_eq(rd(&b, LCR), 0x03);
	cr_assert_eq(rd(&b, IER), 0x05, "IER kept apart from DLM");
	wr(&b, THR, 'A');
	cr_assert_eq(b.sink.len, 1);
	cr_assert_eq(uart_baud(&b.u), 115200, "THR write leaves the divisor alone");

	wr(&b, LCR, 0x80);
	wr(&b, DLL, 0x0C);
	cr_assert_eq(uart_baud(&b.u), 9600);
	uart_destroy(&b.u);
}

Test(uart, divisor_zero_is_stored_and_harmless)
{
	struct bench b;
	bench_init(&b);
	wr(&b, LCR, 0x80);
	wr(&b, DLL, 0);
	wr(&b, DLM, 0);
	cr_assert_eq(rd(&b, DLL), 0);
	cr_assert_eq(uart_baud(&b.u), 0);
	wr(&b, LCR, 0x03);
	wr(&b, THR, 'z');
	cr_assert_eq(b.sink.len, 1);
	uart_destroy(&b.u);
}

Test(uart, word_access_reaches_consecutive_registers)
{
	struct bench b;
	bench_init(&b);
	wr(&b, LCR, 0x80);
	io_ops_write(&uart_io_ops, &b.u, UART_PORT_COUNT, DLL, 2,
		     0x0180); /* DLL = 0x80, DLM = 0x01 */
	cr_assert_eq(uart_baud(&b.u), 300);
	cr_assert_eq(io_ops_read(&uart_io_ops, &b.u, UART_PORT_COUNT, DLL, 2), 0x0180);
	uart_destroy(&b.u);
}

Test(uart, reserved_bits_of_ier_and_mcr_read_zero)
{
	struct bench b;
	bench_init(&b);
	wr(&b, IER, 0xFF);
	cr_assert_eq(rd(&b, IER), 0x0F);
	wr(&b, MCR, 0xFF);
	cr_assert_eq(rd(&b, MCR), 0x1F);
	uart_destroy(&b.u);
}

Test(uart, enabling_etbei_raises_thre_and_reading_iir_acknowledges_it)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x08); /* OUT2 */
	wr(&b, IER, 0x02);
	cr_assert_eq(rd(&b, IIR), 0x02, "THRE is the source");
	cr_assert_eq(b.irq.rises, 1);
	cr_assert_eq(b.irq.last_gsi, 4);
	cr_assert_eq(b.irq.level, 0, "IIR read acknowledged THRE");
	cr_assert_eq(rd(&b, IIR), 0x01);

	/* Writing THR clears THRE, and the empty THR raises it again. */
	wr(&b, THR, 'q');
	cr_assert_eq(b.irq.level, 1);
	cr_assert_eq(b.irq.rises, 2);
	cr_assert_eq(rd(&b, IIR), 0x02);

	/* Re-enabling ETBEI after turning it off raises it again (the Linux THRE probe). */
	wr(&b, IER, 0x00);
	cr_assert_eq(rd(&b, IIR), 0x01);
	wr(&b, IER, 0x02);
	cr_assert_eq(rd(&b, IIR), 0x02);
	uart_destroy(&b.u);
}

Test(uart, disabling_etbei_drops_the_interrupt)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x08);
	wr(&b, IER, 0x02);
	cr_assert_eq(b.irq.level, 1);
	wr(&b, IER, 0x00);
	cr_assert_eq(b.irq.level, 0);
	cr_assert_eq(rd(&b, IIR), 0x01);
	uart_destroy(&b.u);
}

Test(uart, out2_gates_the_irq_line)
{
	struct bench b;
	bench_init(&b);
	wr(&b, IER, 0x02);
	cr_assert_eq(b.irq.level, 0, "pending, but OUT2 is low");
	wr(&b, MCR, 0x08);
	cr_assert_eq(b.irq.level, 1);
	wr(&b, MCR, 0x00);
	cr_assert_eq(b.irq.level, 0);
	cr_assert_eq(rd(&b, IIR), 0x02, "still pending inside the UART");
	uart_destroy(&b.u);
}

Test(uart, loopback_forces_the_irq_off)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x08);
	wr(&b, IER, 0x02);
	cr_assert_eq(b.irq.level, 1);
	wr(&b, MCR, 0x18); /* OUT2 | LOOP: the OUT2 pin is forced inactive */
	cr_assert_eq(b.irq.level, 0);
	cr_assert_eq(rd(&b, IIR), 0x02, "the interrupt logic itself still works");
	uart_destroy(&b.u);
}

Test(uart, rx_fifo_delivers_in_order_and_sets_dr)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x07); /* enable, clear both, trigger 1 */
	wr(&b, IER, 0x01);
	wr(&b, MCR, 0x08);
	put(&b, "abc");
	cr_assert_eq(rd(&b, LSR) & 0x01, 0x01);
	cr_assert_eq(rd(&b, IIR), 0xC4, "RDA at trigger level 1, FIFO bits set");
	cr_assert_eq(b.irq.level, 1);
	cr_assert_eq(rd(&b, RBR), 'a');
	cr_assert_eq(rd(&b, RBR), 'b');
	cr_assert_eq(rd(&b, RBR), 'c');
	cr_assert_eq(rd(&b, LSR) & 0x01, 0x00);
	cr_assert_eq(rd(&b, IIR), 0xC1);
	cr_assert_eq(b.irq.level, 0);
	uart_destroy(&b.u);
}

Test(uart, fifo_below_trigger_reports_character_timeout)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x81); /* trigger level 8 */
	wr(&b, IER, 0x01);
	put(&b, "abc");
	cr_assert_eq(rd(&b, IIR), 0xCC);
	put(&b, "defgh");
	cr_assert_eq(rd(&b, IIR), 0xC4, "8 bytes reach the trigger level");
	wr(&b, FCR, 0xC1); /* trigger level 14 */
	cr_assert_eq(rd(&b, IIR), 0xCC);
	uart_destroy(&b.u);
}

Test(uart, receiver_without_fifo_holds_one_byte)
{
	struct bench b;
	bench_init(&b);
	cr_assert(uart_rx_has_room(&b.u));
	cr_assert_eq(uart_receive(&b.u, (const uint8_t *)"xy", 2), 1);
	cr_assert_not(uart_rx_has_room(&b.u));
	wr(&b, IER, 0x01);
	cr_assert_eq(rd(&b, IIR), 0x04);
	cr_assert_eq(rd(&b, RBR), 'x');
	cr_assert(uart_rx_has_room(&b.u));
	cr_assert_eq(rd(&b, LSR) & 0x03, 0x00, "host input never overruns");
	uart_destroy(&b.u);
}

Test(uart, host_input_stops_at_a_full_fifo_and_is_told_when_drained)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x01);
	uint8_t in[20];
	for (int i = 0; i < 20; i++)
		in[i] = (uint8_t)('A' + i);
	cr_assert_eq(uart_receive(&b.u, in, sizeof(in)), 16);
	cr_assert_not(uart_rx_has_room(&b.u));
	cr_assert_eq(uart_receive(&b.u, in + 16, 4), 0);
	cr_assert_eq(rd(&b, LSR) & 0x02, 0, "no overrun: the host waits");
	for (int i = 0; i < 16; i++) {
		cr_assert_eq(b.room_calls, 0);
		cr_assert_eq(rd(&b, RBR), 'A' + i);
	}
	cr_assert_eq(b.room_calls, 1);
	cr_assert_eq(uart_receive(&b.u, in + 16, 4), 4);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(rd(&b, RBR), 'Q' + i);
	cr_assert_eq(b.room_calls, 1, "no short receive, no call");
	uart_destroy(&b.u);
}

Test(uart, receive_rejects_null_buffer)
{
	struct bench b;
	bench_init(&b);
	cr_assert_lt(uart_receive(&b.u, NULL, 3), 0);
	cr_assert_eq(uart_receive(&b.u, NULL, 0), 0);
	uart_destroy(&b.u);
}

Test(uart, disabling_the_fifo_discards_received_data)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x01);
	put(&b, "abc");
	wr(&b, FCR, 0x00);
	cr_assert_eq(rd(&b, LSR) & 0x01, 0);
	cr_assert_eq(rd(&b, IIR) & 0xC0, 0, "FIFO bits clear");
	uart_destroy(&b.u);
}

Test(uart, fcr_clear_rx_empties_the_fifo)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x01);
	put(&b, "abc");
	wr(&b, FCR, 0x03);
	cr_assert_eq(rd(&b, LSR) & 0x01, 0);
	put(&b, "z");
	cr_assert_eq(rd(&b, RBR), 'z');
	uart_destroy(&b.u);
}

Test(uart, loopback_returns_bytes_to_the_receiver_not_the_sink)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x01);
	wr(&b, MCR, 0x10);
	wr(&b, THR, 'Z');
	wr(&b, THR, 'Y');
	cr_assert_eq(b.sink.len, 0);
	cr_assert_eq(rd(&b, LSR) & 0x61, 0x61);
	cr_assert_eq(rd(&b, RBR), 'Z');
	cr_assert_eq(rd(&b, RBR), 'Y');
	wr(&b, MCR, 0x00);
	wr(&b, THR, 'X');
	cr_assert_eq(b.sink.len, 1);
	cr_assert_eq(b.sink.buf[0], 'X');
	uart_destroy(&b.u);
}

Test(uart, loopback_disconnects_host_input)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x10);
	put(&b, "lost");
	cr_assert_eq(rd(&b, LSR) & 0x01, 0);
	uart_destroy(&b.u);
}

Test(uart, loopback_overrun_in_fifo_mode_keeps_the_fifo)
{
	struct bench b;
	bench_init(&b);
	wr(&b, FCR, 0x01);
	wr(&b, MCR, 0x10);
	for (int i = 0; i < 17; i++)
		wr(&b, THR, (uint8_t)i);
	uint8_t lsr = rd(&b, LSR);
	cr_assert_eq(lsr & 0x03, 0x03, "OE and DR");
	cr_assert_eq(rd(&b, LSR) & 0x02, 0, "reading LSR clears OE");
	for (int i = 0; i < 16; i++)
		cr_assert_eq(rd(&b, RBR), i);
	cr_assert_eq(rd(&b, LSR) & 0x01, 0, "the 17th byte was lost");
	uart_destroy(&b.u);
}

Test(uart, loopback_overrun_without_fifo_overwrites_rbr)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x10);
	wr(&b, THR, 'a');
	wr(&b, THR, 'b');
	cr_assert_eq(rd(&b, LSR) & 0x03, 0x03);
	cr_assert_eq(rd(&b, RBR), 'b');
	cr_assert_eq(rd(&b, LSR) & 0x01, 0);
	uart_destroy(&b.u);
}

Test(uart, line_status_outranks_received_data)
{
	struct bench b;
	bench_init(&b);
	wr(&b, IER, 0x07); /* RLS, THRE, RDA */
	wr(&b, MCR, 0x10);
	wr(&b, THR, 'a');
	wr(&b, THR, 'b');
	cr_assert_eq(rd(&b, IIR), 0x06);
	rd(&b, LSR);
	cr_assert_eq(rd(&b, IIR), 0x04, "then received data");
	rd(&b, RBR);
	cr_assert_eq(rd(&b, IIR), 0x02, "then THR empty");
	cr_assert_eq(rd(&b, IIR), 0x01);
	uart_destroy(&b.u);
}

Test(uart, loopback_wires_modem_outputs_to_inputs)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x1A); /* LOOP | OUT2 | RTS: Linux's probe expects DCD | CTS */
	cr_assert_eq(rd(&b, MSR) & 0xF0, 0x90);
	wr(&b, MCR, 0x15); /* LOOP | OUT1 | DTR */
	cr_assert_eq(rd(&b, MSR) & 0xF0, 0x60, "RI | DSR");
	uart_destroy(&b.u);
}

Test(uart, modem_status_deltas_raise_the_lowest_priority_interrupt)
{
	struct bench b;
	bench_init(&b);
	wr(&b, MCR, 0x10);
	rd(&b, MSR); /* entering loopback dropped CTS/DSR/DCD: clear those deltas */
	wr(&b, IER, 0x08);
	cr_assert_eq(rd(&b, IIR), 0x01);
	wr(&b, MCR, 0x12); /* RTS -> CTS rises */
	cr_assert_eq(rd(&b, IIR), 0x00, "modem status");
	cr_assert_eq(rd(&b, MSR), 0x11, "CTS with DCTS");
	cr_assert_eq(rd(&b, IIR), 0x01, "MSR read acknowledged it");
	wr(&b, MCR, 0x14); /* OUT1 -> RI on, CTS off */
	cr_assert_eq(rd(&b, MSR), 0x41, "RI rising is not TERI; DCTS from CTS falling");
	wr(&b, MCR, 0x10); /* RI trailing edge */
	cr_assert_eq(rd(&b, MSR), 0x04, "TERI");
	uart_destroy(&b.u);
}

Test(uart, scratch_register_holds_a_byte)
{
	struct bench b;
	bench_init(&b);
	wr(&b, SCR, 0xA5);
	cr_assert_eq(rd(&b, SCR), 0xA5);
	wr(&b, SCR, 0x5A);
	cr_assert_eq(rd(&b, SCR), 0x5A);
	cr_assert_eq(b.sink.len, 0);
	uart_destroy(&b.u);
}

Test(uart, unknown_offsets_read_all_ones_and_ignore_writes)
{
	struct bench b;
	bench_init(&b);
	cr_assert_eq(uart_io_ops.read(&b.u, 8, 1), 0xFF);
	cr_assert_eq(uart_io_ops.read(&b.u, 0xFFFF, 1), 0xFF);
	cr_assert_eq(io_ops_read(&uart_io_ops, &b.u, UART_PORT_COUNT, 7, 2) >> 8, 0xFF,
		     "the byte past SCR is open bus");
	uart_io_ops.write(&b.u, 8, 1, 0x41);
	io_ops_write(&uart_io_ops, &b.u, UART_PORT_COUNT, 0xFFFF, 4, 0x41414141);
	cr_assert_eq(b.sink.len, 0);
	cr_assert_eq(rd(&b, LSR), 0x60);
	cr_assert_eq(rd(&b, IIR), 0x01);
	uart_destroy(&b.u);
}

Test(uart, writes_to_status_registers_are_ignored)
{
	struct bench b;
	bench_init(&b);
	wr(&b, LSR, 0x00);
	wr(&b, MSR, 0xFF);
	cr_assert_eq(rd(&b, LSR), 0x60);
	cr_assert_eq(rd(&b, MSR), 0xB0);
	uart_destroy(&b.u);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A broken guest: random registers, sizes and values. Success is no crash and sane invariants. */
Test(uart, register_fuzzing_keeps_invariants)
{
	struct bench b;
	bench_init(&b);
	uint32_t seed = 0x12345678;
	static const unsigned sizes[] = {1, 2, 4, 0, 3};
	for (int i = 0; i < 200000; i++) {
		uint32_t r = xorshift(&seed);
		uint16_t off = (uint16_t)(r % 11);
		unsigned size = sizes[(r >> 8) % 5];
		if (r & 0x10000) {
			io_ops_write(&uart_io_ops, &b.u, UART_PORT_COUNT, off, size,
				     xorshift(&seed));
		} else if (r & 0x20000) {
			uint8_t in[24];
			memset(in, (int)r, sizeof(in));
			int n = uart_receive(&b.u, in, (r >> 20) % sizeof(in));
			cr_assert_geq(n, 0);
		} else {
			io_ops_read(&uart_io_ops, &b.u, UART_PORT_COUNT, off, size);
		}
		if ((i & 1023) == 0) {
			cr_assert_eq(uart_io_ops.read(&b.u, LSR, 1) & 0x60, 0x60);
			b.sink.len = 0;
		}
	}
	cr_assert_eq(b.irq.last_gsi, 4);
	uart_destroy(&b.u);
}
