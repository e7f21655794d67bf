/* The tcl app's start-up decisions as pure functions: its command line and where reports go. */
#ifndef TINYVMM_GUESTS_TCL_SHIM_CMDLINE_H
#define TINYVMM_GUESTS_TCL_SHIM_CMDLINE_H

#include <stddef.h>

/*
 * No system calls and no libc here, so the host's unit tests compile this file as it is
 * (tests/unit/test_tcl_userspace.c) while the guest links it freestanding.
 */

/*
 * Joins words[0..n) with single spaces into buf (size bytes, NUL-terminated). Returns the
 * length, or -1 when the line would not fit: a cut command line could run another app than
 * the one asked for, so it is refused rather than shortened.
 */
long tcl_join_words(char *buf, size_t size, int n, char *const words[]);

/*
 * The host's command line from the report port (`host`, `len` bytes as read, not
 * necessarily NUL-terminated) replaces `own` when it is not empty. Returns the line to run;
 * a host line is NUL-terminated inside `host` (its last byte is given up for that).
 */
const char *tcl_pick_cmdline(char *host, size_t len, const char *own);

enum tcl_report_mode {
	TCL_REPORT_PORT, /* the report port (REPORT_PORT), when the host listens */
	TCL_REPORT_FILE, /* one text line per report appended to a file */
	TCL_REPORT_BAD,	 /* a value this program does not know */
};

/*
 * Reads $TINYVMM_REPORT (NULL when unset): unset or "port" is the port, "file:PATH" with a
 * non-empty PATH a file (*path points into `value`), anything else is refused.
 */
enum tcl_report_mode tcl_report_mode(const char *value, const char **path);

/* The value of environment variable `name` in the NULL-terminated `envp`, or NULL. */
const char *tcl_getenv(char *const envp[], const char *name);

#endif
