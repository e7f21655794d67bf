/* Maps a group's kernel and modules once, or checks its disk image, before its guests boot. */
#include "population/boot_files.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/file_blob.h"

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

static int open_direct(struct boot_files *f, const struct pop_group *g, enum boot_format fmt,
		       char *err, size_t errlen)
{
	const char *why;
	if (g->initrd) {
		int r = modlist_parse(&f->mods, g->initrd);
		if (r)
			return fail(err, errlen, r, "--initrd '%s': %s", g->initrd,
				    r == -E2BIG ? "too many modules (16 at most)"
						: "expected \"file [args],file2 [args]\"");
		for (unsigned i = 0; i < f->mods.n; i++) {
			if ((r = file_blob_map(&f->modules[i], f->mods.e[i].path, &why)))
				return fail(err, errlen, r, "module '%s': %s", f->mods.e[i].path,
					    why);
			f->req.modules[i] = f->modules[i];
			f->req.module_args[i] = f->mods.e[i].text;
		}
		f->req.nmodules = f->mods.n;
	}
	if ((fmt == BOOT_BZIMAGE || fmt == BOOT_VMLINUX) && f->req.nmodules > 1)
		return fail(err, errlen, -EINVAL,
			    "--initrd: a Linux kernel takes one initrd, not %u", f->req.nmodules);
	/* multiboot loaders pass "kernel-path args"; Linux gets the arguments alone */
	const char *append = g->append ? g->append : "";
	int n = fmt == BOOT_MULTIBOOT || fmt == BOOT_ELF64
		    ? asprintf(&f->cmdline, "%s%s%s", g->image, *append ? " " : "", append)
		    : asprintf(&f->cmdline, "%s", append);
	if (n < 0) {
		f->cmdline = NULL;
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	f->req.kernel = f->kernel;
	f->req.cmdline = f->cmdline;
	return 0;
}

static bool floppy_sized(uint64_t size)
{
	static const uint32_t sizes[] = {160, 180, 320, 360, 720, 1200, 1440, 2880};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (size == sizes[i] * 1024ull)
			return true;
	return false;
}

int boot_files_open(struct boot_files *f, const struct pop_group *g, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->image = g->image;
	const char *why;
	int r = file_blob_map(&f->kernel, g->image, &why);
	if (r)
		return fail(err, errlen, r, "image '%s': %s", g->image, why);
	enum boot_format fmt = boot_detect(&f->kernel);
	if (fmt != BOOT_UNKNOWN) {
		f->direct = true;
		r = open_direct(f, g, fmt, err, errlen);
		if (r)
			boot_files_close(f);
		return r;
	}
	bool floppy = g->type == GUEST_L4 && floppy_sized(f->kernel.size);
	file_blob_unmap(&f->kernel);
	if (g->initrd || g->append) {
		boot_files_close(f);
		return fail(err, errlen, -EINVAL,
			    "image '%s' is a disk image: --initrd and --append need a kernel",
			    g->image);
	}
	f->disk_kind = floppy ? DISK_FLOPPY : DISK_HARD;
	f->boot_drive = floppy ? 0x00 : 0x80;
	struct disk probe;
	if ((r = boot_files_disk(f, &probe, &why)))
		return fail(err, errlen, r, "image '%s': %s", g->image, why);
	disk_close(&probe);
	return 0;
}

int boot_files_disk(const struct boot_files *f, struct disk *d, const char **why)
{
	/* MAP_PRIVATE: the page cache holds the image once, each guest's writes stay its own */
	return disk_open(d, f->image, f->disk_kind, DISK_SNAPSHOT, why);
}

void boot_files_close(struct boot_files *f)
{
	file_blob_unmap(&f->kernel);
	for (unsigned i = 0; i < f->mods.n; i++)
		file_blob_unmap(&f->modules[i]);
	modlist_free(&f->mods);
	free(f->cmdline);
	memset(f, 0, sizeof(*f));
}
