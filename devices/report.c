/* Report port: a 32-bit guest write becomes (host time, event, value) for whoever listens. */
#include "devices/report.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

static uint64_t monotonic_ns(void *ctx)
{
	(void)ctx;
	return clock_mono_ns();
}

/*
 * A 32-bit read at the base gives the magic and rewinds the arguments; byte reads at
 * offset 1 walk through them (then zeros). Anything else floats high.
 */
static uint32_t report_read(void *dev, uint16_t offset, unsigned size)
{
	struct report_dev *d = dev;
	if (offset == 0 && size == 4) {
		atomic_store_explicit(&d->args_pos, 0, memory_order_relaxed);
		return REPORT_MAGIC;
	}
	if (offset == 1 && size == 1) {
		unsigned pos = atomic_fetch_add_explicit(&d->args_pos, 1, memory_order_relaxed);
		if (pos >= REPORT_ARGS_MAX) { /* stay past the end without wrapping */
			atomic_store_explicit(&d->args_pos, REPORT_ARGS_MAX, memory_order_relaxed);
			return 0;
		}
		return (uint8_t)d->args[pos];
	}
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

/* A console record: its length byte, then the bytes, both through the checked reader. */
static void console_record(struct report_dev *d, uint32_t gpa)
{
	uint8_t buf[1 + REPORT_CONSOLE_MAX];
	if (!d->read_guest || d->read_guest(d->mem_ctx, gpa, buf, 1) || buf[0] == 0 ||
	    d->read_guest(d->mem_ctx, (uint64_t)gpa + 1, buf + 1, buf[0])) {
		atomic_fetch_add_explicit(&d->console_dropped, 1, memory_order_relaxed);
		return;
	}
	sink_write(&d->console, buf + 1, buf[0]);
	atomic_fetch_add_explicit(&d->console_bytes, buf[0], memory_order_relaxed);
}

static void report_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
	struct report_dev *d = dev;
	if (offset != 0 || size != 4) {
		atomic_fetch_add_explicit(&d->malformed, 1, memory_order_relaxed);
		return;
	}
	unsigned event = REPORT_EVENT_OF(value);
	if (event == REPORT_CONSOLE) { /* output, not a milestone: no clock read for it */
		atomic_fetch_add_explicit(&d->count[event], 1, memory_order_relaxed);
		console_record(d, REPORT_VALUE_OF(value));
		return;
	}
	/* Stamp next: the time is the point of the report, so nothing else runs before it. */
	uint64_t now = d->now_ns(d->clock_ctx);
	if (event < REPORT_EVENT_SLOTS && event != 0)
		atomic_fetch_add_explicit(&d->count[event], 1, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&d->unknown, 1, memory_order_relaxed);
	if (d->sink.report)
		d->sink.report(d->sink.ctx, now, event, REPORT_VALUE_OF(value));
}

const struct io_ops report_io_ops = {.read = report_read, .write = report_write};

int report_init(struct report_dev *d, const struct report_config *cfg)
{
	if (!d || !cfg)
		return -EINVAL;
	memset(d->args, 0, sizeof(d->args));
	if (cfg->args) {
		size_t n = strlen(cfg->args);
		if (n >= REPORT_ARGS_MAX)
			return -EINVAL;
		memcpy(d->args, cfg->args, n);
	}
	atomic_init(&d->args_pos, 0);
	d->read_guest = cfg->read_guest;
	d->mem_ctx = cfg->mem_ctx;
	d->console = cfg->console;
	atomic_init(&d->console_bytes, 0);
	atomic_init(&d->console_dropped, 0);
	d->sink = cfg->sink;
	d->now_ns = cfg->now_ns ? cfg->now_ns : monotonic_ns;
	d->clock_ctx = cfg->clock_ctx;
	for (unsigned i = 0; i < REPORT_EVENT_SLOTS; i++)
		atomic_init(&d->count[i], 0);
	atomic_init(&d->unknown, 0);
	atomic_init(&d->malformed, 0);
	return 0;
}

void report_destroy(struct report_dev *d)
{
	(void)d;
}

const char *report_event_name(unsigned event, char *buf, unsigned size)
{
	static const char *const names[] = {
	    [REPORT_KERNEL_UP] = "kernel-up",
	    [REPORT_APP_START] = "app-start",
	    [REPORT_LAP] = "lap",
	    [REPORT_APP_DONE] = "app-done",
	    [REPORT_RESULT] = "result",
	    [REPORT_FAULT] = "fault",
	    [REPORT_APP_ERROR] = "app-error",
	    [REPORT_CONSOLE] = "console",
	};
	if (event < sizeof(names) / sizeof(names[0]) && names[event])
		return names[event];
	snprintf(buf, size, "event-%u", event);
	return buf;
}

void report_save(struct report_dev *d, struct report_state *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < REPORT_EVENT_SLOTS; i++)
		out->count[i] = atomic_load(&d->count[i]);
	out->unknown = atomic_load(&d->unknown);
	out->malformed = atomic_load(&d->malformed);
	out->console_bytes = atomic_load(&d->console_bytes);
	out->console_dropped = atomic_load(&d->console_dropped);
	out->args_pos = atomic_load(&d->args_pos);
}

int report_load(struct report_dev *d, const struct report_state *in)
{
	if (in->args_pos > REPORT_ARGS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < REPORT_EVENT_SLOTS; i++)
		atomic_store(&d->count[i], in->count[i]);
	atomic_store(&d->unknown, in->unknown);
	atomic_store(&d->malformed, in->malformed);
	atomic_store(&d->console_bytes, in->console_bytes);
	atomic_store(&d->console_dropped, in->console_dropped);
	atomic_store(&d->args_pos, in->args_pos);
	return 0;
}
