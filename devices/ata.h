/* ATA/IDE primary channel: PIO task file at 0x1F0-0x1F7, device control at 0x3F6, IRQ 14. */
#ifndef TINYVMM_DEVICES_ATA_H
#define TINYVMM_DEVICES_ATA_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/disk.h"

#define ATA_CMD_BASE	 0x1F0 /* register ata_cmd_io_ops on [0x1F0, 0x1F8) */
#define ATA_CMD_LEN	 8
#define ATA_CTL_BASE	 0x3F6 /* register ata_ctl_io_ops on [0x3F6, 0x3F7), same struct ata */
#define ATA_CTL_LEN	 1
#define ATA_IRQ		 14
#define ATA_MAX_MULTIPLE 16 /* sectors per DRQ block for READ/WRITE MULTIPLE */

/*
 * What this is: two ATA (non-packet) hard disks on one channel, PIO only, with every
 * command completing synchronously inside the port access that issued it (BSY is seen
 * only while the guest holds SRST). LBA28, LBA48 and CHS addressing. Not here: DMA, ATAPI,
 * the secondary channel, PCI IDE.
 */
struct ata_config {
	struct irq_line irq; /* ISA IRQ 14; completions are edges (irq_pulse) while nIEN is 0 */
	struct disk *master; /* NULL: an empty channel, every port floats (reads all ones) */
	struct disk *slave;  /* NULL: absent, its status reads 0; needs a master */
};

struct ata_geometry {
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors; /* per track */
};

struct ata_drive {
	struct disk *disk;	 /* NULL when absent */
	struct ata_geometry def; /* IDENTIFY words 1/3/6 */
	struct ata_geometry cur; /* CHS translation set by INITIALIZE DEVICE PARAMETERS */
	uint8_t status;
	uint8_t error;
	uint8_t multiple;   /* READ/WRITE MULTIPLE block size; 0 = disabled */
	bool intrq;	    /* interrupt pending until the status register is read */
	bool keep_settings; /* SET FEATURES 66h: a software reset keeps multiple and geometry */
};

/* All state; defined here so a VM can embed it. Touch only through the functions below. */
struct ata {
	pthread_mutex_t lock;
	struct ata_config cfg;
	struct ata_drive drive[2];
	/* Shared task file; [0] is the last value written, [1] the one before (the HOB byte
	 * of a 48-bit command, readable with device control bit 7). */
	uint8_t feature[2];
	uint8_t count[2];
	uint8_t lba_low[2];
	uint8_t lba_mid[2];
	uint8_t lba_high[2];
	uint8_t device;
	uint8_t control;
	/* The PIO data transfer in progress, if any. */
	uint8_t xfer;	     /* enum in ata.c */
	uint8_t xfer_drive;  /* the drive it belongs to */
	uint8_t xfer_addr;   /* how to report progress in the task file: CHS, LBA28, LBA48 */
	uint16_t xfer_block; /* sectors per DRQ block */
	uint32_t xfer_left;  /* sectors not yet done, including those in buf */
	uint64_t xfer_lba;   /* first sector in buf */
	uint32_t pos, len;   /* bytes of buf done, bytes in this block */
	uint8_t buf[ATA_MAX_MULTIPLE * DISK_SECTOR];
};

/* 0 or -errno (-EINVAL for NULL arguments or a slave without a master). */
int ata_init(struct ata *a, const struct ata_config *cfg);
void ata_destroy(struct ata *a);

/* Hardware reset (the VM's reset line): power-on state, signature in the task file. */
void ata_reset(struct ata *a);

extern const struct io_ops ata_cmd_io_ops; /* task file, `dev` is the struct ata */
extern const struct io_ops ata_ctl_io_ops; /* alternate status / device control */

/*
 * Snapshot: task file, drive registers and the PIO transfer in progress with its buffer --
 * the struct from `drive` on -- as ata_state_size() bytes; the disk pointers are saved as
 * NULL and kept from this VM's config on load. -ENODEV when the snapshot has a drive this
 * channel lacks, or lacks one it has.
 */
size_t ata_state_size(void);
void ata_save(struct ata *d, void *out);
int ata_load(struct ata *d, const void *in);

#endif
