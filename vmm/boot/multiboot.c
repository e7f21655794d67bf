/* Multiboot v1 loader: ELF32 kernels and a.out-kludge images, entered in flat 32-bit protected
 * mode. */
#include "vmm/boot/multiboot.h"

#include <elf.h>
#include <string.h>

#include "vmm/boot/cpu.h"
#include "vmm/boot/elf.h"
#include "vmm/boot/layout.h"
#include "vmm/boot/mbinfo.h"
#include "vmm/boot/util.h"

int multiboot_find_header(const struct blob *k, struct mb_header *h, const char **why)
{
	if (!k->data)
		return boot_fail(why, "kernel file is empty", BOOT_ENOTKERNEL);
	size_t limit = k->size < MB_SEARCH_BYTES ? k->size : MB_SEARCH_BYTES;
	bool bad_sum = false;
	for (size_t off = 0; off + MB_HEADER_MIN <= limit; off += MB_HEADER_ALIGN) {
		const uint8_t *p = k->data + off;
		if (get32(p) != MB_HEADER_MAGIC)
			continue;
		uint32_t flags = get32(p + 4);
		if ((uint32_t)(MB_HEADER_MAGIC + flags + get32(p + 8)) != 0) {
			bad_sum = true;
			continue;
		}
		memset(h, 0, sizeof(*h));
		h->offset = off;
		h->flags = flags;
		if (flags & MB_FLAG_AOUT_KLUDGE) {
			if (off + MB_HEADER_AOUT > limit)
				return boot_fail(
				    why,
				    "multiboot address fields extend past the first 8 KiB "
				    "or the end of file",
				    BOOT_EMALFORMED);
			h->header_addr = get32(p + 12);
			h->load_addr = get32(p + 16);
			h->load_end_addr = get32(p + 20);
			h->bss_end_addr = get32(p + 24);
			h->entry_addr = get32(p + 28);
		}
		return BOOT_OK;
	}
	if (bad_sum)
		return boot_fail(why, "multiboot header checksum is wrong", BOOT_ENOTKERNEL);
	return boot_fail(why, "no multiboot header in the first 8 KiB", BOOT_ENOTKERNEL);
}

/* The a.out kludge: the header's own address fields say what part of the file goes where. */
static int load_aout(struct guest_mem *mem, const struct blob *k, const struct mb_header *h,
		     uint64_t *entry, uint64_t *end, const char **why)
{
	if (h->load_addr > h->header_addr)
		return boot_fail(why, "multiboot load_addr is above header_addr", BOOT_EMALFORMED);
	/* The header sits (header_addr - load_addr) bytes into the loaded text. */
	uint64_t lead = (uint64_t)h->header_addr - h->load_addr;
	if (lead > h->offset)
		return boot_fail(why, "multiboot load_addr would start before the file",
				 BOOT_EMALFORMED);
	uint64_t file_off = h->offset - lead;

	uint64_t load_len;
	if (h->load_end_addr == 0) {
		load_len = k->size - file_off;
	} else {
		if (h->load_end_addr < h->load_addr)
			return boot_fail(why, "multiboot load_end_addr is below load_addr",
					 BOOT_EMALFORMED);
		load_len = (uint64_t)h->load_end_addr - h->load_addr;
		if (!blob_has(k, file_off, load_len))
			return boot_fail(why, "multiboot load_end_addr extends past end of file",
					 BOOT_EMALFORMED);
	}
	uint64_t load_end = (uint64_t)h->load_addr + load_len;
	uint64_t bss_end = load_end;
	if (h->bss_end_addr != 0) {
		if (h->bss_end_addr < load_end)
			return boot_fail(why, "multiboot bss_end_addr is below the loaded image",
					 BOOT_EMALFORMED);
		bss_end = h->bss_end_addr;
	}
	if (h->load_addr < BOOT_KERNEL_MIN)
		return boot_fail(why, "kernel loads below 1 MiB", BOOT_EMALFORMED);
	if (h->entry_addr < h->load_addr || h->entry_addr >= bss_end)
		return boot_fail(why, "multiboot entry_addr lies outside the loaded image",
				 BOOT_EMALFORMED);
	uint8_t *dst = gmem_ptr(mem, h->load_addr, bss_end - h->load_addr);
	if (!dst)
		return boot_fail(why, "kernel extends past the end of guest RAM", BOOT_ETOOBIG);

	memcpy(dst, k->data + file_off, load_len);
	memset(dst + load_len, 0, bss_end - load_end);
	*entry = h->entry_addr;
	*end = bss_end;
	return BOOT_OK;
}

static int load_elf32(struct guest_mem *mem, const struct blob *k, uint64_t *entry, uint64_t *end,
		      const char **why)
{
	if (elf_is(k, true, EM_X86_64))
		return boot_fail(why,
				 "64-bit multiboot kernel needs the a.out kludge (header flag 16)",
				 BOOT_EUNSUPPORTED);
	if (!elf_is(k, false, EM_386))
		return boot_fail(why,
				 "multiboot kernel is neither i386 ELF32 nor has a.out kludge "
				 "address fields",
				 BOOT_EUNSUPPORTED);
	return elf_load_kernel(k, mem, end, entry, why);
}

int multiboot_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
		   const char **why)
{
	int err = mbi_check_request(mem, req, why);
	if (err)
		return err;

	struct mb_header h;
	err = multiboot_find_header(&req->kernel, &h, why);
	if (err)
		return err;
	if (h.flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_UNDERSTOOD)
		return boot_fail(why,
				 "multiboot header requires an unknown feature (flag bits 3-15)",
				 BOOT_EUNSUPPORTED);

	/* The kludge wins over an ELF header when both are present, as the spec says. */
	uint64_t rip, end;
	if (h.flags & MB_FLAG_AOUT_KLUDGE)
		err = load_aout(mem, &req->kernel, &h, &rip, &end, why);
	else
		err = load_elf32(mem, &req->kernel, &rip, &end, why);
	if (err)
		return err;
	/* The entry runs with paging off, so it has to be reachable as a 32-bit address. */
	if (rip > UINT32_MAX)
		return boot_fail(why, "multiboot entry point is above 4 GiB", BOOT_EMALFORMED);

	err = mbi_build(mem, req, end, why);
	if (err)
		return err;
	err = boot_enter_prot32(mem, entry, rip, why);
	if (err)
		return err;
	entry->rax = MB_BOOTLOADER_MAGIC;
	entry->rbx = BOOT_MBI_ADDR;
	return BOOT_OK;
}
