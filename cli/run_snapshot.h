/* `run -snapshot-at` and `run -restore`: the milestone trigger, writing and reading the file. */
#ifndef TINYVMM_CLI_RUN_SNAPSHOT_H
#define TINYVMM_CLI_RUN_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "vmm/snap_format.h"

struct vm;

/*
 * Sits in front of the run's report sink. At the Nth report of the event it pauses the VM
 * (from the vCPU thread that reported, so the capture is taken right after that OUT) and
 * wakes the run thread through `fd`, which captures and resumes: vCPU threads may neither
 * write files nor read another vCPU's state.
 */
struct snap_trigger {
	struct report_sink next;
	unsigned event, nth;
	const char *path;
	struct vm *vm; /* set before the VM starts */
	int fd;	       /* eventfd */
	_Atomic unsigned seen;
	bool done;  /* run thread only */
	int failed; /* run thread only: the capture failed, with a message printed */
};

/* 0 or -errno. The sink to hand the VM goes into *sink. */
int snap_trigger_open(struct snap_trigger *t, unsigned event, unsigned nth, const char *path,
		      struct report_sink *sink);
void snap_trigger_close(struct snap_trigger *t);
/* On the run thread when t->fd is readable: capture, write the file, resume the VM. */
void snap_trigger_fire(struct snap_trigger *t);

/* A snapshot file read and checked against this host (exit status 2 material otherwise). */
struct snap_file {
	uint8_t *data;
	size_t len;
	struct snap_reader r;
};

/* 0, or -1 with a message "tinyvmm: -restore PATH: why" printed. */
int snap_file_read(struct snap_file *f, const char *path);
void snap_file_close(struct snap_file *f);

#endif
