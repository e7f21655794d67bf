/* Boot-test harness: spawns tinyvmm with pipes for its output and a hard deadline. */
#include "tests/boot/harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

void harness_module_fill(uint8_t *buf, size_t size, char letter)
{
	static const char tag[] = "TVM-MOD";
	for (size_t i = 0; i < size; i++)
		buf[i] = i < sizeof(tag) - 1 ? (uint8_t)tag[i] : (uint8_t)letter;
}

void harness_initrd_fill(uint8_t *buf, size_t size)
{
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)((i * 7 + 3) & 0xFF);
}

int harness_build_path(char *buf, size_t size, const char *rel)
{
	const char *dir = getenv("TINYVMM_BUILD");
	char abs[PATH_MAX];

	if (!dir || !*dir)
		dir = "build";
	if (!realpath(dir, abs))
		return -errno;
	int n = snprintf(buf, size, "%s/%s", abs, rel);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int harness_guest_path(char *buf, size_t size, const char *name)
{
	char rel[256];
	int n = snprintf(rel, sizeof(rel), "tests/guests/%s", name);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	int err = harness_build_path(buf, size, rel);
	if (err)
		return err;
	return access(buf, R_OK) == 0 ? 0 : -errno;
}

/* An output stream being collected: keeps up to HARNESS_OUT_MAX bytes. */
struct capture {
	int fd; /* -1 once at EOF */
	char *buf;
	size_t len, cap;
};

static int capture_read(struct capture *c)
{
	char chunk[4096];
	ssize_t n = read(c->fd, chunk, sizeof(chunk));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0) {
		close(c->fd);
		c->fd = -1;
		return 0;
	}
	size_t keep = (size_t)n;
	if (keep > HARNESS_OUT_MAX - c->len)
		keep = HARNESS_OUT_MAX - c->len;
	if (c->len + keep + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 8192;
		while (cap < c->len + keep + 1)
			cap *= 2;
		char *nb = realloc(c->buf, cap);
		if (!nb)
			return -ENOMEM;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, chunk, keep);
	c->len += keep;
	c->buf[c->len] = '\0';
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Only async-signal-safe calls between fork and exec. */
static void child_exec(const char *const argv[], const char *cwd, int out_fd, int err_fd)
{
	int in_fd = open("/dev/null", O_RDONLY);
	if (in_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	if (cwd && chdir(cwd) != 0)
		_exit(126);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static void record_exit(struct run_result *r, int wstatus)
{
	if (WIFEXITED(wstatus)) {
		r->status = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		r->signal = WTERMSIG(wstatus);
	}
}

int harness_run(const char *const argv[], const char *cwd, unsigned timeout_s, struct run_result *r)
{
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
	struct capture cap[2] = {{.fd = -1}, {.fd = -1}};
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe2(out_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		err = -errno;
		goto close_out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		err = -errno;
		goto close_err;
	}
	if (pid == 0)
		child_exec(argv, cwd, out_pipe[1], err_pipe[1]);
	atomic_store_explicit(&r->pid, (int)pid, memory_order_release);
	close(out_pipe[1]);
	close(err_pipe[1]);
	cap[0].fd = out_pipe[0];
	cap[1].fd = err_pipe[0];

	/* Read both streams until EOF and the child has exited, or the deadline passes. */
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	int reaped = 0;
	for (;;) {
		if (!reaped) {
			int ws;
			if (waitpid(pid, &ws, WNOHANG) == pid) {
				record_exit(r, ws);
				reaped = 1;
			}
		}
		if (reaped && cap[0].fd < 0 && cap[1].fd < 0)
			break;
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			r->timed_out = 1;
			break;
		}
		/* Short waits: a child may exit with its pipes still open elsewhere. */
		struct pollfd pfd[2] = {{.fd = cap[0].fd, .events = POLLIN},
					{.fd = cap[1].fd, .events = POLLIN}};
		int n = poll(pfd, 2, left < 100 ? (int)left : 100);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (int i = 0; i < 2 && n > 0 && !err; i++)
			if (cap[i].fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				err = capture_read(&cap[i]);
		if (err)
			break;
	}
	if (!reaped) {
		int ws;
		kill(pid, SIGKILL);
		if (waitpid(pid, &ws, 0) == pid && !r->timed_out)
			record_exit(r, ws);
	}
	for (int i = 0; i < 2; i++)
		if (cap[i].fd >= 0)
			close(cap[i].fd);
	r->out = cap[0].buf ? cap[0].buf : strdup("");
	r->out_len = cap[0].len;
	r->err = cap[1].buf ? cap[1].buf : strdup("");
	r->err_len = cap[1].len;
	if (!r->out || !r->err) {
		harness_result_free(r);
		return -ENOMEM;
	}
	return err;

close_err:
	close(err_pipe[0]);
	close(err_pipe[1]);
close_out:
	close(out_pipe[0]);
	close(out_pipe[1]);
	return err;
}

int harness_run_tinyvmm(const char *const args[], const char *cwd, unsigned timeout_s,
			struct run_result *r)
{
	char prog[PATH_MAX];
	const char *argv[MAX_ARGS];
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	int err = harness_build_path(prog, sizeof(prog), "tinyvmm");
	if (err)
		return err;
	if (access(prog, X_OK) != 0)
		return -errno;
	argv[n++] = prog;
	for (size_t i = 0; args[i]; i++) {
		if (n + 1 >= MAX_ARGS)
			return -E2BIG;
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	return harness_run(argv, cwd, timeout_s, r);
}

int harness_boot_guest(const char *guest, const char *const extra[], const char *cwd,
		       unsigned timeout_s, struct run_result *r)
{
	char kernel[PATH_MAX];
	const char *args[MAX_ARGS];
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	int err = harness_guest_path(kernel, sizeof(kernel), guest);
	if (err)
		return err;
	args[n++] = "run";
	args[n++] = "-kernel";
	args[n++] = kernel;
	for (size_t i = 0; extra && extra[i]; i++) {
		/* room for tinyvmm's own argv[0] and the terminating NULL */
		if (n + 2 >= MAX_ARGS)
			return -E2BIG;
		args[n++] = extra[i];
	}
	args[n] = NULL;
	return harness_run_tinyvmm(args, cwd, timeout_s, r);
}

size_t harness_out_count(const struct run_result *r, const char *needle)
{
	size_t len = strlen(needle), n = 0;
	const char *p = r->out, *end = r->out + r->out_len;
	if (!p || len == 0)
		return 0;
	while ((p = memmem(p, (size_t)(end - p), needle, len)) != NULL) {
		n++;
		p += len;
	}
	return n;
}

int harness_out_has(const struct run_result *r, const char *needle)
{
	return harness_out_count(r, needle) > 0;
}

void harness_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
	r->out_len = r->err_len = 0;
}

const char *harness_describe(const struct run_result *r, char *buf, size_t size)
{
	if (r->timed_out)
		snprintf(buf, size, "timed out (killed by the harness)");
	else if (r->signal)
		snprintf(buf, size, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
	else
		snprintf(buf, size, "exited with status %d", r->status);
	return buf;
}

int harness_tempdir(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	int n = snprintf(buf, size, "%s/tinyvmm-boot-XXXXXX", base);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return mkdtemp(buf) ? 0 : -errno;
}

int harness_write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	const uint8_t *p = data;
	int err = 0;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0 && !err)
		err = -errno;
	return err;
}

void harness_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			unlinkat(dirfd(d), e->d_name, 0);
		}
		closedir(d);
	}
	rmdir(dir);
}
