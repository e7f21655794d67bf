/* Number, size and duration parsing shared by the command line and population spec files. */
#ifndef TINYVMM_BASE_PARSE_H
#define TINYVMM_BASE_PARSE_H

#include <stdint.h>

/*
 * "64" (MiB by default), "512K", "16M", "2G", "1T": bytes in *out. Rejects empty strings,
 * junk after the number, zero, and values that overflow. 0 or -EINVAL / -ERANGE.
 */
int parse_size(const char *s, uint64_t *out);

/* Unsigned number in decimal or 0x-hex, no junk, at most `max`. 0 or -EINVAL / -ERANGE. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "10", "2.5", "500ms", "10s", "2m", "1h": seconds, >= 0. 0 or -EINVAL. */
int parse_seconds(const char *s, double *out);

#endif
