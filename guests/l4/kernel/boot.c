/* Kernel start: own tables and descriptors, pool, KIP, timer, then sigma0 and the root task. */
#include "abi/report_abi.h"
#include "cpu.h"
#include "sched.h"

extern char _end[];

struct frame *kmain(uint64_t bi_phys);

static _Noreturn void die(const char *why)
{
	kprintf("l4: cannot start: %s\n", why);
	halt_forever();
}

/* Whether `word` appears in s as a whole blank-separated word. */
static int has_word(const char *s, const char *word)
{
	while (*s) {
		while (*s == ' ')
			s++;
		const char *w = word;
		while (*w && *s == *w) {
			s++;
			w++;
		}
		if (!*w && (*s == ' ' || !*s))
			return 1;
		while (*s && *s != ' ')
			s++;
	}
	return 0;
}

/* A boot task in its own space, at its ELF entry with rsp 0 (abi.h: it makes its own stack). */
static uint64_t start_task(const struct l4_bi_image *img, uint32_t tid, uint32_t pager)
{
	if (img->entry < img->phys_start || img->entry >= img->phys_end)
		die("a boot image's entry lies outside its image");
	uint64_t cr3 = space_new();
	if (!cr3 || !thread_new(tid, cr3, pager, img->entry, 0))
		die("kernel pool exhausted");
	return cr3;
}

static void print_mem(void)
{
	static const char *const type[] = {"?", "free", "kernel", "image", "reserved"};
	for (uint32_t i = 0; i < kip->n_mem; i++) {
		const struct l4_memdesc *m = &kip->mem[i];
		kprintf("l4: mem 0x%lx-0x%lx %s %u\n", m->base, m->base + m->size,
			type[m->type <= L4_MEM_RESERVED ? m->type : 0], m->owner);
	}
	kprintf("l4: kernel image 0x%lx-0x%lx, pool %u pages free\n",
		(uint64_t)L4_KERNEL_PHYS_START, (uint64_t)KPHYS(_end), pool_free_pages());
}

struct frame *kmain(uint64_t bi_phys)
{
	uint64_t t0 = rdtsc();
	paging_init();
	desc_init();
	if (bi_phys >= KMAP_END || sizeof(struct l4_bootinfo) > KMAP_END - bi_phys)
		die("boot info out of reach");
	const struct l4_bootinfo *bi = KVIRT(bi_phys);
	if (bi->magic != L4_BI_MAGIC || bi->version != L4_BI_VERSION ||
	    bi->n_images != L4_BI_MAX_IMG || bi->n_mem > L4_BI_MAX_MEM)
		die("bad boot info");
	pool_init(KPHYS(_end), L4_KERNEL_PHYS_END);
	if (kip_init(bi))
		die("bad boot images or no pool");
	/* from here on nothing of kickstart's is used: its memory is free in the KIP */
	kip->boot_tsc = t0;
	verbose = has_word(kip->kernel_cmdline, "verbose");
	timer_init(verbose);
	sigma0_cr3 = start_task(&bi->img[L4_BI_IMG_SIGMA0], L4_SIGMA0_TID, L4_NILTHREAD);
	start_task(&bi->img[L4_BI_IMG_ROOTTASK], L4_ROOTTASK_TID, L4_SIGMA0_TID);

	uint64_t free = 0;
	for (uint32_t i = 0; i < kip->n_mem; i++)
		if (kip->mem[i].type == L4_MEM_FREE)
			free += kip->mem[i].size;
	kprintf("L4/x86-64 (tinyvmm guest), ABI %u: %lu KiB RAM, %lu KiB free, TSC %lu MHz, "
		"timer %s\n",
		L4_ABI_VERSION, kip->ram_end / 1024, free / 1024, tsc_khz / 1000,
		timer_mode_name());
	if (verbose)
		print_mem();
	outl(REPORT_PORT, REPORT_WORD(REPORT_KERNEL_UP, 0));
	return kexit();
}
