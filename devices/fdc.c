/* Floppy-controller stub: DOR/MSR/DIR registers and a command FIFO that always answers at once. */
#include "devices/fdc.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

enum fdc_reg {
	REG_SRA = 0, /* PS/2 status registers: not decoded in AT mode */
	REG_SRB = 1,
	REG_DOR = 2,
	REG_TDR = 3,
	REG_MSR = 4, /* DSR on write */
	REG_FIFO = 5,
};

#define DOR_NRESET  0x04
#define DOR_DMAGATE 0x08 /* in AT mode also gates the interrupt output */

#define DSR_SWRESET 0x80

#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_CB	0x10

#define ST0_INVALID  0x80
#define ST0_ABNORMAL 0x40
#define ST0_SEEK_END 0x20
#define ST0_POLL     0xC0 /* "ready changed" after a reset, one per drive */
#define ST1_MA	     0x01 /* missing address mark: there is no medium */
#define ST3_READY    0x20
#define ST3_TRACK0   0x10
#define ST3_TWO_SIDE 0x08

#define VERSION_82077 0x90

/* Data commands may carry the MT, MFM and SK flags in their top three bits. */
#define DATA_FLAGS 0xE0

static unsigned drive_of(uint8_t b)
{
	return b & 0x03;
}

static unsigned head_of(uint8_t b)
{
	return (b >> 2) & 1;
}

static void pulse(struct fdc *f)
{
	if (f->dor & DOR_DMAGATE)
		irq_pulse(&f->cfg.irq);
}

static bool data_command(uint8_t op, uint8_t *len)
{
	switch (op & ~DATA_FLAGS) {
	case 0x02: /* READ TRACK */
	case 0x05: /* WRITE DATA */
	case 0x06: /* READ DATA */
	case 0x09: /* WRITE DELETED DATA */
	case 0x0C: /* READ DELETED DATA */
	case 0x11: /* SCAN EQUAL */
	case 0x16: /* VERIFY */
	case 0x19: /* SCAN LOW OR EQUAL */
	case 0x1D: /* SCAN HIGH OR EQUAL */
		*len = 9;
		return true;
	case 0x0A: /* READ ID */
		*len = 2;
		return true;
	case 0x0D: /* FORMAT TRACK */
		*len = 6;
		return true;
	default:
		return false;
	}
}

/* Total command length, opcode included; 0 for a byte that is no command. */
static uint8_t command_length(uint8_t op)
{
	switch (op) {
	case 0x03: /* SPECIFY */
	case 0x0F: /* SEEK */
		return 3;
	case 0x04: /* SENSE DRIVE STATUS */
	case 0x07: /* RECALIBRATE */
	case 0x12: /* PERPENDICULAR MODE */
		return 2;
	case 0x08: /* SENSE INTERRUPT STATUS */
	case 0x0E: /* DUMPREG */
	case 0x10: /* VERSION */
	case 0x14: /* LOCK, unlock */
	case 0x94: /* LOCK, lock */
		return 1;
	case 0x13: /* CONFIGURE */
		return 4;
	default:
		break;
	}
	uint8_t len;
	return data_command(op, &len) ? len : 0;
}

static void reply(struct fdc *f, const uint8_t *bytes, uint8_t n)
{
	memcpy(f->result, bytes, n);
	f->res_len = n;
	f->res_pos = 0;
}

static void seek_done(struct fdc *f, uint8_t sel, uint8_t cyl)
{
	unsigned d = drive_of(sel);
	f->pcn[d] = cyl;
	f->sense_st0[d] = (uint8_t)(ST0_SEEK_END | head_of(sel) << 2 | d);
	f->sense_pending |= (uint8_t)(1u << d);
	pulse(f);
}

static void sense_interrupt(struct fdc *f)
{
	for (unsigned d = 0; d < 4; d++) {
		if (f->sense_pending & (1u << d)) {
			f->sense_pending &= (uint8_t) ~(1u << d);
			uint8_t r[2] = {f->sense_st0[d], f->pcn[d]};
			reply(f, r, 2);
			return;
		}
	}
	uint8_t r = ST0_INVALID;
	reply(f, &r, 1);
}

