/* A thread that moves bytes from the terminal into the guest UART's receive FIFO as room appears.
 */
#include "cli/stdin_pump.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static void *pump_thread(void *arg)
{
	struct stdin_pump *p = arg;
	uint8_t buf[64];
	size_t have = 0, off = 0;
	for (;;) {
		/* wait for input only when everything read so far reached the guest */
		struct pollfd fds[2] = {{p->wake[0], POLLIN, 0}, {p->in_fd, POLLIN, 0}};
		int timeout = have > off ? 5 : -1; /* FIFO full: retry shortly */
		int n = poll(fds, have > off ? 1 : 2, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		if (have > off) {
			off += (size_t)uart_receive(p->uart, buf + off, have - off);
			continue;
		}
		if (n > 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
			ssize_t got = read(p->in_fd, buf, sizeof(buf));
			if (got <= 0)
				break; /* end of input: the guest just gets no more keys */
			have = (size_t)got;
			off = (size_t)uart_receive(p->uart, buf, have);
		}
	}
	return NULL;
}

int stdin_pump_start(struct stdin_pump *p, int in_fd, struct uart *uart)
{
	memset(p, 0, sizeof(*p));
	p->in_fd = in_fd;
	p->uart = uart;
	if (pipe2(p->wake, O_CLOEXEC))
		return -errno;
	int err = pthread_create(&p->thread, NULL, pump_thread, p);
	if (err) {
		close(p->wake[0]);
		close(p->wake[1]);
		return -err;
	}
	pthread_setname_np(p->thread, "tvmm-stdin");
	p->running = true;
	return 0;
}

void stdin_pump_stop(struct stdin_pump *p)
{
	if (!p->running)
		return;
	ssize_t w;
	do
		w = write(p->wake[1], "x", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(p->thread, NULL);
	close(p->wake[0]);
	close(p->wake[1]);
	p->running = false;
}
