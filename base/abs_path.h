/* abs_path(): a path made absolute against the current directory, for another process to use. */
#ifndef TINYVMM_BASE_ABS_PATH_H
#define TINYVMM_BASE_ABS_PATH_H

#include <stddef.h>

/* PATH as is when absolute, else CWD/PATH, into out (size bytes). 0, -ENAMETOOLONG when it
 * does not fit, or getcwd's -errno. */
int abs_path(const char *path, char *out, size_t size);

#endif
