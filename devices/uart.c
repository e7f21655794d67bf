/* 16550A UART: register file, interrupt identification by priority, and the receive FIFO. */
#include "devices/uart.h"

#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <string.h>

enum uart_reg {
	REG_DATA = 0, /* RBR on read, THR on write; DLL while LCR.DLAB */
	REG_IER = 1,  /* DLM while LCR.DLAB */
	REG_IIR = 2,  /* FCR on write */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDA	 0x01
#define IER_THRE 0x02
#define IER_RLS	 0x04
#define IER_MS	 0x08
#define IER_MASK 0x0F

#define IIR_NONE 0x01
#define IIR_MS	 0x00
#define IIR_THRE 0x02
#define IIR_RDA	 0x04
#define IIR_RLS	 0x06
#define IIR_CTI	 0x0C
#define IIR_FIFO 0xC0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_TRIGGER  0xC0

#define LCR_DLAB 0x80

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1F

#define LSR_DR	 0x01
#define LSR_OE	 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS	 0x10
#define MSR_DSR	 0x20
#define MSR_RI	 0x40
#define MSR_DCD	 0x80

/* Outside loopback the far end is the host, which is always present and ready. */
#define MSR_HOST_LINES (MSR_DCD | MSR_DSR | MSR_CTS)

/* The reset divisor is undefined on the chip; 9600 baud is what PC firmware programs. */
#define UART_RESET_DIVISOR 12

static const uint8_t rx_trigger_levels[4] = {1, 4, 8, 14};

static bool fifo_on(const struct uart *u)
{
	return u->fcr & FCR_ENABLE;
}

static unsigned rx_capacity(const struct uart *u)
{
	return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

/* The modem status inputs: from the host, or in loopback from our own modem outputs. */
static uint8_t msr_lines(uint8_t mcr)
{
	if (!(mcr & MCR_LOOP))
		return MSR_HOST_LINES;
	uint8_t v = 0;
	if (mcr & MCR_RTS)
		v |= MSR_CTS;
	if (mcr & MCR_DTR)
		v |= MSR_DSR;
	if (mcr & MCR_OUT1)
		v |= MSR_RI;
	if (mcr & MCR_OUT2)
		v |= MSR_DCD;
	return v;
}

static uint8_t interrupt_id(const struct uart *u)
{
	if ((u->ier & IER_RLS) && u->lsr_err)
		return IIR_RLS;
	if ((u->ier & IER_RDA) && u->rx_count) {
		/*
		 * We do not time characters, so a FIFO below its trigger level reports the
		 * character timeout at once; the guest sees its data without waiting 4 chars.
		 */
		if (!fifo_on(u) || u->rx_count >= rx_trigger_levels[u->fcr >> 6])
			return IIR_RDA;
		return IIR_CTI;
	}
	if ((u->ier & IER_THRE) && u->thr_pending)
		return IIR_THRE;
	if ((u->ier & IER_MS) && u->msr_delta)
		return IIR_MS;
	return IIR_NONE;
}

/*
 * PC wiring: the INTR pin reaches the ISA bus only through a buffer enabled by the OUT2
 * pin, and loopback forces the modem output pins inactive, so no IRQ in loopback.
 */
static void update_irq(struct uart *u)
{
	bool level = interrupt_id(u) != IIR_NONE && (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set(&u->cfg.irq, level);
	}
}

static void rx_drained(struct uart *u, bool *notify)
{
	if (u->rx_count == 0 && u->rx_waiting) {
		u->rx_waiting = false;
		*notify = true;
	}
}

static void rx_clear(struct uart *u, bool *notify)
{
	u->rx_head = 0;
	u->rx_count = 0;
	rx_drained(u, notify);
}

static bool rx_push(struct uart *u, uint8_t b)
{
	if (u->rx_count >= rx_capacity(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = b;
	u->rx_count++;
	return true;
}

/* A character arriving at a full receiver: the 16450 overwrites RBR, the FIFO drops it. */
static void rx_overrun(struct uart *u, uint8_t b)
{
	u->lsr_err |= LSR_OE;
	if (!fifo_on(u))
		u->rx[u->rx_head] = b;
}

static uint8_t rx_pop(struct uart *u, bool *notify)
{
	if (u->rx_count == 0)
		return 0;
	uint8_t b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	rx_drained(u, notify);
	return b;
}

static void transmit(struct uart *u, uint8_t b)
{
	if (u->mcr & MCR_LOOP) {
		if (!rx_push(u, b))
			rx_overrun(u, b);
	} else {
		sink_write(&u->cfg.out, &b, 1);
	}
	/* The host takes the byte at once, so THR is empty again and THRE re-arms. */
	u->thr_pending = true;
}

static void write_fcr(struct uart *u, uint8_t v, bool *notify)
{
	bool enable = v & FCR_ENABLE;
	/* Switching the FIFOs on or off resets them; other bits only count with bit 0 set. */
	if (enable != fifo_on(u))
		rx_clear(u, notify);
	if (!enable) {
		u->fcr = 0;
		return;
	}
	if (v & FCR_CLEAR_RX)
		rx_clear(u, notify);
	u->fcr = v & (FCR_ENABLE | FCR_TRIGGER);
}

static void write_mcr(struct uart *u, uint8_t v)
{
	uint8_t before = msr_lines(u->mcr);
	u->mcr = v & MCR_MASK;
	uint8_t after = msr_lines(u->mcr);
	uint8_t changed = before ^ after;
	if (changed & MSR_CTS)
		u->msr_delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_delta |= MSR_DDSR;
	if ((before & MSR_RI) && !(after & MSR_RI))
		u->msr_delta |= MSR_TERI;
	if (changed & MSR_DCD)
		u->msr_delta |= MSR_DDCD;
}

static void write_reg(struct uart *u, unsigned reg, uint8_t v, bool *notify)
{
	bool dlab = u->lcr & LCR_DLAB;
	switch (reg) {
	case REG_DATA:
		if (dlab)
			u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
		else
			transmit(u, v);
		break;
	case REG_IER:
		if (dlab) {
			u->divisor = (uint16_t)((u->divisor & 0x00FF) | (v << 8));
			break;
		}
		/* THR is always empty here, so enabling ETBEI raises THRE at once. */
		if ((v & IER_THRE) && !(u->ier & IER_THRE))
			u->thr_pending = true;
		u->ier = v & IER_MASK;
		break;
	case REG_IIR:
		write_fcr(u, v, notify);
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		write_mcr(u, v);
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default: /* LSR and MSR are status registers; factory-test writes are ignored */
		break;
	}
}

static uint8_t read_reg(struct uart *u, unsigned reg, bool *notify)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v;
	switch (reg) {
	case REG_DATA:
		return dlab ? (uint8_t)(u->divisor & 0xFF) : rx_pop(u, notify);
	case REG_IER:
		return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
	case REG_IIR:
		v = interrupt_id(u);
		if (v == IIR_THRE)
			u->thr_pending = false;
		return v | (fifo_on(u) ? IIR_FIFO : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		v = u->lsr_err | LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
		u->lsr_err = 0;
		return v;
	case REG_MSR:
		v = msr_lines(u->mcr) | u->msr_delta;
		u->msr_delta = 0;
		return v;
	case REG_SCR:
		return u->scr;
	default:
		return 0xFF;
	}
}

static void notify_room(struct uart *u, bool notify)
{
	if (notify && u->cfg.rx_room)
		u->cfg.rx_room(u->cfg.rx_room_ctx);
}

/* One byte register: wider accesses arrive split by the bus (byte_regs). */
static uint32_t uart_read(void *dev, uint16_t offset, unsigned size)
{
	struct uart *u = dev;
	bool notify = false;
	(void)size;
	pthread_mutex_lock(&u->lock);
	uint8_t v = offset < UART_PORT_COUNT ? read_reg(u, offset, &notify) : 0xFF;
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	notify_room(u, notify);
	return v;
}

static void uart_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct uart *u = dev;
	bool notify = false;
	(void)size;
	pthread_mutex_lock(&u->lock);
	if (offset < UART_PORT_COUNT)
		write_reg(u, offset, (uint8_t)value, &notify);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	notify_room(u, notify);
}

const struct io_ops uart_io_ops = {.read = uart_read, .write = uart_write, .byte_regs = true};

int uart_init(struct uart *u, const struct uart_config *cfg)
{
	if (!u || !cfg)
		return -EINVAL;
	memset(u, 0, sizeof(*u));
	u->cfg = *cfg;
	u->divisor = UART_RESET_DIVISOR;
	int err = pthread_mutex_init(&u->lock, NULL);
	if (err)
		return -err;
	return 0;
}

void uart_destroy(struct uart *u)
{
	if (u)
		pthread_mutex_destroy(&u->lock);
}

int uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
	if (!u || (!buf && len))
		return -EINVAL;
	if (len > INT_MAX)
		len = INT_MAX;
	size_t taken = 0;
	pthread_mutex_lock(&u->lock);
	if (u->mcr & MCR_LOOP) {
		taken = len;
	} else {
		while (taken < len && rx_push(u, buf[taken]))
			taken++;
		if (taken < len)
			u->rx_waiting = true;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return (int)taken;
}

bool uart_rx_has_room(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	bool room = (u->mcr & MCR_LOOP) || u->rx_count < rx_capacity(u);
	pthread_mutex_unlock(&u->lock);
	return room;
}

uint32_t uart_baud(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	uint16_t d = u->divisor;
	pthread_mutex_unlock(&u->lock);
	return d ? UART_CLOCK_HZ / d : 0;
}

/* The state starts at `divisor`: the lock and the wiring before it stay this VM's. */
size_t uart_state_size(void)
{
	return sizeof(struct uart) - offsetof(struct uart, divisor);
}

void uart_save(struct uart *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->divisor, uart_state_size());
	pthread_mutex_unlock(&d->lock);
}

int uart_load(struct uart *d, const void *in)
{
	pthread_mutex_lock(&d->lock);
	memcpy(&d->divisor, in, uart_state_size());
	snap_fix_bool(&d->thr_pending);
	snap_fix_bool(&d->irq_level);
	snap_fix_bool(&d->rx_waiting);
	/* indices into the arrays: a damaged file must not reach past them */
	bool bad = d->rx_head >= UART_FIFO_SIZE || d->rx_count > UART_FIFO_SIZE;
	pthread_mutex_unlock(&d->lock);
	return bad ? -EINVAL : 0;
}
