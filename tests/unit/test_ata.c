/* Unit tests of the ATA/IDE channel, driven through its ports as a guest's driver would. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/ata.h"
#include "tests/support/fakes.h"
#include "vmm/bus.h"

/* Register offsets and bits from the ATA/ATAPI-6 standard, written out independently here. */
#define DATA	0
#define ERROR	1
#define FEATURE 1
#define COUNT	2
#define LBA_LO	3
#define SECTOR	3
#define LBA_MID 4
#define CYL_LO	4
#define LBA_HI	5
#define CYL_HI	5
#define DEVICE	6
#define STATUS	7
#define COMMAND 7

#define BSY  0x80
#define DRDY 0x40
#define DSC  0x10
#define DRQ  0x08
#define ERR  0x01

#define ABRT 0x04
#define IDNF 0x10

#define NIEN 0x02
#define SRST 0x04
#define HOB  0x80

#define IDLE	(DRDY | DSC)
#define WAITING (DRDY | DSC | DRQ)

#define SEL_MASTER_LBA 0xE0
#define SEL_SLAVE_LBA  0xF0
#define SEL_MASTER_CHS 0xA0
#define SEL_SLAVE_CHS  0xB0

#define SECTOR_BYTES 512

/* Byte i of sector s of an image made with `seed`: the LBA first, then a running pattern. */
static uint8_t pat(uint8_t seed, uint64_t s, unsigned i)
{
	if (i < 4)
		return (uint8_t)(s >> (8 * i));
	return (uint8_t)(s * 13 + i + seed);
}

struct img {
	char path[64];
	struct disk d;
};

static void img_make(struct img *m, uint64_t sectors, uint8_t seed, enum disk_mode mode, bool fill)
{
	snprintf(m->path, sizeof(m->path), "/tmp/tvmm_ata_XXXXXX");
	int fd = mkstemp(m->path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)(sectors * SECTOR_BYTES)), 0);
	if (fill) {
		enum { CHUNK = 128 };
		static const size_t chunk_bytes = CHUNK * SECTOR_BYTES;
		uint8_t *buf = malloc(chunk_bytes);
		cr_assert_not_null(buf);
		for (uint64_t s0 = 0; s0 < sectors; s0 += CHUNK) {
			uint64_t n = sectors - s0 < CHUNK ? sectors - s0 : CHUNK;
			for (uint64_t s = 0; s < n; s++)
				for (unsigned i = 0; i < SECTOR_BYTES; i++)
					buf[s * SECTOR_BYTES + i] = pat(seed, s0 + s, i);
			ssize_t want = (ssize_t)(n * SECTOR_BYTES);
			cr_assert_eq(pwrite(fd, buf, (size_t)want, (off_t)(s0 * SECTOR_BYTES)),
				     want);
		}
		free(buf);
	}
	close(fd);
	const char *why = NULL;
	cr_assert_eq(disk_open(&m->d, m->path, DISK_HARD, mode, &why), 0, "%s", why);
}

static void img_drop(struct img *m)
{
	disk_close(&m->d);
	unlink(m->path);
}

struct rig {
	struct ata a;
	struct fake_irq irq;
	struct img master, slave;
	bool has_master, has_slave;
};

static void rig_up(struct rig *r, uint64_t master_sectors, uint64_t slave_sectors,
		   enum disk_mode mode)
{
	memset(r, 0, sizeof(*r));
	struct ata_config cfg = {.irq = fake_irq_line(&r->irq, 14)};
	if (master_sectors) {
		img_make(&r->master, master_sectors, 0, mode, true);
		r->has_master = true;
		cfg.master = &r->master.d;
	}
	if (slave_sectors) {
		img_make(&r->slave, slave_sectors, 0x80, mode, true);
		r->has_slave = true;
		cfg.slave = &r->slave.d;
	}
	cr_assert_eq(ata_init(&r->a, &cfg), 0);
}

static void rig_down(struct rig *r)
{
	ata_destroy(&r->a);
	if (r->has_master)
		img_drop(&r->master);
	if (r->has_slave)
		img_drop(&r->slave);
}

static void outb(struct rig *r, uint16_t off, uint8_t v)
{
	ata_cmd_io_ops.write(&r->a, off, 1, v);
}

static uint8_t inb(struct rig *r, uint16_t off)
{
	return (uint8_t)ata_cmd_io_ops.read(&r->a, off, 1);
}

static uint16_t inw(struct rig *r)
{
	return (uint16_t)io_ops_read(&ata_cmd_io_ops, &r->a, ATA_CMD_LEN, DATA, 2);
}

static void outw(struct rig *r, uint16_t v)
{
	io_ops_write(&ata_cmd_io_ops, &r->a, ATA_CMD_LEN, DATA, 2, v);
}

static uint8_t alt_status(struct rig *r)
{
	return (uint8_t)ata_ctl_io_ops.read(&r->a, 0, 1);
}

static void devctl(struct rig *r, uint8_t v)
{
	ata_ctl_io_ops.write(&r->a, 0, 1, v);
}

static void lba28(struct rig *r, uint8_t sel, uint32_t lba, uint8_t count)
{
	outb(r, DEVICE, (uint8_t)(sel | ((lba >> 24) & 0x0F)));
	outb(r, COUNT, count);
	outb(r, LBA_LO, (uint8_t)lba);
	outb(r, LBA_MID, (uint8_t)(lba >> 8));
	outb(r, LBA_HI, (uint8_t)(lba >> 16));
}

