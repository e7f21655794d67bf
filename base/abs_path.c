/* abs_path(): join with the current directory, or refuse when it does not fit. */
#include "base/abs_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int abs_path(const char *path, char *out, size_t size)
{
	char cwd[PATH_MAX];
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return -errno;
	int n = path[0] == '/' ? snprintf(out, size, "%s", path)
			       : snprintf(out, size, "%s/%s", cwd, path);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
