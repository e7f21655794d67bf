/* kickstart's 64-bit main: multiboot info, memory map, the three images, then the kernel. */
#include "kickstart.h"

static struct l4_bootinfo ks_bootinfo;

_Noreturn void ks_main(uint32_t mbi);

_Noreturn void ks_main(uint32_t mbi)
{
	struct l4_bootinfo *bi = &ks_bootinfo;
	struct ks_module mods[KS_N_MODULES];

	/* Nothing may be loaded before the boot loader's data is copied: it lies in low memory. */
	ks_read_mbi(mbi, mods, bi);
	ks_mem_build(bi, (uint64_t)__ks_start, (uint64_t)__ks_end);
	for (unsigned i = 0; i < KS_N_MODULES; i++)
		ks_load_image(i, mods, bi);

	bi->magic = L4_BI_MAGIC;
	bi->version = L4_BI_VERSION;
	bi->size = sizeof(*bi);
	bi->n_images = L4_BI_MAX_IMG;
	bi->kickstart_tsc = ks_entry_tsc;
	ks_enter_kernel(bi->img[L4_BI_IMG_KERNEL].entry, bi);
}
