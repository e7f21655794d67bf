/* 16550A UART model (COM ports): port registers, RX FIFO fed by the host, output to a sink. */
#ifndef TINYVMM_DEVICES_UART_H
#define TINYVMM_DEVICES_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

#define UART_PORT_COUNT 8 /* registered on [base, base + 8) */
#define UART_COM1_BASE	0x3F8
#define UART_COM1_IRQ	4
#define UART_FIFO_SIZE	16
#define UART_CLOCK_HZ	115200 /* 1.8432 MHz / 16: the baud rate at divisor 1 */

struct uart_config {
	struct irq_line irq;  /* COM1: IRQ 4, COM2: IRQ 3 */
	struct char_sink out; /* THR bytes, unless the guest is in loopback */
	/*
	 * Optional: called after a uart_receive() came up short, once the guest has drained
	 * the receiver, so a host input thread can block instead of polling. Runs on the vCPU
	 * thread without the UART lock held; it may call uart_receive().
	 */
	void (*rx_room)(void *ctx);
	void *rx_room_ctx;
};

/* All state; defined here so a VM can embed it. Touch only through the functions below. */
struct uart {
	pthread_mutex_t lock;
	struct uart_config cfg;
	uint16_t divisor;
	uint8_t ier;
	uint8_t fcr; /* write-only on the chip; kept for FIFO enable and trigger level */
	uint8_t lcr;
	uint8_t mcr;
	uint8_t lsr_err; /* sticky error bits of LSR (OE); DR, THRE and TEMT are derived */
	uint8_t msr_delta;
	uint8_t scr;
	bool thr_pending; /* THR-empty interrupt latched, not yet acknowledged */
	bool irq_level;	  /* what we last drove onto cfg.irq */
	bool rx_waiting;  /* a uart_receive() came up short: notify rx_room when drained */
	uint8_t rx[UART_FIFO_SIZE];
	uint8_t rx_head;
	uint8_t rx_count;
};

/* 0 or -errno (-EINVAL for a NULL argument). The UART starts in its reset state. */
int uart_init(struct uart *u, const struct uart_config *cfg);
void uart_destroy(struct uart *u);

/*
 * Host input: queues up to `len` bytes into the receiver and returns how many were taken
 * (fewer when the FIFO fills, at most INT_MAX; retry later, see uart_config.rx_room),
 * or -EINVAL for a NULL argument. In loopback mode
 * the serial input is disconnected, so bytes are consumed and dropped, as on the wire.
 */
int uart_receive(struct uart *u, const uint8_t *buf, size_t len);

/* True when uart_receive() would accept at least one byte now. */
bool uart_rx_has_room(struct uart *u);

/* The baud rate the guest programmed, or 0 while the divisor latch holds 0. */
uint32_t uart_baud(struct uart *u);

extern const struct io_ops uart_io_ops; /* `dev` is the struct uart */

/*
 * Snapshot: the COM1 registers and its receive FIFO -- the struct from `divisor` on, which holds no
 * pointer -- as uart_state_size() bytes. Load replaces the state of an initialised device. 0 or
 * -errno.
 */
size_t uart_state_size(void);
void uart_save(struct uart *d, void *out);
int uart_load(struct uart *d, const void *in);

#endif
