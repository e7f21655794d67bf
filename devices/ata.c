/* ATA/IDE channel: task file, command decoding, PIO data blocks, IDENTIFY data, resets. */
#include "devices/ata.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum ata_reg {
	REG_DATA = 0,
	REG_ERROR = 1, /* features on write */
	REG_COUNT = 2,
	REG_LBA_LOW = 3,  /* sector number in CHS */
	REG_LBA_MID = 4,  /* cylinder low */
	REG_LBA_HIGH = 5, /* cylinder high */
	REG_DEVICE = 6,
	REG_STATUS = 7, /* command on write */
};

#define ST_BSY	0x80
#define ST_DRDY 0x40
#define ST_DSC	0x10
#define ST_DRQ	0x08
#define ST_ERR	0x01

#define ST_IDLE	 (ST_DRDY | ST_DSC)
#define ST_ERROR (ST_DRDY | ST_DSC | ST_ERR)
#define ST_DATA	 (ST_DRDY | ST_DSC | ST_DRQ)

#define DIAG_PASSED 0x01 /* error register after a reset or diagnostic: code 01h, "no error" */
#define ERR_ABRT    0x04
#define ERR_IDNF    0x10

#define DEV_SLAVE 0x10
#define DEV_LBA	  0x40

#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define CTL_HOB	 0x80

#define LBA28_LIMIT (1ull << 28)

enum xfer_kind {
	XFER_NONE,
	XFER_IN_DISK,  /* sectors read from the disk, block by block */
	XFER_IN_BUF,   /* one block already in buf (IDENTIFY) */
	XFER_OUT_DISK, /* sectors written to the disk as each block fills */
};

enum addr_mode {
	ADDR_CHS,
	ADDR_LBA28,
	ADDR_LBA48,
};

static const char model_string[] = "TINYVMM HARDDISK";
static const char firmware_string[] = "1.0";

static unsigned selected(const struct ata *a)
{
	return (a->device & DEV_SLAVE) ? 1 : 0;
}

static bool channel_empty(const struct ata *a)
{
	return a->drive[0].disk == NULL;
}

static void raise_irq(struct ata *a, struct ata_drive *drv)
{
	drv->intrq = true;
	if (!(a->control & CTL_NIEN))
		irq_pulse(&a->cfg.irq);
}

static void finish(struct ata *a, struct ata_drive *drv, uint8_t status, uint8_t error)
{
	drv->status = status;
	drv->error = error;
	raise_irq(a, drv);
}

static void abort_cmd(struct ata *a, struct ata_drive *drv)
{
	finish(a, drv, ST_ERROR, ERR_ABRT);
}

/*
 * The default CHS translation of IDENTIFY words 1/3/6: 16 heads of 63 sectors, at most
 * 16383 cylinders. Images smaller than one such cylinder get one head so CHS still reaches
 * most of them.
 */
static struct ata_geometry default_geometry(uint64_t sectors)
{
	if (sectors >= 16 * 63) {
		uint64_t cyl = sectors / (16 * 63);
		return (struct ata_geometry){
		    .cylinders = (uint16_t)(cyl > 16383 ? 16383 : cyl), .heads = 16, .sectors = 63};
	}
	uint8_t spt = (uint8_t)(sectors < 63 ? sectors : 63);
	return (struct ata_geometry){
	    .cylinders = (uint16_t)(sectors / spt), .heads = 1, .sectors = spt};
}

static void drive_defaults(struct ata_drive *drv)
{
	drv->multiple = 0;
	drv->cur = drv->def;
}

/* Task file contents that tell a host "an ATA (not packet) device is here". */
static void put_signature(struct ata *a)
{
	a->count[0] = 1;
	a->lba_low[0] = 1;
	a->lba_mid[0] = 0;
	a->lba_high[0] = 0;
	a->count[1] = a->lba_low[1] = a->lba_mid[1] = a->lba_high[1] = 0;
	a->device = 0;
}

static void reset_drives(struct ata *a, bool hardware)
{
	a->xfer = XFER_NONE;
	for (unsigned i = 0; i < 2; i++) {
		struct ata_drive *drv = &a->drive[i];
		if (!drv->disk)
			continue;
		if (hardware)
			drv->keep_settings = false;
		if (!drv->keep_settings)
			drive_defaults(drv);
		drv->status = ST_IDLE;
		drv->error = DIAG_PASSED;
		drv->intrq = false;
	}
	put_signature(a);
}

