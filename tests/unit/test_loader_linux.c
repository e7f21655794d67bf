/* Linux boot protocol tests: bzImage and vmlinux, zero page fields per boot.rst and zero-page.rst.
 */
#include "tests/unit/test_loader_fixtures.h"

#define ZP BOOT_ZERO_PAGE_ADDR

static uint8_t img[0x4000];

struct bz_opts {
	uint8_t setup_sects;
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint32_t pm_size;
};

static struct bz_opts bz_default(void)
{
	return (struct bz_opts){
	    .setup_sects = 2,
	    .version = 0x020F,
	    .loadflags = 0x01,
	    .xloadflags = 0x03,
	    .relocatable = 1,
	    .kernel_alignment = 0x200000,
	    .pref_address = 0x1000000,
	    .init_size = 0x800000,
	    .initrd_addr_max = 0x7FFFFFFF,
	    .cmdline_size = 255,
	    .pm_size = 0x2000,
	};
}

/* A bzImage-shaped file: boot sector + setup sectors holding the header, then the protected-mode
 * part. */
static size_t build_bz(const struct bz_opts *o)
{
	unsigned sects = o->setup_sects ? o->setup_sects : 4;
	size_t pm_off = (sects + 1) * 512;
	size_t size = pm_off + o->pm_size;
	cr_assert_leq(size, sizeof(img));
	memset(img, 0, sizeof(img));
	for (size_t i = 0; i < o->pm_size; i++)
		img[pm_off + i] = fx_pattern(9, i);
	img[0x1F1] = o->setup_sects;
	fx_w32(img + 0x1F4, o->pm_size / 16);
	fx_w16(img + 0x1FA, 0xFFFF);
	fx_w16(img + 0x1FE, 0xAA55);
	img[0x200] = 0xEB;
	img[0x201] = 0x6A; /* header ends at 0x202 + 0x6A = 0x26C */
	memcpy(img + 0x202, "HdrS", 4);
	fx_w16(img + 0x206, o->version);
	img[0x211] = o->loadflags;
	fx_w32(img + 0x214, 0x100000);
	fx_w32(img + 0x22C, o->initrd_addr_max);
	fx_w32(img + 0x230, o->kernel_alignment);
	img[0x234] = o->relocatable;
	fx_w16(img + 0x236, o->xloadflags);
	fx_w32(img + 0x238, o->cmdline_size);
	fx_w64(img + 0x258, o->pref_address);
	fx_w32(img + 0x260, o->init_size);
	/* Bytes after the header's end that must not be copied into the zero page. */
	memset(img + 0x26C, 0xEE, 0x290 - 0x26C);
	return size;
}

static struct boot_request req_for(size_t size)
{
	struct boot_request r = {.kernel = {img, size, "bzImage"}, .cmdline = ""};
	return r;
}

static void load_ok(struct fx_vm *vm, uint64_t ram, struct boot_request *r, struct boot_entry *e)
{
	fx_vm_init(vm, ram);
	const char *why = NULL;
	int err = linux_load(&vm->mem, r, e, &why);
	cr_assert_eq(err, BOOT_OK, "linux_load: %d %s", err, why ? why : "");
}

Test(loader_linux, bzimage_protected_mode_code_at_1mib)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	/* (setup_sects + 1) * 512 = 0x600 bytes of real-mode code are not loaded. */
	cr_assert(fx_is_pattern(fx_at(&vm, 0x100000, o.pm_size), 9, o.pm_size));
	cr_assert_eq(*fx_at(&vm, 0x100000 + o.pm_size, 1), 0xCC);
	fx_vm_fini(&vm);
}

Test(loader_linux, bzimage_setup_sects_zero_means_four)
{
	struct bz_opts o = bz_default();
	o.setup_sects = 0;
	struct boot_request r = req_for(build_bz(&o));
	cr_assert_eq(r.kernel.size, 5 * 512 + o.pm_size);
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	cr_assert(fx_is_pattern(fx_at(&vm, 0x100000, o.pm_size), 9, o.pm_size));
	fx_vm_fini(&vm);
}

