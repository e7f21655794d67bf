/* i8042 keyboard controller stub: command byte, self-tests, A20 and reset, no keyboard. */
#include "devices/kbc.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define ST_OUT_FULL 0x01
#define ST_SYSTEM   0x04
#define ST_COMMAND  0x08

#define CB_KBD_DISABLED 0x10
#define CB_AUX_DISABLED 0x20

/* Typical after a PC BIOS: keyboard IRQ on, system flag, scancode translation. */
#define CMD_BYTE_RESET 0x45

static void respond(struct kbc *k, uint8_t v)
{
	k->data = v;
	k->data_full = true;
}

static void set_out_port(struct kbc *k, uint8_t v, bool *reset)
{
	/* the reset line is a request to the VM, not a state the controller keeps */
	k->out_port = v | KBC_OUT_RESET;
	if (!(v & KBC_OUT_RESET))
		*reset = true;
}

static void command(struct kbc *k, uint8_t cmd, bool *reset)
{
	k->expect = 0;
	switch (cmd) {
	case 0x20:
		respond(k, k->cmd_byte);
		break;
	case 0x60:
	case 0xD1:
		k->expect = cmd;
		break;
	case 0xA7:
		k->cmd_byte |= CB_AUX_DISABLED;
		break;
	case 0xA8:
		k->cmd_byte &= (uint8_t)~CB_AUX_DISABLED;
		break;
	case 0xAA:
		respond(k, 0x55);
		break;
	case 0xAB:
		respond(k, 0x00);
		break;
	case 0xAD:
		k->cmd_byte |= CB_KBD_DISABLED;
		break;
	case 0xAE:
		k->cmd_byte &= (uint8_t)~CB_KBD_DISABLED;
		break;
	case 0xD0:
		respond(k, k->out_port);
		break;
	case 0xDD:
		k->out_port &= (uint8_t)~KBC_OUT_A20;
		break;
	case 0xDF:
		k->out_port |= KBC_OUT_A20;
		break;
	default:
		/* 0xF0-0xFF pulse the output-port lines whose bit is 0; bit 0 is the reset line */
		if (cmd >= 0xF0 && !(cmd & 0x01))
			*reset = true;
		break;
	}
}

static void data_write(struct kbc *k, uint8_t v, bool *reset)
{
	uint8_t pending = k->expect;
	k->expect = 0;
	if (pending == 0x60)
		k->cmd_byte = v;
	else if (pending == 0xD1)
		set_out_port(k, v, reset);
	/* otherwise it is for a keyboard that is not there */
}

/* The stop goes out after the lock is dropped: the VM may tear devices down from it. */
static void finish(struct kbc *k, bool reset)
{
	pthread_mutex_unlock(&k->lock);
	if (reset)
		vm_request_stop(&k->stopper, VM_END_RESET, 0);
}

static uint32_t kbc_data_read(void *dev, uint16_t offset, unsigned size)
{
	struct kbc *k = dev;
	(void)size;
	if (offset != 0)
		return 0xFF;
	pthread_mutex_lock(&k->lock);
	uint8_t v = k->data;
	k->data_full = false;
	pthread_mutex_unlock(&k->lock);
	return v;
}

/* A byte written to port 0x64 (a command) or 0x60 (its data). */
static void port_write(struct kbc *k, uint16_t offset, uint32_t value, bool is_cmd)
{
	bool reset = false;
	if (offset != 0)
		return;
	pthread_mutex_lock(&k->lock);
	k->last_was_cmd = is_cmd;
	if (is_cmd)
		command(k, (uint8_t)value, &reset);
	else
		data_write(k, (uint8_t)value, &reset);
	finish(k, reset);
}

static void kbc_data_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	(void)size;
	port_write(dev, offset, value, false);
}

static uint32_t kbc_cmd_read(void *dev, uint16_t offset, unsigned size)
{
	struct kbc *k = dev;
	(void)size;
	if (offset != 0)
		return 0xFF;
	pthread_mutex_lock(&k->lock);
	uint8_t st =
	    ST_SYSTEM | (k->data_full ? ST_OUT_FULL : 0) | (k->last_was_cmd ? ST_COMMAND : 0);
	pthread_mutex_unlock(&k->lock);
	return st;
}

static void kbc_cmd_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	(void)size;
	port_write(dev, offset, value, true);
}

/* Byte ports: the bus splits wider accesses (byte_regs). */
const struct io_ops kbc_data_io_ops = {
    .read = kbc_data_read, .write = kbc_data_write, .byte_regs = true};
const struct io_ops kbc_cmd_io_ops = {
    .read = kbc_cmd_read, .write = kbc_cmd_write, .byte_regs = true};

int kbc_init(struct kbc *k, const struct kbc_config *cfg)
{
	if (!k || !cfg)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	int rc = pthread_mutex_init(&k->lock, NULL);
	if (rc)
		return -rc;
	k->stopper = cfg->stopper;
	k->out_port = KBC_OUT_RESET | KBC_OUT_A20;
	k->cmd_byte = CMD_BYTE_RESET;
	return 0;
}

void kbc_destroy(struct kbc *k)
{
	pthread_mutex_destroy(&k->lock);
}

bool kbc_a20(struct kbc *k)
{
	pthread_mutex_lock(&k->lock);
	bool on = k->out_port & KBC_OUT_A20;
	pthread_mutex_unlock(&k->lock);
	return on;
}

/* The state starts at `out_port`: the lock and the wiring before it stay this VM's. */
size_t kbc_state_size(void)
{
	return sizeof(struct kbc) - offsetof(struct kbc, out_port);
}

void kbc_save(struct kbc *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->out_port, kbc_state_size());
	pthread_mutex_unlock(&d->lock);
}

int kbc_load(struct kbc *d, const void *in)
{
	pthread_mutex_lock(&d->lock);
	memcpy(&d->out_port, in, kbc_state_size());
	snap_fix_bool(&d->data_full);
	snap_fix_bool(&d->last_was_cmd);
	pthread_mutex_unlock(&d->lock);
	return 0;
}
