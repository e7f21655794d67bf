/* Port 0x92 (fast A20 and reset) and port 0x80 (POST code) for one VM. */
#include "devices/sysport.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define P92_RESET 0x01
#define P92_A20	  0x02

static uint32_t p92_read(void *dev, uint16_t offset, unsigned size)
{
	struct sysport *s = dev;
	(void)size;
	if (offset != 0)
		return 0xFF;
	pthread_mutex_lock(&s->lock);
	uint8_t v = s->port92;
	pthread_mutex_unlock(&s->lock);
	return v;
}

/*
 * Bit 0 is not kept: code that sets A20 with a read-modify-write of 0x92 must not
 * reset the machine again by writing back a 1 it read.
 */
static void p92_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct sysport *s = dev;
	(void)size;
	if (offset != 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->port92 = (uint8_t)(value & ~(uint32_t)P92_RESET);
	pthread_mutex_unlock(&s->lock);
	if (value & P92_RESET)
		vm_request_stop(&s->stopper, VM_END_RESET, 0);
}

static uint32_t post_read(void *dev, uint16_t offset, unsigned size)
{
	struct sysport *s = dev;
	(void)size;
	if (offset != 0)
		return 0xFF;
	pthread_mutex_lock(&s->lock);
	uint8_t v = s->post_code;
	pthread_mutex_unlock(&s->lock);
	return v;
}

static void post_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct sysport *s = dev;
	(void)size;
	if (offset != 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->post_code = (uint8_t)value;
	s->post_writes++;
	pthread_mutex_unlock(&s->lock);
}

/* Byte ports: the bus splits wider accesses (byte_regs). */
const struct io_ops sysport_92_io_ops = {.read = p92_read, .write = p92_write, .byte_regs = true};
const struct io_ops sysport_post_io_ops = {
    .read = post_read, .write = post_write, .byte_regs = true};

int sysport_init(struct sysport *s, const struct sysport_config *cfg)
{
	if (!s || !cfg)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	int rc = pthread_mutex_init(&s->lock, NULL);
	if (rc)
		return -rc;
	s->stopper = cfg->stopper;
	s->port92 = P92_A20;
	return 0;
}

void sysport_destroy(struct sysport *s)
{
	pthread_mutex_destroy(&s->lock);
}

bool sysport_a20(struct sysport *s)
{
	pthread_mutex_lock(&s->lock);
	bool on = s->port92 & P92_A20;
	pthread_mutex_unlock(&s->lock);
	return on;
}

uint8_t sysport_post_code(struct sysport *s)
{
	pthread_mutex_lock(&s->lock);
	uint8_t v = s->post_code;
	pthread_mutex_unlock(&s->lock);
	return v;
}

uint64_t sysport_post_writes(struct sysport *s)
{
	pthread_mutex_lock(&s->lock);
	uint64_t n = s->post_writes;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* The state starts at `port92`: the lock and the wiring before it stay this VM's. */
size_t sysport_state_size(void)
{
	return sizeof(struct sysport) - offsetof(struct sysport, port92);
}

void sysport_save(struct sysport *d, void *out)
{
	pthread_mutex_lock(&d->lock);
	memcpy(out, &d->port92, sysport_state_size());
	pthread_mutex_unlock(&d->lock);
}

int sysport_load(struct sysport *d, const void *in)
{
	pthread_mutex_lock(&d->lock);
	memcpy(&d->port92, in, sysport_state_size());
	pthread_mutex_unlock(&d->lock);
	return 0;
}
