/* Console lines and host reports for the apps, on top of the guest's shim. */
#include "out.h"

#include <stdarg.h>

#include "fmt.h"
#include "abi/report_abi.h"
#include "shim.h"

void apps_print(const char *fmt, ...)
{
	char line[APPS_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	size_t n = apps_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	shim_write(line, n);
}

void apps_report(unsigned event, uint64_t value)
{
	/* shim_report takes 32 bits: saturate here, before a cast could wrap a large value. */
	shim_report(event, value > REPORT_VALUE_MAX ? REPORT_VALUE_MAX : (uint32_t)value);
}

int apps_usage_error(const char *fmt, ...)
{
	char line[APPS_LINE_MAX];
	size_t n = apps_format(line, sizeof(line), "apps: ");
	va_list ap;
	va_start(ap, fmt);
	n += apps_vformat(line + n, sizeof(line) - 1 - n, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	shim_write(line, n);
	apps_report(REPORT_APP_ERROR, 0);
	return APPS_EXIT_USAGE;
}
