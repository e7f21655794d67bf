/* libFuzzer harness: the 16550A UART through its ports, with host bytes arriving and time passing.
 */
#include <stdlib.h>

#include "devices/uart.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

static void receive(void *ctx, struct fz *in, uint8_t arg)
{
	uint8_t buf[UART_FIFO_SIZE * 2];
	size_t n = fz_bytes(in, buf, arg % sizeof(buf));
	int taken = uart_receive(ctx, buf, n);
	if (taken < 0 || (size_t)taken > n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct fake_irq irq;
	struct fake_sink out;
	struct uart u;
	struct uart_config cfg = {.irq = fake_irq_line(&irq, 4), .out = fake_sink_of(&out)};
	if (uart_init(&u, &cfg))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, 0x3F8, UART_PORT_COUNT, &uart_io_ops, &u, "com1"))
		abort();
	const struct fz_range r[] = {{0x3F8, UART_PORT_COUNT}};
	fz_run_ports(&in, &bus, r, 1, NULL, receive, &u, 4096);
	/* what the model promises whatever the guest did */
	if (u.rx_count > UART_FIFO_SIZE || u.rx_head >= UART_FIFO_SIZE || irq.level != u.irq_level)
		abort();
	uart_destroy(&u);
	return 0;
}
