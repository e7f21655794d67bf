/* What the apps send out: console lines, host reports, and the one way to refuse bad input. */
#ifndef TINYVMM_GUESTS_APPS_OUT_H
#define TINYVMM_GUESTS_APPS_OUT_H

#include <stdint.h>

/* The longest line an app prints; longer output is cut (a guest console is no place for more). */
#define APPS_LINE_MAX 160

/* Exit statuses of apps_main(). */
#define APPS_EXIT_OK	0
#define APPS_EXIT_FAIL	1 /* the app ran and its test failed */
#define APPS_EXIT_USAGE 2 /* the command line was wrong; nothing ran */

/* Formats one piece of console output (fmt.h conversions) and writes it in one shim_write. */
void apps_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One report to the host; values past REPORT_VALUE_MAX saturate instead of wrapping. */
void apps_report(unsigned event, uint64_t value);

/* Prints "apps: <message>", reports REPORT_APP_ERROR and returns APPS_EXIT_USAGE. */
int apps_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
