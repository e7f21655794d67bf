/* Multiboot v1 loader tests: ELF32 and a.out-kludge kernels, boot information per spec 0.6.96. */
#include "tests/unit/test_loader_fixtures.h"

/* Multiboot information structure offsets (spec section 3.3). */
#define MBI_FLAGS      0
#define MBI_MEM_LOWER  4
#define MBI_MEM_UPPER  8
#define MBI_CMDLINE    16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR  24
#define MBI_MMAP_LEN   44
#define MBI_MMAP_ADDR  48
#define MBI_LOADER     64

static uint8_t img[64 * 1024];
static uint8_t seg0[0x300];

/* ELF32 kernel: text at 1 MiB with the header first, data + bss at 1 MiB + 4 KiB. */
static size_t build_elf32(uint32_t mb_flags)
{
	for (unsigned i = 0; i < sizeof(seg0); i++)
		seg0[i] = fx_pattern(0, i);
	fx_mb_header(seg0, mb_flags, NULL);
	struct fx_elf e = {.is64 = false, .machine = EM_386, .entry = 0x10000C, .nseg = 2};
	e.seg[0] =
	    (struct fx_seg){PT_LOAD, 0x100000, 0x100000, sizeof(seg0), sizeof(seg0), 0x1000, seg0};
	e.seg[1] = (struct fx_seg){PT_LOAD, 0x101000, 0x101000, 0x200, 0x2345, 0x1000, NULL};
	return fx_build_elf(img, sizeof(img), &e);
}

static struct boot_request req_for(size_t size)
{
	struct boot_request r = {.kernel = {img, size, "test"}, .cmdline = ""};
	return r;
}

Test(loader_multiboot, elf32_segments_land_at_paddr_and_bss_is_zeroed)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_request r = req_for(build_elf32(0));
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);

	cr_assert(memcmp(fx_at(&vm, 0x100000, sizeof(seg0)), seg0, sizeof(seg0)) == 0);
	cr_assert(fx_is_pattern(fx_at(&vm, 0x101000, 0x200), 1, 0x200));
	cr_assert(fx_is_zero(fx_at(&vm, 0x101200, 0x2345 - 0x200), 0x2345 - 0x200), "bss zeroed");
	cr_assert_eq(*fx_at(&vm, 0x101000 + 0x2345, 1), 0xCC, "nothing written past bss");
	fx_vm_fini(&vm);
}

Test(loader_multiboot, entry_state_follows_spec_machine_state)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_request r = req_for(build_elf32(0));
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.mode, CPU_PROT32);
	cr_assert_eq(e.rip, 0x10000C);
	cr_assert_eq(e.rax, 0x2BADB002);
	cr_assert_eq(e.rbx, BOOT_MBI_ADDR);
	cr_assert_eq(e.cr3, 0, "paging stays off");
	cr_assert_eq(e.gdt_base, BOOT_GDT_ADDR);
	fx_check_gdt(&vm, &e);
	fx_vm_fini(&vm);
}

static void check_mem_fields(uint64_t ram, uint32_t lower, uint32_t upper)
{
	struct fx_vm vm;
	fx_vm_init(&vm, ram);
	struct boot_request r = req_for(build_elf32(0));
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	uint32_t flags = fx_r32g(&vm, e.rbx + MBI_FLAGS);
	cr_assert(flags & (1u << 0), "mem_lower/mem_upper valid");
	cr_assert_eq(fx_r32g(&vm, e.rbx + MBI_MEM_LOWER), lower);
	cr_assert_eq(fx_r32g(&vm, e.rbx + MBI_MEM_UPPER), upper);
	fx_vm_fini(&vm);
}

Test(loader_multiboot, mem_lower_upper_for_4_and_32_mib)
{
	/* Conventional memory stops at the EBDA (0x9FC00 = 639 KiB); upper memory starts at 1 MiB.
	 */
	check_mem_fields(4 * MiB, 639, 3 * 1024);
	check_mem_fields(32 * MiB, 639, 31 * 1024);
}

