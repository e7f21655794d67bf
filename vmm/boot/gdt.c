/* The boot GDT shared by every direct-boot entry: flat 32-bit code, 64-bit code and flat data. */
#include "vmm/boot/loader.h"

#include "vmm/boot/layout.h"
#include "vmm/boot/util.h"

/*
 * Base 0, limit 0xFFFFF with 4 KiB granularity. Type 0x9B/0x93 = present, DPL 0,
 * code execute/read or data read/write, accessed already set so the CPU never has to
 * write the descriptor back. Flags nibble 0xC = G + D (32-bit), 0xA = G + L (64-bit).
 */
static const uint64_t boot_gdt[] = {
    0, 0x00CF9B000000FFFFULL, /* BOOT_SEL_CODE32 */
    0x00AF9B000000FFFFULL,    /* BOOT_SEL_CODE64 */
    0x00CF93000000FFFFULL,    /* BOOT_SEL_DATA */
};

_Static_assert(BOOT_SEL_CODE32 == 1 * 8 && BOOT_SEL_CODE64 == 2 * 8 && BOOT_SEL_DATA == 3 * 8,
	       "selectors of layout.h must match the GDT slots");

int boot_write_gdt(struct guest_mem *mem, uint64_t at, struct boot_entry *entry)
{
	uint8_t *p = gmem_ptr(mem, at, sizeof(boot_gdt));
	if (!p)
		return BOOT_ETOOBIG;
	for (unsigned i = 0; i < sizeof(boot_gdt) / sizeof(boot_gdt[0]); i++)
		put64(p + i * 8, boot_gdt[i]);
	entry->gdt_base = at;
	entry->gdt_limit = sizeof(boot_gdt) - 1;
	return BOOT_OK;
}
