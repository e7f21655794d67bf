/* Read-only file mappings handed to loaders as blobs: mapped once, never copied. */
#ifndef TINYVMM_VMM_BOOT_FILE_BLOB_H
#define TINYVMM_VMM_BOOT_FILE_BLOB_H

#include "vmm/boot/loader.h"

/* Maps `path` read-only. 0, or -errno with *why set ("is empty", "is a directory", ...). */
int file_blob_map(struct blob *b, const char *path, const char **why);
void file_blob_unmap(struct blob *b);

#endif
