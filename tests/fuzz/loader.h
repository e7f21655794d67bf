/* The loader harnesses' shared body: a boot request (RAM size, command line, modules, kernel) cut
 * from the input. */
#ifndef TINYVMM_TESTS_FUZZ_LOADER_H
#define TINYVMM_TESTS_FUZZ_LOADER_H

#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/support.h"
#include "vmm/boot/loader.h"

typedef int (*fz_loader)(struct guest_mem *mem, const struct boot_request *req,
			 struct boot_entry *entry, const char **why);

/*
 * Input: RAM size selector, flags (module count, a flat load address), the command line
 * (NUL-ended), each module as a 16-bit length and its bytes, then the kernel: the rest.
 * `load` is the loader under test; boot_detect and boot_load see the same bytes too.
 */
static inline int fz_loader_run(const uint8_t *data, size_t size, fz_loader load)
{
	struct fz in = {data, size};
	uint8_t ram = fz_u8(&in), flags = fz_u8(&in);
	char cmdline[512];
	fz_str(&in, cmdline, sizeof(cmdline));
	struct boot_request req = {.cmdline = cmdline, .nmodules = flags % 4};
	if (flags & 0x80) /* more modules than the loaders take */
		req.nmodules = BOOT_MAX_MODULES + 1 - (flags & 1);
	if (req.nmodules > BOOT_MAX_MODULES)
		req.nmodules = BOOT_MAX_MODULES;
	for (unsigned i = 0; i < req.nmodules; i++) {
		size_t len = fz_u16(&in);
		len = len < in.n ? len : in.n;
		req.modules[i] = (struct blob){in.p, len, "module"};
		req.module_args[i] = i & 1 ? "arg" : NULL;
		in.p += len;
		in.n -= len;
	}
	if (flags & 0x40)
		req.flat_load_addr = (uint64_t)fz_u32(&in) << (flags & 0x20 ? 12 : 0);
	struct fz k = fz_rest(&in);
	req.kernel = (struct blob){k.p, k.n, "kernel"};
	/* Up to 64 MiB: a kernel may ask for gigabytes of zeroed bss, which the loader then
	 * writes, and that is the user's choice, not something a harness should wait for. */
	static const uint64_t sizes[] = {0x1000,    0x9F000,   0x100000,  0x110000,
					 0x1000321, 0x4000000, 0x4000000, 0x200000};
	struct guest_mem mem;
	if (gmem_alloc(&mem, sizes[ram % 8]))
		abort();
	struct boot_entry entry;
	const char *why = NULL;
	int r = load(&mem, &req, &entry, &why);
	if (r != BOOT_OK && (!why || !*why || !boot_strerror(r)))
		abort(); /* every refusal names its reason */
	(void)boot_format_name(boot_detect(&req.kernel));
	gmem_free(&mem);
	return 0;
}

#endif
