/* Unit tests of the control protocol: socketpair, private socket directory, population verbs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "population/control.h"
#include "population/pop.h"

/* Echoes its words back, one per line; "fail" fails. */
static int echo(void *ctx, int argc, char **argv, struct control_reply *out, char *err,
		size_t errlen)
{
	(*(int *)ctx)++;
	if (!strcmp(argv[0], "fail")) {
		snprintf(err, errlen, "asked to fail with %d words", argc);
		return -1;
	}
	for (int i = 0; i < argc; i++)
		control_reply_printf(out, "%s\n", argv[i]);
	return 0;
}

static char *exchange(const char *request, int *calls)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(write(sv[1], request, strlen(request)), (ssize_t)strlen(request));
	shutdown(sv[1], SHUT_WR);
	cr_assert_eq(control_serve_fd(sv[0], 1000, echo, calls), 0);
	close(sv[0]);
	static char buf[8192];
	ssize_t n, len = 0;
	while ((n = read(sv[1], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	buf[len] = '\0';
	close(sv[1]);
	return buf;
}

Test(pop_control, request_and_reply_over_a_socketpair)
{
	int calls = 0;
	cr_assert_str_eq(exchange("stop l4_1 l4_2\n", &calls), "stop\nl4_1\nl4_2\nok\n");
	cr_assert_str_eq(exchange("fail a b\n", &calls), "error asked to fail with 3 words\n");
	cr_assert_str_eq(exchange("  \n", &calls), "error empty request\n");
	cr_assert_str_eq(exchange("info", &calls), "info\nok\n", "EOF ends a request too");
	cr_assert_eq(calls, 3);
}

struct serve_args {
	int fd, calls, r;
};

static void *serve_once(void *arg)
{
	struct serve_args *a = arg;
	a->r = control_serve_fd(a->fd, 2000, echo, &a->calls);
	return NULL;
}

Test(pop_control, overlong_requests_are_refused)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	size_t len = CONTROL_REQUEST_MAX + 100, sent = 0;
	char *req = malloc(len);
	memset(req, 'a', len);
	struct serve_args a = {.fd = sv[0]};
	pthread_t t;
	pthread_create(&t, NULL, serve_once, &a);
	/* the server reads what fits, then answers while the rest is unread */
	while (sent < len) {
		ssize_t w = send(sv[1], req + sent, len - sent, MSG_DONTWAIT);
		struct pollfd p = {.fd = sv[1], .events = POLLOUT};
		if (w < 0 && errno == EAGAIN && poll(&p, 1, 300) == 1)
			continue;
		if (w <= 0)
			break; /* the server stopped reading */
		sent += (size_t)w;
	}
	pthread_join(t, NULL);
	cr_assert_eq(a.r, 0);
	char buf[256] = "";
	ssize_t n = read(sv[1], buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0);
	cr_assert(strstr(buf, "error request longer than"), "%s", buf);
	cr_assert_eq(a.calls, 0);
	close(sv[0]);
	close(sv[1]);
	free(req);
}

Test(pop_control, silent_client_times_out)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	int calls = 0;
	cr_assert_eq(control_serve_fd(sv[0], 50, echo, &calls), -ETIMEDOUT);
	close(sv[0]);
	close(sv[1]);
}

struct server {
	int fd;
	int calls;
	int served;
};

static void *serve_two(void *arg)
{
	struct server *s = arg;
	/* the name check's probe connection (closed unanswered) comes first */
	for (int i = 0; i < 5 && s->served < 2; i++) {
		struct pollfd p = {.fd = s->fd, .events = POLLIN};
		if (poll(&p, 1, 5000) == 1 && control_accept(s->fd, echo, &s->calls) == 0)
			s->served++;
	}
	return NULL;
}

