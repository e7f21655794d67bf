/* `-report`: the guest's reports as text lines, one per report, flushed as written. */
#ifndef TINYVMM_CLI_REPORT_LOG_H
#define TINYVMM_CLI_REPORT_LOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/report.h"

/*
 * Each line: "report SECONDS EVENT VALUE", SECONDS since report_log_open with microsecond
 * precision, EVENT a name from report_event_name ("app-start", "lap", ...). Example:
 *   report 1.002311 lap 1
 */
struct report_log {
	FILE *f;
	bool own; /* opened here (a file), closed here */
	uint64_t origin_ns;
	pthread_mutex_t lock; /* several vCPUs may report at once */
};

/* dest: "stderr" or a path (created or truncated). 0 or -errno. */
int report_log_open(struct report_log *l, const char *dest);
struct report_sink report_log_sink(struct report_log *l);
void report_log_close(struct report_log *l);

#endif
