/* Unit tests of int 13h on fake disks: CHS, extended (DAP) and parameter functions. */
#include "tests/unit/test_bios_fixture.h"

#define BUF 0x20000ULL /* 2000:0000 */

static struct bios_bench b;

/* 1 MiB of RAM: real-mode addresses above it are outside RAM, for the bad-buffer cases. */
static void setup(void)
{
	bench_open(&b, 1 * MIB_, EPOCH_2012_06_15_123000);
	bench_floppy_144(&b);
	bench_disk(&b, 1, 4 * MIB_, 8, 16, 63); /* 8128 sectors; 8192 in the image */
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_int13, .init = setup, .fini = teardown);

static void assert_sector_at(uint64_t gpa, uint64_t lba)
{
	uint8_t *p = gp(&b, gpa, 512);
	for (unsigned i = 0; i < 512; i++)
		cr_assert_eq(p[i], sector_byte(lba, i), "LBA %llu byte %u", (unsigned long long)lba,
			     i);
}

/* AH=02h/03h with the classic register packing of cylinder, head and sector. */
static struct bios_regs chs(uint8_t ah, uint8_t drive, unsigned cyl, unsigned head, unsigned sec,
			    uint8_t count)
{
	struct bios_regs r = regs_ax((uint16_t)(ah << 8 | count));
	r.ecx = (cyl & 0xFF) << 8 | (cyl >> 2 & 0xC0) | sec;
	r.edx = head << 8 | drive;
	r.es = BUF >> 4;
	r.ebx = 0;
	return r;
}

Test(bios_int13, chs_read_floppy_boot_sector)
{
	struct bios_regs r = chs(0x02, 0x00, 0, 0, 1, 1);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0);
	cr_assert_eq(AL(&r), 1);
	assert_sector_at(BUF, 0);
}

Test(bios_int13, chs_read_floppy_maps_to_lba)
{
	/* C=1 H=1 S=18 on 2 heads x 18 sectors: LBA (1*2+1)*18 + 17 = 71 */
	struct bios_regs r = chs(0x02, 0x00, 1, 1, 18, 2);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AL(&r), 2);
	assert_sector_at(BUF, 71);
	assert_sector_at(BUF + 512, 72);
}

Test(bios_int13, chs_read_hard_disk_with_high_cylinder_bits)
{
	/* (C * heads + H) * sectors + S - 1 */
	struct bios_regs r = chs(0x02, 0x80, 2, 3, 5, 1);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	assert_sector_at(BUF, (2 * 16 + 3) * 63 + 4);

	bench_disk(&b, 2, 600 * 2 * 4 * 512ULL, 600, 2, 4);
	r = chs(0x02, 0x81, 513, 1, 3, 1);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	assert_sector_at(BUF, (513ULL * 2 + 1) * 4 + 2);
}

Test(bios_int13, chs_out_of_geometry_is_sector_not_found)
{
	struct bios_regs cases[] = {
	    chs(0x02, 0x00, 0, 0, 19, 1), /* sector past the track */
	    chs(0x02, 0x00, 0, 0, 0, 1),  /* sectors count from 1 */
	    chs(0x02, 0x00, 0, 2, 1, 1),  /* head 2 of 2 */
	    chs(0x02, 0x00, 80, 0, 1, 1), /* cylinder 80 of 80 */
	    chs(0x02, 0x00, 79, 1, 18, 2) /* the last sector, then past the end */
	};
	uint8_t *buf = gp(&b, BUF, 1024);
	memset(buf, 0xEE, 1024);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call(&b, 0x13, &cases[i]);
		cr_assert(CF(&cases[i]), "case %u", i);
		cr_assert_eq(AH(&cases[i]), 0x04, "case %u", i);
		cr_assert_eq(AL(&cases[i]), 0, "case %u: nothing transferred", i);
	}
	for (unsigned i = 0; i < 1024; i++)
		cr_assert_eq(buf[i], 0xEE);
}

Test(bios_int13, chs_zero_count_is_invalid)
{
	struct bios_regs r = chs(0x02, 0x00, 0, 0, 1, 0);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x01);
}

Test(bios_int13, buffer_outside_ram_fails_without_writing)
{
	struct bios_regs r = chs(0x02, 0x00, 0, 0, 1, 1);
	r.es = 0xFFFF;
	r.ebx = 0x0010; /* 0x100000: just past 1 MiB of RAM */
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x09);

	r = chs(0x02, 0x00, 0, 0, 1, 2);
	r.es = 0xF000;
	r.ebx = 0xFE00; /* the second sector would cross 1 MiB */
	uint8_t *last = gp(&b, 0xFFE00, 512);
	memset(last, 0x11, 512);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x09);
	cr_assert_eq(last[0], 0x11, "no partial transfer");
}