Test(pop_control, socket_in_a_private_directory)
{
	char dir[] = "/tmp/tinyvmm-ctl-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
	char got[256], path[300];
	cr_assert_eq(control_dir(got, sizeof(got), true), 0);
	cr_assert_str_eq(got, dir);
	cr_assert_eq(control_path(path, sizeof(path), got, "exp1"), 0);

	char err[320];
	struct server s = {.fd = -1};
	cr_assert_eq(control_listen(path, &s.fd, err, sizeof(err)), 0, "%s", err);
	int again;
	cr_assert_eq(control_listen(path, &again, err, sizeof(err)), -EADDRINUSE,
		     "a live population's name is taken");
	pthread_t t;
	pthread_create(&t, NULL, serve_two, &s);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	cr_assert_eq(control_call(path, "guests l4_1", out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(control_call(path, "fail", out, err, sizeof(err)), 1);
	cr_assert_str_eq(err, "asked to fail with 1 words");
	fclose(out);
	pthread_join(t, NULL);
	cr_assert_str_eq(text, "guests\nl4_1\n");
	free(text);
	cr_assert_eq(s.served, 2);

	/* a population that died leaves its socket: nobody answers, and a new one takes it */
	close(s.fd);
	cr_assert_eq(control_call(path, "info", stdout, err, sizeof(err)), -ECONNREFUSED);
	cr_assert_eq(control_listen(path, &s.fd, err, sizeof(err)), 0, "%s", err);
	close(s.fd);

	unlink(path);
	rmdir(dir);
	unsetenv("TINYVMM_CONTROL_DIR");
}

static void count_name(void *ctx, const char *name)
{
	char *seen = ctx;
	strcat(seen, name);
	strcat(seen, " ");
}

Test(pop_control, each_lists_sockets_by_name)
{
	char dir[] = "/tmp/tinyvmm-ctl-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	const char *files[] = {"b.sock", "a.sock", "notes.txt", ".sock"};
	for (size_t i = 0; i < 4; i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		FILE *f = fopen(p, "w");
		fclose(f);
	}
	char seen[256] = "";
	cr_assert_eq(control_each(dir, count_name, seen), 2);
	cr_assert_str_eq(seen, "a b ");
	for (size_t i = 0; i < 4; i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	cr_assert_eq(control_each(dir, count_name, seen), -ENOENT);
}

Test(pop_control, unsafe_directory_is_refused)
{
	char dir[] = "/tmp/tinyvmm-ctl-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	chmod(dir, 0777);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
	char got[256];
	cr_assert_eq(control_dir(got, sizeof(got), true), -EPERM);
	unsetenv("TINYVMM_CONTROL_DIR");
	rmdir(dir);
}

/* A population of two groups whose guests were never launched: the verbs without KVM. */
static struct pop p;
static struct pop_spec spec;
static struct pop_group groups[2];

static void pop_setup(void)
{
	groups[0] =
	    (struct pop_group){.type = GUEST_L4, .count = 2, .ram_bytes = 2 << 20, .smp = 1};
	groups[1] =
	    (struct pop_group){.type = GUEST_L4, .count = 1, .ram_bytes = 2 << 20, .smp = 1};
	spec = (struct pop_spec){.groups = groups, .ngroups = 2, .total = 3};
	struct guest_env env = {0};
	FILE *log = fopen("/dev/null", "w");
	cr_assert_eq(pop_init(&p, &spec, NULL, &env, "unit", log, false), 0);
}

static void pop_teardown(void)
{
	fclose(p.progress.out);
	pop_fini(&p);
}

static int verb(const char *line, char **text, char *err)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", line);
	char *argv[8];
	int argc = 0;
	for (char *s = NULL, *w = strtok_r(buf, " ", &s); w; w = strtok_r(NULL, " ", &s))
		argv[argc++] = w;
	struct control_reply out = {0};
	int r = pop_command(&p, argc, argv, &out, err, 256);
	control_reply_printf(&out, "%s", "");
	*text = out.buf;
	return r;
}

Test(pop_control, population_verbs, .init = pop_setup, .fini = pop_teardown)
{
	char *text, err[256];
	cr_assert_eq(verb("guests", &text, err), 0);
	cr_assert(strstr(text, "NAME"), "%s", text);
	cr_assert(strstr(text, "l4_1 "), "%s", text);
	cr_assert(strstr(text, "l4_3 "), "names count on across groups of a type: %s", text);
	cr_assert(strstr(text, p.guests[1].uuid), "%s", text);
	cr_assert(strstr(text, "pending"), "%s", text);
	free(text);

	cr_assert_eq(verb("info", &text, err), 0);
	cr_assert(strstr(text, "unit"), "%s", text);
	free(text);

	cr_assert_neq(verb("pause l4_2 l4_9", &text, err), 0);
	cr_assert(strstr(text, "l4_2: not running (pending)"), "%s", text);
	cr_assert(strstr(text, "l4_9: no such guest"), "%s", text);
	cr_assert(strstr(err, "2 of 2"), "%s", err);
	free(text);

	cr_assert_neq(verb("frobnicate", &text, err), 0);
	cr_assert(strstr(err, "unknown request"), "%s", err);
	free(text);

	cr_assert_eq(pop_find(&p, p.guests[2].uuid), &p.guests[2]);
	cr_assert_eq(pop_find(&p, "l4_1"), &p.guests[0]);
	cr_assert_null(pop_find(&p, "bm_1"));

	cr_assert_eq(verb("stop", &text, err), 0);
	cr_assert(p.stopping);
	cr_assert(!p.launching, "a stopped population launches no more guests");
	free(text);
}
