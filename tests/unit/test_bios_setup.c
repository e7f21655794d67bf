/* Unit tests of firmware set-up: the blob in RAM, the IVT, the BDA/EBDA and the boot sector. */
#include <errno.h>

#include "tests/unit/test_bios_fixture.h"
#include "vmm/firmware/blob.h"

#define BIOS_BASE 0xF0000ULL
#define IRET	  0xCF

static struct bios_bench b;

static void setup(void)
{
	bench_open(&b, 16 * MIB_, EPOCH_2012_06_15_123000);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_setup, .init = setup, .fini = teardown);

/* The linear address an IVT vector points at, checking it is inside the BIOS segment. */
static uint64_t vector_target(unsigned v)
{
	uint16_t off = rd16(&b, v * 4), seg = rd16(&b, v * 4 + 2);
	cr_assert_eq(seg, 0xF000, "vector %02x segment", v);
	cr_assert_lt(off, bios_blob_size(), "vector %02x inside the blob", v);
	return (uint64_t)seg * 16 + off;
}

static int has_bytes(uint64_t at, unsigned span, const uint8_t *pat, unsigned n)
{
	const uint8_t *p = gp(&b, at, span);
	for (unsigned i = 0; i + n <= span; i++)
		if (!memcmp(p + i, pat, n))
			return 1;
	return 0;
}

Test(bios_setup, blob_is_small_and_versioned)
{
	cr_assert_leq(bios_blob_size(), 32768);
	cr_assert_eq(memcmp(bios_blob_data(), "TVMMBIOS", 8), 0);
	cr_assert_eq(bios_install(&b.env), 0, "%s", b.env.why);
	cr_assert_eq(memcmp(gp(&b, BIOS_BASE, bios_blob_size()), bios_blob_data(), 64), 0);
}

