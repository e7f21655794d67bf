/* Output sinks for serial consoles: a file descriptor, a capped log file, or nothing. */
#ifndef TINYVMM_DEVICES_SINK_H
#define TINYVMM_DEVICES_SINK_H

#include <pthread.h>
#include <stdint.h>

#include "devices/device.h"

/*
 * Writes to a file descriptor it does not own (stdout) or owns (a log file), keeping at
 * most `cap` bytes (0 = no cap) and counting what it had to drop, never buffering.
 */
struct fd_sink {
	pthread_mutex_t lock;
	int fd;
	int owned;
	uint64_t cap;
	uint64_t written;
	uint64_t dropped;
	int error; /* first write error (errno), after which output is dropped */
};

int fd_sink_init(struct fd_sink *s, int fd, uint64_t cap);
/* Creates or truncates `path` (0644). 0 or -errno. */
int fd_sink_open(struct fd_sink *s, const char *path, uint64_t cap);
void fd_sink_close(struct fd_sink *s);
struct char_sink fd_sink_as_sink(struct fd_sink *s);

#endif
