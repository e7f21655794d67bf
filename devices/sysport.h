/* System ports: 0x92 (fast A20 gate and fast reset) and 0x80 (POST code). */
#ifndef TINYVMM_DEVICES_SYSPORT_H
#define TINYVMM_DEVICES_SYSPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define SYSPORT_92   0x92 /* register sysport_92_io_ops on [0x92, 0x93) */
#define SYSPORT_POST 0x80 /* register sysport_post_io_ops on [0x80, 0x81), same struct sysport */

struct sysport_config {
	struct vm_stopper stopper; /* receives VM_END_RESET */
};

struct sysport {
	pthread_mutex_t lock;
	struct vm_stopper stopper;
	uint8_t port92;	      /* bits 1-7 as written; bit 0 always reads 0 */
	uint8_t post_code;    /* last byte written to 0x80 */
	uint64_t post_writes; /* Linux also writes 0x80 as an I/O delay, so this grows fast */
};

/* A20 starts enabled, as KVM never masks it. Returns 0 or the mutex error. */
int sysport_init(struct sysport *s, const struct sysport_config *cfg);
void sysport_destroy(struct sysport *s);

bool sysport_a20(struct sysport *s);
uint8_t sysport_post_code(struct sysport *s);
uint64_t sysport_post_writes(struct sysport *s);

extern const struct io_ops sysport_92_io_ops;
extern const struct io_ops sysport_post_io_ops;

/*
 * Snapshot: the port 0x92 and the POST code -- the struct from `port92` on, which holds no pointer
 * -- as sysport_state_size() bytes. Load replaces the state of an initialised device. 0 or -errno.
 */
size_t sysport_state_size(void);
void sysport_save(struct sysport *d, void *out);
int sysport_load(struct sysport *d, const void *in);

#endif
