/* Control sockets: a private directory of NAME.sock files, a one-request server, and its client. */
#include "population/control.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"

void control_reply_printf(struct control_reply *r, const char *fmt, ...)
{
	if (r->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(r->buf ? r->buf + r->len : NULL, r->buf ? r->cap - r->len : 0,
				  fmt, ap);
		va_end(ap);
		if (n < 0) {
			r->oom = true;
			return;
		}
		if (r->buf && (size_t)n < r->cap - r->len) {
			r->len += (size_t)n;
			return;
		}
		size_t cap = r->cap ? r->cap : 4096;
		while (cap - r->len <= (size_t)n)
			cap *= 2;
		char *b = realloc(r->buf, cap);
		if (!b) {
			r->oom = true;
			return;
		}
		r->buf = b;
		r->cap = cap;
	}
}

static uint64_t now_ms(void)
{
	return clock_mono_ns() / 1000000u;
}

/* Waits for `events` on fd until the deadline. 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, (int)(deadline - now));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0)
			return 0;
	}
}

static int send_all(int fd, const char *p, size_t len, uint64_t deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = wait_fd(fd, POLLOUT, deadline);
			if (r)
				return r;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads up to the first newline (or EOF); the request never exceeds CONTROL_REQUEST_MAX.
 * *got is its length, NULs included. */
static int read_request(int fd, char *buf, size_t size, uint64_t deadline, size_t *got)
{
	size_t len = 0;
	for (;;) {
		if (len + 1 >= size)
			return -E2BIG;
		ssize_t n = recv(fd, buf + len, size - 1 - len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = wait_fd(fd, POLLIN, deadline);
			if (r)
				return r;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf[len + (size_t)n] = '\0';
		char *nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl) {
			*nl = '\0';
			*got = (size_t)(nl - buf);
			return 0;
		}
		*got = len;
		if (n == 0)
			return len ? 0 : -ENODATA;
	}
}

/* Text only: words, blanks (tab, CR) and nothing below 0x20. */
static bool printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Splits the request at blanks in place; argv has room for every word. */
static int split_words(char *s, char ***argv_out)
{
	size_t max = strlen(s) / 2 + 2;
	char **argv = calloc(max, sizeof(char *));
	if (!argv)
		return -ENOMEM;
	int argc = 0;
	for (char *save = NULL, *w = strtok_r(s, " \t\r", &save); w;
	     w = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = w;
	*argv_out = argv;
	return argc;
}

int control_serve_fd(int fd, unsigned timeout_ms, control_handler h, void *ctx)
{
	uint64_t deadline = now_ms() + timeout_ms;
	char *req = malloc(CONTROL_REQUEST_MAX + 1);
	if (!req)
		return -ENOMEM;
	struct control_reply out = {0};
	char err[512] = "";
	size_t len = 0;
	int r = read_request(fd, req, CONTROL_REQUEST_MAX + 1, deadline, &len);
	int status = -1;
	if (r == -E2BIG) {
		snprintf(err, sizeof(err), "request longer than %u bytes", CONTROL_REQUEST_MAX);
	} else if (r == 0 && !printable(req, len)) {
		/* a NUL would cut the request short unseen, other controls are nobody's words */
		snprintf(err, sizeof(err), "malformed request: control characters in the line");
	} else if (r) {
		free(req);
		return r; /* nobody to answer */
	} else {
		char **argv = NULL;
		int argc = split_words(req, &argv);
		if (argc < 0)
			snprintf(err, sizeof(err), "out of memory");
		else if (argc == 0)
			snprintf(err, sizeof(err), "empty request");
		else
			status = h(ctx, argc, argv, &out, err, sizeof(err));
		free(argv);
	}
	if (out.oom) {
		status = -1;
		snprintf(err, sizeof(err), "out of memory for the reply");
		out.len = 0;
	}
	if (status == 0)
		control_reply_printf(&out, "ok\n");
	else
		control_reply_printf(&out, "error %s\n", err[0] ? err : "failed");
	r = out.oom ? -ENOMEM : send_all(fd, out.buf, out.len, deadline);
	free(out.buf);
	free(req);
	return r;
}

int control_accept(int listen_fd, control_handler h, void *ctx)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return -errno;
	/* Only the population's owner may control it, whatever the directory's or the socket's
	 * modes let through (a TINYVMM_CONTROL_DIR anyone can enter, a umask of 0): the
	 * kernel's word on who connected, not the file system's. */
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || clen != sizeof(cred) ||
	    cred.uid != geteuid()) {
		static const char refused[] =
		    "error permission denied: only the population's owner may control it\n";
		ssize_t w = send(fd, refused, sizeof(refused) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)w;
		close(fd);
		return -EPERM;
	}
	/* a client gets a second to ask and to take its answer: the manager's loop waits on it */
	int r = control_serve_fd(fd, 1000, h, ctx);
	close(fd);
	return r;
}

