/* A tiny printf subset for the apps: formats into a caller's buffer, no libc. */
#ifndef TINYVMM_GUESTS_APPS_FMT_H
#define TINYVMM_GUESTS_APPS_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Conversions: %s, %.*s, %c, %d, %u, %lu, %llu, %x, %lx, %llx and %%; no widths or flags.
 * Writes at most cap - 1 bytes plus a NUL (cap >= 1) and returns how many bytes it wrote,
 * so output that does not fit is cut, never overrun. An unknown conversion is copied as is.
 */
size_t apps_vformat(char *buf, size_t cap, const char *fmt, va_list ap);
size_t apps_format(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
