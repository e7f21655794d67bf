/* Builds the multiboot v1 information structure and places the modules after the kernel. */
#include "vmm/boot/mbinfo.h"

#include <string.h>

#include "vmm/boot/layout.h"
#include "vmm/boot/multiboot.h"
#include "vmm/boot/util.h"
#include "vmm/e820.h"

/* How the 4 KiB MBI page is shared out. */
#define MBI_INFO_AT	(BOOT_MBI_ADDR)
#define MBI_MMAP_AT	(BOOT_MBI_ADDR + 0x80)
#define MBI_MODS_AT	(MBI_MMAP_AT + E820_MAX * sizeof(struct mb_mmap_entry))
#define MBI_NAME_AT	(MBI_MODS_AT + BOOT_MAX_MODULES * sizeof(struct mb_module))
#define MBI_LOADER_NAME "tinyvmm"

_Static_assert(sizeof(struct mb_info) <= 0x80, "MBI area: info overlaps mmap");
_Static_assert(MBI_NAME_AT + sizeof(MBI_LOADER_NAME) <= BOOT_MBI_END, "MBI area overflows");

/* Appends a NUL-terminated string to the command-line area; its guest address goes to *at. */
static int put_string(struct guest_mem *mem, uint64_t *cursor, const char *s, uint32_t *at,
		      const char **why)
{
	uint64_t len = strlen(s) + 1;
	if (len > BOOT_CMDLINE_END - *cursor)
		return boot_fail(why, "command line and module strings exceed the 64 KiB area",
				 BOOT_ETOOBIG);
	if (gmem_write(mem, *cursor, s, len))
		return boot_fail(why, "command line area is not in guest RAM", BOOT_ETOOBIG);
	*at = (uint32_t)*cursor;
	*cursor += len;
	return BOOT_OK;
}

static int place_modules(struct guest_mem *mem, const struct boot_request *req, uint64_t kernel_end,
			 uint64_t *strings, struct mb_module *mods, const char **why)
{
	uint64_t top = boot_low_ram_top(mem);
	uint64_t at = kernel_end;
	for (unsigned i = 0; i < req->nmodules; i++) {
		const struct blob *m = &req->modules[i];
		if (!m->data && m->size)
			return boot_fail(why, "module has a size but no data", BOOT_EMALFORMED);
		/* Page alignment is what header flag 0 asks for; giving it always costs little. */
		if (!align_up_ok(at, BOOT_PAGE_SIZE, &at) || at > top || m->size > top - at)
			return boot_fail(why, "modules do not fit in guest RAM after the kernel",
					 BOOT_ETOOBIG);
		if (m->size && gmem_write(mem, at, m->data, m->size))
			return boot_fail(why, "modules do not fit in guest RAM after the kernel",
					 BOOT_ETOOBIG);
		const char *arg = req->module_args[i] ? req->module_args[i] : "";
		int err = put_string(mem, strings, arg, &mods[i].string, why);
		if (err)
			return err;
		/* top is below 4 GiB (the low RAM region ends at 3 GiB), so these fit 32 bits. */
		mods[i].mod_start = (uint32_t)at;
		mods[i].mod_end = (uint32_t)(at + m->size);
		mods[i].reserved = 0;
		at += m->size;
	}
	return BOOT_OK;
}

int mbi_check_request(const struct guest_mem *mem, const struct boot_request *req, const char **why)
{
	if (why)
		*why = NULL;
	int err = boot_check_ram(mem, why);
	if (err)
		return err;
	if (req->nmodules > BOOT_MAX_MODULES)
		return boot_fail(why, "more than 16 multiboot modules", BOOT_ETOOMANY);
	return BOOT_OK;
}

int mbi_build(struct guest_mem *mem, const struct boot_request *req, uint64_t kernel_end,
	      const char **why)
{
	if (req->nmodules > BOOT_MAX_MODULES)
		return boot_fail(why, "more than 16 multiboot modules", BOOT_ETOOMANY);

	struct mb_info info;
	memset(&info, 0, sizeof(info));
	uint64_t strings = BOOT_CMDLINE_ADDR;
	uint32_t cmdline_at;
	int err = put_string(mem, &strings, req->cmdline ? req->cmdline : "", &cmdline_at, why);
	if (err)
		return err;

	struct mb_module mods[BOOT_MAX_MODULES];
	memset(mods, 0, sizeof(mods));
	err = place_modules(mem, req, kernel_end, &strings, mods, why);
	if (err)
		return err;

	struct e820_map map;
	e820_build(&map, mem);
	struct mb_mmap_entry mmap[E820_MAX];
	for (unsigned i = 0; i < map.n; i++)
		mmap[i] = (struct mb_mmap_entry){20, map.e[i].addr, map.e[i].size, map.e[i].type};

	info.flags =
	    MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME;
	info.cmdline = cmdline_at;
	info.mem_lower = e820_mem_lower_kib(mem);
	info.mem_upper = e820_mem_upper_kib(mem);
	info.mods_count = req->nmodules;
	info.mods_addr = (uint32_t)MBI_MODS_AT;
	info.mmap_length = map.n * (uint32_t)sizeof(struct mb_mmap_entry);
	info.mmap_addr = (uint32_t)MBI_MMAP_AT;
	info.boot_loader_name = (uint32_t)MBI_NAME_AT;

	if (gmem_write(mem, MBI_MMAP_AT, mmap, info.mmap_length) ||
	    gmem_write(mem, MBI_MODS_AT, mods, sizeof(mods)) ||
	    gmem_write(mem, MBI_NAME_AT, MBI_LOADER_NAME, sizeof(MBI_LOADER_NAME)) ||
	    gmem_write(mem, MBI_INFO_AT, &info, sizeof(info)))
		return boot_fail(why, "multiboot information area is not in guest RAM",
				 BOOT_ETOOBIG);
	return BOOT_OK;
}
