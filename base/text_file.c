/* text_file_read(): read whole, bounded, checked for NUL bytes. */
#include "base/text_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int text_file_read(const char *path, size_t max, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int r = 0;
	for (;;) {
		if (n == cap) {
			/* one byte past the cap tells "exactly max" from "larger" */
			size_t want = cap ? cap * 2 : 65536;
			if (want > max + 1)
				want = max + 1;
			if (want <= cap) {
				r = -EFBIG;
				break;
			}
			char *b = realloc(buf, want + 1);
			if (!b) {
				r = -ENOMEM;
				break;
			}
			buf = b;
			cap = want;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				r = -EIO;
			break;
		}
	}
	fclose(f);
	if (!r && n > max)
		r = -EFBIG;
	if (!r && memchr(buf, '\0', n))
		r = -EINVAL;
	if (r) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
