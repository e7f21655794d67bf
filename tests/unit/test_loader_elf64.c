/* 64-bit entry tests: ELF64 and flat images with multiboot information, identity page tables, boot
 * GDT. */
#include "tests/unit/test_loader_fixtures.h"

static uint8_t img[0x8000];

/* Text at 2 MiB, data + bss at 3 MiB, entry inside the text. */
static size_t build_elf64(void)
{
	struct fx_elf e = {.is64 = true, .machine = EM_X86_64, .entry = 0x200010, .nseg = 2};
	e.seg[0] = (struct fx_seg){PT_LOAD, 0x200000, 0x200000, 0x1000, 0x1000, 0x1000, NULL};
	e.seg[1] = (struct fx_seg){PT_LOAD, 0x300000, 0x300000, 0x100, 0x3000, 0x1000, NULL};
	return fx_build_elf(img, sizeof(img), &e);
}

static struct boot_request req_for(size_t size)
{
	struct boot_request r = {.kernel = {img, size, "kernel64"}, .cmdline = "hello"};
	return r;
}

static void load_ok(struct fx_vm *vm, uint64_t ram, struct boot_request *r, struct boot_entry *e)
{
	fx_vm_init(vm, ram);
	const char *why = NULL;
	int err = boot_load(&vm->mem, r, e, &why);
	cr_assert_eq(err, BOOT_OK, "boot_load: %d %s", err, why ? why : "");
}

Test(loader_elf64, segments_and_bss)
{
	struct boot_request r = req_for(build_elf64());
	cr_assert_eq(boot_detect(&r.kernel), BOOT_ELF64);
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 16 * MiB, &r, &e);
	cr_assert(fx_is_pattern(fx_at(&vm, 0x200000, 0x1000), 0, 0x1000));
	cr_assert(fx_is_pattern(fx_at(&vm, 0x300000, 0x100), 1, 0x100));
	cr_assert(fx_is_zero(fx_at(&vm, 0x300100, 0x2F00), 0x2F00));
	cr_assert_eq(*fx_at(&vm, 0x303000, 1), 0xCC);
	fx_vm_fini(&vm);
}

Test(loader_elf64, entry_registers_carry_multiboot_info)
{
	struct boot_request r = req_for(build_elf64());
	r.nmodules = 1;
	r.modules[0] = (struct blob){(const uint8_t *)"root task", 9, "root"};
	r.module_args[0] = "roottask";
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 16 * MiB, &r, &e);
	cr_assert_eq(e.mode, CPU_LONG64);
	cr_assert_eq(e.rip, 0x200010);
	cr_assert_eq(e.rsp, BOOT_STACK_TOP);
	cr_assert_eq(e.rax, 0x2BADB002);
	cr_assert_eq(e.rbx, BOOT_MBI_ADDR);
	cr_assert_eq(e.rdi, BOOT_MBI_ADDR, "info pointer as first C argument");
	fx_check_gdt(&vm, &e);

	uint32_t flags = fx_r32g(&vm, e.rbx);
	cr_assert_eq(flags & 0x24D, 0x24D, "mem, cmdline, mods, mmap, loader name");
	cr_assert_str_eq((const char *)fx_at(&vm, fx_r32g(&vm, e.rbx + 16), 6), "hello");
	cr_assert_eq(fx_r32g(&vm, e.rbx + 20), 1);
	uint32_t mod = fx_r32g(&vm, e.rbx + 24);
	cr_assert_eq(fx_r32g(&vm, mod), 0x303000, "first page after the bss");
	cr_assert_eq(fx_r32g(&vm, mod + 4), 0x303000 + 9);
	cr_assert(memcmp(fx_at(&vm, 0x303000, 9), "root task", 9) == 0);
	cr_assert_str_eq((const char *)fx_at(&vm, fx_r32g(&vm, mod + 8), 9), "roottask");
	cr_assert_eq(fx_r32g(&vm, e.rbx + 8), 15 * 1024, "mem_upper of 16 MiB");
	fx_vm_fini(&vm);
}

Test(loader_elf64, identity_map_covers_4gib_with_2mib_pages)
{
	struct boot_request r = req_for(build_elf64());
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 16 * MiB, &r, &e);
	cr_assert_eq(e.cr3, BOOT_PAGE_TABLE_ADDR);
	uint64_t pa;
	const uint64_t probes[] = {0,	       0x1000,	   0x1FFFFF,   0x200000,    0x200010,
				   0xFEE00000, 0xC0000000, 0xFFFFFFFF, 3 * GiB - 1, 0x7FFFF123};
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		cr_assert(fx_walk(&vm, e.cr3, probes[i], &pa), "0x%llx mapped",
			  (unsigned long long)probes[i]);
		cr_assert_eq(pa, probes[i]);
	}
	/* Walk the structure directly: present + writable at every level, PS in the PDs. */
	const uint8_t *pml4 = fx_at(&vm, e.cr3, 4096);
	cr_assert_eq(fx_r64(pml4) & 3, 3);
	cr_assert(fx_is_zero(pml4 + 8, 4096 - 8), "only the first 512 GiB slot used");
	const uint8_t *pdpt = fx_at(&vm, fx_r64(pml4) & ~0xFFFULL, 4096);
	for (unsigned g = 0; g < 4; g++) {
		uint64_t pdpte = fx_r64(pdpt + 8 * g);
		cr_assert_eq(pdpte & 3, 3);
		cr_assert_eq(pdpte & 0x80, 0, "PDPT points at page directories");
		const uint8_t *pd = fx_at(&vm, pdpte & ~0xFFFULL, 4096);
		cr_assert_geq(pdpte & ~0xFFFULL, BOOT_PAGE_TABLE_ADDR);
		cr_assert_lt(pdpte & ~0xFFFULL, BOOT_PAGE_TABLE_END);
		for (unsigned i = 0; i < 512; i++)
			cr_assert_eq(fx_r64(pd + 8 * i), g * GiB + i * 2 * MiB + 0x83);
	}
	cr_assert(!fx_walk(&vm, e.cr3, 4 * GiB, &pa), "4 GiB and up not mapped");
	fx_vm_fini(&vm);
}

