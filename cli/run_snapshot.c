/* `run -snapshot-at` and `run -restore`: the milestone trigger, writing and reading the file. */
#include "cli/run_snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/snapshot.h"
#include "vmm/vm.h"

static void on_report(void *ctx, uint64_t host_ns, unsigned event, uint32_t value)
{
	struct snap_trigger *t = ctx;
	if (t->next.report)
		t->next.report(t->next.ctx, host_ns, event, value);
	if (event != t->event || atomic_fetch_add(&t->seen, 1) + 1 != t->nth)
		return;
	vm_pause(t->vm); /* returns at once: this thread parks at its next loop */
	uint64_t one = 1;
	ssize_t n = write(t->fd, &one, sizeof(one));
	(void)n; /* an eventfd add of 1 cannot fail */
}

int snap_trigger_open(struct snap_trigger *t, unsigned event, unsigned nth, const char *path,
		      struct report_sink *sink)
{
	t->next = *sink;
	t->event = event;
	t->nth = nth;
	t->path = path;
	t->vm = NULL;
	atomic_init(&t->seen, 0);
	t->done = false;
	t->failed = 0;
	t->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->fd < 0)
		return -errno;
	*sink = (struct report_sink){.report = on_report, .ctx = t};
	return 0;
}

void snap_trigger_close(struct snap_trigger *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

void snap_trigger_fire(struct snap_trigger *t)
{
	uint64_t v;
	if (read(t->fd, &v, sizeof(v)) != (ssize_t)sizeof(v) || t->done)
		return;
	t->done = true;
	uint8_t *data = NULL;
	size_t len = 0;
	char err[320];
	int r = vm_snapshot_capture(t->vm, &data, &len, err, sizeof(err));
	if (!r && (r = vm_snapshot_write(t->path, data, len)))
		snprintf(err, sizeof(err), "cannot write it: %s", strerror(-r));
	free(data);
	vm_resume(t->vm);
	if (r) {
		fprintf(stderr, "tinyvmm: -snapshot-at: %s: %s\n", t->path, err);
		t->failed = r;
	}
}

int snap_file_read(struct snap_file *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "tinyvmm: -restore %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	f->len = (size_t)st.st_size;
	/* private and page-aligned: sections are read in place */
	f->data = f->len ? mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (f->data == MAP_FAILED) {
		fprintf(stderr, "tinyvmm: -restore %s: %s\n", path, strerror(errno));
		f->data = NULL;
		return -1;
	}
	struct snap_cpu_id cpu;
	snap_host_cpu(&cpu);
	char err[320];
	static const uint8_t none[1];
	if (snap_open(&f->r, f->data ? f->data : none, f->len, &cpu, err, sizeof(err)) != SNAP_OK) {
		fprintf(stderr, "tinyvmm: -restore %s: refused: %s\n", path, err);
		snap_file_close(f);
		return -1;
	}
	return 0;
}

void snap_file_close(struct snap_file *f)
{
	if (f->data)
		munmap(f->data, f->len);
	f->data = NULL;
}