Test(loader_multiboot, mmap_entries_have_size_20_and_cover_ram)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 32 * MiB);
	struct boot_request r = req_for(build_elf32(0));
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert(fx_r32g(&vm, e.rbx) & (1u << 6), "mmap valid");
	uint32_t len = fx_r32g(&vm, e.rbx + MBI_MMAP_LEN),
		 addr = fx_r32g(&vm, e.rbx + MBI_MMAP_ADDR);
	cr_assert_gt(len, 0);

	/* Walk it the way kernels do: next = this + size + 4. */
	uint64_t ram_below_1m = 0, ram_above_1m = 0;
	unsigned n = 0;
	for (uint32_t off = 0; off < len; n++) {
		const uint8_t *p = fx_at(&vm, addr + off, 24);
		uint32_t size = fx_r32(p);
		uint64_t base = fx_r64(p + 4), length = fx_r64(p + 12);
		uint32_t type = fx_r32(p + 20);
		cr_assert_eq(size, 20);
		cr_assert_gt(length, 0, "no empty entries");
		if (type == 1 && base < MiB)
			ram_below_1m += length;
		if (type == 1 && base >= MiB)
			ram_above_1m += length;
		if (type == 1)
			cr_assert(base + length <= 0x9FC00 || base >= MiB, "RAM avoids EBDA/BIOS");
		off += size + 4;
	}
	cr_assert_eq(len, n * 24);
	cr_assert_eq(ram_below_1m, 0x9FC00);
	cr_assert_eq(ram_above_1m, 31 * MiB);
	fx_vm_fini(&vm);
}

Test(loader_multiboot, cmdline_and_loader_name_strings)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_request r = req_for(build_elf32(0));
	r.cmdline = "kernel console=ttyS0 laps=1536";
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	uint32_t flags = fx_r32g(&vm, e.rbx);
	cr_assert(flags & (1u << 2) && flags & (1u << 9));
	uint32_t cl = fx_r32g(&vm, e.rbx + MBI_CMDLINE);
	cr_assert(cl >= BOOT_CMDLINE_ADDR && cl < BOOT_CMDLINE_END);
	cr_assert_str_eq((const char *)fx_at(&vm, cl, 31), r.cmdline);
	uint32_t name = fx_r32g(&vm, e.rbx + MBI_LOADER);
	cr_assert_str_eq((const char *)fx_at(&vm, name, 8), "tinyvmm");
	fx_vm_fini(&vm);
}

Test(loader_multiboot, modules_page_aligned_after_kernel_bss_with_strings)
{
	static uint8_t m0[5000], m1[3];
	for (unsigned i = 0; i < sizeof(m0); i++)
		m0[i] = fx_pattern(7, i);
	memcpy(m1, "abc", 3);
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_request r = req_for(build_elf32(1u << 0));
	r.nmodules = 3;
	r.modules[0] = (struct blob){m0, sizeof(m0), "m0"};
	r.modules[1] = (struct blob){m1, sizeof(m1), "m1"};
	r.modules[2] = (struct blob){m1, 0, "empty"};
	r.module_args[0] = "sigma0 --verbose";
	r.module_args[1] = ""; /* empty string allowed */
	r.module_args[2] = NULL;
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);

	cr_assert(fx_r32g(&vm, e.rbx) & (1u << 3), "mods valid");
	cr_assert_eq(fx_r32g(&vm, e.rbx + MBI_MODS_COUNT), 3);
	uint32_t mods = fx_r32g(&vm, e.rbx + MBI_MODS_ADDR);
	uint64_t kernel_end = 0x101000 + 0x2345; /* bss included */
	uint64_t prev_end = kernel_end;
	const char *want_str[3] = {"sigma0 --verbose", "", ""};
	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *m = fx_at(&vm, mods + 16 * i, 16);
		uint32_t start = fx_r32(m), end = fx_r32(m + 4), str = fx_r32(m + 8);
		cr_assert_eq(start % 4096, 0, "module %u page-aligned", i);
		cr_assert_geq(start, prev_end, "module %u after kernel and previous module", i);
		cr_assert_lt(start - prev_end, 4096, "module %u packed at the next page", i);
		cr_assert_eq(end - start, r.modules[i].size);
		cr_assert_str_eq((const char *)fx_at(&vm, str, 1), want_str[i]);
		prev_end = end;
	}
	cr_assert(fx_is_pattern(fx_at(&vm, fx_r32g(&vm, mods), sizeof(m0)), 7, sizeof(m0)));
	cr_assert(memcmp(fx_at(&vm, fx_r32g(&vm, mods + 16), 3), "abc", 3) == 0);
	fx_vm_fini(&vm);
}

/* a.out kludge image: 0x40 bytes of text, the header, more text; loaded at 1 MiB. */
static size_t build_aout(uint32_t load_end, uint32_t bss_end, uint32_t entry, size_t file_size)
{
	for (size_t i = 0; i < file_size; i++)
		img[i] = fx_pattern(3, i);
	uint32_t aout[5] = {0x100040, 0x100000, load_end, bss_end, entry};
	fx_mb_header(img + 0x40, 1u << 16, aout);
	return file_size;
}