static void chs(struct rig *r, uint8_t sel, unsigned c, unsigned h, unsigned s, uint8_t count)
{
	outb(r, DEVICE, (uint8_t)(sel | h));
	outb(r, COUNT, count);
	outb(r, SECTOR, (uint8_t)s);
	outb(r, CYL_LO, (uint8_t)c);
	outb(r, CYL_HI, (uint8_t)(c >> 8));
}

/* One DRQ block of `sectors` sectors through 16-bit data reads. */
static void read_words(struct rig *r, uint8_t *out, unsigned sectors)
{
	for (unsigned w = 0; w < sectors * 256; w++) {
		uint16_t v = inw(r);
		out[2 * w] = (uint8_t)v;
		out[2 * w + 1] = (uint8_t)(v >> 8);
	}
}

static void write_words(struct rig *r, const uint8_t *in, unsigned sectors)
{
	for (unsigned w = 0; w < sectors * 256; w++)
		outw(r, (uint16_t)(in[2 * w] | in[2 * w + 1] << 8));
}

static void expect_sector(const uint8_t *buf, uint8_t seed, uint64_t lba)
{
	for (unsigned i = 0; i < SECTOR_BYTES; i++)
		cr_assert_eq(buf[i], pat(seed, lba, i), "sector %llu byte %u: %#x, expected %#x",
			     (unsigned long long)lba, i, buf[i], pat(seed, lba, i));
}

static void identify(struct rig *r, uint8_t sel, uint16_t id[256])
{
	outb(r, DEVICE, sel);
	outb(r, COMMAND, 0xEC);
	cr_assert_eq(alt_status(r), WAITING);
	for (unsigned i = 0; i < 256; i++)
		id[i] = inw(r);
	cr_assert_eq(inb(r, STATUS), IDLE);
}

/* ATA strings carry two characters a word, the first in the high byte. */
static void ata_string(const uint16_t *id, unsigned word, unsigned words, char *out)
{
	for (unsigned i = 0; i < words; i++) {
		out[2 * i] = (char)(id[word + i] >> 8);
		out[2 * i + 1] = (char)(id[word + i] & 0xFF);
	}
	out[2 * words] = 0;
}

/* ---- power-on and reset ---- */

Test(ata_reset, power_on_state_has_signature)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(inb(&r, ERROR), 0x01, "diagnostic code 01h: no error");
	cr_assert_eq(inb(&r, COUNT), 1);
	cr_assert_eq(inb(&r, LBA_LO), 1);
	cr_assert_eq(inb(&r, LBA_MID), 0);
	cr_assert_eq(inb(&r, LBA_HI), 0);
	cr_assert_eq(r.irq.rises, 0);
	rig_down(&r);
}

Test(ata_reset, srst_aborts_transfer_and_leaves_signature)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 100, 4);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	(void)inw(&r);
	unsigned rises = r.irq.rises;

	devctl(&r, SRST);
	cr_assert_eq(alt_status(&r) & BSY, BSY, "busy while SRST is held");
	outb(&r, COMMAND, 0xEC); /* ignored during reset */
	devctl(&r, 0);
	cr_assert_eq(alt_status(&r), IDLE);
	cr_assert_eq(inb(&r, ERROR), 0x01);
	cr_assert_eq(inb(&r, COUNT), 1);
	cr_assert_eq(inb(&r, LBA_LO), 1);
	cr_assert_eq(inb(&r, LBA_MID), 0);
	cr_assert_eq(inb(&r, LBA_HI), 0);
	cr_assert_eq(inb(&r, DEVICE) & 0x10, 0, "device 0 selected after reset");
	cr_assert_eq(r.irq.rises, rises, "a software reset raises no interrupt");
	cr_assert_eq(inw(&r), 0xFFFF, "no data phase after reset");
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

Test(ata_reset, srst_resets_both_devices)
{
	struct rig r;
	rig_up(&r, 2048, 2048, DISK_SNAPSHOT);
	outb(&r, DEVICE, SEL_SLAVE_LBA);
	outb(&r, COMMAND, 0x00); /* NOP aborts: leaves ERR set on the slave */
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	devctl(&r, SRST);
	devctl(&r, 0);
	cr_assert_eq(inb(&r, STATUS), IDLE, "master");
	outb(&r, DEVICE, SEL_SLAVE_LBA);
	cr_assert_eq(inb(&r, STATUS), IDLE, "slave");
	cr_assert_eq(inb(&r, ERROR), 0x01);
	rig_down(&r);
}

Test(ata_reset, hardware_reset_restores_power_on_state)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	outb(&r, COUNT, 8);
	outb(&r, COMMAND, 0xC6);
	devctl(&r, NIEN);
	outb(&r, COMMAND, 0xEC);
	ata_reset(&r.a);
	cr_assert_eq(alt_status(&r), IDLE);
	cr_assert_eq(inb(&r, COUNT), 1);
	uint16_t id[256];
	identify(&r, SEL_MASTER_LBA, id);
	cr_assert_eq(id[59] & 0x1FF, 0, "multiple mode off again");
	cr_assert_gt(r.irq.rises, 0, "nIEN cleared by the reset");
	rig_down(&r);
}

