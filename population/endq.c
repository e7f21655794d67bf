/* A bounded ring of guest indices behind a mutex, with an eventfd the manager's poll() watches. */
#include "population/endq.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

int endq_init(struct endq *q, unsigned cap)
{
	q->slot = calloc(cap ? cap : 1, sizeof(*q->slot));
	if (!q->slot)
		return -ENOMEM;
	q->cap = cap ? cap : 1;
	q->head = q->n = 0;
	q->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->fd < 0) {
		int err = -errno;
		free(q->slot);
		q->slot = NULL;
		return err;
	}
	int r = pthread_mutex_init(&q->lock, NULL);
	if (r) {
		close(q->fd);
		free(q->slot);
		q->slot = NULL;
		return -r;
	}
	return 0;
}

void endq_destroy(struct endq *q)
{
	if (!q->slot)
		return;
	pthread_mutex_destroy(&q->lock);
	close(q->fd);
	free(q->slot);
	q->slot = NULL;
}

void endq_push(struct endq *q, unsigned index)
{
	pthread_mutex_lock(&q->lock);
	if (q->n < q->cap) {
		q->slot[(q->head + q->n) % q->cap] = index;
		q->n++;
	}
	pthread_mutex_unlock(&q->lock);
	uint64_t one = 1;
	/* can only fail if the counter would overflow: the manager is awake then anyway */
	ssize_t w = write(q->fd, &one, sizeof(one));
	(void)w;
}

bool endq_pop(struct endq *q, unsigned *index)
{
	pthread_mutex_lock(&q->lock);
	bool any = q->n > 0;
	if (any) {
		*index = q->slot[q->head];
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	pthread_mutex_unlock(&q->lock);
	return any;
}

void endq_ack(struct endq *q)
{
	uint64_t v;
	ssize_t r = read(q->fd, &v, sizeof(v));
	(void)r; /* EAGAIN: nothing was signalled, which is fine */
}
