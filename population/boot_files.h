/* A group's boot files, opened once and shared by its guests: a kernel and modules, or a disk. */
#ifndef TINYVMM_POPULATION_BOOT_FILES_H
#define TINYVMM_POPULATION_BOOT_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/disk.h"
#include "population/spec.h"
#include "vmm/boot/direct_files.h"
#include "vmm/boot/loader.h"

struct boot_files {
	bool direct; /* a kernel: direct boot; else firmware boot from a disk */
	/* direct boot: mapped read-only once, copied into each guest's RAM by the loader */
	struct direct_files files;
	struct boot_request req;
	/* firmware boot: each guest maps the image copy-on-write itself (boot_files_disk) */
	enum disk_kind disk_kind;
	uint8_t boot_drive; /* 0x00 floppy, 0x80 hard disk */
	const char *image;
};

/*
 * Opens group g's image: a file the loaders recognise as a kernel is booted directly
 * (with --initrd and --append); anything else is a disk image, a floppy for l4 when its
 * size is a floppy's, else an IDE disk. Checks everything a boot will need, so a bad
 * image is refused before any guest starts. 0 or -errno with a one-line reason in err.
 */
int boot_files_open(struct boot_files *f, const struct pop_group *g, char *err, size_t errlen);
void boot_files_close(struct boot_files *f);

/* One guest's private copy-on-write mapping of the image (firmware boot). 0 or -errno. */
int boot_files_disk(const struct boot_files *f, struct disk *d, const char **why);

#endif