Test(ata_reset, diagnostic_reports_pass_and_interrupts)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_SLAVE_LBA, 0x123456, 9); /* issued with the absent slave selected */
	outb(&r, COMMAND, 0x90);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(inb(&r, ERROR), 0x01);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(inb(&r, COUNT), 1);
	cr_assert_eq(inb(&r, LBA_LO), 1);
	cr_assert_eq(inb(&r, LBA_MID), 0);
	cr_assert_eq(inb(&r, LBA_HI), 0);
	rig_down(&r);
}

/* ---- IDENTIFY ---- */

Test(ata_identify, contents)
{
	struct rig r;
	rig_up(&r, 40960, 0, DISK_SNAPSHOT); /* 20 MiB */
	outb(&r, DEVICE, SEL_MASTER_LBA);
	outb(&r, COMMAND, 0xEC);
	cr_assert_eq(r.irq.rises, 1, "data-in: interrupt when the block is ready");
	uint16_t id[256];
	cr_assert_eq(alt_status(&r), WAITING);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	for (unsigned i = 0; i < 256; i++)
		id[i] = inw(&r);
	cr_assert_eq(inb(&r, STATUS), IDLE, "DRQ drops after 256 words");
	cr_assert_eq(r.irq.rises, 1, "no interrupt at the end of data-in");

	cr_assert_eq(id[0] & 0x8000, 0, "ATA device");
	char s[41];
	ata_string(id, 27, 20, s);
	cr_assert_str_eq(s, "TINYVMM HARDDISK                        ");
	ata_string(id, 10, 10, s);
	cr_assert_neq(s[0], ' ', "serial number present");
	ata_string(id, 23, 4, s);
	cr_assert_neq(s[0], ' ', "firmware revision present");

	cr_assert_eq(id[1], 40, "cylinders: 40960 / (16 * 63)");
	cr_assert_eq(id[3], 16);
	cr_assert_eq(id[6], 63);
	cr_assert_eq(id[47] & 0xFF00, 0x8000);
	cr_assert_geq(id[47] & 0xFF, 2, "MULTIPLE supported");
	cr_assert(id[49] & (1 << 9), "LBA supported");
	cr_assert_eq(id[53] & 1, 1, "words 54-58 valid");
	cr_assert_eq(id[54], 40);
	cr_assert_eq(id[55], 16);
	cr_assert_eq(id[56], 63);
	cr_assert_eq(id[57] | (uint32_t)id[58] << 16, 40u * 16 * 63);
	cr_assert_eq(id[59] & 0x100, 0, "multiple mode not set yet");
	cr_assert_eq(id[60] | (uint32_t)id[61] << 16, 40960, "LBA28 capacity");
	cr_assert_eq(id[83] & 0xC000, 0x4000, "word 83 valid");
	cr_assert(id[83] & (1 << 10), "48-bit addressing supported");
	cr_assert(id[83] & (1 << 12), "FLUSH CACHE supported");
	cr_assert(id[86] & (1 << 10), "48-bit addressing enabled");
	cr_assert(id[86] & (1 << 12));
	uint64_t cap48 = 0;
	for (unsigned i = 0; i < 4; i++)
		cap48 |= (uint64_t)id[100 + i] << (16 * i);
	cr_assert_eq(cap48, 40960, "LBA48 capacity");

	cr_assert_eq(id[255] & 0xFF, 0xA5, "integrity signature");
	uint8_t sum = 0;
	for (unsigned i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
	cr_assert_eq(sum, 0, "checksum");
	rig_down(&r);
}

Test(ata_identify, big_disk_caps_lba28_and_chs)
{
	struct rig r;
	memset(&r, 0, sizeof(r));
	uint64_t sectors = (1ull << 28) + 4096; /* sparse, just over 128 GiB */
	img_make(&r.master, sectors, 0, DISK_SNAPSHOT, false);
	r.has_master = true;
	struct ata_config cfg = {.irq = fake_irq_line(&r.irq, 14), .master = &r.master.d};
	cr_assert_eq(ata_init(&r.a, &cfg), 0);
	uint16_t id[256];
	identify(&r, SEL_MASTER_LBA, id);
	cr_assert_eq(id[60] | (uint32_t)id[61] << 16, 0x0FFFFFFF);
	uint64_t cap48 = 0;
	for (unsigned i = 0; i < 4; i++)
		cap48 |= (uint64_t)id[100 + i] << (16 * i);
	cr_assert_eq(cap48, sectors);
	cr_assert_eq(id[1], 16383);
	cr_assert_eq(id[3], 16);
	cr_assert_eq(id[6], 63);

	/* Beyond LBA28's reach only a 48-bit command gets there. */
	lba28(&r, SEL_MASTER_LBA, 0x0FFFFFFF, 1);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	rig_down(&r);
}

Test(ata_identify, packet_identify_aborts)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	outb(&r, DEVICE, SEL_MASTER_LBA);
	outb(&r, COMMAND, 0xA1);
	cr_assert_eq(inb(&r, STATUS), DRDY | DSC | ERR);
	cr_assert_eq(inb(&r, ERROR), ABRT);
	cr_assert_eq(r.irq.rises, 1);
	rig_down(&r);
}

/* ---- reads ---- */

Test(ata_read, single_sector_lba28)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 1234, 1);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	uint8_t buf[SECTOR_BYTES];
	read_words(&r, buf, 1);
	expect_sector(buf, 0, 1234);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(inb(&r, ERROR), 0);
	cr_assert_eq(r.irq.rises, 1);
	rig_down(&r);
}

