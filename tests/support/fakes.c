/* Recording fakes of the device contract for unit tests. */
#include "tests/support/fakes.h"

#include <string.h>

static void fake_irq_set(void *ctx, uint32_t gsi, int level)
{
	struct fake_irq *f = ctx;
	if (level && !f->level)
		f->rises++;
	f->level = level;
	f->last_gsi = gsi;
}

static int fake_irq_edge(void *ctx, uint32_t gsi)
{
	struct fake_irq *f = ctx;
	fake_irq_set(ctx, gsi, 1);
	fake_irq_set(ctx, gsi, 0);
	if (f->edge_status == IRQ_EDGE_TAKEN)
		f->taken++;
	return f->edge_status;
}

struct irq_line fake_irq_line(struct fake_irq *f, uint32_t gsi)
{
	memset(f, 0, sizeof(*f));
	f->edge_status = IRQ_EDGE_TAKEN;
	return (struct irq_line){.set = fake_irq_set, .edge = fake_irq_edge, .ctx = f, .gsi = gsi};
}

static void fake_sink_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake_sink *f = ctx;
	size_t room = sizeof(f->buf) - f->len;
	if (len > room)
		len = room;
	memcpy(f->buf + f->len, buf, len);
	f->len += len;
}

struct char_sink fake_sink_of(struct fake_sink *f)
{
	memset(f, 0, sizeof(*f));
	return (struct char_sink){.write = fake_sink_write, .ctx = f};
}

static void fake_stop(void *ctx, enum vm_end kind, int status)
{
	struct fake_stopper *f = ctx;
	f->stops++;
	f->kind = kind;
	f->status = status;
}

struct vm_stopper fake_stopper_of(struct fake_stopper *f)
{
	memset(f, 0, sizeof(*f));
	return (struct vm_stopper){.stop = fake_stop, .ctx = f};
}