Test(bios_int13, chs_write_reaches_the_image)
{
	uint8_t *buf = gp(&b, BUF, 512);
	for (unsigned i = 0; i < 512; i++)
		buf[i] = (uint8_t)(i ^ 0xA5);
	struct bios_regs r = chs(0x03, 0x00, 0, 1, 2, 1); /* LBA 19 */
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AL(&r), 1);
	cr_assert_eq(memcmp(b.disks[0].map + 19 * 512, buf, 512), 0);
}

Test(bios_int13, write_to_read_only_disk_is_write_protected)
{
	b.disks[0].mode = DISK_READONLY;
	struct bios_regs r = chs(0x03, 0x00, 0, 0, 1, 1);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x03);
	cr_assert_eq(b.disks[0].map[0], sector_byte(0, 0));
}

Test(bios_int13, status_reports_the_last_error)
{
	struct bios_regs r = chs(0x02, 0x00, 0, 0, 19, 1);
	call(&b, 0x13, &r);
	r = regs_ax(0x0100);
	r.edx = 0x00;
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x04);
	r = regs_ax(0x0000); /* reset clears it */
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	r = regs_ax(0x0100);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0);
}

/* AH=08h rewrites DL with the drive count; its status still belongs to the drive asked. */
Test(bios_int13, get_params_keeps_the_status_of_the_other_drive_class)
{
	struct bios_regs r = chs(0x02, 0x00, 0, 0, 19, 1); /* floppy: sector not found */
	call(&b, 0x13, &r);
	r = regs_ax(0x0800);
	r.edx = 0x80;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	r = regs_ax(0x0100);
	r.edx = 0x00;
	call(&b, 0x13, &r);
	cr_assert_eq(AH(&r), 0x04, "the floppy's last error survives a hard disk's AH=08h");
}

Test(bios_int13, absent_drives_fail)
{
	uint8_t drives[] = {0x01, 0x81, 0x82, 0xE0, 0xFF};
	for (unsigned i = 0; i < sizeof(drives); i++) {
		struct bios_regs r = chs(0x02, drives[i], 0, 0, 1, 1);
		call(&b, 0x13, &r);
		cr_assert(CF(&r), "drive %02x", drives[i]);
		r = regs_ax(0x0000);
		r.edx = drives[i];
		call(&b, 0x13, &r);
		cr_assert(CF(&r), "reset of drive %02x", drives[i]);
	}
}

Test(bios_int13, get_params_floppy_dl0)
{
	/* Offset of the diskette table as the installed blob's header gives it. */
	cr_assert_eq(bios_install(&b.env), 0);
	uint16_t table = rd16(&b, 0xF0000 + BIOS_HDR_FLOPPY_TABLE);
	struct bios_regs r = regs_ax(0x0800);
	r.edx = 0x00;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.eax & 0xFFFF, 0);
	cr_assert_eq(r.ecx & 0xFFFF, 79 << 8 | 18, "max cylinder 79, 18 sectors");
	cr_assert_eq(r.edx & 0xFFFF, 1 << 8 | 1, "max head 1, one drive");
	cr_assert_eq(r.ebx & 0xFFFF, 4, "1.44M drive type");
	cr_assert_eq(r.edi & 0xFFFF, table, "DI -> the diskette parameter table");
	cr_assert_eq(*gp(&b, 0xF0000 + table + 4, 1), 18);
}

Test(bios_int13, get_params_floppy_types)
{
	struct {
		uint64_t bytes;
		uint32_t c, h, s;
		uint8_t type;
	} t[] = {
	    {368640, 40, 2, 9, 1},
	    {1228800, 80, 2, 15, 2},
	    {737280, 80, 2, 9, 3},
	    {2949120, 80, 2, 36, 6},
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		free(b.disks[0].map);
		bench_disk(&b, 0, t[i].bytes, t[i].c, t[i].h, t[i].s);
		struct bios_regs r = regs_ax(0x0800);
		call(&b, 0x13, &r);
		cr_assert_not(CF(&r));
		cr_assert_eq(r.ebx & 0xFF, t[i].type, "%llu bytes", (unsigned long long)t[i].bytes);
		cr_assert_eq(r.ecx & 0x3F, t[i].s);
	}
}

