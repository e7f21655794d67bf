/* 64-bit entries for non-Linux kernels (ELF64 or a flat image), handed multiboot v1 boot
 * information. */
#include "vmm/boot/loader.h"

#include <elf.h>
#include <string.h>

#include "vmm/boot/cpu.h"
#include "vmm/boot/elf.h"
#include "vmm/boot/layout.h"
#include "vmm/boot/mbinfo.h"
#include "vmm/boot/multiboot.h"
#include "vmm/boot/util.h"

/*
 * Same hand-over as multiboot, widened: RAX = magic, RBX = info, and RDI = info too so
 * a C entry point (System V ABI) gets the info pointer as its first argument.
 */
static int enter(struct guest_mem *mem, const struct boot_request *req, uint64_t end, uint64_t rip,
		 struct boot_entry *entry, const char **why)
{
	int err = mbi_build(mem, req, end, why);
	if (err)
		return err;
	err = boot_enter_long64(mem, entry, rip, why);
	if (err)
		return err;
	entry->rax = MB_BOOTLOADER_MAGIC;
	entry->rbx = BOOT_MBI_ADDR;
	entry->rdi = BOOT_MBI_ADDR;
	return BOOT_OK;
}

int elf64_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
	       const char **why)
{
	int err = mbi_check_request(mem, req, why);
	if (err)
		return err;
	if (!elf_is(&req->kernel, true, EM_X86_64))
		return boot_fail(why, "not an x86-64 ELF64 file", BOOT_ENOTKERNEL);

	uint64_t hi, rip;
	err = elf_load_kernel(&req->kernel, mem, &hi, &rip, why);
	if (err)
		return err;
	return enter(mem, req, hi, rip, entry, why);
}

int flat64_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
		const char **why)
{
	int err = mbi_check_request(mem, req, why);
	if (err)
		return err;
	const struct blob *k = &req->kernel;
	if (!k->data || k->size == 0)
		return boot_fail(why, "flat image is empty", BOOT_EMALFORMED);

	uint64_t at = req->flat_load_addr, end;
	if (at < BOOT_KERNEL_MIN)
		return boot_fail(why, "kernel loads below 1 MiB", BOOT_EMALFORMED);
	if (__builtin_add_overflow(at, (uint64_t)k->size, &end))
		return boot_fail(why, "flat load address plus image size overflows",
				 BOOT_EMALFORMED);
	if (gmem_write(mem, at, k->data, k->size))
		return boot_fail(why, "flat image extends past the end of guest RAM", BOOT_ETOOBIG);
	return enter(mem, req, end, at, entry, why);
}