Test(bios_setup, service_vectors_point_at_trapping_stubs)
{
	cr_assert_eq(bios_install(&b.env), 0);
	const uint8_t stub[] = {0xE6, BIOS_SERVICE_PORT, IRET}; /* out imm8, al; iret */
	unsigned plain[] = {0x10, 0x11, 0x12, 0x14, 0x15, 0x18, 0x1A};
	for (unsigned i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		cr_assert_eq(memcmp(gp(&b, vector_target(plain[i]), 3), stub, 3), 0, "vector %02x",
			     plain[i]);
	/* out imm8, al; sti; jmp far 0000:7C00 */
	const uint8_t boot[] = {0xE6, BIOS_SERVICE_PORT, 0xFB, 0xEA, 0x00, 0x7C, 0x00, 0x00};
	cr_assert_eq(memcmp(gp(&b, vector_target(0x19), 8), boot, 8), 0);
	/* int 13h and 16h run a few instructions first, then trap through their table stub */
	for (unsigned v = 0x13; v <= 0x16; v += 3) {
		uint64_t table_stub = BIOS_BASE + BIOS_STUB_TABLE + (v - 0x10) * BIOS_STUB_STRIDE;
		cr_assert_eq(memcmp(gp(&b, table_stub, 3), stub, 3), 0, "stub %02x", v);
		cr_assert_neq(*gp(&b, vector_target(v), 1), IRET, "vector %02x", v);
	}
}

Test(bios_setup, irq_vectors_send_eoi)
{
	cr_assert_eq(bios_install(&b.env), 0);
	const uint8_t eoi_master[] = {0xB0, 0x20, 0xE6, 0x20}; /* mov al, 20h; out 20h, al */
	const uint8_t out_slave[] = {0xE6, 0xA0};
	const uint8_t int1c[] = {0xCD, 0x1C};
	uint64_t irq0 = vector_target(0x08);
	cr_assert(has_bytes(irq0, 64, eoi_master, 4));
	cr_assert(has_bytes(irq0, 64, int1c, 2), "IRQ 0 chains int 1Ch");
	uint64_t master = vector_target(0x09);
	for (unsigned v = 0x09; v <= 0x0F; v++)
		cr_assert_eq(vector_target(v), master);
	cr_assert(has_bytes(master, 8, eoi_master, 4));
	uint64_t slave = vector_target(0x70);
	for (unsigned v = 0x70; v <= 0x77; v++)
		cr_assert_eq(vector_target(v), slave);
	cr_assert(has_bytes(slave, 10, out_slave, 2));
	cr_assert(has_bytes(slave, 10, eoi_master + 2, 2), "and the master, for the cascade");
}

Test(bios_setup, every_other_vector_is_an_iret)
{
	cr_assert_eq(bios_install(&b.env), 0);
	for (unsigned v = 0; v < 256; v++) {
		int special = (v >= 0x08 && v <= 0x1A && v != 0x17) || v == 0x1E || v == 0x41 ||
			      v == 0x46 || (v >= 0x70 && v <= 0x77);
		if (!special)
			cr_assert_eq(*gp(&b, vector_target(v), 1), IRET, "vector %02x", v);
	}
}

Test(bios_setup, diskette_parameter_table)
{
	bench_floppy_144(&b);
	cr_assert_eq(bios_install(&b.env), 0);
	const uint8_t *t = gp(&b, vector_target(0x1E), 11);
	cr_assert_eq(t[3], 2, "512-byte sectors");
	cr_assert_eq(t[4], 18, "sectors per track");
	cr_assert_eq(t[5], 0x1B, "3.5\" gap");
	cr_assert_eq(t[8], 0xF6, "format filler");
}

Test(bios_setup, diskette_table_follows_the_floppy)
{
	bench_disk(&b, 0, 737280, 80, 2, 9);
	cr_assert_eq(bios_install(&b.env), 0);
	cr_assert_eq(gp(&b, vector_target(0x1E), 11)[4], 9);
}

Test(bios_setup, hard_disk_parameter_tables)
{
	bench_disk(&b, 1, 1 * MIB_, 2000, 16, 63);
	bench_disk(&b, 2, 1 * MIB_, 20, 4, 17);
	cr_assert_eq(bios_install(&b.env), 0);
	const uint8_t *t = gp(&b, vector_target(0x41), 16);
	cr_assert_eq(t[0] | t[1] << 8, 1024, "cylinders, capped for CHS");
	cr_assert_eq(t[2], 16);
	cr_assert_eq(t[8] & 0x08, 0x08, "more than 8 heads");
	cr_assert_eq(t[14], 63);
	t = gp(&b, vector_target(0x46), 16);
	cr_assert_eq(t[0] | t[1] << 8, 20);
	cr_assert_eq(t[2], 4);
	cr_assert_eq(t[8] & 0x08, 0);
	cr_assert_eq(t[14], 17);
}

Test(bios_setup, bios_data_area)
{
	bench_floppy_144(&b);
	bench_disk(&b, 1, 1 * MIB_, 2, 16, 63);
	cr_assert_eq(bios_install(&b.env), 0);
	cr_assert_eq(rd16(&b, 0x400), 0x3F8, "COM1");
	cr_assert_eq(rd16(&b, 0x402), 0, "no COM2");
	cr_assert_eq(rd16(&b, 0x40E), 0x9FC0, "EBDA segment");
	uint16_t eq = rd16(&b, 0x410);
	cr_assert_eq(eq & 1, 1);
	cr_assert_eq((eq >> 6) & 3, 0, "one floppy drive");
	cr_assert_eq((eq >> 9) & 7, 1);
	cr_assert_eq(rd16(&b, 0x413), 639, "KiB below the EBDA");
	cr_assert_eq(*gp(&b, 0x449, 1), 3, "video mode 3");
	cr_assert_eq(rd16(&b, 0x44A), 80);
	cr_assert_eq(*gp(&b, 0x484, 1), 24, "rows - 1");
	cr_assert_eq(*gp(&b, 0x475, 1), 1, "hard disks");
	cr_assert_eq(rd16(&b, 0x41A), rd16(&b, 0x41C), "empty keyboard buffer");
	cr_assert_eq(*gp(&b, 0x9FC00, 1), 1, "EBDA size in KiB");
	cr_assert_eq(rd16(&b, 0xB8000), 0x0720, "a blank screen");
}

Test(bios_setup, no_floppy_no_disks)
{
	cr_assert_eq(bios_install(&b.env), 0);
	cr_assert_eq(rd16(&b, 0x410) & 1, 0);
	cr_assert_eq(*gp(&b, 0x475, 1), 0);
}

Test(bios_setup, tick_count_starts_at_the_rtc_time)
{
	cr_assert_eq(bios_install(&b.env), 0);
	/* 12:30:00 is 45000 s into the day; the day has 0x1800B0 ticks */
	uint64_t want = 45000ULL * 0x1800B0 / 86400;
	cr_assert_eq(rd32(&b, 0x46C), want);
	cr_assert_eq(*gp(&b, 0x470, 1), 0);
}

Test(bios_setup, leaves_acpi_and_mp_tables_alone)
{
	uint8_t *acpi = gp(&b, 0xE0000, 0x10000);
	memset(acpi, 0x3C, 0x10000);
	uint8_t *rest =
	    gp(&b, BIOS_BASE + bios_blob_size(), 0x100000 - BIOS_BASE - bios_blob_size());
	memset(rest, 0x3C, 0x100000 - BIOS_BASE - bios_blob_size());
	cr_assert_eq(bios_install(&b.env), 0);
	for (unsigned i = 0; i < 0x10000; i++)
		cr_assert_eq(acpi[i], 0x3C);
	for (uint64_t i = 0; i < 0x100000 - BIOS_BASE - bios_blob_size(); i++)
		cr_assert_eq(rest[i], 0x3C);
}

static int install_modified(unsigned at, uint8_t v, size_t size)
{
	uint8_t img[40000];
	memcpy(img, bios_blob_data(), bios_blob_size());
	img[at] = v;
	return bios_install_image(&b.env, img, size);
}

Test(bios_setup, rejects_bad_images)
{
	size_t n = bios_blob_size();
	cr_assert_eq(install_modified(0, 'X', n), -EINVAL, "magic");
	cr_assert_not_null(strstr(b.env.why, "magic"), "%s", b.env.why);
	cr_assert_eq(install_modified(8, BIOS_ABI_VERSION + 1, n), -EINVAL, "version");
	cr_assert_not_null(strstr(b.env.why, "version"), "%s", b.env.why);
	cr_assert_eq(install_modified(0, 'T', n - 1), -EINVAL, "truncated");
	cr_assert_eq(install_modified(BIOS_HDR_IRQ0 + 1, 0x7F, n), -EINVAL, "handler outside");
	cr_assert_eq(install_modified(BIOS_HDR_STUBS, 0x48, n), -EINVAL, "stub table moved");
	cr_assert_eq(install_modified(0, 'T', 10), -EINVAL, "shorter than its header");
	cr_assert_eq(install_modified(0, 'T', 40000), -EINVAL, "over 32 KiB");
	cr_assert_eq(rd16(&b, 0x40), 0, "nothing installed");
}

Test(bios_setup, needs_the_first_mib)
{
	struct bios_bench small;
	bench_open(&small, 768 * KIB_, EPOCH_2012_06_15_123000);
	cr_assert_eq(bios_install(&small.env), -ENOSPC);
	cr_assert_neq(small.env.why[0], 0);
	bench_close(&small);
}

static void sign(struct disk *d)
{
	d->map[510] = 0x55;
	d->map[511] = 0xAA;
}

Test(bios_setup, boots_the_floppy)
{
	sign(bench_floppy_144(&b));
	struct bios_entry e;
	cr_assert_eq(bios_boot(&b.env, &e), BIOS_CONTINUE, "%s", b.env.why);
	cr_assert_eq(memcmp(gp(&b, 0x7C00, 512), b.disks[0].map, 512), 0);
	cr_assert_eq(e.cs, 0);
	cr_assert_eq(e.ip, 0x7C00);
	cr_assert_eq(e.edx, 0x00, "DL = drive 00h");
	cr_assert_eq(e.ss, 0);
	cr_assert_leq(e.sp, 0x7C00, "stack below the boot sector");
	cr_assert_geq(e.sp, 0x600, "and above the BDA");
	cr_assert_eq(e.eflags & 0x200, 0x200, "IF set");
	cr_assert_eq(e.ds | e.es, 0);
}

Test(bios_setup, boots_the_second_hard_disk)
{
	bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	sign(bench_disk(&b, 2, 64 * 512, 1, 1, 64));
	b.disks[2].map[0] = 0xEB;
	b.env.boot_drive = 0x81;
	struct bios_entry e;
	cr_assert_eq(bios_boot(&b.env, &e), BIOS_CONTINUE, "%s", b.env.why);
	cr_assert_eq(*gp(&b, 0x7C00, 1), 0xEB);
	cr_assert_eq(e.edx, 0x81);
}

static void expect_no_boot(uint8_t drive, const char *drive_text, const char *reason)
{
	b.env.boot_drive = drive;
	struct bios_entry e;
	cr_assert_eq(bios_boot(&b.env, &e), BIOS_NO_BOOT);
	cr_assert_not_null(strstr(b.env.why, drive_text), "%s", b.env.why);
	cr_assert_not_null(strstr(b.env.why, reason), "%s", b.env.why);
}

Test(bios_setup, unsigned_boot_sector)
{
	bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	expect_no_boot(0x80, "0x80 (hd.img)", "signature");
}

Test(bios_setup, empty_and_short_disks)
{
	bench_disk(&b, 1, 0, 0, 0, 0);
	expect_no_boot(0x80, "0x80", "empty");
	free(b.disks[1].map);
	bench_disk(&b, 1, 100, 1, 1, 1);
	expect_no_boot(0x80, "0x80", "shorter");
}

Test(bios_setup, absent_boot_drive)
{
	expect_no_boot(0x00, "0x00", "no disk");
	expect_no_boot(0x05, "0x05", "no disk");
}

static void put_partition(struct disk *d, unsigned i, uint8_t flag, uint8_t type, uint32_t start,
			  uint32_t count)
{
	uint8_t *e = d->map + 446 + i * 16;
	memset(e, 0, 16);
	e[0] = flag;
	e[4] = type;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &count, 4);
}

Test(bios_setup, truncated_partition_is_not_booted)
{
	struct disk *d = bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	sign(d);
	for (unsigned i = 0; i < 4; i++)
		put_partition(d, i, 0, 0, 0, 0);
	put_partition(d, 0, 0x80, 0x83, 8, 56); /* exactly to the end: fine */
	struct bios_entry e;
	b.env.boot_drive = 0x80;
	cr_assert_eq(bios_boot(&b.env, &e), BIOS_CONTINUE, "%s", b.env.why);
	put_partition(d, 1, 0x00, 0x83, 60, 100); /* the image was cut short */
	expect_no_boot(0x80, "0x80 (hd.img)", "partition 2 running past its end");
}

Test(bios_setup, boot_code_where_a_table_would_be_is_not_judged)
{
	struct disk *d = bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	sign(d); /* sector_byte() filler: boot indicators that are not 0x00/0x80 */
	struct bios_entry e;
	b.env.boot_drive = 0x80;
	cr_assert_eq(bios_boot(&b.env, &e), BIOS_CONTINUE, "%s", b.env.why);
}
