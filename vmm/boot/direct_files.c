/* Maps a direct-boot kernel's modules and builds its command line, for run and pop alike. */
#include "vmm/boot/direct_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int direct_files_load(struct direct_files *f, enum boot_format fmt, const char *kernel,
		      const char *initrd, const char *append, const char *initrd_opt,
		      struct boot_request *req, char *err, size_t errlen)
{
	const char *why;
	if (initrd) {
		int r = modlist_parse(&f->mods, initrd);
		if (r) {
			snprintf(err, errlen, "%s '%s': %s", initrd_opt, initrd,
				 r == -E2BIG ? "too many modules (16 at most)"
					     : "expected \"file [args],file2 [args]\"");
			return r;
		}
		for (unsigned i = 0; i < f->mods.n; i++) {
			if ((r = file_blob_map(&f->modules[i], f->mods.e[i].path, &why))) {
				snprintf(err, errlen, "module '%s': %s", f->mods.e[i].path, why);
				return r;
			}
			req->modules[i] = f->modules[i];
			req->module_args[i] = f->mods.e[i].text;
		}
		req->nmodules = f->mods.n;
	}
	if ((fmt == BOOT_BZIMAGE || fmt == BOOT_VMLINUX) && req->nmodules > 1) {
		snprintf(err, errlen, "%s: a Linux kernel takes one initrd, not %u files",
			 initrd_opt, req->nmodules);
		return -EINVAL;
	}
	const char *a = append ? append : "";
	bool with_path = fmt == BOOT_MULTIBOOT || fmt == BOOT_ELF64 || fmt == BOOT_FLAT64;
	int n = with_path ? asprintf(&f->cmdline, "%s%s%s", kernel, *a ? " " : "", a)
			  : asprintf(&f->cmdline, "%s", a);
	if (n < 0) {
		f->cmdline = NULL;
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	req->kernel = f->kernel;
	req->cmdline = f->cmdline;
	return 0;
}

void direct_files_close(struct direct_files *f)
{
	file_blob_unmap(&f->kernel);
	for (unsigned i = 0; i < f->mods.n; i++)
		file_blob_unmap(&f->modules[i]);
	modlist_free(&f->mods);
	free(f->cmdline);
	memset(f, 0, sizeof(*f));
}
