/* The control clients: list populations and their guests, stop, pause, resume or snapshot them. */
#include "cli/ctl_cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/abs_path.h"
#include "base/errf.h"
#include "cli/exit_status.h"
#include "population/control.h"

struct lister {
	const char *dir;
	unsigned shown;
};

int ctl_call_capture(const char *path, const char *req, char **reply, char *err, size_t errlen)
{
	size_t len = 0;
	*reply = NULL;
	FILE *out = open_memstream(reply, &len);
	if (!out)
		return errf(err, errlen, -ENOMEM, "out of memory");
	int r = control_call(path, req, out, err, errlen);
	if (fclose(out) && !r)
		r = errf(err, errlen, -ENOMEM, "out of memory");
	if (r == -ECONNREFUSED)
		unlink(path);
	return r;
}

static void list_one(void *ctx, const char *name)
{
	struct lister *l = ctx;
	char path[256], err[320];
	if (control_path(path, sizeof(path), l->dir, name))
		return;
	char *line;
	int r = ctl_call_capture(path, "info", &line, err, sizeof(err));
	if (r == -ECONNREFUSED) {
		/* a killed population's socket, removed */
	} else if (r) {
		fprintf(stderr, "tinyvmm list: %s: %s\n", name, err);
	} else {
		if (!l->shown++)
			printf("%-20s %8s %7s %7s %7s %8s %7s %8s\n", "POPULATION", "PID", "GUESTS",
			       "RUNNING", "PAUSED", "FINISHED", "FAILED", "UPTIME_S");
		fputs(line, stdout);
	}
	free(line);
}

int ctl_find_pop(const char *cmd, const char *name, char *path, size_t size)
{
	char dir[192];
	int e = control_dir(dir, sizeof(dir), false);
	if (e == -ENOENT) {
		fprintf(stderr, "tinyvmm %s: no population named '%s' is running\n", cmd, name);
		return -1;
	}
	if (e || (e = control_path(path, size, dir, name))) {
		fprintf(stderr, "tinyvmm %s: control directory '%s': %s\n", cmd, dir, strerror(-e));
		return -1;
	}
	if (access(path, F_OK)) {
		fprintf(stderr,
			"tinyvmm %s: no population named '%s' is running (see tinyvmm list)\n", cmd,
			name);
		return -1;
	}
	return 0;
}

/* Sends one request and prints the answer; the status says whether it was "ok". */
static int call(const char *cmd, const char *name, const char *path, const char *req)
{
	char err[640];
	int r = control_call(path, req, stdout, err, sizeof(err));
	if (r == -ECONNREFUSED) {
		unlink(path);
		fprintf(stderr, "tinyvmm %s: population '%s' is no longer running\n", cmd, name);
		return TVMM_EXIT_USAGE;
	}
	if (r) {
		fprintf(stderr, "tinyvmm %s: %s\n", cmd, err);
		return TVMM_EXIT_USAGE;
	}
	return TVMM_EXIT_OK;
}

int list_cmd(int argc, char **argv)
{
	if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
		bool help = argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"));
		fprintf(help ? stdout : stderr, "Usage: tinyvmm list [POP]\n"
						"Without POP: the running populations. With it: "
						"its guests and their states.\n");
		return help ? TVMM_EXIT_OK : TVMM_EXIT_USAGE;
	}
	if (argc == 1) {
		char path[256];
		if (ctl_find_pop("list", argv[0], path, sizeof(path)))
			return TVMM_EXIT_USAGE;
		return call("list", argv[0], path, "guests");
	}
	char dir[192];
	int e = control_dir(dir, sizeof(dir), false);
	struct lister l = {.dir = dir};
	if (!e)
		e = control_each(dir, list_one, &l);
	if (e < 0 && e != -ENOENT) {
		fprintf(stderr, "tinyvmm list: control directory '%s': %s\n", dir, strerror(-e));
		return TVMM_EXIT_USAGE;
	}
	if (!l.shown)
		printf("no populations are running\n");
	return TVMM_EXIT_OK;
}

int ctl_cmd(const char *verb, int argc, char **argv)
{
	if (argc < 1 || argv[0][0] == '-') {
		bool help = argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"));
		fprintf(help ? stdout : stderr,
			"Usage: tinyvmm %s POP [GUEST...]\n"
			"Without GUEST: every guest of population POP%s. A GUEST is a name (l4_3)\n"
			"or a UUID.\n",
			verb, !strcmp(verb, "stop") ? ", which then ends" : "");
		return help ? TVMM_EXIT_OK : TVMM_EXIT_USAGE;
	}
	size_t len = strlen(verb) + 1;
	for (int i = 1; i < argc; i++) {
		if (!argv[i][0] || strpbrk(argv[i], " \t\r\n")) {
			fprintf(stderr, "tinyvmm %s: '%s' is no guest name or UUID\n", verb,
				argv[i]);
			return TVMM_EXIT_USAGE;
		}
		len += strlen(argv[i]) + 1;
	}
	if (len > CONTROL_REQUEST_MAX) {
		fprintf(stderr, "tinyvmm %s: too many guests in one request\n", verb);
		return TVMM_EXIT_USAGE;
	}
	char *req = malloc(len + 1);
	if (!req)
		return TVMM_EXIT_HOST;
	strcpy(req, verb);
	for (int i = 1; i < argc; i++) {
		strcat(req, " ");
		strcat(req, argv[i]);
	}
	char path[256];
	int status = ctl_find_pop(verb, argv[0], path, sizeof(path))
			 ? TVMM_EXIT_USAGE
			 : call(verb, argv[0], path, req);
	free(req);
	return status;
}

int snapshot_cmd(int argc, char **argv)
{
	if (argc != 3) {
		bool help = argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"));
		fprintf(
		    help ? stdout : stderr,
		    "Usage: tinyvmm snapshot POP GUEST FILE\n"
		    "Captures guest GUEST (a name or UUID) of population POP into FILE, which\n"
		    "`tinyvmm run -restore FILE` continues. The guest pauses for the capture.\n");
		return help ? TVMM_EXIT_OK : TVMM_EXIT_USAGE;
	}
	/* the population writes the file, maybe from another directory: an absolute path */
	char path[PATH_MAX], req[CONTROL_REQUEST_MAX + 1];
	int e = abs_path(argv[2], path, sizeof(path));
	if (e) {
		fprintf(stderr, "tinyvmm snapshot: '%s': %s\n", argv[2], strerror(-e));
		return TVMM_EXIT_USAGE;
	}
	if (!argv[1][0] || strpbrk(argv[1], " \t\r\n") || strpbrk(path, " \t\r\n")) {
		fprintf(stderr, "tinyvmm snapshot: guest names and paths must not hold blanks\n");
		return TVMM_EXIT_USAGE;
	}
	char pop[256];
	if (ctl_find_pop("snapshot", argv[0], pop, sizeof(pop)))
		return TVMM_EXIT_USAGE;
	/* never cut short: a shorter name or path would capture another guest or file */
	int n = snprintf(req, sizeof(req), "snapshot %s %s", argv[1], path);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		fprintf(stderr, "tinyvmm snapshot: the guest name and path are too long\n");
		return TVMM_EXIT_USAGE;
	}
	return call("snapshot", argv[0], pop, req);
}
