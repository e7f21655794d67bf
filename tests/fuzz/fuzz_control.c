/* libFuzzer harness: the control socket's server (population/control.c) and the population's verbs,
 * fed any bytes a client could send. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "population/pop.h"
#include "tests/fuzz/support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	uint8_t how = fz_u8(&in);
	/* a population of a few guests that never launch: every verb, no VM (made once: its
	 * UUIDs and queue cost more than a request) */
	static struct pop_spec spec;
	static struct pop p;
	static bool ready;
	if (!ready) {
		char *args[] = {"-t", "l4", "-i", "img", "-n", "3", "--name", "fz"};
		static struct boot_files files[1];
		struct guest_env env = {0};
		char err[256];
		if (pop_spec_parse(&spec, 8, args, err, sizeof(err)) ||
		    pop_init(&p, &spec, files, &env, "fz", NULL, false))
			abort();
		ready = true;
	}
	p.stopping = false; /* a stop asked by the last input is forgotten */
	p.stop_reason[0] = 0;
	p.paused = 0;
	for (unsigned i = 0; i < p.n; i++)
		p.guests[i].state = how & 1 ? (enum guest_state)(i % 6) : GUEST_PENDING;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	struct fz req = fz_rest(&in);
	if (req.n && write(sv[0], req.p, req.n) != (ssize_t)req.n)
		abort();
	if (how & 2) /* the client hangs up after its bytes, or keeps the line open */
		shutdown(sv[0], SHUT_WR);
	/* a client that sent no newline and keeps quiet gets nothing after the deadline */
	int r = control_serve_fd(sv[1], 0, pop_command, &p);
	char reply[1 << 16];
	ssize_t n = 0, got;
	shutdown(sv[1], SHUT_WR);
	while (n < (ssize_t)sizeof(reply) - 1 &&
	       (got = read(sv[0], reply + n, sizeof(reply) - 1 - (size_t)n)) > 0)
		n += got;
	reply[n] = 0;
	if (r == 0) {
		/* an answer ends in "ok" or "error ..." on a line of its own */
		if (n < 3 || reply[n - 1] != '\n')
			abort();
		reply[n - 1] = 0;
		const char *last = strrchr(reply, '\n');
		last = last ? last + 1 : reply;
		if (strcmp(last, "ok") && strncmp(last, "error ", 6))
			abort();
	}
	close(sv[0]);
	close(sv[1]);
	return 0;
}
