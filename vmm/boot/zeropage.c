/* The parts of the Linux zero page every kernel gets: command line, initrd, E820 table, 64-bit
 * entry. */
#include "vmm/boot/linux.h"

#include <string.h>

#include "vmm/boot/cpu.h"
#include "vmm/boot/layout.h"
#include "vmm/boot/linux_bootparam.h"
#include "vmm/boot/util.h"
#include "vmm/e820.h"

static int put_cmdline(struct guest_mem *mem, const struct boot_request *req,
		       const struct linux_kernel *k, uint8_t *zp, const char **why)
{
	const char *cmdline = req->cmdline ? req->cmdline : "";
	uint64_t len = strlen(cmdline);
	if (len > k->cmdline_max)
		return boot_fail(why, "command line is longer than the kernel's cmdline_size",
				 BOOT_ETOOBIG);
	if (len + 1 > BOOT_CMDLINE_END - BOOT_CMDLINE_ADDR)
		return boot_fail(why, "command line is longer than the 64 KiB command line area",
				 BOOT_ETOOBIG);
	if (gmem_write(mem, BOOT_CMDLINE_ADDR, cmdline, len + 1))
		return boot_fail(why, "command line area is not in guest RAM", BOOT_ETOOBIG);
	put32(zp + SH_CMD_LINE_PTR, (uint32_t)BOOT_CMDLINE_ADDR);
	put32(zp + BP_EXT_CMD_LINE_PTR, (uint32_t)(BOOT_CMDLINE_ADDR >> 32));
	return BOOT_OK;
}

/* The initrd goes as high as the kernel allows, so it stays clear of what the kernel unpacks
 * upwards. */
static int put_initrd(struct guest_mem *mem, const struct boot_request *req,
		      const struct linux_kernel *k, uint8_t *zp, const char **why)
{
	if (req->nmodules > 1)
		return boot_fail(why, "Linux takes one initrd, not several modules", BOOT_ETOOMANY);
	if (req->nmodules == 0 || req->modules[0].size == 0)
		return BOOT_OK;
	const struct blob *rd = &req->modules[0];
	if (!rd->data)
		return boot_fail(why, "initrd has a size but no data", BOOT_EMALFORMED);

	uint64_t limit = boot_low_ram_top(mem);
	if (k->initrd_max < limit - 1)
		limit = k->initrd_max + 1;
	if (rd->size > limit)
		return boot_fail(why, "initrd is larger than guest RAM below initrd_addr_max",
				 BOOT_ETOOBIG);
	uint64_t start = (limit - rd->size) & ~(BOOT_PAGE_SIZE - 1);
	if (start < k->end)
		return boot_fail(why, "initrd does not fit between the kernel and initrd_addr_max",
				 BOOT_ETOOBIG);
	if (gmem_write(mem, start, rd->data, rd->size))
		return boot_fail(why, "initrd does not fit in guest RAM", BOOT_ETOOBIG);
	put32(zp + SH_RAMDISK_IMAGE, (uint32_t)start);
	put32(zp + SH_RAMDISK_SIZE, (uint32_t)rd->size);
	put32(zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(start >> 32));
	put32(zp + BP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)rd->size >> 32));
	return BOOT_OK;
}

static void put_e820(const struct guest_mem *mem, uint8_t *zp)
{
	struct e820_map map;
	e820_build(&map, mem);
	_Static_assert(E820_MAX <= BP_E820_MAX, "E820 map larger than the zero page table");
	_Static_assert(sizeof(struct e820_entry) == 20, "zero page E820 entries are 20 bytes");
	zp[BP_E820_ENTRIES] = (uint8_t)map.n;
	memcpy(zp + BP_E820_TABLE, map.e, map.n * sizeof(struct e820_entry));
}

int linux_finish(struct guest_mem *mem, const struct boot_request *req,
		 const struct linux_kernel *k, uint8_t *zp, struct boot_entry *entry,
		 const char **why)
{
	int err = put_cmdline(mem, req, k, zp, why);
	if (err)
		return err;
	err = put_initrd(mem, req, k, zp, why);
	if (err)
		return err;
	put_e820(mem, zp);

	zp[SH_TYPE_OF_LOADER] = LINUX_LOADER_OTHER;
	zp[SH_LOADFLAGS] |= LOADFLAG_LOADED_HIGH | LOADFLAG_CAN_USE_HEAP;
	put16(zp + SH_HEAP_END_PTR, LINUX_HEAP_END_PTR);
	zp[BP_SENTINEL] = 0;

	if (gmem_write(mem, BOOT_ZERO_PAGE_ADDR, zp, BP_SIZE))
		return boot_fail(why, "zero page area is not in guest RAM", BOOT_ETOOBIG);
	err = boot_enter_long64(mem, entry, k->entry64, why);
	if (err)
		return err;
	entry->rsi = BOOT_ZERO_PAGE_ADDR;
	return BOOT_OK;
}