Test(bios_int13, get_params_without_floppy_fails)
{
	b.env.floppy = NULL;
	struct bios_regs r = regs_ax(0x0800);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
}

Test(bios_int13, get_params_hard_disk_caps_at_1024_cylinders)
{
	struct bios_regs r = regs_ax(0x0800);
	r.edx = 0x80;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.ecx & 0xFFFF, 7 << 8 | 63);
	cr_assert_eq(r.edx & 0xFFFF, 15 << 8 | 1, "max head 15, one hard disk");

	bench_disk(&b, 2, 1 * MIB_, 2000, 16, 63); /* only the geometry matters here */
	r = regs_ax(0x0800);
	r.edx = 0x81;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.ecx & 0xFFFF, 0xFFFF, "cylinder 1023 in CH + CL bits 7-6, sector 63");
	cr_assert_eq(r.edx & 0xFF, 2, "two hard disks");

	r = regs_ax(0x0800);
	r.edx = 0x82;
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
}

Test(bios_int13, disk_type)
{
	struct bios_regs r = regs_ax(0x1500);
	r.edx = 0x80;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 3);
	cr_assert_eq((r.ecx & 0xFFFF) << 16 | (r.edx & 0xFFFF), 8192);

	r = regs_ax(0x1500);
	r.edx = 0x00;
	call(&b, 0x13, &r);
	cr_assert_eq(AH(&r), 1, "floppy without change line");

	r = regs_ax(0x1500);
	r.edx = 0x81;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0, "no such drive");
}

Test(bios_int13, extensions_present_for_hard_disks_only)
{
	struct bios_regs r = regs_ax(0x4100);
	r.ebx = 0x55AA;
	r.edx = 0x80;
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(r.ebx & 0xFFFF, 0xAA55);
	cr_assert(r.ecx & 1, "fixed disk access subset");
	cr_assert_geq(AH(&r), 0x20);

	r = regs_ax(0x4100);
	r.ebx = 0x55AA;
	r.edx = 0x00;
	call(&b, 0x13, &r);
	cr_assert(CF(&r), "no extensions for the floppy");

	r = regs_ax(0x4100);
	r.ebx = 0x1234;
	r.edx = 0x80;
	call(&b, 0x13, &r);
	cr_assert(CF(&r), "wrong check pattern");
}

/* A disk address packet at 0000:0600. */
static uint8_t *dap(uint8_t size, uint16_t count, uint16_t off, uint16_t seg, uint64_t lba)
{
	uint8_t *p = gp(&b, 0x600, 24);
	memset(p, 0, 24);
	p[0] = size;
	p[2] = (uint8_t)count;
	p[3] = (uint8_t)(count >> 8);
	p[4] = (uint8_t)off;
	p[5] = (uint8_t)(off >> 8);
	p[6] = (uint8_t)seg;
	p[7] = (uint8_t)(seg >> 8);
	for (unsigned i = 0; i < 8; i++)
		p[8 + i] = (uint8_t)(lba >> (8 * i));
	return p;
}

static struct bios_regs ext(uint8_t ah, uint8_t drive)
{
	struct bios_regs r = regs_ax((uint16_t)(ah << 8));
	r.edx = drive;
	r.ds = 0;
	r.esi = 0x600;
	return r;
}

Test(bios_int13, dap_read)
{
	dap(0x10, 3, 0x0000, BUF >> 4, 8000);
	struct bios_regs r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(AH(&r), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_sector_at(BUF + 512 * i, 8000 + i);
}

Test(bios_int13, dap_read_reaches_past_chs_capacity)
{
	/* 8128 sectors are CHS-addressable; the image has 8192 */
	dap(0x10, 1, 0x0000, BUF >> 4, 8191);
	struct bios_regs r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	assert_sector_at(BUF, 8191);
}

Test(bios_int13, dap_read_to_flat_64bit_address)
{
	uint8_t *p = dap(0x18, 2, 0xFFFF, 0xFFFF, 5);
	uint64_t flat = 0x30000;
	for (unsigned i = 0; i < 8; i++)
		p[16 + i] = (uint8_t)(flat >> (8 * i));
	struct bios_regs r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	assert_sector_at(flat, 5);
	assert_sector_at(flat + 512, 6);
}

Test(bios_int13, dap_flat_address_needs_the_long_packet_and_ram)
{
	uint8_t *p = dap(0x10, 1, 0xFFFF, 0xFFFF, 0);
	struct bios_regs r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r), "16-byte packet with FFFF:FFFF");

	p = dap(0x18, 1, 0xFFFF, 0xFFFF, 0);
	for (unsigned i = 0; i < 8; i++)
		p[16 + i] = 0xFF; /* flat address 2^64 - 1 */
	r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x09);
	cr_assert_eq(p[2] | p[3] << 8, 0, "blocks transferred: none");
}

