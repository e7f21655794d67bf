/* i8042 keyboard controller stub: A20 and reset through the output port, no keyboard yet. */
#ifndef TINYVMM_DEVICES_KBC_H
#define TINYVMM_DEVICES_KBC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define KBC_DATA_PORT 0x60 /* register kbc_data_io_ops on [0x60, 0x61) */
#define KBC_CMD_PORT  0x64 /* register kbc_cmd_io_ops on [0x64, 0x65), same struct kbc */

/* Output port bits the VM cares about. */
#define KBC_OUT_RESET 0x01 /* 0 holds the CPU in reset */
#define KBC_OUT_A20   0x02

struct kbc_config {
	struct vm_stopper stopper; /* receives VM_END_RESET */
};

struct kbc {
	pthread_mutex_t lock;
	struct vm_stopper stopper;
	uint8_t out_port;  /* output port: reset line, A20 gate */
	uint8_t cmd_byte;  /* controller command byte (0x20 / 0x60) */
	uint8_t data;	   /* last byte presented at 0x60 */
	bool data_full;	   /* status bit 0: `data` not yet read */
	bool last_was_cmd; /* status bit 3: last write went to 0x64 */
	uint8_t expect;	   /* command waiting for its data byte at 0x60, or 0 */
};

/*
 * Status reads never show the input buffer full (bit 1): firmware such as GRUB
 * spins on it before every write. A20 starts enabled, as KVM never masks it.
 * Returns 0 or the mutex error.
 */
int kbc_init(struct kbc *k, const struct kbc_config *cfg);
void kbc_destroy(struct kbc *k);

/* The A20 gate as the guest last set it through this controller. */
bool kbc_a20(struct kbc *k);

extern const struct io_ops kbc_data_io_ops;
extern const struct io_ops kbc_cmd_io_ops;

/*
 * Snapshot: the output port, command byte and pending data -- the struct from `out_port` on, which
 * holds no pointer -- as kbc_state_size() bytes. Load replaces the state of an initialised device.
 * 0 or -errno.
 */
size_t kbc_state_size(void);
void kbc_save(struct kbc *d, void *out);
int kbc_load(struct kbc *d, const void *in);

#endif
