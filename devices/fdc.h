/* Floppy-controller stub (82077AA, AT mode) at 0x3F0-0x3F5 and 0x3F7: probes finish, no data. */
#ifndef TINYVMM_DEVICES_FDC_H
#define TINYVMM_DEVICES_FDC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define FDC_BASE     0x3F0 /* register fdc_io_ops on [0x3F0, 0x3F6); 0x3F6 belongs to ATA */
#define FDC_LEN	     6
#define FDC_DIR_BASE 0x3F7 /* register fdc_dir_io_ops on [0x3F7, 0x3F8), same struct fdc */
#define FDC_DIR_LEN  1
#define FDC_IRQ	     6

/*
 * What this is: enough of a PC floppy controller for code that probes one to finish. The
 * main status register is always ready (RQM=1, no drive busy), every command is taken
 * and answered at once, SENSE INTERRUPT STATUS and VERSION give real answers, seeks and
 * recalibrates "arrive" instantly, and resets report the four drive-status changes.
 * What it is not: a floppy. There is no medium, no DMA and no data phase; commands that
 * would move data end at once in abnormal termination. Floppy images are served to
 * firmware through the BIOS's int 13h, not through these ports.
 */
struct fdc_config {
	struct irq_line irq; /* ISA IRQ 6; edges, only while DOR enables DMA/IRQ (bit 3) */
};

#define FDC_CMD_MAX    9
#define FDC_RESULT_MAX 10

/* All state; defined here so a VM can embed it. Touch only through the functions below. */
struct fdc {
	pthread_mutex_t lock;
	struct fdc_config cfg;
	uint8_t dor;
	uint8_t tdr;
	uint8_t dsr;
	uint8_t ccr;
	uint8_t cmd[FDC_CMD_MAX];
	uint8_t cmd_len, cmd_need; /* bytes received, bytes the command takes; 0 when idle */
	uint8_t result[FDC_RESULT_MAX];
	uint8_t res_len, res_pos; /* result phase while res_pos < res_len */
	uint8_t pcn[4];		  /* present cylinder of each drive */
	uint8_t sense_st0[4];	  /* interrupt status waiting for SENSE INTERRUPT STATUS */
	uint8_t sense_pending;	  /* bit per drive */
	uint8_t specify[2];
	uint8_t config[2]; /* CONFIGURE bytes 2 and 3 */
	uint8_t perpendicular;
	bool locked;
};

/* 0 or -errno (-EINVAL for a NULL argument). Starts as firmware leaves it: DOR 0Ch. */
int fdc_init(struct fdc *f, const struct fdc_config *cfg);
void fdc_destroy(struct fdc *f);

/* Hardware reset (the VM's reset line). */
void fdc_reset(struct fdc *f);

extern const struct io_ops fdc_io_ops;	   /* [0x3F0, 0x3F6), `dev` is the struct fdc */
extern const struct io_ops fdc_dir_io_ops; /* 0x3F7: DIR on read, CCR on write */

/*
 * Snapshot: the registers, command and result phases, drive cylinders -- the struct from `dor` on,
 * which holds no pointer -- as fdc_state_size() bytes. Load replaces the state of an initialised
 * device. 0 or -errno.
 */
size_t fdc_state_size(void);
void fdc_save(struct fdc *d, void *out);
int fdc_load(struct fdc *d, const void *in);

#endif