Test(loader_multiboot, aout_kludge_whole_file_and_bss)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	size_t size = build_aout(0, 0x102000, 0x100080, 0x1000);
	struct boot_request r = req_for(size);
	r.nmodules = 1;
	r.modules[0] = (struct blob){(const uint8_t *)"mod", 3, "m"};
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(boot_detect(&r.kernel), BOOT_MULTIBOOT);
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	/* load_end_addr 0: the file from (header offset - (header_addr - load_addr)) to its end. */
	cr_assert(memcmp(fx_at(&vm, 0x100000, size), img, size) == 0);
	cr_assert(fx_is_zero(fx_at(&vm, 0x101000, 0x1000), 0x1000), "bss up to bss_end_addr");
	cr_assert_eq(e.rip, 0x100080);
	uint32_t mods = fx_r32g(&vm, e.rbx + MBI_MODS_ADDR);
	cr_assert_eq(fx_r32g(&vm, mods), 0x102000, "module after bss_end_addr");
	fx_vm_fini(&vm);
}

Test(loader_multiboot, aout_kludge_partial_load_no_bss)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	/* Only the first 0x800 bytes are text+data; the rest of the file is not loaded. */
	size_t size = build_aout(0x100800, 0, 0x100100, 0x1000);
	struct boot_request r = req_for(size);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert(memcmp(fx_at(&vm, 0x100000, 0x800), img, 0x800) == 0);
	cr_assert_eq(*fx_at(&vm, 0x100800, 1), 0xCC, "load_end_addr respected");
	fx_vm_fini(&vm);
}

Test(loader_multiboot, aout_kludge_header_later_in_file_skips_leading_bytes)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	/* Header at file offset 0x240 but 0x40 into the image: loading starts at file offset 0x200.
	 */
	for (size_t i = 0; i < 0x1000; i++)
		img[i] = fx_pattern(4, i);
	uint32_t aout[5] = {0x100040, 0x100000, 0, 0, 0x100000};
	fx_mb_header(img + 0x240, 1u << 16, aout);
	struct boot_request r = req_for(0x1000);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert(memcmp(fx_at(&vm, 0x100000, 0xE00), img + 0x200, 0xE00) == 0);
	fx_vm_fini(&vm);
}

Test(loader_multiboot, elf64_with_aout_kludge_boots_in_protected_mode)
{
	static uint8_t text[0x400];
	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = fx_pattern(5, i);
	struct fx_elf el = {.is64 = true, .machine = EM_X86_64, .entry = 0x100100, .nseg = 1};
	el.seg[0] =
	    (struct fx_seg){PT_LOAD, 0x100000, 0x100000, sizeof(text), 0x1000, 0x1000, text};
	size_t size = fx_build_elf(img, sizeof(img), &el);
	/* fx_build_elf put the text at file offset 0x40 + 0x38 rounded: find it and embed the
	 * header. */
	size_t text_off = (sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 15) & ~(size_t)15;
	uint32_t aout[5] = {0x100010, 0x100000, 0x100400, 0x101000, 0x100100};
	fx_mb_header(img + text_off + 0x10, 1u << 16, aout);
	memcpy(text + 0x10, img + text_off + 0x10, 32);

	struct boot_request r = req_for(size);
	cr_assert_eq(boot_detect(&r.kernel), BOOT_MULTIBOOT);
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.mode, CPU_PROT32);
	cr_assert_eq(e.rip, 0x100100);
	cr_assert(memcmp(fx_at(&vm, 0x100000, sizeof(text)), text, sizeof(text)) == 0);
	cr_assert(fx_is_zero(fx_at(&vm, 0x100400, 0xC00), 0xC00));
	fx_vm_fini(&vm);
}

Test(loader_multiboot, higher_half_elf32_entry_is_translated_to_physical)
{
	for (unsigned i = 0; i < sizeof(seg0); i++)
		seg0[i] = fx_pattern(0, i);
	fx_mb_header(seg0, 0, NULL);
	struct fx_elf el = {.is64 = false, .machine = EM_386, .entry = 0xC0100020, .nseg = 1};
	el.seg[0] = (struct fx_seg){PT_LOAD,	  0x100000, 0xC0100000, sizeof(seg0),
				    sizeof(seg0), 0x1000,   seg0};
	struct boot_request r = req_for(fx_build_elf(img, sizeof(img), &el));
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(e.rip, 0x100020);
	fx_vm_fini(&vm);
}

