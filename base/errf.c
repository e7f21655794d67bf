/* errf(): a reason into the caller's buffer, a code back. */
#include "base/errf.h"

#include <stdarg.h>
#include <stdio.h>

int verrf(char *err, size_t errlen, int code, const char *fmt, va_list ap)
{
	vsnprintf(err, errlen, fmt, ap);
	return code;
}

int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(err, errlen, code, fmt, ap);
	va_end(ap);
	return code;
}