Test(ata_read, multi_sector_drq_and_interrupt_per_sector)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 2045, 3); /* up to the last sector */
	outb(&r, COMMAND, 0x21);
	uint8_t buf[SECTOR_BYTES];
	for (unsigned s = 0; s < 3; s++) {
		cr_assert_eq(r.irq.rises, s + 1, "an interrupt per sector");
		cr_assert_eq(inb(&r, STATUS), WAITING);
		read_words(&r, buf, 1);
		expect_sector(buf, 0, 2045 + s);
	}
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(r.irq.rises, 3);
	rig_down(&r);
}

Test(ata_read, count_zero_means_256)
{
	struct rig r;
	rig_up(&r, 600, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 300, 0);
	outb(&r, COMMAND, 0x20);
	uint8_t buf[SECTOR_BYTES];
	for (unsigned s = 0; s < 256; s++) {
		cr_assert_eq(inb(&r, STATUS), WAITING, "sector %u", s);
		read_words(&r, buf, 1);
		expect_sector(buf, 0, 300 + s);
	}
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(r.irq.rises, 256);
	cr_assert_eq(inw(&r), 0xFFFF, "nothing more to read");
	rig_down(&r);
}

Test(ata_read, dword_and_byte_data_cycles)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 7, 2);
	outb(&r, COMMAND, 0x20);
	uint8_t buf[SECTOR_BYTES];
	for (unsigned i = 0; i < SECTOR_BYTES / 4; i++) {
		uint32_t v = io_ops_read(&ata_cmd_io_ops, &r.a, ATA_CMD_LEN, DATA, 4);
		memcpy(buf + 4 * i, &v, 4);
	}
	expect_sector(buf, 0, 7);
	for (unsigned i = 0; i < SECTOR_BYTES; i++)
		buf[i] = (uint8_t)ata_cmd_io_ops.read(&r.a, DATA, 1);
	expect_sector(buf, 0, 8);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

Test(ata_read, chs_addressing)
{
	struct rig r;
	rig_up(&r, 40960, 0, DISK_SNAPSHOT); /* default translation 40/16/63 */
	chs(&r, SEL_MASTER_CHS, 1, 2, 5, 2);
	outb(&r, COMMAND, 0x20);
	uint8_t buf[SECTOR_BYTES];
	read_words(&r, buf, 1);
	expect_sector(buf, 0, (1 * 16 + 2) * 63 + 4);
	read_words(&r, buf, 1);
	expect_sector(buf, 0, (1 * 16 + 2) * 63 + 5);
	cr_assert_eq(inb(&r, STATUS), IDLE);

	chs(&r, SEL_MASTER_CHS, 0, 0, 0, 1); /* sectors count from 1 */
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	chs(&r, SEL_MASTER_CHS, 0, 0, 64, 1);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	chs(&r, SEL_MASTER_CHS, 40, 0, 1, 1); /* one cylinder past the geometry */
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	rig_down(&r);
}

Test(ata_read, initialize_device_parameters_sets_chs_translation)
{
	struct rig r;
	rig_up(&r, 40960, 0, DISK_SNAPSHOT);
	outb(&r, DEVICE, SEL_MASTER_CHS | 3); /* 4 heads */
	outb(&r, COUNT, 17);
	outb(&r, COMMAND, 0x91);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(r.irq.rises, 1);
	uint16_t id[256];
	identify(&r, SEL_MASTER_CHS, id);
	cr_assert_eq(id[54], 40960 / (4 * 17));
	cr_assert_eq(id[55], 4);
	cr_assert_eq(id[56], 17);
	cr_assert_eq(id[1], 40, "the default translation is unchanged");

	chs(&r, SEL_MASTER_CHS, 2, 1, 1, 1);
	outb(&r, COMMAND, 0x20);
	uint8_t buf[SECTOR_BYTES];
	read_words(&r, buf, 1);
	expect_sector(buf, 0, (2 * 4 + 1) * 17);

	outb(&r, COUNT, 0); /* zero sectors per track makes no geometry */
	outb(&r, COMMAND, 0x91);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	cr_assert_eq(inb(&r, ERROR), ABRT);
	rig_down(&r);
}

Test(ata_read, past_the_end_is_idnf)
{
	struct rig r;
	rig_up(&r, 100, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 99, 2);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(alt_status(&r), DRDY | DSC | ERR);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	cr_assert_eq(inw(&r), 0xFFFF, "no data phase");

	lba28(&r, SEL_MASTER_LBA, 0x0FFFFFFF, 1);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, ERROR), IDNF);

	lba28(&r, SEL_MASTER_LBA, 99, 1); /* the last sector is fine */
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	cr_assert_eq(inb(&r, ERROR), 0);
	rig_down(&r);
}

Test(ata_read, verify_checks_range_without_data)
{
	struct rig r;
	rig_up(&r, 100, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 90, 10);
	outb(&r, COMMAND, 0x40);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	lba28(&r, SEL_MASTER_LBA, 90, 11);
	outb(&r, COMMAND, 0x41);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	rig_down(&r);
}

