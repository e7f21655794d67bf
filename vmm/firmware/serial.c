/* int 14h and the UART access int 16h shares: 16550 registers through the VM's port bus. */
#include "vmm/firmware/bda.h"
#include "vmm/firmware/service.h"

/* 16550 register offsets and bits (data sheet). */
#define RBR	   0
#define THR	   0
#define DLL	   0
#define DLM	   1
#define LCR	   3
#define LSR	   5
#define MSR	   6
#define LCR_DLAB   0x80
#define LSR_DR	   0x01
#define LSR_ERR	   0x1E
#define LSR_THRE   0x20
#define ST_TIMEOUT 0x80 /* int 14h: bit 7 of AH */

#define UART_HZ	   115200
#define THRE_TRIES 64 /* a missing or stuck UART answers at once, so this never waits */
#define COM_PORTS  4

uint16_t bios_serial_base(const struct bios_env *env, unsigned index)
{
	return index < COM_PORTS ? bda_get16(env->mem, BDA_COM_PORTS + 2 * index) : 0;
}

static uint8_t in8(struct bios_env *env, uint16_t base, unsigned reg)
{
	return (uint8_t)bus_read(env->bus, (uint16_t)(base + reg), 1);
}

static void out8(struct bios_env *env, uint16_t base, unsigned reg, uint8_t v)
{
	bus_write(env->bus, (uint16_t)(base + reg), 1, v);
}

int bios_serial_getc(struct bios_env *env, uint16_t base)
{
	if (!env->bus || !base)
		return -1;
	/* With the divisor latch open, offset 0 is DLL: reading it would not take a byte. */
	if (in8(env, base, LCR) & LCR_DLAB)
		return -1;
	uint8_t lsr = in8(env, base, LSR);
	if (lsr == 0xFF || !(lsr & LSR_DR)) /* 0xFF: an open bus, no UART there */
		return -1;
	return in8(env, base, RBR);
}

/* AH=00h: AL bits 7-5 pick 110..9600 baud, bits 4-0 go to LCR as on the PC/AT. */
static void init_port(struct bios_env *env, uint16_t base, uint8_t al)
{
	static const uint16_t baud[8] = {110, 150, 300, 600, 1200, 2400, 4800, 9600};
	uint16_t div = (uint16_t)(UART_HZ / baud[al >> 5]);
	out8(env, base, LCR, LCR_DLAB);
	out8(env, base, DLL, (uint8_t)div);
	out8(env, base, DLM, (uint8_t)(div >> 8));
	out8(env, base, LCR, al & 0x1F);
}

static void send(struct bios_env *env, struct bios_regs *r, uint16_t base)
{
	uint8_t lcr = in8(env, base, LCR);
	if (lcr & LCR_DLAB)
		out8(env, base, LCR, lcr & (uint8_t)~LCR_DLAB);
	uint8_t lsr = 0;
	for (unsigned i = 0; i < THRE_TRIES && !(lsr & LSR_THRE); i++)
		lsr = in8(env, base, LSR);
	if (!(lsr & LSR_THRE) || lsr == 0xFF) {
		set_hi8(&r->eax, (uint8_t)(lsr | ST_TIMEOUT));
		return;
	}
	out8(env, base, THR, reg_al(r));
	set_hi8(&r->eax, in8(env, base, LSR) & (uint8_t)~ST_TIMEOUT);
}

static void receive(struct bios_env *env, struct bios_regs *r, uint16_t base)
{
	int c = bios_serial_getc(env, base);
	uint8_t lsr = in8(env, base, LSR);
	if (c < 0) {
		set_hi8(&r->eax, (uint8_t)(lsr | ST_TIMEOUT));
		return;
	}
	set_lo8(&r->eax, (uint8_t)c);
	set_hi8(&r->eax, lsr & LSR_ERR);
}

static void line_status(struct bios_env *env, struct bios_regs *r, uint16_t base)
{
	set_hi8(&r->eax, in8(env, base, LSR));
	set_lo8(&r->eax, in8(env, base, MSR));
}

void bios_int14(struct bios_env *env, struct bios_regs *r)
{
	uint8_t fn = reg_ah(r);
	if (fn > 0x03) {
		bios_unknown(r);
		return;
	}
	uint16_t base = bios_serial_base(env, lo16(r->edx));
	if (!base || !env->bus) {
		bios_fail(r, ST_TIMEOUT);
		return;
	}
	switch (fn) {
	case 0x00:
		init_port(env, base, reg_al(r));
		line_status(env, r, base);
		break;
	case 0x03:
		line_status(env, r, base);
		break;
	case 0x01:
		send(env, r, base);
		break;
	case 0x02:
		receive(env, r, base);
		break;
	}
	bios_ok(r);
}