/* ---- IDENTIFY DEVICE ---- */

/* ATA strings put the first character of each pair in the high byte of the word. */
static void put_string(uint16_t *id, unsigned word, unsigned words, const char *s)
{
	size_t n = strlen(s);
	for (unsigned i = 0; i < words * 2; i++) {
		uint8_t c = i < n ? (uint8_t)s[i] : ' ';
		if (i % 2 == 0)
			id[word + i / 2] = (uint16_t)(c << 8);
		else
			id[word + i / 2] |= c;
	}
}

static void build_identify(const struct ata_drive *drv, unsigned index, uint8_t *out)
{
	uint16_t id[256];
	memset(id, 0, sizeof(id));
	uint64_t sectors = drv->disk->sectors;
	char serial[21];
	snprintf(serial, sizeof(serial), "TINYVMM-ATA-%u", index);

	id[0] = 0x0040; /* ATA device, fixed */
	id[1] = drv->def.cylinders;
	id[3] = drv->def.heads;
	id[6] = drv->def.sectors;
	put_string(id, 10, 10, serial);
	put_string(id, 23, 4, firmware_string);
	put_string(id, 27, 20, model_string);
	id[47] = 0x8000 | ATA_MAX_MULTIPLE;
	id[49] = (1u << 9) | (1u << 11); /* LBA, IORDY (PIO 3/4 need it); no DMA */
	id[50] = 0x4000;
	id[51] = 0x0200; /* PIO mode 2 timing, for hosts that still read the old field */
	id[53] = 0x0003; /* words 54-58 and 64-70 are valid */
	uint32_t cur_cap = (uint32_t)drv->cur.cylinders * drv->cur.heads * drv->cur.sectors;
	id[54] = drv->cur.cylinders;
	id[55] = drv->cur.heads;
	id[56] = drv->cur.sectors;
	id[57] = (uint16_t)cur_cap;
	id[58] = (uint16_t)(cur_cap >> 16);
	id[59] = drv->multiple ? (uint16_t)(0x0100 | drv->multiple) : 0;
	uint32_t lba28 =
	    sectors < LBA28_LIMIT - 1 ? (uint32_t)sectors : (uint32_t)(LBA28_LIMIT - 1);
	id[60] = (uint16_t)lba28;
	id[61] = (uint16_t)(lba28 >> 16);
	id[64] = 0x0003;		/* PIO modes 3 and 4 */
	id[67] = 120;			/* ns, minimum PIO cycle without flow control */
	id[68] = 120;			/* ns, with IORDY */
	id[80] = 0x007E;		/* ATA-1 through ATA/ATAPI-6 */
	id[82] = (1u << 5) | (1u << 3); /* write cache, power management */
	id[83] = 0x4000 | (1u << 13) | (1u << 12) | (1u << 10); /* FLUSH CACHE (EXT), LBA48 */
	id[84] = 0x4000;
	id[85] = id[82]; /* enabled, as supported */
	id[86] = id[83] & ~0xC000u;
	id[87] = 0x4000;
	for (unsigned i = 0; i < 4; i++)
		id[100 + i] = (uint16_t)(sectors >> (16 * i));

	/* Integrity word: signature A5h, then a checksum making all 512 bytes sum to 0. */
	id[255] = 0x00A5;
	uint8_t sum = 0;
	for (unsigned i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
	id[255] |= (uint16_t)((uint8_t)-sum << 8);

	for (unsigned i = 0; i < 256; i++) {
		out[2 * i] = (uint8_t)id[i];
		out[2 * i + 1] = (uint8_t)(id[i] >> 8);
	}
}

/* ---- addresses ---- */

static uint32_t sector_count(const struct ata *a, enum addr_mode mode)
{
	if (mode == ADDR_LBA48) {
		uint32_t n = (uint32_t)a->count[1] << 8 | a->count[0];
		return n ? n : 65536;
	}
	return a->count[0] ? a->count[0] : 256;
}

static enum addr_mode command_mode(const struct ata *a, bool ext)
{
	if (ext)
		return ADDR_LBA48;
	return (a->device & DEV_LBA) ? ADDR_LBA28 : ADDR_CHS;
}

/* The starting sector the task file names, or false when it names none on this drive. */
static bool start_lba(const struct ata *a, const struct ata_drive *drv, enum addr_mode mode,
		      uint64_t *lba)
{
	switch (mode) {
	case ADDR_LBA48:
		*lba = (uint64_t)a->lba_high[1] << 40 | (uint64_t)a->lba_mid[1] << 32 |
		       (uint64_t)a->lba_low[1] << 24 | (uint64_t)a->lba_high[0] << 16 |
		       (uint64_t)a->lba_mid[0] << 8 | a->lba_low[0];
		return true;
	case ADDR_LBA28:
		*lba = (uint64_t)(a->device & 0x0F) << 24 | (uint64_t)a->lba_high[0] << 16 |
		       (uint64_t)a->lba_mid[0] << 8 | a->lba_low[0];
		return true;
	case ADDR_CHS:
		break;
	}
	const struct ata_geometry *g = &drv->cur;
	unsigned cyl = (unsigned)a->lba_high[0] << 8 | a->lba_mid[0];
	unsigned head = a->device & 0x0F;
	unsigned sec = a->lba_low[0];
	if (sec == 0 || sec > g->sectors || head >= g->heads || cyl >= g->cylinders)
		return false;
	*lba = ((uint64_t)cyl * g->heads + head) * g->sectors + (sec - 1);
	return true;
}

static bool range_ok(const struct ata_drive *drv, enum addr_mode mode, uint64_t lba, uint32_t count)
{
	/* 28-bit commands end below sector 0FFFFFFFh, the capacity IDENTIFY words 60-61 state. */
	uint64_t limit = drv->disk->sectors;
	if (mode != ADDR_LBA48 && limit > LBA28_LIMIT - 1)
		limit = LBA28_LIMIT - 1;
	return lba <= limit && count <= limit - lba;
}

/* Progress as the registers show it: the last sector done and the sectors still to go. */
static void put_progress(struct ata *a, const struct ata_drive *drv, uint64_t last, uint32_t left)
{
	a->count[0] = (uint8_t)left;
	if (a->xfer_addr == ADDR_LBA48) {
		a->count[1] = (uint8_t)(left >> 8);
		a->lba_low[1] = (uint8_t)(last >> 24);
		a->lba_mid[1] = (uint8_t)(last >> 32);
		a->lba_high[1] = (uint8_t)(last >> 40);
	}
	if (a->xfer_addr == ADDR_CHS && drv->cur.sectors && drv->cur.heads) {
		uint64_t track = last / drv->cur.sectors;
		uint64_t cyl = track / drv->cur.heads;
		a->lba_low[0] = (uint8_t)(last % drv->cur.sectors + 1);
		a->lba_mid[0] = (uint8_t)cyl;
		a->lba_high[0] = (uint8_t)(cyl >> 8);
		a->device = (uint8_t)((a->device & 0xF0) | (track % drv->cur.heads));
		return;
	}
	a->lba_low[0] = (uint8_t)last;
	a->lba_mid[0] = (uint8_t)(last >> 8);
	a->lba_high[0] = (uint8_t)(last >> 16);
	if (a->xfer_addr == ADDR_LBA28)
		a->device = (uint8_t)((a->device & 0xF0) | ((last >> 24) & 0x0F));
}

/* ---- PIO data blocks ---- */

static uint32_t block_sectors(const struct ata *a)
{
	return a->xfer_left < a->xfer_block ? a->xfer_left : a->xfer_block;
}

/* Loads the next data-in block and asks for it to be read (DRQ plus an interrupt). */
static void next_in_block(struct ata *a)
{
	struct ata_drive *drv = &a->drive[a->xfer_drive];
	uint32_t n = block_sectors(a);
	if (disk_read(drv->disk, a->xfer_lba, n, a->buf)) {
		a->xfer = XFER_NONE;
		finish(a, drv, ST_ERROR, ERR_IDNF);
		return;
	}
	a->pos = 0;
	a->len = n * DISK_SECTOR;
	finish(a, drv, ST_DATA, 0);
}

static void in_block_done(struct ata *a)
{
	struct ata_drive *drv = &a->drive[a->xfer_drive];
	if (a->xfer == XFER_IN_BUF) {
		a->xfer = XFER_NONE;
		drv->status = ST_IDLE;
		return;
	}
	uint32_t n = a->len / DISK_SECTOR;
	a->xfer_left -= n;
	a->xfer_lba += n;
	put_progress(a, drv, a->xfer_lba - 1, a->xfer_left);
	if (a->xfer_left) {
		next_in_block(a);
		return;
	}
	/* The last block of a read ends with no interrupt: the host saw one per block. */
	a->xfer = XFER_NONE;
	drv->status = ST_IDLE;
}

static void out_block_done(struct ata *a)
{
	struct ata_drive *drv = &a->drive[a->xfer_drive];
	uint32_t n = a->len / DISK_SECTOR;
	int err = disk_write(drv->disk, a->xfer_lba, n, a->buf);
	if (err) {
		a->xfer = XFER_NONE;
		finish(a, drv, ST_ERROR, err == -EIO ? ERR_IDNF : ERR_ABRT);
		return;
	}
	a->xfer_left -= n;
	a->xfer_lba += n;
	put_progress(a, drv, a->xfer_lba - 1, a->xfer_left);
	if (!a->xfer_left) {
		a->xfer = XFER_NONE;
		finish(a, drv, ST_IDLE, 0);
		return;
	}
	a->pos = 0;
	a->len = block_sectors(a) * DISK_SECTOR;
	finish(a, drv, ST_DATA, 0);
}

static bool data_phase(const struct ata *a)
{
	return a->xfer != XFER_NONE && a->xfer_drive == selected(a) && !(a->control & CTL_SRST);
}

static uint8_t data_in(struct ata *a)
{
	if (!data_phase(a) || a->xfer == XFER_OUT_DISK)
		return 0xFF;
	uint8_t b = a->buf[a->pos++];
	if (a->pos >= a->len)
		in_block_done(a);
	return b;
}

static void data_out(struct ata *a, uint8_t b)
{
	if (!data_phase(a) || a->xfer != XFER_OUT_DISK)
		return;
	a->buf[a->pos++] = b;
	if (a->pos >= a->len)
		out_block_done(a);
}

/* ---- commands ---- */

static void cmd_identify(struct ata *a, struct ata_drive *drv, unsigned index)
{
	build_identify(drv, index, a->buf);
	a->xfer = XFER_IN_BUF;
	a->xfer_drive = (uint8_t)index;
	a->pos = 0;
	a->len = DISK_SECTOR;
	finish(a, drv, ST_DATA, 0);
}

enum rw_op {
	OP_READ,
	OP_WRITE,
	OP_VERIFY,
};

static void cmd_rw(struct ata *a, struct ata_drive *drv, unsigned index, enum rw_op op, bool ext,
		   bool multiple)
{
	if (multiple && !drv->multiple) {
		abort_cmd(a, drv);
		return;
	}
	if (op == OP_WRITE && drv->disk->mode == DISK_READONLY) {
		abort_cmd(a, drv);
		return;
	}
	enum addr_mode mode = command_mode(a, ext);
	uint32_t count = sector_count(a, mode);
	uint64_t lba;
	if (!start_lba(a, drv, mode, &lba) || !range_ok(drv, mode, lba, count)) {
		finish(a, drv, ST_ERROR, ERR_IDNF);
		return;
	}
	if (op == OP_VERIFY) {
		a->xfer_addr = (uint8_t)mode;
		put_progress(a, drv, lba + count - 1, 0);
		finish(a, drv, ST_IDLE, 0);
		return;
	}
	a->xfer_drive = (uint8_t)index;
	a->xfer_addr = (uint8_t)mode;
	a->xfer_block = multiple ? drv->multiple : 1;
	a->xfer_left = count;
	a->xfer_lba = lba;
	if (op == OP_READ) {
		a->xfer = XFER_IN_DISK;
		next_in_block(a);
		return;
	}
	/* Data-out: DRQ at once, and no interrupt before the first block. */
	a->xfer = XFER_OUT_DISK;
	a->pos = 0;
	a->len = block_sectors(a) * DISK_SECTOR;
	drv->status = ST_DATA;
}

static void cmd_set_multiple(struct ata *a, struct ata_drive *drv)
{
	uint8_t n = a->count[0];
	/* 0 turns MULTIPLE off; a size we cannot do also leaves it off, as the spec says. */
	if (n > ATA_MAX_MULTIPLE || (n & (n - 1))) {
		drv->multiple = 0;
		abort_cmd(a, drv);
		return;
	}
	drv->multiple = n;
	finish(a, drv, ST_IDLE, 0);
}

static void cmd_init_params(struct ata *a, struct ata_drive *drv)
{
	uint8_t spt = a->count[0];
	uint8_t heads = (uint8_t)((a->device & 0x0F) + 1);
	if (spt == 0) {
		abort_cmd(a, drv);
		return;
	}
	uint64_t cyl = drv->disk->sectors / ((uint64_t)heads * spt);
	drv->cur = (struct ata_geometry){
	    .cylinders = (uint16_t)(cyl > 65535 ? 65535 : cyl), .heads = heads, .sectors = spt};
	finish(a, drv, ST_IDLE, 0);
}

static void cmd_set_features(struct ata *a, struct ata_drive *drv)
{
	/* Transfer modes, caches and the rest change nothing we model; two keep settings. */
	if (a->feature[0] == 0x66)
		drv->keep_settings = true;
	else if (a->feature[0] == 0xCC)
		drv->keep_settings = false;
	finish(a, drv, ST_IDLE, 0);
}

static void cmd_flush(struct ata *a, struct ata_drive *drv)
{
	if (disk_flush(drv->disk))
		abort_cmd(a, drv);
	else
		finish(a, drv, ST_IDLE, 0);
}

/* Both devices run it whichever is selected; device 0 reports for the pair. Settings stay. */
static void cmd_diagnostic(struct ata *a)
{
	a->xfer = XFER_NONE;
	for (unsigned i = 0; i < 2; i++) {
		if (a->drive[i].disk) {
			a->drive[i].status = ST_IDLE;
			a->drive[i].error = DIAG_PASSED;
			a->drive[i].intrq = false;
		}
	}
	put_signature(a);
	raise_irq(a, &a->drive[0]);
}

static void command(struct ata *a, uint8_t cmd)
{
	if (a->control & CTL_SRST)
		return;
	if (cmd == 0x90) {
		cmd_diagnostic(a);
		return;
	}
	unsigned index = selected(a);
	struct ata_drive *drv = &a->drive[index];
	if (!drv->disk)
		return; /* nobody answers for an absent device */
	a->xfer = XFER_NONE;
	drv->intrq = false;
	drv->error = 0;

	switch (cmd) {
	case 0xEC:
		cmd_identify(a, drv, index);
		return;
	case 0x20:
	case 0x21:
		cmd_rw(a, drv, index, OP_READ, false, false);
		return;
	case 0x24:
		cmd_rw(a, drv, index, OP_READ, true, false);
		return;
	case 0xC4:
		cmd_rw(a, drv, index, OP_READ, false, true);
		return;
	case 0x29:
		cmd_rw(a, drv, index, OP_READ, true, true);
		return;
	case 0x30:
	case 0x31:
		cmd_rw(a, drv, index, OP_WRITE, false, false);
		return;
	case 0x34:
		cmd_rw(a, drv, index, OP_WRITE, true, false);
		return;
	case 0xC5:
		cmd_rw(a, drv, index, OP_WRITE, false, true);
		return;
	case 0x39:
		cmd_rw(a, drv, index, OP_WRITE, true, true);
		return;
	case 0x40:
	case 0x41:
		cmd_rw(a, drv, index, OP_VERIFY, false, false);
		return;
	case 0x42:
		cmd_rw(a, drv, index, OP_VERIFY, true, false);
		return;
	case 0xC6:
		cmd_set_multiple(a, drv);
		return;
	case 0x91:
		cmd_init_params(a, drv);
		return;
	case 0xEF:
		cmd_set_features(a, drv);
		return;
	case 0xE7:
	case 0xEA:
		cmd_flush(a, drv);
		return;
	case 0xE5: /* CHECK POWER MODE: FFh = active or idle */
	case 0x98:
		a->count[0] = 0xFF;
		finish(a, drv, ST_IDLE, 0);
		return;
	case 0xE0: /* STANDBY IMMEDIATE, IDLE IMMEDIATE, STANDBY, IDLE; 94h-97h are the old codes */
	case 0xE1:
	case 0xE2:
	case 0xE3:
	case 0x94:
	case 0x95:
	case 0x96:
	case 0x97:
		finish(a, drv, ST_IDLE, 0);
		return;
	default:
		break;
	}
	if ((cmd & 0xF0) == 0x10 || (cmd & 0xF0) == 0x70) {
		/* RECALIBRATE and SEEK: there are no heads to move. */
		finish(a, drv, ST_IDLE, 0);
		return;
	}
	/* IDENTIFY PACKET DEVICE (we are not ATAPI), DMA, READ/WRITE BUFFER, NOP, the rest. */
	abort_cmd(a, drv);
}

/* ---- registers ---- */

static uint8_t status_of(struct ata *a, bool acknowledge)
{
	struct ata_drive *drv = &a->drive[selected(a)];
	if (!drv->disk)
		return 0x00; /* device 0 answers for an absent device 1 */
	if (a->control & CTL_SRST)
		return ST_BSY;
	if (acknowledge)
		drv->intrq = false;
	return drv->status;
}

static uint8_t read_reg(struct ata *a, unsigned reg)
{
	unsigned h = (a->control & CTL_HOB) ? 1 : 0;
	switch (reg) {
	case REG_ERROR: {
		const struct ata_drive *drv = &a->drive[selected(a)];
		return drv->disk ? drv->error : 0x00;
	}
	case REG_COUNT:
		return a->count[h];
	case REG_LBA_LOW:
		return a->lba_low[h];
	case REG_LBA_MID:
		return a->lba_mid[h];
	case REG_LBA_HIGH:
		return a->lba_high[h];
	case REG_DEVICE:
		return a->device;
	case REG_STATUS:
		return status_of(a, true);
	default:
		return 0xFF;
	}
}

static void push(uint8_t r[2], uint8_t v)
{
	r[1] = r[0];
	r[0] = v;
}

static void write_reg(struct ata *a, unsigned reg, uint8_t v)
{
	/* Any task-file write turns HOB reading off again. */
	a->control &= (uint8_t)~CTL_HOB;
	switch (reg) {
	case REG_ERROR:
		push(a->feature, v);
		break;
	case REG_COUNT:
		push(a->count, v);
		break;
	case REG_LBA_LOW:
		push(a->lba_low, v);
		break;
	case REG_LBA_MID:
		push(a->lba_mid, v);
		break;
	case REG_LBA_HIGH:
		push(a->lba_high, v);
		break;
	case REG_DEVICE:
		a->device = v;
		break;
	case REG_STATUS:
		command(a, v);
		break;
	default:
		break;
	}
}

static void write_control(struct ata *a, uint8_t v)
{
	uint8_t old = a->control;
	a->control = v & (CTL_HOB | CTL_SRST | CTL_NIEN);
	if (!(old & CTL_SRST) && (v & CTL_SRST)) {
		/* Reset starts: whatever was under way is dropped, BSY until released. */
		a->xfer = XFER_NONE;
		a->drive[0].intrq = a->drive[1].intrq = false;
	} else if ((old & CTL_SRST) && !(v & CTL_SRST)) {
		reset_drives(a, false);
	}
	/* Enabling the driver of a pending INTRQ makes the edge the PIC would see. */
	struct ata_drive *drv = &a->drive[selected(a)];
	if ((old & CTL_NIEN) && !(v & CTL_NIEN) && drv->intrq)
		irq_pulse(&a->cfg.irq);
}

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static uint32_t ata_cmd_read(void *dev, uint16_t offset, unsigned size)
{
	struct ata *a = dev;
	if (size > 4)
		size = 4;
	if (size == 0)
		return 0;
	pthread_mutex_lock(&a->lock);
	uint32_t v = 0;
	if (channel_empty(a)) {
		v = all_ones(size);
	} else if (offset == REG_DATA) {
		/* 8-, 16- and 32-bit data cycles all walk the same byte stream (whole_at). */
		for (unsigned i = 0; i < size; i++)
			v |= (uint32_t)data_in(a) << (8 * i);
	} else {
		/* the other registers are bytes: the bus splits wider accesses (byte_regs) */
		v = offset < ATA_CMD_LEN ? read_reg(a, offset) : 0xFF;
	}
	pthread_mutex_unlock(&a->lock);
	return v;
}

static void ata_cmd_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct ata *a = dev;
	if (size > 4)
		size = 4;
	pthread_mutex_lock(&a->lock);
	if (channel_empty(a)) {
		/* nothing on the cable latches anything */
	} else if (offset == REG_DATA) {
		for (unsigned i = 0; i < size; i++)
			data_out(a, (uint8_t)(value >> (8 * i)));
	} else if (offset < ATA_CMD_LEN) {
		write_reg(a, offset, (uint8_t)value);
	}
	pthread_mutex_unlock(&a->lock);
}

