/* Maps a group's kernel and modules once, or checks its disk image, before its guests boot. */
#include "population/boot_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errf.h"
#include "vmm/boot/file_blob.h"

int boot_files_open(struct boot_files *f, const struct pop_group *g, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->image = g->image;
	const char *why;
	int r = file_blob_map(&f->files.kernel, g->image, &why);
	if (r)
		return errf(err, errlen, r, "image '%s': %s", g->image, why);
	enum boot_format fmt = boot_detect(&f->files.kernel);
	if (fmt != BOOT_UNKNOWN) {
		f->direct = true;
		r = direct_files_load(&f->files, fmt, g->image, g->initrd, g->append, "--initrd",
				      &f->req, err, errlen);
		if (r)
			boot_files_close(f);
		return r;
	}
	bool floppy = g->type == GUEST_L4 && disk_floppy_sized(f->files.kernel.size);
	file_blob_unmap(&f->files.kernel);
	if (g->initrd || g->append) {
		boot_files_close(f);
		return errf(err, errlen, -EINVAL,
			    "image '%s' is a disk image: --initrd and --append need a kernel",
			    g->image);
	}
	f->disk_kind = floppy ? DISK_FLOPPY : DISK_HARD;
	f->boot_drive = floppy ? 0x00 : 0x80;
	struct disk probe;
	if ((r = boot_files_disk(f, &probe, &why)))
		return errf(err, errlen, r, "image '%s': %s", g->image, why);
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
	direct_files_close(&f->files);
	memset(f, 0, sizeof(*f));
}