Test(ata_read, lba48_with_hob_registers)
{
	struct rig r;
	rig_up(&r, 2048, 0, DISK_SNAPSHOT);
	outb(&r, DEVICE, SEL_MASTER_LBA);
	/* Each register takes the high-order byte first, then the low-order one. */
	outb(&r, COUNT, 0);
	outb(&r, COUNT, 2);
	outb(&r, LBA_LO, 0);
	outb(&r, LBA_LO, 0xF0);
	outb(&r, LBA_MID, 0);
	outb(&r, LBA_MID, 0x03);
	outb(&r, LBA_HI, 0);
	outb(&r, LBA_HI, 0);
	outb(&r, COMMAND, 0x24);
	uint8_t buf[SECTOR_BYTES];
	read_words(&r, buf, 1);
	expect_sector(buf, 0, 0x3F0);
	read_words(&r, buf, 1);
	expect_sector(buf, 0, 0x3F1);
	cr_assert_eq(inb(&r, STATUS), IDLE);

	/* A non-zero high byte puts the start past this small disk. */
	outb(&r, COUNT, 0);
	outb(&r, COUNT, 1);
	outb(&r, LBA_LO, 1);
	outb(&r, LBA_LO, 0);
	outb(&r, LBA_MID, 0);
	outb(&r, LBA_MID, 0);
	outb(&r, LBA_HI, 0);
	outb(&r, LBA_HI, 0);
	outb(&r, COMMAND, 0x24);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	rig_down(&r);
}

Test(ata_read, hob_bit_reads_the_previous_byte)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	outb(&r, COUNT, 0x12);
	outb(&r, COUNT, 0x34);
	outb(&r, LBA_HI, 0x56);
	outb(&r, LBA_HI, 0x78);
	cr_assert_eq(inb(&r, COUNT), 0x34);
	devctl(&r, HOB);
	cr_assert_eq(inb(&r, COUNT), 0x12);
	cr_assert_eq(inb(&r, LBA_HI), 0x56);
	outb(&r, FEATURE, 0); /* any task-file write clears HOB */
	cr_assert_eq(inb(&r, COUNT), 0x34);
	rig_down(&r);
}

/* ---- writes ---- */

static void fill(uint8_t *buf, unsigned sectors, uint8_t v)
{
	for (unsigned i = 0; i < sectors * SECTOR_BYTES; i++)
		buf[i] = (uint8_t)(v + i * 3);
}

Test(ata_write, single_and_multi_sector)
{
	struct rig r;
	rig_up(&r, 256, 0, DISK_SNAPSHOT);
	uint8_t w[2 * SECTOR_BYTES], got[2 * SECTOR_BYTES];
	fill(w, 2, 0x11);
	lba28(&r, SEL_MASTER_LBA, 20, 2);
	outb(&r, COMMAND, 0x30);
	cr_assert_eq(inb(&r, STATUS), WAITING, "data-out: DRQ at once");
	cr_assert_eq(r.irq.rises, 0, "no interrupt before the first block");
	write_words(&r, w, 1);
	cr_assert_eq(r.irq.rises, 1);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	write_words(&r, w + SECTOR_BYTES, 1);
	cr_assert_eq(r.irq.rises, 2, "completion interrupt");
	cr_assert_eq(inb(&r, STATUS), IDLE);

	cr_assert_eq(disk_read(&r.master.d, 20, 2, got), 0);
	cr_assert_arr_eq(got, w, sizeof(w));
	cr_assert_eq(disk_read(&r.master.d, 22, 1, got), 0);
	expect_sector(got, 0, 22);

	/* and back through the port */
	lba28(&r, SEL_MASTER_LBA, 21, 1);
	outb(&r, COMMAND, 0x20);
	read_words(&r, got, 1);
	cr_assert_arr_eq(got, w + SECTOR_BYTES, SECTOR_BYTES);
	rig_down(&r);
}

Test(ata_write, count_zero_writes_256)
{
	struct rig r;
	rig_up(&r, 300, 0, DISK_SNAPSHOT);
	uint8_t w[SECTOR_BYTES], got[SECTOR_BYTES];
	lba28(&r, SEL_MASTER_LBA, 40, 0);
	outb(&r, COMMAND, 0x31);
	for (unsigned s = 0; s < 256; s++) {
		cr_assert_eq(inb(&r, STATUS), WAITING);
		fill(w, 1, (uint8_t)s);
		write_words(&r, w, 1);
	}
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(r.irq.rises, 256);
	for (unsigned s = 0; s < 256; s += 51) {
		cr_assert_eq(disk_read(&r.master.d, 40 + s, 1, got), 0);
		fill(w, 1, (uint8_t)s);
		cr_assert_arr_eq(got, w, sizeof(w));
	}
	cr_assert_eq(disk_read(&r.master.d, 296, 1, got), 0);
	expect_sector(got, 0, 296);
	rig_down(&r);
}

Test(ata_write, past_the_end_and_read_only)
{
	struct rig r;
	rig_up(&r, 100, 0, DISK_READONLY);
	lba28(&r, SEL_MASTER_LBA, 10, 1);
	outb(&r, COMMAND, 0x30);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR, "read-only image");
	cr_assert_eq(inb(&r, ERROR), ABRT);
	rig_down(&r);

	rig_up(&r, 100, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 100, 1);
	outb(&r, COMMAND, 0x30);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	cr_assert_eq(inb(&r, ERROR), IDNF);
	outw(&r, 0x1234); /* ignored: no data phase */
	uint8_t got[SECTOR_BYTES];
	cr_assert_eq(disk_read(&r.master.d, 99, 1, got), 0);
	expect_sector(got, 0, 99);
	rig_down(&r);
}