static uint32_t ata_ctl_read(void *dev, uint16_t offset, unsigned size)
{
	struct ata *a = dev;
	if (size == 0)
		return 0;
	uint32_t v = 0xFF; /* a byte register: the bus splits wider accesses (byte_regs) */
	pthread_mutex_lock(&a->lock);
	if (offset == 0 && !channel_empty(a))
		v = status_of(a, false);
	pthread_mutex_unlock(&a->lock);
	return v;
}

static void ata_ctl_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct ata *a = dev;
	if (offset != 0 || size == 0)
		return;
	pthread_mutex_lock(&a->lock);
	if (!channel_empty(a))
		write_control(a, (uint8_t)value);
	pthread_mutex_unlock(&a->lock);
}

const struct io_ops ata_cmd_io_ops = {
    .read = ata_cmd_read, .write = ata_cmd_write, .byte_regs = true, .whole_at = 1u << REG_DATA};
const struct io_ops ata_ctl_io_ops = {
    .read = ata_ctl_read, .write = ata_ctl_write, .byte_regs = true};

static void power_on(struct ata *a)
{
	a->control = 0;
	memset(a->feature, 0, sizeof(a->feature));
	reset_drives(a, true);
}

int ata_init(struct ata *a, const struct ata_config *cfg)
{
	if (!a || !cfg || (cfg->slave && !cfg->master))
		return -EINVAL;
	if ((cfg->master && !cfg->master->map) || (cfg->slave && !cfg->slave->map))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	struct disk *disks[2] = {cfg->master, cfg->slave};
	for (unsigned i = 0; i < 2; i++) {
		a->drive[i].disk = disks[i];
		if (disks[i])
			a->drive[i].def = default_geometry(disks[i]->sectors);
	}
	int err = pthread_mutex_init(&a->lock, NULL);
	if (err)
		return -err;
	power_on(a);
	return 0;
}

