/* Entry CPU state for the direct-boot loaders: GDT, page tables and the registers every entry
 * shares. */
#include "vmm/boot/cpu.h"

#include <string.h>

#include "vmm/boot/layout.h"
#include "vmm/boot/util.h"

/* 2 MiB pages need a PML4, a PDPT and one PD per GiB. */
_Static_assert(BOOT_PAGE_TABLE_ADDR + (2 + (BOOT_IDENTITY_BYTES >> 30)) * BOOT_PAGE_SIZE <=
		   BOOT_PAGE_TABLE_END,
	       "identity map does not fit the page-table area of layout.h");

int boot_enter_prot32(struct guest_mem *mem, struct boot_entry *e, uint64_t rip, const char **why)
{
	memset(e, 0, sizeof(*e));
	if (boot_write_gdt(mem, BOOT_GDT_ADDR, e))
		return boot_fail(why, "boot GDT area is not in guest RAM", BOOT_ETOOBIG);
	e->mode = CPU_PROT32;
	e->rip = rip;
	/* Multiboot leaves ESP undefined; a valid stack costs nothing and forgives sloppy entries.
	 */
	e->rsp = BOOT_STACK_TOP;
	return BOOT_OK;
}

int boot_enter_long64(struct guest_mem *mem, struct boot_entry *e, uint64_t rip, const char **why)
{
	memset(e, 0, sizeof(*e));
	if (boot_write_gdt(mem, BOOT_GDT_ADDR, e))
		return boot_fail(why, "boot GDT area is not in guest RAM", BOOT_ETOOBIG);
	e->cr3 = boot_identity_map(mem, BOOT_PAGE_TABLE_ADDR, BOOT_IDENTITY_BYTES);
	if (!e->cr3)
		return boot_fail(why, "page-table area is not in guest RAM", BOOT_ETOOBIG);
	e->mode = CPU_LONG64;
	e->rip = rip;
	e->rsp = BOOT_STACK_TOP;
	return BOOT_OK;
}
