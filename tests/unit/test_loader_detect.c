/* Format detection, boot_load dispatch, messages, and mutation fuzzing of every loader (success =
 * no crash). */
#include "tests/unit/test_loader_fixtures.h"

static uint8_t img[0x4000];

static enum boot_format detect(size_t size)
{
	struct blob b = {img, size, "k"};
	return boot_detect(&b);
}

/* Minimal bzImage signature: boot flag and "HdrS". */
static size_t bz_signature(void)
{
	memset(img, 0, 0x1000);
	fx_w16(img + 0x1FE, 0xAA55);
	memcpy(img + 0x202, "HdrS", 4);
	return 0x1000;
}

Test(loader_detect, bzimage_by_boot_flag_and_hdrs)
{
	cr_assert_eq(detect(bz_signature()), BOOT_BZIMAGE);
	img[0x1FE] = 0;
	cr_assert_eq(detect(0x1000), BOOT_UNKNOWN, "HdrS alone is not enough");
	bz_signature();
	img[0x205] = 'x';
	cr_assert_eq(detect(0x1000), BOOT_UNKNOWN);
	bz_signature();
	cr_assert_eq(detect(0x204), BOOT_UNKNOWN, "signature cut by end of file");
}

Test(loader_detect, bzimage_wins_over_multiboot_header)
{
	bz_signature();
	fx_mb_header(img + 0x400, 0, NULL);
	cr_assert_eq(detect(0x1000), BOOT_BZIMAGE);
}

Test(loader_detect, multiboot_header_position_and_checksum)
{
	memset(img, 0, sizeof(img));
	fx_mb_header(img + 8180, 0, NULL);
	cr_assert_eq(detect(0x3000), BOOT_MULTIBOOT, "12 bytes end exactly at 8192");
	memset(img, 0, sizeof(img));
	fx_mb_header(img + 8160, 1u << 16, NULL);
	cr_assert_eq(detect(0x3000), BOOT_MULTIBOOT, "32-byte a.out header ends at 8192");
	memset(img, 0, sizeof(img));
	fx_mb_header(img + 8164, 1u << 16, NULL);
	cr_assert_eq(detect(0x3000), BOOT_UNKNOWN, "a.out address fields cross 8192");
	memset(img, 0, sizeof(img));
	fx_mb_header(img + 8184, 0, NULL);
	cr_assert_eq(detect(0x3000), BOOT_UNKNOWN, "header crosses 8192");
	memset(img, 0, sizeof(img));
	fx_mb_header(img + 0x102, 0, NULL);
	cr_assert_eq(detect(0x1000), BOOT_UNKNOWN, "not 4-byte aligned");
	memset(img, 0, sizeof(img));
	fx_mb_header(img + 0x100, 0, NULL);
	img[0x100 + 8] ^= 0x80;
	cr_assert_eq(detect(0x1000), BOOT_UNKNOWN, "bad checksum");
	/* A bad copy followed by a good one: the good one counts. */
	fx_mb_header(img + 0x200, 0, NULL);
	cr_assert_eq(detect(0x1000), BOOT_MULTIBOOT);
	memset(img, 0, sizeof(img));
	fx_mb_header(img, 0, NULL);
	cr_assert_eq(detect(11), BOOT_UNKNOWN, "truncated header");
	cr_assert_eq(detect(12), BOOT_MULTIBOOT);
}

static size_t elf64_with(const char *note_owner, bool with_mb, uint32_t mb_flags)
{
	static uint8_t note[64];
	static uint8_t text[0x100];
	memset(text, 0x90, sizeof(text));
	if (with_mb) {
		uint32_t aout[5] = {0x100000, 0x100000, 0x100100, 0x100100, 0x100020};
		fx_mb_header(text, mb_flags, aout);
	}
	struct fx_elf e = {.is64 = true, .machine = EM_X86_64, .entry = 0x100020, .nseg = 1};
	e.seg[0] =
	    (struct fx_seg){PT_LOAD, 0x100000, 0x100000, sizeof(text), sizeof(text), 0x1000, text};
	if (note_owner) {
		size_t n = fx_note(note, "GNU", 3);
		n += fx_note(note + n, note_owner, 0x100);
		e.seg[1] = (struct fx_seg){PT_NOTE, 0, 0, n, 0, 4, note};
		e.nseg = 2;
	}
	return fx_build_elf(img, sizeof(img), &e);
}

