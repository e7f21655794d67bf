/* Maps kernel, initrd and module files read-only for the loaders. */
#include "vmm/boot/file_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int file_blob_map(struct blob *b, const char *path, const char **why)
{
	memset(b, 0, sizeof(*b));
	b->name = path;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		*why = strerror(err);
		return -err;
	}
	struct stat st;
	int r = 0;
	if (fstat(fd, &st)) {
		r = -errno;
		*why = strerror(errno);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		*why = "is a directory";
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		*why = "is not a regular file";
		goto out;
	}
	if (st.st_size == 0) {
		r = -EINVAL;
		*why = "is empty";
		goto out;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		*why = strerror(errno);
		goto out;
	}
	b->data = p;
	b->size = (size_t)st.st_size;
out:
	close(fd);
	return r;
}

void file_blob_unmap(struct blob *b)
{
	if (b->data)
		munmap((void *)b->data, b->size);
	b->data = NULL;
	b->size = 0;
}
