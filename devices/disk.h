/* Disk images behind the BIOS, the floppy and the IDE channel: mapped on demand, never copied per
 * guest. */
#ifndef TINYVMM_DEVICES_DISK_H
#define TINYVMM_DEVICES_DISK_H

#include <stdbool.h>
#include <stdint.h>

#define DISK_SECTOR 512u

enum disk_mode {
	DISK_WRITABLE, /* writes reach the image file (MAP_SHARED) */
	DISK_SNAPSHOT, /* writes stay in this VM's memory (MAP_PRIVATE copy-on-write) */
	DISK_READONLY, /* writes fail */
};

enum disk_kind {
	DISK_FLOPPY,
	DISK_HARD,
};

struct disk_chs {
	uint32_t cylinders;
	uint32_t heads;
	uint32_t sectors; /* per track */
};

struct disk {
	uint8_t *map; /* the whole image, mapped; pages are read from the file on first touch */
	uint64_t size;
	uint64_t sectors;
	enum disk_mode mode;
	enum disk_kind kind;
	struct disk_chs chs; /* floppy: from the image size; hard disk: BIOS-style translation */
	const char *path;
	char why_buf[80]; /* where a formatted reason from disk_open() lives */
};

/*
 * Opens and maps `path`. Floppies must have a standard size (160K..2.88M: the geometry
 * follows from it); hard disks must be a non-zero multiple of 512 bytes. 0 or -errno with
 * *why set to a short reason; -EMEDIUMTYPE when the file is there but its size makes it no
 * disk of this kind ("is empty", "not a standard floppy size (N bytes)", ...).
 */
int disk_open(struct disk *d, const char *path, enum disk_kind kind, enum disk_mode mode,
	      const char **why);

/* Whether an image of `size` bytes is a standard floppy (what disk_open accepts as one). */
bool disk_floppy_sized(uint64_t size);
void disk_close(struct disk *d);

/* Sector I/O; 0, or -EIO when [lba, lba + count) is not inside the disk, -EROFS for writes
 * to a read-only disk. Thread safe as far as the mapping is. */
int disk_read(const struct disk *d, uint64_t lba, uint32_t count, void *buf);
int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf);

/* Writes a writable disk's dirty pages back (msync). 0 or -errno. */
int disk_flush(struct disk *d);

#endif
