/* isa-debug-exit: turns a guest's write into a VM stop carrying (value << 1) | 1. */
#include "devices/debug_exit.h"

#include <errno.h>

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

/* Nothing to read: an undecoded register floats high. */
static uint32_t debug_exit_read(void *dev, uint16_t offset, unsigned size)
{
	(void)dev;
	(void)offset;
	return size_mask(size);
}

/*
 * The full written value is shifted, as QEMU does; truncating it to an exit code is
 * left to whoever turns the status into a process exit. Like QEMU's device, every port
 * of the range exits, whatever the offset.
 */
static void debug_exit_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct debug_exit *d = dev;
	(void)offset;
	if (size == 0)
		return;
	uint32_t status = (value & size_mask(size)) << 1 | 1;
	vm_request_stop(&d->stopper, VM_END_DEBUG_EXIT, (int)status);
}

const struct io_ops debug_exit_io_ops = {.read = debug_exit_read, .write = debug_exit_write};

int debug_exit_init(struct debug_exit *d, const struct debug_exit_config *cfg)
{
	if (!d || !cfg)
		return -EINVAL;
	d->stopper = cfg->stopper;
	return 0;
}

void debug_exit_destroy(struct debug_exit *d)
{
	(void)d;
}