Test(ata_write, flush_reaches_the_file)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_WRITABLE);
	uint8_t w[SECTOR_BYTES], f[SECTOR_BYTES];
	fill(w, 1, 0x77);
	lba28(&r, SEL_MASTER_LBA, 63, 1);
	outb(&r, COMMAND, 0x30);
	write_words(&r, w, 1);
	outb(&r, COMMAND, 0xE7);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(r.irq.rises, 2);
	int fd = open(r.master.path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, f, sizeof(f), 63 * SECTOR_BYTES), (ssize_t)sizeof(f));
	close(fd);
	cr_assert_arr_eq(f, w, sizeof(w));
	rig_down(&r);
}

Test(ata_write, lba48_write)
{
	struct rig r;
	rig_up(&r, 1024, 0, DISK_SNAPSHOT);
	uint8_t w[SECTOR_BYTES], got[SECTOR_BYTES];
	fill(w, 1, 0x42);
	outb(&r, DEVICE, SEL_MASTER_LBA);
	outb(&r, COUNT, 0);
	outb(&r, COUNT, 1);
	outb(&r, LBA_LO, 0);
	outb(&r, LBA_LO, 0xFF);
	outb(&r, LBA_MID, 0);
	outb(&r, LBA_MID, 0x03);
	outb(&r, LBA_HI, 0);
	outb(&r, LBA_HI, 0);
	outb(&r, COMMAND, 0x34);
	write_words(&r, w, 1);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(disk_read(&r.master.d, 1023, 1, got), 0);
	cr_assert_arr_eq(got, w, sizeof(w));
	rig_down(&r);
}

/* ---- MULTIPLE ---- */

Test(ata_multiple, needs_set_multiple_mode)
{
	struct rig r;
	rig_up(&r, 256, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 0, 4);
	outb(&r, COMMAND, 0xC4);
	cr_assert_eq(inb(&r, STATUS), IDLE | ERR);
	cr_assert_eq(inb(&r, ERROR), ABRT);

	outb(&r, COUNT, 3); /* not a supported block size */
	outb(&r, COMMAND, 0xC6);
	cr_assert_eq(inb(&r, ERROR), ABRT);
	lba28(&r, SEL_MASTER_LBA, 0, 4);
	outb(&r, COMMAND, 0xC5);
	cr_assert_eq(inb(&r, ERROR), ABRT, "still disabled");
	rig_down(&r);
}

Test(ata_multiple, read_in_blocks)
{
	struct rig r;
	rig_up(&r, 256, 0, DISK_SNAPSHOT);
	outb(&r, COUNT, 4);
	outb(&r, COMMAND, 0xC6);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	uint16_t id[256];
	identify(&r, SEL_MASTER_LBA, id);
	cr_assert_eq(id[59], 0x0104, "multiple setting valid, 4 sectors");
	unsigned rises = r.irq.rises;

	lba28(&r, SEL_MASTER_LBA, 50, 10); /* blocks of 4, 4 and 2 */
	outb(&r, COMMAND, 0xC4);
	static const unsigned blocks[] = {4, 4, 2};
	uint64_t lba = 50;
	uint8_t buf[4 * SECTOR_BYTES];
	for (unsigned b = 0; b < 3; b++) {
		cr_assert_eq(r.irq.rises, rises + b + 1, "an interrupt per block");
		cr_assert_eq(inb(&r, STATUS), WAITING);
		for (unsigned s = 0; s < blocks[b]; s++) {
			read_words(&r, buf, 1);
			expect_sector(buf, 0, lba++);
			if (s + 1 < blocks[b])
				cr_assert_eq(alt_status(&r), WAITING, "DRQ held within a block");
		}
	}
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(r.irq.rises, rises + 3);
	rig_down(&r);
}

Test(ata_multiple, write_in_blocks)
{
	struct rig r;
	rig_up(&r, 256, 0, DISK_SNAPSHOT);
	outb(&r, COUNT, 4);
	outb(&r, COMMAND, 0xC6);
	unsigned rises = r.irq.rises;
	uint8_t w[6 * SECTOR_BYTES], got[6 * SECTOR_BYTES];
	fill(w, 6, 0x99);
	lba28(&r, SEL_MASTER_LBA, 100, 6);
	outb(&r, COMMAND, 0xC5);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	cr_assert_eq(r.irq.rises, rises);
	write_words(&r, w, 3);
	cr_assert_eq(r.irq.rises, rises, "block of 4 not complete yet");
	write_words(&r, w + 3 * SECTOR_BYTES, 1);
	cr_assert_eq(r.irq.rises, rises + 1);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	write_words(&r, w + 4 * SECTOR_BYTES, 2);
	cr_assert_eq(r.irq.rises, rises + 2);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	cr_assert_eq(disk_read(&r.master.d, 100, 6, got), 0);
	cr_assert_arr_eq(got, w, sizeof(w));
	rig_down(&r);
}

Test(ata_multiple, srst_reverts_unless_kept)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	outb(&r, COUNT, 8);
	outb(&r, COMMAND, 0xC6);
	devctl(&r, SRST);
	devctl(&r, 0);
	lba28(&r, SEL_MASTER_LBA, 0, 1);
	outb(&r, COMMAND, 0xC4);
	cr_assert_eq(inb(&r, ERROR), ABRT, "software reset restored the default (off)");

	outb(&r, FEATURE, 0x66); /* keep settings over software resets */
	outb(&r, COMMAND, 0xEF);
	outb(&r, COUNT, 8);
	outb(&r, COMMAND, 0xC6);
	devctl(&r, SRST);
	devctl(&r, 0);
	lba28(&r, SEL_MASTER_LBA, 0, 1);
	outb(&r, COMMAND, 0xC4);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	rig_down(&r);
}