Test(loader_linux, bzimage_64bit_entry_state)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	cr_assert_eq(e.mode, CPU_LONG64);
	cr_assert_eq(e.rip, 0x100000 + 0x200, "64-bit entry is load address + 0x200");
	cr_assert_eq(e.rsi, ZP, "RSI = boot_params");
	cr_assert_eq(e.cr3 & ~0xFFFULL, BOOT_PAGE_TABLE_ADDR);
	fx_check_gdt(&vm, &e);
	uint64_t pa;
	for (uint64_t va = 0; va < 4 * GiB; va += 0x3FF000) {
		cr_assert(fx_walk(&vm, e.cr3, va, &pa), "0x%llx mapped", (unsigned long long)va);
		cr_assert_eq(pa, va);
	}
	fx_vm_fini(&vm);
}

Test(loader_linux, bzimage_zero_page_header_and_loader_fields)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	r.cmdline = "console=ttyS0 nortc";
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	const uint8_t *zp = fx_at(&vm, ZP, 4096);

	/* Setup header copied from file offset 0x1F1 up to 0x202 + byte[0x201]. */
	cr_assert(memcmp(zp + 0x202, "HdrS", 4) == 0);
	cr_assert_eq(fx_r16(zp + 0x1FE), 0xAA55);
	cr_assert_eq(fx_r16(zp + 0x206), 0x020F);
	cr_assert_eq(zp[0x1F1], 2);
	cr_assert_eq(fx_r64(zp + 0x258), 0x1000000);
	cr_assert_eq(fx_r32(zp + 0x260), 0x800000);
	cr_assert(fx_is_zero(zp + 0x26C, 0x290 - 0x26C), "nothing past the header end copied");
	cr_assert(fx_is_zero(zp, 0x1E8), "fields before the e820 count start zero");
	cr_assert_eq(zp[0x1EF], 0, "sentinel clear");

	cr_assert_eq(zp[0x210], 0xFF, "type_of_loader: undefined loader");
	cr_assert(zp[0x211] & 0x01, "LOADED_HIGH");
	cr_assert(zp[0x211] & 0x80, "CAN_USE_HEAP");
	cr_assert_eq(fx_r16(zp + 0x224), 0xFE00, "heap_end_ptr");

	uint32_t cl = fx_r32(zp + 0x228);
	cr_assert(cl >= BOOT_CMDLINE_ADDR && cl < BOOT_CMDLINE_END);
	cr_assert_eq(fx_r32(zp + 0x0C8), 0, "ext_cmd_line_ptr");
	cr_assert_str_eq((const char *)fx_at(&vm, cl, 20), "console=ttyS0 nortc");
	cr_assert_eq(fx_r32(zp + 0x218), 0, "no initrd");
	cr_assert_eq(fx_r32(zp + 0x21C), 0);
	fx_vm_fini(&vm);
}

Test(loader_linux, bzimage_e820_table)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	const uint8_t *zp = fx_at(&vm, ZP, 4096);
	unsigned n = zp[0x1E8];
	cr_assert_geq(n, 2);
	cr_assert_leq(n, 128);
	uint64_t prev_end = 0, ram = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *ent = zp + 0x2D0 + 20 * i;
		uint64_t addr = fx_r64(ent), size = fx_r64(ent + 8);
		uint32_t type = fx_r32(ent + 16);
		cr_assert_gt(size, 0);
		cr_assert_geq(addr, prev_end, "sorted, non-overlapping");
		cr_assert(type == 1 || type == 2);
		if (type == 1)
			ram += size;
		prev_end = addr + size;
	}
	/* First entry: conventional memory up to the EBDA; last: RAM from 1 MiB to the top. */
	cr_assert_eq(fx_r64(zp + 0x2D0), 0);
	cr_assert_eq(fx_r64(zp + 0x2D0 + 8), 0x9FC00);
	cr_assert_eq(fx_r32(zp + 0x2D0 + 16), 1);
	const uint8_t *last = zp + 0x2D0 + 20 * (n - 1);
	cr_assert_eq(fx_r64(last), MiB);
	cr_assert_eq(fx_r64(last + 8), 31 * MiB);
	cr_assert_eq(ram, 0x9FC00 + 31 * MiB);
	cr_assert(fx_is_zero(zp + 0x2D0 + 20 * n, 20), "table ends after e820_entries");
	fx_vm_fini(&vm);
}

