/* Unit tests of int 11h, 12h, 18h, 19h and of vectors and functions the BIOS does not know. */
#include "tests/unit/test_bios_fixture.h"

static struct bios_bench b;

static void setup(void)
{
	bench_open(&b, 2 * MIB_, EPOCH_2012_06_15_123000);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_misc, .init = setup, .fini = teardown);

static void signed_boot_sector(struct disk *d)
{
	d->map[510] = 0x55;
	d->map[511] = 0xAA;
}

Test(bios_misc, equipment_word_from_the_bda)
{
	bench_floppy_144(&b);
	cr_assert_eq(bios_install(&b.env), 0);
	struct bios_regs r = regs_ax(0);
	call(&b, 0x11, &r);
	uint16_t eq = (uint16_t)r.eax;
	cr_assert(eq & 0x0001, "a floppy drive");
	cr_assert_eq(eq & 0x00C0, 0, "one of them");
	cr_assert_eq(eq & 0x0030, 0x0020, "80x25 colour");
	cr_assert_eq((eq >> 9) & 7, 1, "one serial port");
}

Test(bios_misc, base_memory_follows_the_bda)
{
	cr_assert_eq(bios_install(&b.env), 0);
	struct bios_regs r = regs_ax(0);
	call(&b, 0x12, &r);
	cr_assert_eq(r.eax & 0xFFFF, 639);
	wr16(&b, 0x413, 600); /* a boot loader that takes memory for itself */
	r = regs_ax(0);
	call(&b, 0x12, &r);
	cr_assert_eq(r.eax & 0xFFFF, 600);
}

Test(bios_misc, int18_ends_the_vm)
{
	struct bios_regs r = regs_ax(0);
	cr_assert_eq(call(&b, 0x18, &r), BIOS_NO_BOOT);
	cr_assert_not_null(strstr(b.env.why, "int 18h"), "%s", b.env.why);
}

Test(bios_misc, int19_loads_the_boot_sector)
{
	struct disk *d = bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	signed_boot_sector(d);
	b.env.boot_drive = 0x80;
	struct bios_regs r = regs_ax(0x1234);
	r.ebx = r.ecx = r.esi = r.edi = r.ebp = 0x5555;
	r.edx = 0xFFFF;
	cr_assert_eq(call(&b, 0x19, &r), BIOS_CONTINUE);
	cr_assert_eq(memcmp(gp(&b, 0x7C00, 512), d->map, 512), 0);
	cr_assert_eq(r.edx, 0x80, "DL = boot drive");
	cr_assert_eq(r.eax | r.ebx | r.ecx | r.esi | r.edi | r.ebp, 0, "other registers 0");
}

Test(bios_misc, int19_without_a_bootable_disk)
{
	bench_floppy_144(&b); /* sector 0 holds no 0xAA55 */
	struct bios_regs r = regs_ax(0);
	cr_assert_eq(call(&b, 0x19, &r), BIOS_NO_BOOT);
	cr_assert_not_null(strstr(b.env.why, "0x00"), "%s", b.env.why);
	cr_assert_not_null(strstr(b.env.why, "signature"), "%s", b.env.why);
}

Test(bios_misc, unknown_vectors_fail)
{
	unsigned vecs[] = {0x00, 0x17, 0x1B, 0x20, 0xFF, 0x10000};
	for (unsigned i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		struct bios_regs r = regs_ax(0x0000);
		cr_assert_eq(call(&b, vecs[i], &r), BIOS_CONTINUE);
		cr_assert(CF(&r), "vector %x", vecs[i]);
		cr_assert_eq(AH(&r), 1, "vector %x", vecs[i]);
	}
}

/* Every function number of every service on a bare bench: no crash, no hang, an answer. */
Test(bios_misc, every_function_answers, .timeout = 30)
{
	bench_floppy_144(&b);
	bench_disk(&b, 1, 64 * 512, 1, 1, 64);
	cr_assert_eq(bios_install(&b.env), 0);
	unsigned vecs[] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x1A};
	for (unsigned v = 0; v < sizeof(vecs) / sizeof(vecs[0]); v++) {
		for (unsigned ah = 0; ah < 256; ah++) {
			if (vecs[v] == 0x15 && ah == 0x86)
				continue; /* the wait sleeps CX:DX microseconds; tested elsewhere */
			struct bios_regs r = {.eax = ah << 8 | 0xFF,
					      .ebx = 0xFFFFFFFF,
					      .ecx = 0xFFFFFFFF,
					      .edx = 0xFFFFFF80,
					      .esi = 0xFFFFFFFF,
					      .edi = 0xFFFFFFFF,
					      .ds = 0xFFFF,
					      .es = 0xFFFF,
					      .flags = 0x0202};
			cr_assert_eq(call(&b, vecs[v], &r), BIOS_CONTINUE);
		}
	}
}