/* No medium: a data command ends as soon as it is given, in abnormal termination. */
static void data_command_result(struct fdc *f)
{
	const uint8_t *c = f->cmd;
	unsigned d = drive_of(c[1]);
	uint8_t r[7] = {(uint8_t)(ST0_ABNORMAL | head_of(c[1]) << 2 | d), ST1_MA, 0};
	switch (c[0] & ~DATA_FLAGS) {
	case 0x0A: /* READ ID: where the head is */
		r[3] = f->pcn[d];
		r[4] = (uint8_t)head_of(c[1]);
		r[5] = 1;
		r[6] = 2;
		break;
	case 0x0D: /* FORMAT TRACK: N from the command */
		r[3] = f->pcn[d];
		r[4] = (uint8_t)head_of(c[1]);
		r[5] = 1;
		r[6] = c[2];
		break;
	default: /* C, H, R, N as the command gave them */
		memcpy(&r[3], &c[2], 4);
		break;
	}
	reply(f, r, 7);
	pulse(f);
}

static void execute(struct fdc *f)
{
	const uint8_t *c = f->cmd;
	uint8_t r[FDC_RESULT_MAX];
	switch (c[0]) {
	case 0x03:
		f->specify[0] = c[1];
		f->specify[1] = c[2];
		return;
	case 0x04: {
		unsigned d = drive_of(c[1]);
		r[0] = (uint8_t)(ST3_READY | ST3_TWO_SIDE | (f->pcn[d] == 0 ? ST3_TRACK0 : 0) |
				 head_of(c[1]) << 2 | d);
		reply(f, r, 1);
		return;
	}
	case 0x07:
		seek_done(f, c[1], 0);
		return;
	case 0x08:
		sense_interrupt(f);
		return;
	case 0x0E:
		memcpy(r, f->pcn, 4);
		r[4] = f->specify[0];
		r[5] = f->specify[1];
		r[6] = 0;
		r[7] = (uint8_t)((f->locked ? 0x80 : 0) | (f->perpendicular & 0x3F));
		r[8] = f->config[0];
		r[9] = f->config[1];
		reply(f, r, 10);
		return;
	case 0x0F:
		seek_done(f, c[1], c[2]);
		return;
	case 0x10:
		r[0] = VERSION_82077;
		reply(f, r, 1);
		return;
	case 0x12:
		f->perpendicular = c[1];
		return;
	case 0x13:
		f->config[0] = c[2];
		f->config[1] = c[3];
		return;
	case 0x14:
	case 0x94:
		f->locked = c[0] & 0x80;
		r[0] = f->locked ? 0x10 : 0x00;
		reply(f, r, 1);
		return;
	default:
		data_command_result(f);
		return;
	}
}

static void fifo_write(struct fdc *f, uint8_t v)
{
	if (!(f->dor & DOR_NRESET))
		return; /* held in reset */
	if (f->res_pos < f->res_len) {
		/* A host that stops reading results starts over; the chip would hang here. */
		f->res_len = f->res_pos = 0;
	}
	if (f->cmd_need == 0) {
		uint8_t need = command_length(v);
		if (need == 0) {
			uint8_t r = ST0_INVALID;
			reply(f, &r, 1);
			return;
		}
		f->cmd_need = need;
		f->cmd_len = 0;
	}
	f->cmd[f->cmd_len++] = v;
	if (f->cmd_len < f->cmd_need)
		return;
	f->cmd_need = 0;
	f->cmd_len = 0;
	execute(f);
}

static uint8_t fifo_read(struct fdc *f)
{
	if (f->res_pos >= f->res_len)
		return 0xFF;
	uint8_t v = f->result[f->res_pos++];
	if (f->res_pos >= f->res_len)
		f->res_len = f->res_pos = 0;
	return v;
}

static uint8_t msr(const struct fdc *f)
{
	if (f->res_pos < f->res_len)
		return MSR_RQM | MSR_DIO | MSR_CB;
	if (f->cmd_need)
		return MSR_RQM | MSR_CB;
	return MSR_RQM;
}

/* Entering reset drops any command; leaving it reports each drive's ready change. */
static void enter_reset(struct fdc *f)
{
	f->cmd_need = f->cmd_len = 0;
	f->res_len = f->res_pos = 0;
	f->sense_pending = 0;
	if (!f->locked) {
		f->config[0] = 0;
		f->config[1] = 0;
	}
}

static void leave_reset(struct fdc *f)
{
	for (unsigned d = 0; d < 4; d++)
		f->sense_st0[d] = (uint8_t)(ST0_POLL | d);
	f->sense_pending = 0x0F;
	pulse(f);
}

static void write_dor(struct fdc *f, uint8_t v)
{
	uint8_t old = f->dor;
	f->dor = v;
	if ((old & DOR_NRESET) && !(v & DOR_NRESET))
		enter_reset(f);
	else if (!(old & DOR_NRESET) && (v & DOR_NRESET))
		leave_reset(f);
}

