/* A running population's control socket: where it lives, its server side and its client side. */
#ifndef TINYVMM_POPULATION_CONTROL_H
#define TINYVMM_POPULATION_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Protocol (text, one request per connection): the client sends one line, "VERB [WORD...]"
 * (at most CONTROL_REQUEST_MAX bytes); the server answers with lines and closes. The last
 * line is "ok", or "error MESSAGE"; the lines before it are the answer.
 */
#define CONTROL_REQUEST_MAX 65536u

/* The reply being built; it grows as needed (a failed allocation is remembered). */
struct control_reply {
	char *buf;
	size_t len, cap;
	bool oom;
};

void control_reply_printf(struct control_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Handles one request (argv[0] is the verb). 0 for "ok"; else "error err". */
typedef int (*control_handler)(void *ctx, int argc, char **argv, struct control_reply *out,
			       char *err, size_t errlen);

/*
 * Reads one request from a connected socket (waiting at most timeout_ms for it), runs the
 * handler, writes the reply. The descriptor stays open. 0 or -errno.
 */
int control_serve_fd(int fd, unsigned timeout_ms, control_handler h, void *ctx);

/*
 * Accepts one waiting client on a listening socket (non-blocking) and serves it. A client
 * of another user (SO_PEERCRED) gets "error permission denied ..." and -EPERM; a request
 * with control characters or over CONTROL_REQUEST_MAX gets "error ...". 0 or -errno.
 */
int control_accept(int listen_fd, control_handler h, void *ctx);

/*
 * The directory of the user's control sockets: $TINYVMM_CONTROL_DIR, else
 * $XDG_RUNTIME_DIR/tinyvmm, else /tmp/tinyvmm-UID; created (0700) when `create`, and
 * refused unless it is a directory of this user that nobody else may write. 0 or -errno.
 */
int control_dir(char *buf, size_t size, bool create);

/* DIR/NAME.sock, or -ENAMETOOLONG when it does not fit a socket address. */
int control_path(char *buf, size_t size, const char *dir, const char *name);

/*
 * Binds and listens at `path` (non-blocking). A socket file nobody answers at is a dead
 * population's and is replaced; one that answers is -EADDRINUSE. 0 or -errno, err says why.
 */
int control_listen(const char *path, int *fd, char *err, size_t errlen);

/*
 * Sends `request` to the population at `path` and copies the answer lines to `out`.
 * 0 for "ok"; 1 for "error ..." (the message in err); -errno when the socket does not
 * answer (-ECONNREFUSED: a dead population's socket) or the reply is cut short.
 */
int control_call(const char *path, const char *request, FILE *out, char *err, size_t errlen);

/* Calls fn for each NAME of DIR/NAME.sock, in name order. Returns how many, or -errno. */
int control_each(const char *dir, void (*fn)(void *ctx, const char *name), void *ctx);

#endif