static int check_dir(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != getuid() || (st.st_mode & 022))
		return -EPERM; /* someone else could plant sockets there */
	return 0;
}

int control_dir(char *buf, size_t size, bool create)
{
	const char *env = getenv("TINYVMM_CONTROL_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;
	if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(buf, size, "%s/tinyvmm", xdg);
	else
		n = snprintf(buf, size, "/tmp/tinyvmm-%u", (unsigned)getuid());
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (create && mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return check_dir(buf);
}

int control_path(char *buf, size_t size, const char *dir, const char *name)
{
	struct sockaddr_un a;
	int n = snprintf(buf, size, "%s/%s.sock", dir, name);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	return 0;
}

static int make_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path, path, strlen(path) + 1);
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un a;
	int r = make_addr(&a, path);
	if (r)
		return r;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int control_listen(const char *path, int *fd_out, char *err, size_t errlen)
{
	struct sockaddr_un a;
	if (make_addr(&a, path)) {
		snprintf(err, errlen, "control socket path '%s' is too long", path);
		return -ENAMETOOLONG;
	}
	int old = connect_to(path);
	if (old >= 0) {
		close(old);
		snprintf(err, errlen, "a population is already running with socket '%s'", path);
		return -EADDRINUSE;
	}
	if (old == -ECONNREFUSED)
		unlink(path); /* its population died without removing it */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "socket: %s", strerror(e));
		return -e;
	}
	/* the socket file too is the owner's alone (bind gives it the umask's mode); the peer
	 * check in control_accept covers the moment between the two calls */
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || chmod(path, 0600) || listen(fd, 16)) {
		int e = errno;
		snprintf(err, errlen, "control socket '%s': %s", path, strerror(e));
		close(fd);
		return -e;
	}
	*fd_out = fd;
	return 0;
}

int control_call(const char *path, const char *request, FILE *out, char *err, size_t errlen)
{
	int fd = connect_to(path);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-fd));
		return fd;
	}
	/* the manager answers between launches; 30 s covers a slow host's longest step */
	uint64_t deadline = now_ms() + 30000;
	int r = send_all(fd, request, strlen(request), deadline);
	if (!r)
		r = send_all(fd, "\n", 1, deadline);
	char line[4096];
	size_t len = 0;
	int status = -EPROTO;
	while (!r) {
		ssize_t n = recv(fd, line + len, sizeof(line) - 1 - len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = wait_fd(fd, POLLIN, deadline);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		line[len] = '\0';
		char *start = line, *nl;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			if (!strcmp(start, "ok")) {
				status = 0;
			} else if (!strncmp(start, "error ", 6)) {
				snprintf(err, errlen, "%s", start + 6);
				status = 1;
			} else {
				fprintf(out, "%s\n", start);
			}
			start = nl + 1;
		}
		len = strlen(start);
		memmove(line, start, len + 1);
		if (len == sizeof(line) - 1) { /* a line longer than the buffer: pass it on */
			fputs(line, out);
			len = 0;
		}
	}
	close(fd);
	if (r) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (status == -EPROTO)
		snprintf(err, errlen, "%s: the reply ended without a status", path);
	return status;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int control_each(const char *dir, void (*fn)(void *ctx, const char *name), void *ctx)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".sock"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				r = -ENOMEM;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strndup(e->d_name, len - 5))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!r)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (!r)
			fn(ctx, names[i]);
		free(names[i]);
	}
	free(names);
	return r ? r : (int)n;
}