Test(loader_multiboot, video_and_optional_flags_are_accepted)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	/* Bit 2 asks for video info (we just do not provide it); bits 16-31 other than 16 are
	 * optional. */
	struct boot_request r =
	    req_for(build_elf32((1u << 0) | (1u << 1) | (1u << 2) | (1u << 20)));
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	cr_assert_eq(fx_r32g(&vm, e.rbx) & ((1u << 11) | (1u << 12)), 0, "no video info claimed");
	fx_vm_fini(&vm);
}

/* Runs multiboot_load and checks the error code and that a reason was given. */
static void expect_fail(struct boot_request *r, uint64_t ram, int want, const char *why_has)
{
	struct fx_vm vm;
	fx_vm_init(&vm, ram);
	struct boot_entry e;
	const char *why = NULL;
	int err = multiboot_load(&vm.mem, r, &e, &why);
	cr_assert_eq(err, want, "got %d (%s), want %d", err, why ? why : "-", want);
	cr_assert_not_null(why);
	if (why_has)
		cr_assert(strstr(why, why_has), "why \"%s\" lacks \"%s\"", why, why_has);
	fx_vm_fini(&vm);
}

Test(loader_multiboot, unknown_required_flag_is_refused)
{
	struct boot_request r = req_for(build_elf32(1u << 3));
	expect_fail(&r, 4 * MiB, BOOT_EUNSUPPORTED, "flag");
	r = req_for(build_elf32(1u << 15));
	expect_fail(&r, 4 * MiB, BOOT_EUNSUPPORTED, "flag");
}

Test(loader_multiboot, bad_checksum_is_not_a_kernel)
{
	size_t size = build_elf32(0);
	size_t hdr = (sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr) + 15) & ~(size_t)15;
	cr_assert_eq(fx_r32(img + hdr), 0x1BADB002);
	img[hdr + 8] ^= 1;
	struct boot_request r = req_for(size);
	expect_fail(&r, 4 * MiB, BOOT_ENOTKERNEL, "checksum");
}

Test(loader_multiboot, header_beyond_8k_is_not_found)
{
	memset(img, 0, 0x3000);
	/* The header must lie wholly in the first 8192 bytes: at 8184 its 12 bytes cross the line.
	 */
	fx_mb_header(img + 8184, 1u << 16, NULL);
	struct boot_request r = req_for(0x3000);
	expect_fail(&r, 4 * MiB, BOOT_ENOTKERNEL, "8 KiB");
	memset(img, 0, 0x3000);
	fx_mb_header(img + 8192, 0, NULL);
	expect_fail(&r, 4 * MiB, BOOT_ENOTKERNEL, "8 KiB");
}

Test(loader_multiboot, elf32_truncated_segment_and_phdrs)
{
	size_t size = build_elf32(0);
	struct boot_request r = req_for(size - 0x100); /* cuts into segment 1's file bytes */
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "past end of file");

	size = build_elf32(0);
	fx_w32(img + 28, (uint32_t)size - 40); /* e_phoff: table would run off the end */
	r = req_for(size);
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "program header table extends past end of file");
}

Test(loader_multiboot, elf32_segment_past_ram_and_wrap)
{
	size_t size = build_elf32(0);
	fx_w32(img + fx_phdr_off(false, 1) + 12, 0x3FF000); /* p_paddr: bss runs past 4 MiB */
	struct boot_request r = req_for(size);
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, "past the end of guest RAM");

	size = build_elf32(0);
	fx_w32(img + fx_phdr_off(false, 1) + 12, 0xFFFFF000);
	fx_w32(img + fx_phdr_off(false, 1) + 20, 0xFFFFFFFF); /* huge p_memsz */
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, NULL);
}

Test(loader_multiboot, elf32_filesz_above_memsz_and_below_1m)
{
	size_t size = build_elf32(0);
	fx_w32(img + fx_phdr_off(false, 1) + 20, 0x100); /* memsz < filesz 0x200 */
	struct boot_request r = req_for(size);
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "p_filesz");

	size = build_elf32(0);
	fx_w32(img + fx_phdr_off(false, 1) + 12, 0x9F000); /* would land on EBDA and VGA */
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "below 1 MiB");
}

Test(loader_multiboot, elf32_entry_outside_segments)
{
	size_t size = build_elf32(0);
	fx_w32(img + 24, 0x200000);
	struct boot_request r = req_for(size);
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "entry");
}