void ata_destroy(struct ata *a)
{
	if (a)
		pthread_mutex_destroy(&a->lock);
}

void ata_reset(struct ata *a)
{
	pthread_mutex_lock(&a->lock);
	power_on(a);
	pthread_mutex_unlock(&a->lock);
}

/* The state starts at `drive`; its disk pointers are this VM's, never saved. */
size_t ata_state_size(void)
{
	return sizeof(struct ata) - offsetof(struct ata, drive);
}

void ata_save(struct ata *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, d->drive, ata_state_size());
	pthread_mutex_unlock(&d->lock);
	/* a present drive is marked by a non-NULL pointer; (void *)1 says "present", no address */
	struct ata_drive *sd = (struct ata_drive *)out;
	for (unsigned i = 0; i < 2; i++)
		sd[i].disk = sd[i].disk ? (struct disk *)1 : NULL;
}

int ata_load(struct ata *d, const void *in)
{
	const struct ata_drive *sd = in;
	struct disk *keep[2] = {d->drive[0].disk, d->drive[1].disk};
	for (unsigned i = 0; i < 2; i++)
		if ((sd[i].disk != NULL) != (keep[i] != NULL))
			return -ENODEV;
	pthread_mutex_lock(&d->lock);
	memcpy(d->drive, in, ata_state_size());
	for (unsigned i = 0; i < 2; i++) {
		snap_fix_bool(&d->drive[i].intrq);
		snap_fix_bool(&d->drive[i].keep_settings);
	}
	d->drive[0].disk = keep[0];
	d->drive[1].disk = keep[1];
	/* indices into the arrays: a damaged file must not reach past them */
	bool bad = d->xfer_drive > 1 || d->len > sizeof(d->buf) || d->pos > d->len;
	pthread_mutex_unlock(&d->lock);
	return bad ? -EINVAL : 0;
}