static uint8_t initrd[600 * 1024];

static void fill_initrd(size_t n)
{
	for (size_t i = 0; i < n; i++)
		initrd[i] = fx_pattern(11, i);
}

Test(loader_linux, bzimage_initrd_at_top_of_ram_page_aligned)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	fill_initrd(sizeof(initrd));
	r.nmodules = 1;
	r.modules[0] = (struct blob){initrd, 300001, "core.gz"};
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	const uint8_t *zp = fx_at(&vm, ZP, 4096);
	uint32_t at = fx_r32(zp + 0x218), size = fx_r32(zp + 0x21C);
	cr_assert_eq(size, 300001);
	cr_assert_eq(at % 4096, 0);
	cr_assert_leq(at + (uint64_t)size, 32 * MiB);
	cr_assert_gt(at + (uint64_t)size + 4096, 32 * MiB, "as high as alignment allows");
	cr_assert_geq(at, 0x1000000 + 0x800000, "clear of the kernel's runtime window");
	cr_assert_eq(fx_r32(zp + 0x0C0), 0, "ext_ramdisk_image");
	cr_assert_eq(fx_r32(zp + 0x0C4), 0, "ext_ramdisk_size");
	cr_assert(fx_is_pattern(fx_at(&vm, at, size), 11, size));
	fx_vm_fini(&vm);
}

Test(loader_linux, bzimage_initrd_respects_initrd_addr_max)
{
	struct bz_opts o = bz_default();
	o.initrd_addr_max = 0x1FFFFFF; /* last byte the initrd may use: just below 32 MiB */
	struct boot_request r = req_for(build_bz(&o));
	fill_initrd(sizeof(initrd));
	r.nmodules = 1;
	r.modules[0] = (struct blob){initrd, 8192, "initrd"};
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 64 * MiB, &r, &e);
	const uint8_t *zp = fx_at(&vm, ZP, 4096);
	uint32_t at = fx_r32(zp + 0x218);
	cr_assert_eq(at, 32 * MiB - 8192);
	cr_assert(fx_is_pattern(fx_at(&vm, at, 8192), 11, 8192));
	fx_vm_fini(&vm);
}

Test(loader_linux, cmdline_exactly_cmdline_size_fits)
{
	static char line[256];
	memset(line, 'x', 255);
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	r.cmdline = line;
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	uint32_t cl = fx_r32(fx_at(&vm, ZP + 0x228, 4));
	cr_assert_eq(strlen((const char *)fx_at(&vm, cl, 256)), 255);
	fx_vm_fini(&vm);
}

static void expect_fail(struct boot_request *r, uint64_t ram, int want, const char *why_has)
{
	struct fx_vm vm;
	fx_vm_init(&vm, ram);
	struct boot_entry e;
	const char *why = NULL;
	int err = linux_load(&vm.mem, r, &e, &why);
	cr_assert_eq(err, want, "got %d (%s), want %d", err, why ? why : "-", want);
	cr_assert_not_null(why);
	if (why_has)
		cr_assert(strstr(why, why_has), "why \"%s\" lacks \"%s\"", why, why_has);
	fx_vm_fini(&vm);
}

Test(loader_linux, cmdline_longer_than_cmdline_size)
{
	static char line[257];
	memset(line, 'x', 256);
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	r.cmdline = line;
	expect_fail(&r, 32 * MiB, BOOT_ETOOBIG, "cmdline_size");
}

Test(loader_linux, old_protocol_refused)
{
	struct bz_opts o = bz_default();
	o.version = 0x0205;
	struct boot_request r = req_for(build_bz(&o));
	expect_fail(&r, 32 * MiB, BOOT_EUNSUPPORTED, "2.06");
	o.version = 0x0206; /* 2.06-2.11 has no xloadflags, hence no 64-bit entry */
	r = req_for(build_bz(&o));
	expect_fail(&r, 32 * MiB, BOOT_EUNSUPPORTED, "64-bit");
}

Test(loader_linux, no_xlf_kernel_64_refused)
{
	struct bz_opts o = bz_default();
	o.xloadflags = 0x02;
	struct boot_request r = req_for(build_bz(&o));
	expect_fail(&r, 32 * MiB, BOOT_EUNSUPPORTED, "XLF_KERNEL_64");
}