/* ---- interrupts ---- */

Test(ata_irq, nien_masks_and_status_read_acknowledges)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	devctl(&r, NIEN);
	lba28(&r, SEL_MASTER_LBA, 1, 1);
	outb(&r, COMMAND, 0x40);
	cr_assert_eq(r.irq.rises, 0, "nIEN set: no interrupt");
	cr_assert_eq(alt_status(&r), IDLE, "alternate status does not acknowledge");
	devctl(&r, 0);
	cr_assert_eq(r.irq.rises, 1, "the pending interrupt shows once enabled");

	devctl(&r, NIEN);
	lba28(&r, SEL_MASTER_LBA, 1, 1);
	outb(&r, COMMAND, 0x40);
	cr_assert_eq(inb(&r, STATUS), IDLE); /* acknowledges */
	devctl(&r, 0);
	cr_assert_eq(r.irq.rises, 1, "nothing pending any more");

	lba28(&r, SEL_MASTER_LBA, 1, 1);
	outb(&r, COMMAND, 0x40);
	cr_assert_eq(r.irq.rises, 2);
	cr_assert_eq(r.irq.last_gsi, 14);
	cr_assert_eq(r.irq.level, 0, "an edge: the line is left low");
	rig_down(&r);
}

/* ---- devices on the channel ---- */

Test(ata_devices, absent_slave_reads_status_zero)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	outb(&r, DEVICE, SEL_SLAVE_CHS);
	cr_assert_eq(inb(&r, STATUS), 0x00);
	cr_assert_eq(alt_status(&r), 0x00);
	outb(&r, COMMAND, 0xEC);
	cr_assert_eq(inb(&r, STATUS), 0x00, "no one executes it");
	cr_assert_eq(r.irq.rises, 0);
	cr_assert_eq(inw(&r), 0xFFFF);
	outb(&r, DEVICE, SEL_MASTER_CHS);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