Test(bios_int13, dap_past_the_end_fails_and_zeroes_the_count)
{
	uint8_t *p = dap(0x10, 2, 0, BUF >> 4, 8191);
	struct bios_regs r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x04);
	cr_assert_eq(p[2] | p[3] << 8, 0);

	p = dap(0x10, 1, 0, BUF >> 4, 0xFFFFFFFFFFFFFFFFULL);
	r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r), "LBA + count must not wrap");
}

Test(bios_int13, dap_bad_packet)
{
	dap(0x0F, 1, 0, BUF >> 4, 0);
	struct bios_regs r = ext(0x42, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r), "packet shorter than 16 bytes");
	cr_assert_eq(AH(&r), 0x01);

	r = ext(0x42, 0x80);
	r.ds = 0xFFFF;
	r.esi = 0xFFF8; /* the packet itself is past RAM */
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x01);
}

Test(bios_int13, dap_not_for_floppies)
{
	dap(0x10, 1, 0, BUF >> 4, 0);
	struct bios_regs r = ext(0x42, 0x00);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
}

Test(bios_int13, dap_write)
{
	uint8_t *buf = gp(&b, BUF, 1024);
	for (unsigned i = 0; i < 1024; i++)
		buf[i] = (uint8_t)(i * 13);
	dap(0x10, 2, 0, BUF >> 4, 4000);
	struct bios_regs r = ext(0x43, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(memcmp(b.disks[1].map + 4000 * 512, buf, 1024), 0);
}

Test(bios_int13, verify_and_seek_check_the_range)
{
	dap(0x10, 1, 0, BUF >> 4, 8191);
	struct bios_regs r = ext(0x44, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	r = ext(0x47, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	dap(0x10, 1, 0, BUF >> 4, 8192);
	r = ext(0x47, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

Test(bios_int13, drive_parameters_26_bytes)
{
	uint8_t *p = gp(&b, 0x600, 32);
	memset(p, 0xEE, 32);
	p[0] = 26;
	p[1] = 0;
	struct bios_regs r = ext(0x48, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(p[0] | p[1] << 8, 26);
	cr_assert_eq(le32_at(p + 4), 8);
	cr_assert_eq(le32_at(p + 8), 16);
	cr_assert_eq(le32_at(p + 12), 63);
	cr_assert_eq(le32_at(p + 16), 8192);
	cr_assert_eq(le32_at(p + 20), 0);
	cr_assert_eq(p[24] | p[25] << 8, 512);
	cr_assert_eq(p[26], 0xEE, "nothing past the caller's 26 bytes");
}

Test(bios_int13, drive_parameters_30_bytes_without_dpte)
{
	uint8_t *p = gp(&b, 0x600, 0x42);
	memset(p, 0, 0x42);
	p[0] = 0x42; /* an EDD 3.0 caller: gets the 30 bytes this BIOS knows */
	struct bios_regs r = ext(0x48, 0x80);
	call(&b, 0x13, &r);
	cr_assert_not(CF(&r));
	cr_assert_eq(p[0] | p[1] << 8, 30);
	cr_assert_eq(le32_at(p + 26), 0xFFFFFFFF, "DPTE pointer FFFF:FFFF = none");
}

Test(bios_int13, drive_parameters_bad_buffer)
{
	uint8_t *p = gp(&b, 0x600, 2);
	p[0] = 20;
	p[1] = 0;
	struct bios_regs r = ext(0x48, 0x80);
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x01);

	r = ext(0x48, 0x80);
	r.ds = 0xFFFF;
	r.esi = 0xFFFF;
	call(&b, 0x13, &r);
	cr_assert(CF(&r));

	r = ext(0x48, 0x00);
	p[0] = 30;
	call(&b, 0x13, &r);
	cr_assert(CF(&r), "floppies have no extended parameters");
}

Test(bios_int13, cd_emulation_status_fails)
{
	struct bios_regs r = regs_ax(0x4B01);
	r.edx = 0x80;
	r.esi = 0x600;
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x01);
}

Test(bios_int13, unknown_function_fails)
{
	struct bios_regs r = regs_ax(0x9900);
	r.edx = 0x80;
	call(&b, 0x13, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 0x01);
}
