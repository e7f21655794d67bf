/* Linux boot protocol for bzImage kernels (64-bit entry), and linux_load choosing bzImage or
 * vmlinux. */
#include "vmm/boot/linux.h"

#include <elf.h>
#include <string.h>

#include "vmm/boot/elf.h"
#include "vmm/boot/layout.h"
#include "vmm/boot/linux_bootparam.h"
#include "vmm/boot/util.h"

bool linux_is_bzimage(const struct blob *k)
{
	return k->data && k->size >= SH_HEADER + 4 &&
	       get16(k->data + SH_BOOT_FLAG) == SH_BOOT_FLAG_MAGIC &&
	       get32(k->data + SH_HEADER) == SH_HEADER_MAGIC;
}

/* Checks the setup header; on success *hdr_end is where the header ends in the file. */
static int check_header(const struct blob *k, uint64_t *hdr_end, const char **why)
{
	const uint8_t *d = k->data;
	/* The header's length is fixed by the short jump over it at 0x200. */
	uint64_t end = SH_JUMP + 2 + (uint64_t)d[SH_JUMP + 1];
	if (end > k->size)
		return boot_fail(why, "setup header extends past end of file", BOOT_EMALFORMED);
	if (end < SH_VERSION + 2)
		return boot_fail(why, "setup header too short to hold a protocol version",
				 BOOT_EMALFORMED);
	uint16_t version = get16(d + SH_VERSION);
	if (version < LINUX_PROTO_MIN)
		return boot_fail(why, "boot protocol older than 2.06", BOOT_EUNSUPPORTED);
	if (version < LINUX_PROTO_XLOAD)
		return boot_fail(why, "boot protocol older than 2.12 has no 64-bit entry point",
				 BOOT_EUNSUPPORTED);
	if (end < SH_END_2_12)
		return boot_fail(why, "setup header is shorter than its protocol version requires",
				 BOOT_EMALFORMED);
	if (!(get16(d + SH_XLOADFLAGS) & XLF_KERNEL_64))
		return boot_fail(why, "kernel has no 64-bit entry point (XLF_KERNEL_64 clear)",
				 BOOT_EUNSUPPORTED);
	if (!(d[SH_LOADFLAGS] & LOADFLAG_LOADED_HIGH))
		return boot_fail(why, "zImage kernels (not loaded high) are not supported",
				 BOOT_EUNSUPPORTED);
	*hdr_end = end;
	return BOOT_OK;
}

/*
 * Where the kernel will run once it has moved itself, per boot.rst (init_size): a
 * relocatable kernel goes to max(load address, pref_address) rounded up to
 * kernel_alignment, any other to pref_address. It needs init_size bytes there.
 */
static int runtime_window(const uint8_t *d, uint64_t *start, uint64_t *end, const char **why)
{
	uint64_t pref = get64(d + SH_PREF_ADDRESS);
	uint64_t at = pref;
	if (d[SH_RELOCATABLE]) {
		uint64_t align = get32(d + SH_KERNEL_ALIGNMENT);
		if (align == 0 || (align & (align - 1)))
			return boot_fail(why, "kernel_alignment is not a power of two",
					 BOOT_EMALFORMED);
		at = LINUX_LOAD_ADDR > pref ? LINUX_LOAD_ADDR : pref;
		if (!align_up_ok(at, align, &at))
			return boot_fail(why, "pref_address rounded to kernel_alignment overflows",
					 BOOT_EMALFORMED);
	}
	if (at < BOOT_KERNEL_MIN)
		return boot_fail(why, "kernel runs below 1 MiB (pref_address)", BOOT_EMALFORMED);
	if (__builtin_add_overflow(at, (uint64_t)get32(d + SH_INIT_SIZE), end))
		return boot_fail(why, "pref_address plus init_size overflows", BOOT_EMALFORMED);
	*start = at;
	return BOOT_OK;
}

int linux_load_bzimage(struct guest_mem *mem, const struct boot_request *req,
		       struct boot_entry *entry, const char **why)
{
	const struct blob *k = &req->kernel;
	if (!linux_is_bzimage(k))
		return boot_fail(why, "not a bzImage (no 0xAA55 boot flag and HdrS signature)",
				 BOOT_ENOTKERNEL);
	uint64_t hdr_end;
	int err = check_header(k, &hdr_end, why);
	if (err)
		return err;

	const uint8_t *d = k->data;
	uint64_t setup_sects = d[SH_SETUP_SECTS] ? d[SH_SETUP_SECTS] : 4;
	uint64_t pm_off = (setup_sects + 1) * 512;
	if (pm_off >= k->size)
		return boot_fail(why, "setup_sects points past end of file", BOOT_EMALFORMED);
	uint64_t pm_size = k->size - pm_off;
	uint64_t syssize = get32(d + SH_SYSSIZE);
	if (syssize == 0)
		return boot_fail(why, "syssize is zero", BOOT_EMALFORMED);
	if (syssize * 16 > pm_size)
		return boot_fail(why, "syssize says the kernel is larger than the file",
				 BOOT_EMALFORMED);

	uint64_t run_start, run_end;
	err = runtime_window(d, &run_start, &run_end, why);
	if (err)
		return err;
	if (run_end > boot_low_ram_top(mem))
		return boot_fail(why, "kernel's init_size does not fit in guest RAM", BOOT_ETOOBIG);
	uint8_t *dst = gmem_ptr(mem, LINUX_LOAD_ADDR, pm_size);
	if (!dst)
		return boot_fail(why, "kernel does not fit in guest RAM", BOOT_ETOOBIG);

	uint8_t zp[BP_SIZE];
	memset(zp, 0, sizeof(zp));
	uint64_t copy_end = hdr_end < BP_HDR_END ? hdr_end : BP_HDR_END;
	memcpy(zp + BP_HDR, d + BP_HDR, copy_end - BP_HDR);
	put32(zp + SH_CODE32_START, (uint32_t)LINUX_LOAD_ADDR);

	struct linux_kernel lk = {
	    .end = LINUX_LOAD_ADDR + pm_size > run_end ? LINUX_LOAD_ADDR + pm_size : run_end,
	    .initrd_max = get32(d + SH_INITRD_ADDR_MAX),
	    .cmdline_max = get32(d + SH_CMDLINE_SIZE),
	    .entry64 = LINUX_LOAD_ADDR + LINUX_ENTRY64_OFFSET,
	};
	memcpy(dst, d + pm_off, pm_size);
	return linux_finish(mem, req, &lk, zp, entry, why);
}

int linux_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
	       const char **why)
{
	if (why)
		*why = NULL;
	int err = boot_check_ram(mem, why);
	if (err)
		return err;
	/* Refuse before touching guest memory, so a bad request loads nothing. */
	if (req->nmodules > 1)
		return boot_fail(why, "Linux takes one initrd, not several modules", BOOT_ETOOMANY);
	if (linux_is_bzimage(&req->kernel))
		return linux_load_bzimage(mem, req, entry, why);
	if (elf_is(&req->kernel, true, EM_X86_64))
		return linux_load_vmlinux(mem, req, entry, why);
	return boot_fail(why, "not a Linux bzImage or x86-64 vmlinux", BOOT_ENOTKERNEL);
}