static void expect_fail(struct boot_request *r, uint64_t ram, int want, const char *why_has)
{
	struct fx_vm vm;
	fx_vm_init(&vm, ram);
	struct boot_entry e;
	const char *why = NULL;
	int err = r->flat_load_addr ? flat64_load(&vm.mem, r, &e, &why)
				    : elf64_load(&vm.mem, r, &e, &why);
	cr_assert_eq(err, want, "got %d (%s), want %d", err, why ? why : "-", want);
	cr_assert_not_null(why);
	if (why_has)
		cr_assert(strstr(why, why_has), "why \"%s\" lacks \"%s\"", why, why_has);
	fx_vm_fini(&vm);
}

#define PH64(i, field) (img + fx_phdr_off(true, i) + (field))
#define P_PADDR	       24
#define P_FILESZ       32
#define P_MEMSZ	       40

Test(loader_elf64, truncated_files)
{
	size_t size = build_elf64();
	struct boot_request r = req_for(40); /* inside the 64-byte ELF header */
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "header truncated");
	r = req_for(100); /* header complete, program headers cut */
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "program header table extends past end of file");
	r = req_for(size - 0x80); /* segment 1's bytes cut */
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "segment extends past end of file");
}

Test(loader_elf64, phdr_table_offset_past_eof_and_wrapping)
{
	size_t size = build_elf64();
	fx_w64(img + 32, 0xFFFFFFFFFFFFFFF0ULL); /* e_phoff near 2^64 */
	struct boot_request r = req_for(size);
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "program header table");
	build_elf64();
	fx_w64(PH64(1, 8), 0xFFFFFFFFFFFFFF00ULL); /* p_offset wraps with p_filesz */
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "past end of file");
}

Test(loader_elf64, huge_memsz_overflow)
{
	size_t size = build_elf64();
	fx_w64(PH64(1, P_MEMSZ), 0xFFFFFFFFFFFFF000ULL);
	struct boot_request r = req_for(size);
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "overflows");
}

Test(loader_elf64, segment_past_ram)
{
	size_t size = build_elf64();
	fx_w64(PH64(1, P_PADDR), 16 * MiB - 0x1000);
	struct boot_request r = req_for(size);
	expect_fail(&r, 16 * MiB, BOOT_ETOOBIG, "guest RAM");
	/* In the PCI hole between the low and the high RAM regions. */
	fx_w64(PH64(1, P_PADDR), 0xC0000000ULL);
	expect_fail(&r, 16 * MiB, BOOT_ETOOBIG, "guest RAM");
}

Test(loader_elf64, below_1mib_refused)
{
	size_t size = build_elf64();
	fx_w64(PH64(0, P_PADDR), 0x7000); /* the zero page / MBI area */
	struct boot_request r = req_for(size);
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "below 1 MiB");
}

Test(loader_elf64, header_field_sanity)
{
	size_t size = build_elf64();
	struct boot_request r = req_for(size);
	fx_w16(img + 16, ET_DYN);
	expect_fail(&r, 16 * MiB, BOOT_EUNSUPPORTED, "ET_EXEC");
	build_elf64();
	fx_w16(img + 54, 16); /* e_phentsize below sizeof(Elf64_Phdr) */
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "too small");
	build_elf64();
	fx_w16(img + 56, 0);
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "no program headers");
	build_elf64();
	fx_w32(PH64(0, 0), PT_NOTE);
	fx_w32(PH64(1, 0), PT_NULL);
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "no loadable segment");
	build_elf64();
	fx_w64(PH64(1, P_FILESZ), 0x4000);
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "p_filesz");
	build_elf64();
	fx_w64(img + 24, 0x100000); /* e_entry outside both segments */
	expect_fail(&r, 16 * MiB, BOOT_EMALFORMED, "entry");
	build_elf64();
	fx_w16(img + 18, EM_386);
	expect_fail(&r, 16 * MiB, BOOT_ENOTKERNEL, NULL);
}