Test(loader_multiboot, aout_kludge_inconsistent_fields)
{
	struct boot_request r = req_for(0);
	uint32_t cases[][5] = {
	    /* header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr */
	    {0x100040, 0x100080, 0, 0, 0x100080},		/* load_addr above header_addr */
	    {0x100040, 0x100000, 0x102000, 0, 0x100000},	/* load_end past end of file */
	    {0x100040, 0x100000, 0x0FFFFF, 0, 0x100000},	/* load_end below load_addr */
	    {0x100040, 0x100000, 0x100800, 0x100400, 0x100000}, /* bss_end inside the image */
	    {0x100040, 0x100000, 0, 0, 0x200000},		/* entry outside */
	    {0x100100, 0x100000, 0, 0, 0x100000},		/* would start before the file */
	    {0x000040, 0x000000, 0, 0, 0x000000},		/* loads at 0 */
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(img, 0x90, 0x1000);
		fx_mb_header(img + 0x40, 1u << 16, cases[i]);
		r = req_for(0x1000);
		expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, NULL);
	}
}

Test(loader_multiboot, aout_kludge_past_ram)
{
	size_t size = build_aout(0, 0x800000, 0x100080, 0x1000);
	struct boot_request r = req_for(size);
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, NULL);
}

Test(loader_multiboot, aout_fields_cut_by_end_of_file)
{
	memset(img, 0, 64);
	fx_mb_header(img + 32, 1u << 16, NULL); /* 12 bytes fit, the 20 address bytes do not */
	struct boot_request r = req_for(48);
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "address fields");
}

Test(loader_multiboot, elf64_without_kludge_is_refused)
{
	struct fx_elf el = {.is64 = true, .machine = EM_X86_64, .entry = 0x100000, .nseg = 1};
	el.seg[0] = (struct fx_seg){PT_LOAD, 0x100000, 0x100000, 0x100, 0x100, 0x1000, NULL};
	size_t size = fx_build_elf(img, sizeof(img), &el);
	fx_mb_header(img + size, 0, NULL);
	struct boot_request r = req_for(size + 12);
	expect_fail(&r, 4 * MiB, BOOT_EUNSUPPORTED, "a.out kludge");
}

Test(loader_multiboot, too_many_modules)
{
	struct boot_request r = req_for(build_elf32(0));
	r.nmodules = BOOT_MAX_MODULES + 1;
	expect_fail(&r, 4 * MiB, BOOT_ETOOMANY, NULL);
	r.nmodules = UINT32_MAX;
	expect_fail(&r, 4 * MiB, BOOT_ETOOMANY, NULL);
}

Test(loader_multiboot, sixteen_modules_fit)
{
	struct boot_request r = req_for(build_elf32(0));
	r.nmodules = BOOT_MAX_MODULES;
	for (unsigned i = 0; i < BOOT_MAX_MODULES; i++) {
		r.modules[i] = (struct blob){(const uint8_t *)"x", 1, "x"};
		r.module_args[i] = "module";
	}
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	uint32_t mods = fx_r32g(&vm, e.rbx + MBI_MODS_ADDR);
	uint32_t last = fx_r32g(&vm, mods + 16 * 15);
	cr_assert_eq(last, 0x104000 + 15 * 0x1000);
	fx_vm_fini(&vm);
}

Test(loader_multiboot, modules_too_big_for_ram)
{
	static uint8_t big[3 * 1024 * 1024];
	struct boot_request r = req_for(build_elf32(0));
	r.nmodules = 1;
	r.modules[0] = (struct blob){big, sizeof(big), "big"};
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, "modules");
}

Test(loader_multiboot, strings_overflowing_cmdline_area)
{
	static char longline[70 * 1024];
	memset(longline, 'a', sizeof(longline) - 1);
	struct boot_request r = req_for(build_elf32(0));
	r.cmdline = longline;
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, "64 KiB");

	/* Fits alone, but not with a module string after it. */
	longline[64 * 1024 - 10] = 0;
	r.nmodules = 1;
	r.modules[0] = (struct blob){(const uint8_t *)"m", 1, "m"};
	r.module_args[0] = "a module string that no longer fits";
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, "64 KiB");
}

Test(loader_multiboot, ram_too_small_for_direct_boot)
{
	struct boot_request r = req_for(build_elf32(0));
	expect_fail(&r, 1 * MiB, BOOT_ETOOBIG, NULL);
}

Test(loader_multiboot, bad_file_leaves_guest_memory_untouched)
{
	size_t size = build_elf32(0);
	fx_w32(img + fx_phdr_off(false, 1) + 12, 0x3FF000); /* second segment past RAM */
	struct boot_request r = req_for(size);
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(multiboot_load(&vm.mem, &r, &e, &why), BOOT_ETOOBIG);
	cr_assert_eq(*fx_at(&vm, 0x100000, 1), 0xCC, "first segment not copied");
	fx_vm_fini(&vm);
}
