/* Linux boot protocol for an uncompressed x86-64 vmlinux: ELF segments at p_paddr, synthesized
 * setup header. */
#include "vmm/boot/linux.h"

#include <elf.h>
#include <string.h>

#include "vmm/boot/elf.h"
#include "vmm/boot/layout.h"
#include "vmm/boot/linux_bootparam.h"
#include "vmm/boot/util.h"

/*
 * A vmlinux has no setup header of its own, so we write the fields the kernel proper
 * reads from boot_params.hdr: the signatures, a protocol version (2.15, whose layout
 * this is), the command line size limit and the initrd ceiling.
 */
#define VMLINUX_PROTO	     0x020F
#define VMLINUX_CMDLINE_MAX  2047	 /* x86 COMMAND_LINE_SIZE is 2048 with the NUL */
#define VMLINUX_INITRD_MAX   0x7FFFFFFFu /* what x86-64 kernels advertise in their own header */
#define VMLINUX_KERNEL_ALIGN 0x200000u

static void synth_header(uint8_t *zp)
{
	put16(zp + SH_BOOT_FLAG, SH_BOOT_FLAG_MAGIC);
	zp[SH_JUMP] = 0xEB;
	zp[SH_JUMP + 1] = (uint8_t)(SH_END_2_12 - (SH_JUMP + 2));
	put32(zp + SH_HEADER, SH_HEADER_MAGIC);
	put16(zp + SH_VERSION, VMLINUX_PROTO);
	put16(zp + SH_VID_MODE, 0xFFFF); /* "normal" text mode */
	put32(zp + SH_INITRD_ADDR_MAX, VMLINUX_INITRD_MAX);
	put32(zp + SH_KERNEL_ALIGNMENT, VMLINUX_KERNEL_ALIGN);
	put16(zp + SH_XLOADFLAGS, XLF_KERNEL_64);
	put32(zp + SH_CMDLINE_SIZE, VMLINUX_CMDLINE_MAX);
}

int linux_load_vmlinux(struct guest_mem *mem, const struct boot_request *req,
		       struct boot_entry *entry, const char **why)
{
	const struct blob *k = &req->kernel;
	if (!elf_is(k, true, EM_X86_64))
		return boot_fail(why, "not an x86-64 ELF64 vmlinux", BOOT_ENOTKERNEL);
	/* x86-64 vmlinux links e_entry to startup_64's physical address; elf_entry_phys also copes
	 * with a virtual one. */
	uint64_t hi, rip;
	int err = elf_load_kernel(k, mem, &hi, &rip, why);
	if (err)
		return err;

	uint8_t zp[BP_SIZE];
	memset(zp, 0, sizeof(zp));
	synth_header(zp);
	struct linux_kernel lk = {
	    .end = hi,
	    .initrd_max = VMLINUX_INITRD_MAX,
	    .cmdline_max = VMLINUX_CMDLINE_MAX,
	    .entry64 = rip,
	};
	return linux_finish(mem, req, &lk, zp, entry, why);
}
