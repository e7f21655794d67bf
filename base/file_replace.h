/* file_replace(): a file's new contents put in place whole, never seen half-written. */
#ifndef TINYVMM_BASE_FILE_REPLACE_H
#define TINYVMM_BASE_FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Writes `len` bytes to PATH.tmp with permissions `mode` (umask notwithstanding: a script
 * must come out executable), then renames it over `path`, so a reader sees the old file or
 * the new one. 0, or -errno (-ENAMETOOLONG, -EIO for a write that wrote nothing) with the
 * temporary removed and `path` untouched.
 */
int file_replace(const char *path, const void *data, size_t len, mode_t mode);

#endif
