/* A direct-boot kernel's files -- the kernel, its modules or initrd, its command line -- mapped
 * once. */
#ifndef TINYVMM_VMM_BOOT_DIRECT_FILES_H
#define TINYVMM_VMM_BOOT_DIRECT_FILES_H

#include <stddef.h>

#include "vmm/boot/modlist.h"
#include "vmm/boot/file_blob.h"
#include "vmm/boot/loader.h"

/*
 * Shared by `tinyvmm run` and each group of `tinyvmm pop`: the files stay mapped
 * read-only while guests boot from them, and every loader copies from the mappings.
 */
struct direct_files {
	struct blob kernel; /* mapped by the caller, which detects its format first */
	struct modlist mods;
	struct blob modules[MODLIST_MAX];
	char *cmdline;
};

/*
 * With f->kernel mapped from `kernel` and of format `fmt`: maps the modules of `initrd`
 * (QEMU's "file args,file2" list; NULL: none), checks that a Linux kernel gets one initrd
 * at most, builds the command line (multiboot, ELF64 and flat kernels get "kernel-path
 * append", as GRUB passes it; Linux gets `append` alone) and fills req's kernel, modules
 * and cmdline. `initrd_opt` names the option in messages ("-initrd", "--initrd").
 * 0, or -errno with a one-line reason in err; f is released by direct_files_close either way.
 */
int direct_files_load(struct direct_files *f, enum boot_format fmt, const char *kernel,
		      const char *initrd, const char *append, const char *initrd_opt,
		      struct boot_request *req, char *err, size_t errlen);

/* Unmaps and frees everything in f (any part may be missing) and zeroes it. */
void direct_files_close(struct direct_files *f);

#endif
