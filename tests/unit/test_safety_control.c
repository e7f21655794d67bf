/* The control socket against clients it must refuse: another user, control characters, oversized
 * lines, silence. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "population/control.h"
#include "tests/support/tier.h"

static int answer(void *ctx, int argc, char **argv, struct control_reply *out, char *err,
		  size_t errlen)
{
	(void)err;
	(void)errlen;
	(*(int *)ctx)++;
	for (int i = 0; i < argc; i++)
		control_reply_printf(out, "%s\n", argv[i]);
	return 0;
}

/* One request through control_serve_fd; the reply, and how long serving took. */
static char *serve(const void *req, size_t len, bool hang_up, int *calls, double *secs)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* a request larger than the socket buffer is written by a child, as a client would */
	pid_t writer = fork();
	cr_assert_geq(writer, 0);
	if (writer == 0) {
		close(sv[0]);
		const char *p = req;
		while (len > 0) {
			ssize_t n = write(sv[1], p, len);
			if (n <= 0)
				_exit(0); /* the server gave up reading: fine */
			p += n;
			len -= (size_t)n;
		}
		if (hang_up)
			shutdown(sv[1], SHUT_WR);
		else
			sleep(3); /* keeps the line open, saying nothing more */
		_exit(0);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = control_serve_fd(sv[0], 1000, answer, calls);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	close(sv[0]);
	static char buf[4096];
	ssize_t n, got = 0;
	while ((n = recv(sv[1], buf + got, sizeof(buf) - 1 - (size_t)got, MSG_DONTWAIT)) > 0)
		got += n;
	buf[got] = 0;
	close(sv[1]);
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	(void)r;
	return buf;
}

Test(safety_control, control_characters_get_an_error_not_a_run)
{
	int calls = 0;
	double secs;
	static const char nul[] = "stop\0 everything\n";
	cr_expect_str_eq(serve(nul, sizeof(nul) - 1, true, &calls, &secs),
			 "error malformed request: control characters in the line\n");
	cr_expect_str_eq(serve("info\x1b[2J\n", 9, true, &calls, &secs),
			 "error malformed request: control characters in the line\n");
	cr_expect_str_eq(serve("info\t \r\n", 8, true, &calls, &secs), "info\nok\n",
			 "tabs and a CR are blanks");
	cr_expect_eq(calls, 1);
}

Test(safety_control, an_oversized_line_gets_an_error_at_once)
{
	size_t len = CONTROL_REQUEST_MAX + 4096;
	char *big = malloc(len);
	cr_assert_not_null(big);
	memset(big, 'a', len);
	int calls = 0;
	double secs;
	char *reply = serve(big, len, true, &calls, &secs);
	free(big);
	cr_expect(strstr(reply, "error request longer than"), "reply: %s", reply);
	cr_expect_eq(calls, 0);
	cr_expect_lt(secs, 0.9, "answered without waiting out the deadline (%.2f s)", secs);
}

Test(safety_control, a_silent_client_is_dropped_at_the_deadline)
{
	int calls = 0;
	double secs;
	char *reply = serve("info", 4, false, &calls, &secs);
	cr_expect_str_eq(reply, "", "no newline, no EOF: nothing to answer");
	cr_expect_eq(calls, 0);
	cr_expect(secs >= 0.9 && secs < 2.5, "served for %.2f s, the deadline is 1 s", secs);
}

/*
 * A population's socket where another user can reach it: only the peer check stands. The
 * population runs as uid 65534 (the server's effective uid while it accepts) and root
 * connects: another user, as far as the kernel's SO_PEERCRED can tell. (A client that
 * drops to 65534 would do as well, but a sanitizer's report file is root's.)
 */
Test(safety_control, another_user_is_refused_even_where_the_socket_lets_them_in)
{
	TIER_REQUIRE(TIER_ROOT); /* to act as another user */
	char dir[] = "/tmp/tinyvmm-safety.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	char path[96], err[256];
	snprintf(path, sizeof(path), "%s/pop.sock", dir);
	int lfd;
	cr_assert_eq(control_listen(path, &lfd, err, sizeof(err)), 0, "%s", err);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "the socket file is the owner's alone");
	cr_assert_eq(chmod(path, 0666), 0); /* as a careless umask or directory would leave it */

	int pipefd[2];
	cr_assert_eq(pipe(pipefd), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) { /* root, asking the population of 65534 to stop everything */
		close(pipefd[0]);
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			_exit(4);
		/* the refusal may come (and the server hang up) before the request is sent */
		(void)send(fd, "stop\n", 5, MSG_NOSIGNAL);
		char buf[256];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0 && write(pipefd[1], buf, (size_t)n) != n)
			_exit(6);
		_exit(0);
	}
	close(pipefd[1]);
	struct pollfd p = {.fd = lfd, .events = POLLIN};
	cr_assert_eq(poll(&p, 1, 5000), 1, "the connection arrives");
	int calls = 0;
	cr_assert_eq(seteuid(65534), 0);
	int r = control_accept(lfd, answer, &calls);
	cr_assert_eq(seteuid(0), 0);
	cr_expect_eq(r, -EPERM);
	cr_expect_eq(calls, 0, "the request was never run");
	char reply[256] = "";
	ssize_t n = read(pipefd[0], reply, sizeof(reply) - 1);
	reply[n > 0 ? n : 0] = 0;
	int status;
	waitpid(child, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client status 0x%x", status);
	cr_expect(strstr(reply, "error permission denied"), "the refused client reads: '%s'",
		  reply);
	close(lfd);
	unlink(path);
	rmdir(dir);
}

Test(safety_control, the_owner_is_still_served)
{
	char dir[] = "/tmp/tinyvmm-safety.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[96], err[256];
	snprintf(path, sizeof(path), "%s/pop.sock", dir);
	int lfd;
	cr_assert_eq(control_listen(path, &lfd, err, sizeof(err)), 0, "%s", err);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		FILE *out = fopen("/dev/null", "w");
		_exit(control_call(path, "info", out, err, sizeof(err)) == 0 ? 0 : 1);
	}
	struct pollfd p = {.fd = lfd, .events = POLLIN};
	cr_assert_eq(poll(&p, 1, 5000), 1);
	int calls = 0;
	cr_expect_eq(control_accept(lfd, answer, &calls), 0);
	int status;
	waitpid(child, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_expect_eq(calls, 1);
	close(lfd);
	unlink(path);
	rmdir(dir);
}
