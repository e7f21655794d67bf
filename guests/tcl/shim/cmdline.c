/* The tcl app's start-up decisions: joining argv, the host's command line, the report mode. */
#include "cmdline.h"

long tcl_join_words(char *buf, size_t size, int n, char *const words[])
{
	size_t len = 0;
	if (size == 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *w = words[i];
		if (i > 0) {
			if (len + 1 >= size)
				return -1;
			buf[len++] = ' ';
		}
		for (; *w; w++) {
			if (len + 1 >= size)
				return -1;
			buf[len++] = *w;
		}
	}
	buf[len] = '\0';
	return (long)len;
}

const char *tcl_pick_cmdline(char *host, size_t len, const char *own)
{
	if (!host || len == 0)
		return own;
	/* The host pads with zeros, but a full buffer has none: the last byte becomes the NUL. */
	host[len - 1] = '\0';
	return host[0] ? host : own;
}

static int starts_with(const char *s, const char *prefix, const char **rest)
{
	for (; *prefix; prefix++, s++)
		if (*s != *prefix)
			return 0;
	*rest = s;
	return 1;
}

enum tcl_report_mode tcl_report_mode(const char *value, const char **path)
{
	const char *rest;
	*path = 0;
	if (!value)
		return TCL_REPORT_PORT;
	if (starts_with(value, "port", &rest) && *rest == '\0')
		return TCL_REPORT_PORT;
	if (starts_with(value, "file:", &rest) && *rest != '\0') {
		*path = rest;
		return TCL_REPORT_FILE;
	}
	return TCL_REPORT_BAD;
}

const char *tcl_getenv(char *const envp[], const char *name)
{
	const char *rest;
	for (; envp && *envp; envp++)
		if (starts_with(*envp, name, &rest) && *rest == '=')
			return rest + 1;
	return 0;
}