Test(loader_detect, elf64_vmlinux_by_note)
{
	cr_assert_eq(detect(elf64_with(NULL, false, 0)), BOOT_ELF64);
	cr_assert_eq(detect(elf64_with("GNU", false, 0)), BOOT_ELF64);
	cr_assert_eq(detect(elf64_with("Linux", false, 0)), BOOT_VMLINUX, "second note counts");
	cr_assert_eq(detect(elf64_with("Xen", false, 0)), BOOT_VMLINUX);
	cr_assert_eq(detect(elf64_with("Linuxish", false, 0)), BOOT_ELF64, "owner compared whole");
}

Test(loader_detect, elf64_multiboot_needs_aout_kludge)
{
	cr_assert_eq(detect(elf64_with(NULL, true, 1u << 16)), BOOT_MULTIBOOT);
	cr_assert_eq(detect(elf64_with(NULL, true, 0)), BOOT_ELF64);
}

Test(loader_detect, broken_note_segment_does_not_hang_or_crash)
{
	size_t size = elf64_with("Linux", false, 0);
	size_t note_off = fx_r64(img + fx_phdr_off(true, 1) + 8);
	fx_w32(img + note_off, 0xFFFFFFF0); /* namesz of the first note */
	cr_assert_eq(detect(size), BOOT_ELF64);
	fx_w64(img + fx_phdr_off(true, 1) + 32, 0xFFFFFFFFFFFFFF00ULL); /* p_filesz */
	cr_assert_eq(detect(size), BOOT_ELF64);
}

Test(loader_detect, others_are_unknown)
{
	cr_assert_eq(detect(0), BOOT_UNKNOWN);
	struct blob none = {NULL, 0, "none"};
	cr_assert_eq(boot_detect(&none), BOOT_UNKNOWN);
	memset(img, 0xAB, sizeof(img));
	cr_assert_eq(detect(sizeof(img)), BOOT_UNKNOWN);
	/* ELF32 without a multiboot header, and an ELF64 for another machine. */
	struct fx_elf e = {.is64 = false, .machine = EM_386, .entry = 0x100000, .nseg = 1};
	e.seg[0] = (struct fx_seg){PT_LOAD, 0x100000, 0x100000, 0x10, 0x10, 0x1000, NULL};
	cr_assert_eq(detect(fx_build_elf(img, sizeof(img), &e)), BOOT_UNKNOWN);
	e.is64 = true;
	e.machine = EM_AARCH64;
	cr_assert_eq(detect(fx_build_elf(img, sizeof(img), &e)), BOOT_UNKNOWN);
}

Test(loader_detect, names_and_messages)
{
	cr_assert_str_eq(boot_format_name(BOOT_MULTIBOOT), "multiboot");
	cr_assert_str_eq(boot_format_name(BOOT_BZIMAGE), "bzImage");
	cr_assert_str_eq(boot_format_name(BOOT_VMLINUX), "vmlinux");
	cr_assert_str_eq(boot_format_name(BOOT_ELF64), "elf64");
	cr_assert_str_eq(boot_format_name(BOOT_FLAT64), "flat64");
	cr_assert_str_eq(boot_format_name(BOOT_UNKNOWN), "unknown");
	cr_assert_str_eq(boot_format_name((enum boot_format)99), "unknown");
	const int errs[] = {BOOT_OK,	  BOOT_ENOTKERNEL,   BOOT_EMALFORMED,
			    BOOT_ETOOBIG, BOOT_EUNSUPPORTED, BOOT_ETOOMANY};
	for (unsigned i = 0; i < 6; i++) {
		cr_assert_not_null(boot_strerror(errs[i]));
		for (unsigned j = 0; j < i; j++)
			cr_assert_str_neq(boot_strerror(errs[i]), boot_strerror(errs[j]));
	}
	cr_assert_not_null(boot_strerror(-1000));
}