Test(loader_linux, zimage_refused)
{
	struct bz_opts o = bz_default();
	o.loadflags = 0;
	struct boot_request r = req_for(build_bz(&o));
	expect_fail(&r, 32 * MiB, BOOT_EUNSUPPORTED, "zImage");
}

Test(loader_linux, header_past_end_of_file)
{
	struct bz_opts o = bz_default();
	build_bz(&o);
	struct boot_request r = req_for(0x240); /* signature present, header cut short */
	expect_fail(&r, 32 * MiB, BOOT_EMALFORMED, "past end of file");
}

Test(loader_linux, header_shorter_than_its_version)
{
	struct bz_opts o = bz_default();
	size_t size = build_bz(&o);
	img[0x201] = 0x30; /* header claims to end at 0x232, before xloadflags */
	struct boot_request r = req_for(size);
	expect_fail(&r, 32 * MiB, BOOT_EMALFORMED, NULL);
}

Test(loader_linux, setup_sects_past_end_of_file)
{
	struct bz_opts o = bz_default();
	size_t size = build_bz(&o);
	img[0x1F1] = 0xFF;
	struct boot_request r = req_for(size);
	expect_fail(&r, 32 * MiB, BOOT_EMALFORMED, "setup_sects");
}

Test(loader_linux, syssize_larger_than_file)
{
	struct bz_opts o = bz_default();
	size_t size = build_bz(&o);
	fx_w32(img + 0x1F4, 0xFFFFFFFF);
	struct boot_request r = req_for(size);
	expect_fail(&r, 32 * MiB, BOOT_EMALFORMED, "syssize");
}

Test(loader_linux, kernel_alignment_not_power_of_two)
{
	struct bz_opts o = bz_default();
	o.kernel_alignment = 0x300000;
	struct boot_request r = req_for(build_bz(&o));
	expect_fail(&r, 32 * MiB, BOOT_EMALFORMED, "kernel_alignment");
}

Test(loader_linux, init_size_beyond_ram)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	/* Runtime window is 16 MiB + 8 MiB: a 20 MiB guest cannot hold it. */
	expect_fail(&r, 20 * MiB, BOOT_ETOOBIG, "init_size");
	o.pref_address = 0xFFFFFFFFFFFFF000ULL; /* rounding or adding init_size would wrap */
	r = req_for(build_bz(&o));
	expect_fail(&r, 32 * MiB, BOOT_EMALFORMED, NULL);
}

Test(loader_linux, non_relocatable_kernel_uses_pref_address_window)
{
	struct bz_opts o = bz_default();
	o.relocatable = 0;
	o.pref_address = 0x100000;
	o.init_size = 0x1000000;
	struct boot_request r = req_for(build_bz(&o));
	fill_initrd(sizeof(initrd));
	r.nmodules = 1;
	r.modules[0] = (struct blob){initrd, 4096, "initrd"};
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 32 * MiB, &r, &e);
	uint32_t at = fx_r32(fx_at(&vm, ZP + 0x218, 4));
	cr_assert_geq(at, 0x1100000);
	fx_vm_fini(&vm);
}

Test(loader_linux, initrd_too_big)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	/* 24 MiB needed by the kernel, 600 KiB initrd, 24.5 MiB of RAM. */
	r.nmodules = 1;
	r.modules[0] = (struct blob){initrd, sizeof(initrd), "initrd"};
	expect_fail(&r, 24 * MiB + 512 * 1024, BOOT_ETOOBIG, "initrd");
	/* Larger than all RAM below initrd_addr_max. */
	o.initrd_addr_max = 0x7FFFF;
	r.kernel.size = build_bz(&o);
	expect_fail(&r, 32 * MiB, BOOT_ETOOBIG, "initrd");
}

Test(loader_linux, more_than_one_initrd)
{
	struct bz_opts o = bz_default();
	struct boot_request r = req_for(build_bz(&o));
	r.nmodules = 2;
	r.modules[0] = (struct blob){initrd, 10, "a"};
	r.modules[1] = (struct blob){initrd, 10, "b"};
	expect_fail(&r, 32 * MiB, BOOT_ETOOMANY, NULL);
}

