/* errf(): a reason into the caller's buffer, a code back. */
#include "base/errf.h"

#include <stdarg.h>
#include <stdio.h>

int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}