Test(loader_detect, boot_load_dispatches_by_format)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 8 * MiB);
	struct boot_entry e;
	const char *why = NULL;

	struct boot_request r = {.kernel = {img, elf64_with(NULL, true, 1u << 16), "mb"},
				 .cmdline = ""};
	cr_assert_eq(boot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.mode, CPU_PROT32, "multiboot enters 32-bit");

	r.kernel.size = elf64_with(NULL, false, 0);
	cr_assert_eq(boot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.mode, CPU_LONG64);
	cr_assert_eq(e.rax, 0x2BADB002);

	r.kernel.size = elf64_with("Linux", false, 0);
	cr_assert_eq(boot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.rsi, BOOT_ZERO_PAGE_ADDR, "vmlinux gets a zero page");

	/* flat_load_addr forces a flat image even for bytes that look like ELF. */
	r.flat_load_addr = 0x200000;
	cr_assert_eq(boot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.rip, 0x200000);
	cr_assert(memcmp(fx_at(&vm, 0x200000, 4), ELFMAG, 4) == 0);

	r.flat_load_addr = 0;
	memset(img, 0, 64);
	r.kernel.size = 64;
	why = NULL;
	cr_assert_eq(boot_load(&vm.mem, &r, &e, &why), BOOT_ENOTKERNEL);
	cr_assert_not_null(why);
	fx_vm_fini(&vm);
}

/* xorshift64: a fixed sequence, so a failure reproduces. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Flips header bytes of a valid image and loads it: any result is fine except a crash or hang. */
static void fuzz(const uint8_t *base, size_t size, size_t hot, uint64_t seed)
{
	static uint8_t work[0x4000];
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	uint64_t s = seed;
	for (int round = 0; round < 3000; round++) {
		memcpy(work, base, size);
		int flips = 1 + (int)(next_rand(&s) % 6);
		for (int f = 0; f < flips; f++) {
			uint64_t r = next_rand(&s);
			work[r % hot] = (uint8_t)(r >> 32);
		}
		size_t len = next_rand(&s) % 8 ? size : next_rand(&s) % (size + 1);
		struct boot_request req = {.kernel = {work, len, "fuzz"}, .cmdline = "x"};
		req.nmodules = 1;
		req.modules[0] = (struct blob){work, 100, "m"};
		struct boot_entry e;
		const char *why = NULL;
		int err = boot_load(&vm.mem, &req, &e, &why);
		cr_assert(err == BOOT_OK || why != NULL, "every failure names its reason");
		multiboot_load(&vm.mem, &req, &e, &why);
		linux_load(&vm.mem, &req, &e, &why);
		elf64_load(&vm.mem, &req, &e, &why);
	}
	fx_vm_fini(&vm);
}

Test(loader_detect, fuzz_elf_headers)
{
	static uint8_t base[0x4000];
	size_t size = elf64_with("Linux", true, 1u << 16);
	memcpy(base, img, size);
	fuzz(base, size, 0x100, 0x9E3779B97F4A7C15ULL);

	struct fx_elf e = {.is64 = false, .machine = EM_386, .entry = 0x100010, .nseg = 2};
	static uint8_t text[0x40];
	fx_mb_header(text, 3, NULL);
	e.seg[0] = (struct fx_seg){PT_LOAD, 0x100000, 0x100000, sizeof(text), 0x40, 0x1000, text};
	e.seg[1] = (struct fx_seg){PT_LOAD, 0x101000, 0x101000, 0x10, 0x2000, 0x1000, NULL};
	size = fx_build_elf(base, sizeof(base), &e);
	fuzz(base, size, 0xC0, 0x1234567ULL);
}

Test(loader_detect, fuzz_bzimage_and_aout_headers)
{
	static uint8_t base[0x4000];
	memset(base, 0, sizeof(base));
	fx_w16(base + 0x1FE, 0xAA55);
	base[0x1F1] = 1;
	fx_w32(base + 0x1F4, 0x100);
	base[0x200] = 0xEB;
	base[0x201] = 0x6A;
	memcpy(base + 0x202, "HdrS", 4);
	fx_w16(base + 0x206, 0x020F);
	base[0x211] = 1;
	fx_w32(base + 0x22C, 0x7FFFFFFF);
	fx_w32(base + 0x230, 0x200000);
	base[0x234] = 1;
	fx_w16(base + 0x236, 1);
	fx_w32(base + 0x238, 255);
	fx_w64(base + 0x258, 0x100000);
	fx_w32(base + 0x260, 0x10000);
	size_t size = 0x400 + 0x1000;
	/* Hot bytes: the setup header from 0x1F1 on. */
	static uint8_t shifted[0x4000];
	memcpy(shifted, base, size);
	fuzz(shifted, size, 0x270, 42);

	memset(base, 0x90, 0x1000);
	uint32_t aout[5] = {0x100020, 0x100000, 0, 0x101800, 0x100040};
	fx_mb_header(base + 0x20, 1u << 16, aout);
	fuzz(base, 0x1000, 0x40, 7);
}
