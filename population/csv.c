/* CSV output: quoting, bounded appends, and rows written whole with one write() each. */
#include "population/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int csv_open(struct csv_file *f, const char *path, const char *header)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (f->fd < 0)
		return -errno;
	if (!header)
		return 0;
	int r = csv_write_row(f, header, strlen(header));
	f->rows = 0; /* the header is no data row */
	if (r) {
		close(f->fd);
		f->fd = -1;
	}
	return r;
}

int csv_write_row(struct csv_file *f, const char *row, size_t len)
{
	if (f->fd < 0)
		return -EBADF;
	if (f->error)
		return -f->error;
	/* one buffer, one write: the row and its newline land together or not at all */
	char stack[1024];
	char *buf = len + 1 <= sizeof(stack) ? stack : malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, row, len);
	buf[len] = '\n';
	int r = write_all(f->fd, buf, len + 1);
	if (buf != stack)
		free(buf);
	if (r)
		f->error = -r;
	else
		f->rows++;
	return r;
}

void csv_close(struct csv_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int csv_printf(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	if (*pos >= size)
		return -ENOSPC;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *pos) {
		buf[size - 1] = '\0';
		*pos = size;
		return -ENOSPC;
	}
	*pos += (size_t)n;
	return 0;
}

int csv_field(char *buf, size_t size, size_t *pos, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (!quote)
		return csv_printf(buf, size, pos, "%s", s);
	if (csv_printf(buf, size, pos, "\""))
		return -ENOSPC;
	for (; *s; s++) {
		int r = *s == '"' ? csv_printf(buf, size, pos, "\"\"")
				  : csv_printf(buf, size, pos, "%c", *s);
		if (r)
			return r;
	}
	return csv_printf(buf, size, pos, "\"");
}