static void write_dsr(struct fdc *f, uint8_t v)
{
	f->dsr = v & (uint8_t)~DSR_SWRESET; /* the reset bit clears itself */
	if ((v & DSR_SWRESET) && (f->dor & DOR_NRESET)) {
		enter_reset(f);
		leave_reset(f);
	}
}

static uint8_t read_reg(struct fdc *f, unsigned reg)
{
	switch (reg) {
	case REG_DOR:
		return f->dor;
	case REG_TDR:
		return f->tdr & 0x03;
	case REG_MSR:
		return msr(f);
	case REG_FIFO:
		return fifo_read(f);
	default:
		return 0xFF;
	}
}

static void write_reg(struct fdc *f, unsigned reg, uint8_t v)
{
	switch (reg) {
	case REG_DOR:
		write_dor(f, v);
		break;
	case REG_TDR:
		f->tdr = v;
		break;
	case REG_MSR:
		write_dsr(f, v);
		break;
	case REG_FIFO:
		fifo_write(f, v);
		break;
	default:
		break;
	}
}

/* Byte registers: the bus splits wider accesses (byte_regs). */
static uint32_t fdc_read(void *dev, uint16_t offset, unsigned size)
{
	struct fdc *f = dev;
	(void)size;
	pthread_mutex_lock(&f->lock);
	uint8_t v = offset < FDC_LEN ? read_reg(f, offset) : 0xFF;
	pthread_mutex_unlock(&f->lock);
	return v;
}

static void fdc_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct fdc *f = dev;
	(void)size;
	pthread_mutex_lock(&f->lock);
	if (offset < FDC_LEN)
		write_reg(f, offset, (uint8_t)value);
	pthread_mutex_unlock(&f->lock);
}

/* DIR: bit 7 is "disk changed", which never happens here; the rest is not ours in AT mode. */
static uint32_t fdc_dir_read(void *dev, uint16_t offset, unsigned size)
{
	(void)dev;
	(void)size;
	return offset == 0 ? 0x00 : 0xFF;
}

static void fdc_dir_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct fdc *f = dev;
	if (offset != 0 || size == 0)
		return;
	pthread_mutex_lock(&f->lock);
	f->ccr = (uint8_t)(value & 0x03);
	pthread_mutex_unlock(&f->lock);
}

const struct io_ops fdc_io_ops = {.read = fdc_read, .write = fdc_write, .byte_regs = true};
const struct io_ops fdc_dir_io_ops = {
    .read = fdc_dir_read, .write = fdc_dir_write, .byte_regs = true};

static void power_on(struct fdc *f)
{
	f->locked = false;
	enter_reset(f);
	memset(f->pcn, 0, sizeof(f->pcn));
	f->specify[0] = f->specify[1] = 0;
	f->perpendicular = 0;
	f->tdr = f->dsr = f->ccr = 0;
	/* As PC firmware leaves it: out of reset, interrupts enabled, the resets sensed. */
	f->dor = DOR_NRESET | DOR_DMAGATE;
}

int fdc_init(struct fdc *f, const struct fdc_config *cfg)
{
	if (!f || !cfg)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	int err = pthread_mutex_init(&f->lock, NULL);
	if (err)
		return -err;
	power_on(f);
	return 0;
}

void fdc_destroy(struct fdc *f)
{
	if (f)
		pthread_mutex_destroy(&f->lock);
}

void fdc_reset(struct fdc *f)
{
	pthread_mutex_lock(&f->lock);
	power_on(f);
	pthread_mutex_unlock(&f->lock);
}

/* The state starts at `dor`: the lock and the wiring before it stay this VM's. */
size_t fdc_state_size(void)
{
	return sizeof(struct fdc) - offsetof(struct fdc, dor);
}

void fdc_save(struct fdc *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->dor, fdc_state_size());
	pthread_mutex_unlock(&d->lock);
}

int fdc_load(struct fdc *d, const void *in)
{
	pthread_mutex_lock(&d->lock);
	memcpy(&d->dor, in, fdc_state_size());
	snap_fix_bool(&d->locked);
	/* indices into the arrays: a damaged file must not reach past them */
	bool bad = d->cmd_len > FDC_CMD_MAX || d->cmd_need > FDC_CMD_MAX ||
		   d->res_len > FDC_RESULT_MAX || d->res_pos > FDC_RESULT_MAX;
	pthread_mutex_unlock(&d->lock);
	return bad ? -EINVAL : 0;
}
