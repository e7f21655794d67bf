/* Kernel format detection, names and messages, and boot_load choosing the loader for a file. */
#include "vmm/boot/loader.h"

#include <elf.h>

#include "vmm/boot/elf.h"
#include "vmm/boot/linux.h"
#include "vmm/boot/multiboot.h"
#include "vmm/boot/util.h"

const char *boot_strerror(int err)
{
	switch (err) {
	case BOOT_OK:
		return "success";
	case BOOT_ENOTKERNEL:
		return "not a kernel this loader knows (multiboot, bzImage, ELF64)";
	case BOOT_EMALFORMED:
		return "malformed kernel image";
	case BOOT_ETOOBIG:
		return "kernel, modules or initrd do not fit in guest RAM";
	case BOOT_EUNSUPPORTED:
		return "kernel asks for something the loader does not support";
	case BOOT_ETOOMANY:
		return "too many modules";
	default:
		return "unknown boot error";
	}
}

const char *boot_format_name(enum boot_format f)
{
	switch (f) {
	case BOOT_MULTIBOOT:
		return "multiboot";
	case BOOT_BZIMAGE:
		return "bzImage";
	case BOOT_VMLINUX:
		return "vmlinux";
	case BOOT_ELF64:
		return "elf64";
	case BOOT_FLAT64:
		return "flat64";
	case BOOT_UNKNOWN:
		break;
	}
	return "unknown";
}

/*
 * A vmlinux is recognised by an ELF note owned by "Linux" (every kernel since 4.20 has
 * the build-salt note) or "Xen" (kernels with Xen/PVH support). Both sit in a PT_NOTE
 * segment that stripping keeps, and no other kernel has reason to carry them; guessing
 * from addresses instead would catch any higher-half kernel linked at -2 GiB.
 */
static bool is_vmlinux(const struct blob *k)
{
	struct elf_file f;
	if (elf_open(&f, k, NULL) != BOOT_OK)
		return false;
	return elf_has_note(&f, "Linux") || elf_has_note(&f, "Xen");
}

enum boot_format boot_detect(const struct blob *kernel)
{
	if (!kernel->data || kernel->size == 0)
		return BOOT_UNKNOWN;
	if (linux_is_bzimage(kernel))
		return BOOT_BZIMAGE;

	bool elf64 = elf_is(kernel, true, EM_X86_64);
	struct mb_header h;
	/*
	 * An ELF64 multiboot kernel is loadable only through the a.out kludge; without it the
	 * 64-bit loader (which passes the same information) is the one that can start it.
	 */
	if (multiboot_find_header(kernel, &h, NULL) == BOOT_OK &&
	    (!elf64 || (h.flags & MB_FLAG_AOUT_KLUDGE)))
		return BOOT_MULTIBOOT;
	if (elf64)
		return is_vmlinux(kernel) ? BOOT_VMLINUX : BOOT_ELF64;
	return BOOT_UNKNOWN;
}

int boot_load(struct guest_mem *mem, const struct boot_request *req, struct boot_entry *entry,
	      const char **why)
{
	if (why)
		*why = NULL;
	if (req->flat_load_addr)
		return flat64_load(mem, req, entry, why);
	switch (boot_detect(&req->kernel)) {
	case BOOT_MULTIBOOT:
		return multiboot_load(mem, req, entry, why);
	case BOOT_BZIMAGE:
	case BOOT_VMLINUX:
		return linux_load(mem, req, entry, why);
	case BOOT_ELF64:
		return elf64_load(mem, req, entry, why);
	case BOOT_FLAT64:
	case BOOT_UNKNOWN:
		break;
	}
	return boot_fail(why, "not a multiboot, Linux bzImage/vmlinux or x86-64 ELF64 kernel",
			 BOOT_ENOTKERNEL);
}