Test(loader_linux, kernel_past_ram)
{
	struct bz_opts o = bz_default();
	o.relocatable = 0;
	o.pref_address = 0x100000;
	o.init_size = 0;
	o.pm_size = 0x3000;
	struct boot_request r = req_for(build_bz(&o));
	struct fx_vm vm;
	fx_vm_init(&vm, 2 * MiB);
	struct boot_entry e;
	const char *why = NULL;
	cr_assert_eq(linux_load(&vm.mem, &r, &e, &why), BOOT_OK, "%s", why);
	fx_vm_fini(&vm);
	/* Same kernel, but the protected-mode part claims more than RAM holds. */
	static uint8_t huge[2 * 1024 * 1024];
	memcpy(huge, img, r.kernel.size);
	fx_w32(huge + 0x1F4, (uint32_t)((sizeof(huge) - 0x600) / 16));
	r.kernel = (struct blob){huge, sizeof(huge), "huge"};
	expect_fail(&r, 2 * MiB, BOOT_ETOOBIG, NULL);
}

Test(loader_linux, not_a_linux_kernel)
{
	memset(img, 0, 4096);
	struct boot_request r = req_for(4096);
	expect_fail(&r, 32 * MiB, BOOT_ENOTKERNEL, NULL);
}

/* ---- vmlinux ---- */

static uint8_t elf[0x8000];
static uint8_t text[0x1000];

/* A vmlinux-shaped ELF64: text at 16 MiB linked at the -2 GiB kernel map, data + bss, a "Linux"
 * note. */
static size_t build_vmlinux(uint64_t entry, const char *note_owner)
{
	static uint8_t note[64];
	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = fx_pattern(0, i);
	size_t nl = fx_note(note, note_owner, 0x100);
	struct fx_elf e = {.is64 = true, .machine = EM_X86_64, .entry = entry, .nseg = 3};
	e.seg[0] = (struct fx_seg){
	    PT_LOAD, 0x1000000, 0xFFFFFFFF81000000ULL, sizeof(text), sizeof(text), 0x200000, text};
	e.seg[1] =
	    (struct fx_seg){PT_LOAD, 0x1200000, 0xFFFFFFFF81200000ULL, 0x800, 0x5000, 0x1000, NULL};
	e.seg[2] = (struct fx_seg){PT_NOTE, 0, 0, nl, 0, 4, note};
	return fx_build_elf(elf, sizeof(elf), &e);
}

static void vmlinux_ok(struct fx_vm *vm, struct boot_request *r, struct boot_entry *e)
{
	fx_vm_init(vm, 64 * MiB);
	const char *why = NULL;
	int err = linux_load(&vm->mem, r, e, &why);
	cr_assert_eq(err, BOOT_OK, "linux_load: %d %s", err, why ? why : "");
}

Test(loader_vmlinux, detected_and_segments_loaded_at_paddr)
{
	struct boot_request r = {.kernel = {elf, build_vmlinux(0x1000000, "Linux"), "vmlinux"},
				 .cmdline = "console=ttyS0"};
	cr_assert_eq(boot_detect(&r.kernel), BOOT_VMLINUX);
	struct fx_vm vm;
	struct boot_entry e;
	vmlinux_ok(&vm, &r, &e);
	cr_assert(memcmp(fx_at(&vm, 0x1000000, sizeof(text)), text, sizeof(text)) == 0);
	cr_assert(fx_is_pattern(fx_at(&vm, 0x1200000, 0x800), 1, 0x800));
	cr_assert(fx_is_zero(fx_at(&vm, 0x1200800, 0x4800), 0x4800), "bss zeroed");
	fx_vm_fini(&vm);
}

