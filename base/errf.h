/* errf(): the one "format a one-line reason into the caller's buffer and return a code" helper. */
#ifndef TINYVMM_BASE_ERRF_H
#define TINYVMM_BASE_ERRF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats a one-line reason into err (errlen bytes, always terminated when errlen > 0; err
 * may be NULL when errlen is 0) and returns `code`, so that a failure reads
 * `return errf(err, errlen, -EINVAL, "...", ...);`.
 */
int errf(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same for a caller that takes the arguments itself (a helper that also records state). */
int verrf(char *err, size_t errlen, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
