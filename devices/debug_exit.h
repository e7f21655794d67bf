/* isa-debug-exit compatible port: a guest write ends the VM with status (value << 1) | 1. */
#ifndef TINYVMM_DEVICES_DEBUG_EXIT_H
#define TINYVMM_DEVICES_DEBUG_EXIT_H

#include "devices/device.h"

/*
 * Register debug_exit_io_ops on [0xf4, 0xf8) (QEMU's iobase=0xf4,iosize=0x04); a 1-port
 * range also works, since accesses of any width arrive at offset 0. A write at any
 * offset of the range ends the VM, as QEMU's device does.
 */
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_LEN	4

struct debug_exit_config {
	struct vm_stopper stopper; /* receives VM_END_DEBUG_EXIT */
};

/* Nothing here changes after init, so it needs no lock. */
struct debug_exit {
	struct vm_stopper stopper;
};

/* Returns 0 or -EINVAL. */
int debug_exit_init(struct debug_exit *d, const struct debug_exit_config *cfg);
void debug_exit_destroy(struct debug_exit *d);

extern const struct io_ops debug_exit_io_ops;

#endif
