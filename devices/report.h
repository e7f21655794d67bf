/* The guest-to-host report port (abi/report_abi.h): milestones stamped with the host clock.
 */
#ifndef TINYVMM_DEVICES_REPORT_H
#define TINYVMM_DEVICES_REPORT_H

#include <stdatomic.h>
#include <stdint.h>

#include "devices/device.h"
#include "abi/report_abi.h"

struct report_config {
	struct report_sink sink;       /* NULL report(): reports are only counted */
	uint64_t (*now_ns)(void *ctx); /* NULL: CLOCK_MONOTONIC */
	void *clock_ctx;
	const char *args; /* the app command line offered to the guest; NULL or "": none */
	/* REPORT_CONSOLE records: read from guest RAM (0 or -errno, never past RAM) and written
	 * to `console` (COM1's output); without read_guest they are dropped and counted. */
	int (*read_guest)(void *ctx, uint64_t gpa, void *dst, uint64_t len);
	void *mem_ctx;
	struct char_sink console;
};

#define REPORT_EVENT_SLOTS 16 /* counts for events 0..15; anything else counts as unknown */

struct report_dev {
	struct report_sink sink;
	uint64_t (*now_ns)(void *ctx);
	void *clock_ctx;
	_Atomic uint64_t count[REPORT_EVENT_SLOTS];
	_Atomic uint64_t unknown; /* well-formed writes with an event this version does not know */
	_Atomic uint64_t malformed; /* writes that were not 32 bits at offset 0: ignored */
	int (*read_guest)(void *ctx, uint64_t gpa, void *dst, uint64_t len);
	void *mem_ctx;
	struct char_sink console;
	_Atomic uint64_t console_bytes;	  /* written to the console from records */
	_Atomic uint64_t console_dropped; /* records outside RAM or empty */
	char args[REPORT_ARGS_MAX];	  /* NUL-padded */
	_Atomic unsigned args_pos;	  /* next byte a read at REPORT_ARGS_PORT returns */
};

/* 0, or -EINVAL (also for args of REPORT_ARGS_MAX bytes or more). */
int report_init(struct report_dev *d, const struct report_config *cfg);
void report_destroy(struct report_dev *d);

/* Register on [REPORT_PORT, REPORT_PORT + REPORT_PORT_LEN). */
extern const struct io_ops report_io_ops;

/* "kernel-up", "app-start", ...; "event-N" (into buf) for events this version does not name. */
const char *report_event_name(unsigned event, char *buf, unsigned size);

/* Snapshot: milestone counts and the app-argument read position (the argument text is
 * the new run's config, so a clone can be given its own). */
struct report_state {
	uint64_t count[REPORT_EVENT_SLOTS];
	uint64_t unknown, malformed, console_bytes, console_dropped;
	uint32_t args_pos;
	uint32_t pad;
};
void report_save(struct report_dev *d, struct report_state *out);
int report_load(struct report_dev *d, const struct report_state *in);

#endif
