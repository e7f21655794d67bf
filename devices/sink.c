/* File-descriptor sinks for guest output, with an optional size cap and a count of dropped bytes.
 */
#include "devices/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int fd_sink_init(struct fd_sink *s, int fd, uint64_t cap)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->cap = cap;
	int r = pthread_mutex_init(&s->lock, NULL);
	return -r;
}

int fd_sink_open(struct fd_sink *s, const char *path, uint64_t cap)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int r = fd_sink_init(s, fd, cap);
	if (r) {
		close(fd);
		return r;
	}
	s->owned = 1;
	return 0;
}

void fd_sink_close(struct fd_sink *s)
{
	if (s->owned && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	pthread_mutex_destroy(&s->lock);
}

static void fd_sink_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct fd_sink *s = ctx;
	pthread_mutex_lock(&s->lock);
	size_t keep = len;
	if (s->cap && s->written + keep > s->cap)
		keep = s->written >= s->cap ? 0 : (size_t)(s->cap - s->written);
	s->dropped += len - keep;
	while (keep > 0 && !s->error) {
		ssize_t n = write(s->fd, buf, keep);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->error = n < 0 ? errno : EIO;
			break;
		}
		buf += n;
		keep -= (size_t)n;
		s->written += (uint64_t)n;
	}
	if (s->error)
		s->dropped += keep; /* what the broken descriptor never got */
	pthread_mutex_unlock(&s->lock);
}

struct char_sink fd_sink_as_sink(struct fd_sink *s)
{
	return (struct char_sink){.write = fd_sink_write, .ctx = s};
}