Test(ata_devices, slave_is_its_own_disk)
{
	struct rig r;
	rig_up(&r, 64, 128, DISK_SNAPSHOT);
	uint16_t idm[256], ids[256];
	identify(&r, SEL_MASTER_LBA, idm);
	identify(&r, SEL_SLAVE_LBA, ids);
	cr_assert_eq(idm[60], 64);
	cr_assert_eq(ids[60], 128);
	cr_assert_neq(memcmp(&idm[10], &ids[10], 20), 0, "distinct serial numbers");

	lba28(&r, SEL_SLAVE_LBA, 100, 1);
	outb(&r, COMMAND, 0x20);
	uint8_t buf[SECTOR_BYTES];
	read_words(&r, buf, 1);
	expect_sector(buf, 0x80, 100);
	outb(&r, DEVICE, SEL_MASTER_LBA);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

Test(ata_devices, empty_channel_floats)
{
	struct rig r;
	rig_up(&r, 0, 0, DISK_SNAPSHOT);
	for (uint16_t off = 0; off < 8; off++)
		cr_assert_eq(inb(&r, off), 0xFF, "offset %u", off);
	cr_assert_eq(inw(&r), 0xFFFF);
	cr_assert_eq(io_ops_read(&ata_cmd_io_ops, &r.a, ATA_CMD_LEN, DATA, 4), 0xFFFFFFFFu);
	cr_assert_eq(alt_status(&r), 0xFF);
	outb(&r, COMMAND, 0xEC);
	devctl(&r, SRST);
	cr_assert_eq(inb(&r, STATUS), 0xFF);
	cr_assert_eq(r.irq.rises, 0);
	rig_down(&r);
}

Test(ata_devices, init_checks_config)
{
	struct ata a;
	struct fake_irq irq;
	struct disk d;
	memset(&d, 0, sizeof(d));
	struct ata_config cfg = {.irq = fake_irq_line(&irq, 14), .slave = &d};
	cr_assert_eq(ata_init(&a, &cfg), -EINVAL, "a slave needs a master");
	cr_assert_eq(ata_init(NULL, &cfg), -EINVAL);
	cr_assert_eq(ata_init(&a, NULL), -EINVAL);
	cfg.slave = NULL;
	cfg.master = &d;
	cr_assert_eq(ata_init(&a, &cfg), -EINVAL, "a disk that is not open");
}

/* ---- other commands ---- */

Test(ata_commands, unknown_and_unsupported_abort)
{
	static const uint8_t cmds[] = {0x00, 0x08, 0xA0, 0xC8, 0xCA, 0x25, 0xE4, 0xE8, 0xF8, 0xFF};
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	for (size_t i = 0; i < sizeof(cmds); i++) {
		unsigned rises = r.irq.rises;
		outb(&r, DEVICE, SEL_MASTER_LBA);
		outb(&r, COMMAND, cmds[i]);
		cr_assert_eq(alt_status(&r), DRDY | DSC | ERR, "command %#x", cmds[i]);
		cr_assert_eq(inb(&r, ERROR), ABRT, "command %#x", cmds[i]);
		cr_assert_eq(r.irq.rises, rises + 1, "command %#x", cmds[i]);
		cr_assert_eq(inb(&r, STATUS), DRDY | DSC | ERR);
	}
	rig_down(&r);
}

Test(ata_commands, accepted_non_data_commands)
{
	static const uint8_t cmds[] = {0xEF, 0xE0, 0xE1, 0xE2, 0xE3, 0x94, 0x95, 0x96,
				       0x97, 0x10, 0x1F, 0x70, 0x7F, 0xE7, 0xEA};
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	for (size_t i = 0; i < sizeof(cmds); i++) {
		unsigned rises = r.irq.rises;
		outb(&r, DEVICE, SEL_MASTER_LBA);
		outb(&r, COMMAND, cmds[i]);
		cr_assert_eq(inb(&r, STATUS), IDLE, "command %#x", cmds[i]);
		cr_assert_eq(inb(&r, ERROR), 0, "command %#x", cmds[i]);
		cr_assert_eq(r.irq.rises, rises + 1, "command %#x", cmds[i]);
	}
	outb(&r, COUNT, 0);
	outb(&r, COMMAND, 0xE5);
	cr_assert_eq(inb(&r, COUNT), 0xFF, "CHECK POWER MODE: active or idle");
	outb(&r, COUNT, 0);
	outb(&r, COMMAND, 0x98);
	cr_assert_eq(inb(&r, COUNT), 0xFF);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

Test(ata_commands, new_command_abandons_a_transfer)
{
	struct rig r;
	rig_up(&r, 64, 0, DISK_SNAPSHOT);
	lba28(&r, SEL_MASTER_LBA, 3, 4);
	outb(&r, COMMAND, 0x20);
	(void)inw(&r);
	lba28(&r, SEL_MASTER_LBA, 9, 1);
	outb(&r, COMMAND, 0x20);
	uint8_t buf[SECTOR_BYTES];
	read_words(&r, buf, 1);
	expect_sector(buf, 0, 9);
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

/* ---- fuzz ---- */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(ata_fuzz, random_accesses_never_wedge_the_channel, .timeout = 120)
{
	struct rig r;
	rig_up(&r, 2048, 512, DISK_SNAPSHOT);
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	static const unsigned sizes[] = {1, 2, 4};
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t x = rng_next(&seed);
		unsigned size = sizes[(x >> 8) % 3];
		uint32_t v = (uint32_t)(x >> 32);
		bool ctl = (x & 0xF) == 0;
		uint16_t off = (uint16_t)((x >> 4) % 9); /* one past the range, too */
		bool write = (x >> 12) & 1;
		if (ctl) {
			if (write)
				io_ops_write(&ata_ctl_io_ops, &r.a, ATA_CTL_LEN, off % 2, size, v);
			else
				(void)io_ops_read(&ata_ctl_io_ops, &r.a, ATA_CTL_LEN, off % 2,
						  size);
		} else if (write) {
			io_ops_write(&ata_cmd_io_ops, &r.a, ATA_CMD_LEN, off, size, v);
		} else {
			uint32_t got = io_ops_read(&ata_cmd_io_ops, &r.a, ATA_CMD_LEN, off, size);
			if (size < 4)
				cr_assert_eq(got >> (8 * size), 0, "zero-extended");
		}
		/* A present, selected device never floats and is never busy unless in reset. */
		uint8_t st = alt_status(&r);
		cr_assert_neq(st, 0xFF, "access %u", i);
		if (st & BSY)
			cr_assert(r.a.control & SRST, "BSY only while SRST is held (access %u)", i);
	}
	/* Afterwards a driver's usual sequence still works. */
	devctl(&r, SRST);
	devctl(&r, 0);
	cr_assert_eq(alt_status(&r), IDLE);
	lba28(&r, SEL_MASTER_LBA, 2000, 1);
	outb(&r, COMMAND, 0x20);
	cr_assert_eq(inb(&r, STATUS), WAITING);
	uint8_t buf[SECTOR_BYTES], want[SECTOR_BYTES];
	read_words(&r, buf, 1);
	cr_assert_eq(disk_read(&r.master.d, 2000, 1, want), 0);
	cr_assert_arr_eq(buf, want, sizeof(buf), "the data the disk holds now");
	cr_assert_eq(inb(&r, STATUS), IDLE);
	rig_down(&r);
}

/* Snapshot: a copy loaded mid-transfer returns the same words from there on, and a copy
 * whose channel lacks the captured drive is refused. */
Test(ata_snapshot, a_read_goes_on_from_the_same_word_after_load)
{
	struct rig a, b, none;
	rig_up(&a, 2048, 0, DISK_SNAPSHOT);
	rig_up(&b, 2048, 0, DISK_SNAPSHOT); /* the same bytes: the disk is the config's */
	lba28(&a, SEL_MASTER_LBA, 100, 4);
	outb(&a, COMMAND, 0x20);
	for (unsigned w = 0; w < 300; w++)
		(void)inw(&a);
	void *st = malloc(ata_state_size());
	cr_assert_not_null(st);
	ata_save(&a.a, st);
	cr_assert_eq(ata_load(&b.a, st), 0);
	cr_assert_eq(b.a.drive[0].disk, &b.master.d, "the disk stays the loading VM's");
	for (unsigned w = 300; w < 4 * 256; w++)
		cr_assert_eq(inw(&b), inw(&a), "word %u", w);
	cr_assert_eq(inb(&b, STATUS), inb(&a, STATUS));
	memset(&none, 0, sizeof(none));
	cr_assert_eq(ata_init(&none.a, &(struct ata_config){.irq = fake_irq_line(&none.irq, 14)}),
		     0);
	cr_assert_eq(ata_load(&none.a, st), -ENODEV);
	ata_destroy(&none.a);
	free(st);
	rig_down(&a);
	rig_down(&b);
}
