/* text_file_read(): a whole text file into memory, with a size cap. */
#ifndef TINYVMM_BASE_TEXT_FILE_H
#define TINYVMM_BASE_TEXT_FILE_H

#include <stddef.h>

/*
 * Reads PATH whole into a NUL-terminated buffer (*out, free() it; *len its length) when it
 * holds at most `max` bytes and no NUL byte. 0, or -errno from opening or reading it,
 * -EFBIG when it is larger than `max`, -EINVAL when it holds a NUL (not a text file),
 * -ENOMEM. Users' files may be anything: the cap keeps a wrong one from taking the host.
 */
int text_file_read(const char *path, size_t max, char **out, size_t *len);

#endif