Test(loader_vmlinux, entry_state_and_zero_page)
{
	struct boot_request r = {.kernel = {elf, build_vmlinux(0x1000000, "Linux"), "vmlinux"},
				 .cmdline = "console=ttyS0 root=/dev/sda"};
	struct fx_vm vm;
	struct boot_entry e;
	vmlinux_ok(&vm, &r, &e);
	cr_assert_eq(e.mode, CPU_LONG64);
	cr_assert_eq(e.rip, 0x1000000, "x86-64 vmlinux e_entry is startup_64's physical address");
	cr_assert_eq(e.rsi, ZP);
	fx_check_gdt(&vm, &e);
	uint64_t pa;
	cr_assert(fx_walk(&vm, e.cr3, 0x1000000, &pa) && pa == 0x1000000);
	cr_assert(fx_walk(&vm, e.cr3, ZP, &pa) && pa == ZP);

	const uint8_t *zp = fx_at(&vm, ZP, 4096);
	cr_assert_eq(fx_r16(zp + 0x1FE), 0xAA55);
	cr_assert(memcmp(zp + 0x202, "HdrS", 4) == 0);
	cr_assert_geq(fx_r16(zp + 0x206), 0x0206);
	cr_assert_eq(zp[0x210], 0xFF);
	cr_assert(zp[0x211] & 0x01);
	cr_assert_eq(zp[0x1EF], 0, "sentinel clear");
	uint32_t cl = fx_r32(zp + 0x228);
	cr_assert_str_eq((const char *)fx_at(&vm, cl, 28), "console=ttyS0 root=/dev/sda");
	cr_assert_geq(fx_r32(zp + 0x238), 255, "cmdline_size advertised");
	cr_assert_geq(zp[0x1E8], 2, "e820 table filled");
	cr_assert_eq(fx_r64(zp + 0x2D0 + 8), 0x9FC00);
	fx_vm_fini(&vm);
}

Test(loader_vmlinux, virtual_entry_translated)
{
	struct boot_request r = {
	    .kernel = {elf, build_vmlinux(0xFFFFFFFF81000040ULL, "Linux"), "vmlinux"},
	    .cmdline = ""};
	struct fx_vm vm;
	struct boot_entry e;
	vmlinux_ok(&vm, &r, &e);
	cr_assert_eq(e.rip, 0x1000040);
	fx_vm_fini(&vm);
}

Test(loader_vmlinux, initrd_above_kernel_below_initrd_addr_max)
{
	struct boot_request r = {.kernel = {elf, build_vmlinux(0x1000000, "Xen"), "vmlinux"},
				 .cmdline = ""};
	cr_assert_eq(boot_detect(&r.kernel), BOOT_VMLINUX);
	fill_initrd(sizeof(initrd));
	r.nmodules = 1;
	r.modules[0] = (struct blob){initrd, 5000, "initrd"};
	struct fx_vm vm;
	struct boot_entry e;
	vmlinux_ok(&vm, &r, &e);
	const uint8_t *zp = fx_at(&vm, ZP, 4096);
	uint32_t at = fx_r32(zp + 0x218);
	cr_assert_eq(fx_r32(zp + 0x21C), 5000);
	cr_assert_eq(at % 4096, 0);
	cr_assert_geq(at, 0x1205000, "above the kernel's bss");
	cr_assert_leq(at + 5000ULL, 64 * MiB);
	cr_assert_leq(at + 5000ULL - 1, fx_r32(zp + 0x22C), "below initrd_addr_max");
	cr_assert(fx_is_pattern(fx_at(&vm, at, 5000), 11, 5000));
	fx_vm_fini(&vm);
}

Test(loader_vmlinux, errors)
{
	size_t size = build_vmlinux(0x1000000, "Linux");
	struct boot_request r = {.kernel = {elf, size, "vmlinux"}, .cmdline = ""};
	/* Kernel at 16 MiB does not fit 16 MiB of RAM. */
	expect_fail(&r, 16 * MiB, BOOT_ETOOBIG, "guest RAM");
	/* A command line above COMMAND_LINE_SIZE. */
	static char line[4096];
	memset(line, 'y', sizeof(line) - 1);
	r.cmdline = line;
	expect_fail(&r, 64 * MiB, BOOT_ETOOBIG, "cmdline_size");
	r.cmdline = "";
	/* Entry outside the image. */
	fx_w64(elf + 24, 0x3000000);
	expect_fail(&r, 64 * MiB, BOOT_EMALFORMED, "entry");
	/* Program header table past the end of the file. */
	build_vmlinux(0x1000000, "Linux");
	r.kernel.size = 100;
	expect_fail(&r, 64 * MiB, BOOT_EMALFORMED, "program header table");
}