Test(loader_elf64, module_limits)
{
	struct boot_request r = req_for(build_elf64());
	r.nmodules = BOOT_MAX_MODULES + 1;
	expect_fail(&r, 16 * MiB, BOOT_ETOOMANY, NULL);
	static uint8_t big[8 * 1024 * 1024];
	r.nmodules = 2;
	r.modules[0] = (struct blob){big, sizeof(big), "a"};
	r.modules[1] = (struct blob){big, sizeof(big), "b"};
	expect_fail(&r, 16 * MiB, BOOT_ETOOBIG, "modules");
}

/* ---- flat 64-bit images ---- */

Test(loader_flat64, loads_at_address_and_enters_there)
{
	for (unsigned i = 0; i < 0x1800; i++)
		img[i] = fx_pattern(2, i);
	struct boot_request r = req_for(0x1800);
	r.flat_load_addr = 0x100000;
	r.nmodules = 1;
	r.modules[0] = (struct blob){(const uint8_t *)"m", 1, "m"};
	struct fx_vm vm;
	struct boot_entry e;
	load_ok(&vm, 4 * MiB, &r, &e);
	cr_assert(fx_is_pattern(fx_at(&vm, 0x100000, 0x1800), 2, 0x1800));
	cr_assert_eq(e.mode, CPU_LONG64);
	cr_assert_eq(e.rip, 0x100000);
	cr_assert_eq(e.rax, 0x2BADB002);
	cr_assert_eq(e.rbx, BOOT_MBI_ADDR);
	uint32_t mod = fx_r32g(&vm, e.rbx + 24);
	cr_assert_eq(fx_r32g(&vm, mod), 0x102000, "module on the page after the image");
	fx_vm_fini(&vm);
}

Test(loader_flat64, errors)
{
	memset(img, 0x90, 0x1000);
	struct boot_request r = req_for(0x1000);
	r.flat_load_addr = 0x7C00;
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "below 1 MiB");
	r.flat_load_addr = 4 * MiB - 0x800;
	expect_fail(&r, 4 * MiB, BOOT_ETOOBIG, "guest RAM");
	r.flat_load_addr = UINT64_MAX - 0x10;
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "overflows");
	r = req_for(0);
	r.flat_load_addr = 0x100000;
	expect_fail(&r, 4 * MiB, BOOT_EMALFORMED, "empty");
}

/* ---- the building blocks ---- */

Test(loader_pagetable, rounds_to_gib_and_checks_room)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	/* One byte still maps a whole GiB: PML4, PDPT and one PD. */
	cr_assert_eq(boot_identity_map(&vm.mem, 0x20000, 1), 0x20000);
	uint64_t pa;
	cr_assert(fx_walk(&vm, 0x20000, GiB - 1, &pa) && pa == GiB - 1);
	cr_assert(!fx_walk(&vm, 0x20000, GiB, &pa));
	/* 5 GiB: five PDs after PML4 and PDPT. */
	cr_assert_eq(boot_identity_map(&vm.mem, 0x40000, 5 * GiB), 0x40000);
	cr_assert(fx_walk(&vm, 0x40000, 5 * GiB - 1, &pa) && pa == 5 * GiB - 1);
	cr_assert_eq(boot_identity_map(&vm.mem, 0x20800, GiB), 0, "misaligned");
	cr_assert_eq(boot_identity_map(&vm.mem, 0, GiB), 0, "0 cannot be told from failure");
	cr_assert_eq(boot_identity_map(&vm.mem, 0x20000, 0), 0);
	cr_assert_eq(boot_identity_map(&vm.mem, 4 * MiB - 0x2000, GiB), 0, "past RAM");
	cr_assert_eq(boot_identity_map(&vm.mem, 0x20000, 513 * GiB), 0, "beyond one PDPT");
	cr_assert_eq(boot_identity_map(&vm.mem, 0x20000, UINT64_MAX), 0);
	fx_vm_fini(&vm);
}

Test(loader_pagetable, four_gib_fits_the_layout_area)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	cr_assert_eq(boot_identity_map(&vm.mem, BOOT_PAGE_TABLE_ADDR, 4 * GiB),
		     BOOT_PAGE_TABLE_ADDR);
	cr_assert_eq(*fx_at(&vm, BOOT_PAGE_TABLE_END, 1), 0xCC, "nothing written past the area");
	cr_assert_eq(*fx_at(&vm, BOOT_PAGE_TABLE_ADDR - 1, 1), 0xCC);
	fx_vm_fini(&vm);
}

Test(loader_gdt, descriptors_and_limit)
{
	struct fx_vm vm;
	fx_vm_init(&vm, 4 * MiB);
	struct boot_entry e = {0};
	cr_assert_eq(boot_write_gdt(&vm.mem, BOOT_GDT_ADDR, &e), 0);
	cr_assert_eq(e.gdt_base, BOOT_GDT_ADDR);
	cr_assert_eq(e.gdt_limit, 4 * 8 - 1);
	fx_check_gdt(&vm, &e);
	cr_assert_eq(*fx_at(&vm, BOOT_GDT_ADDR + 32, 1), 0xCC);
	cr_assert_neq(boot_write_gdt(&vm.mem, 4 * MiB - 8, &e), 0, "past RAM");
	fx_vm_fini(&vm);
}
