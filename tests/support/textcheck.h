/* Strict checkers for what tinyvmm writes for other tools: Prometheus text files and JSON lines. */
#ifndef TINYVMM_TESTS_SUPPORT_TEXTCHECK_H
#define TINYVMM_TESTS_SUPPORT_TEXTCHECK_H

#include <stddef.h>

/*
 * The Prometheus text exposition format as node_exporter's textfile collector reads it, and
 * stricter: every family has one # TYPE (counter or gauge) before its samples, at most one
 * # HELP, its samples together; names and label names well formed, label values quoted with
 * only \\ \" \n escapes, values that parse as floats, no timestamps, no series twice, counters
 * named *_total, the text ending in a newline. 0, or -1 with the first fault and its line in
 * `why`. *samples (if not NULL) gets the number of samples.
 */
int textcheck_prom(const char *text, unsigned *samples, char *why, size_t size);

/* The value of the sample `series` (name{labels} exactly as written), or -1 when absent. */
double textcheck_prom_value(const char *text, const char *series);

/*
 * One JSON value per RFC 8259, whole: objects, arrays, strings (escapes checked, no raw
 * control characters), numbers in JSON's grammar, true, false, null; nothing after it but
 * blanks. 0, or -1 with the offset and fault in `why`.
 */
int textcheck_json(const char *text, char *why, size_t size);

/*
 * The keys of the top-level object of a valid JSON text, in order, comma-separated, into
 * `out` (nested objects' keys are not listed). 0, or -1 when it is no object or `out` is short.
 */
int textcheck_json_keys(const char *text, char *out, size_t size);

#endif
