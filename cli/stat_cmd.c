/* tinyvmm stat: asks a population for its figures each second and shows them, redrawn on a
 * terminal. */
#include "cli/stat_cmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/parse.h"
#include "cli/ctl_cmd.h"
#include "cli/exit_status.h"
#include "cli/stat_view.h"
#include "population/control.h"
#include "population/spec.h"

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: tinyvmm stat POP [--once] [--interval SECONDS]\n"
	    "\n"
	    "The live figures of running population POP, per guest type and for all: guests,\n"
	    "running (booting and paused included), booting (no report from the kernel or app\n"
	    "yet), paused, finished, failed, exits per second, vCPU %% (of one core) over the\n"
	    "last interval, and the RAM given to running guests; the host's available memory\n"
	    "and load, and tinyvmm's RSS, on the title line.\n"
	    "\n"
	    "On a terminal the screen is redrawn each interval (default 1 s) until Ctrl-C or\n"
	    "the population ends; otherwise a block is printed each interval. --once prints one\n"
	    "block, its rates over one interval, and exits.\n"
	    "Exit status: 0; 2 when POP is not running or the arguments are wrong.\n");
}

/* One `metrics` request; 0, 1 when the population is gone, -1 on other errors (said). */
static int fetch(const char *name, const char *path, struct stat_snapshot *s)
{
	char *reply, err[640];
	int r = ctl_call_capture(path, "metrics", &reply, err, sizeof(err));
	if (r == -ECONNREFUSED || r == -ENOENT) {
		free(reply);
		return 1;
	}
	if (r == 0 && stat_parse(reply, s))
		snprintf(err, sizeof(err), "population '%s' answered what this tinyvmm cannot read",
			 name);
	else if (r == 0) {
		free(reply);
		return 0;
	}
	fprintf(stderr, "tinyvmm stat: %s\n", err);
	free(reply);
	return -1;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int stat_cmd(int argc, char **argv)
{
	const char *name = NULL;
	bool once = false;
	double interval = 1;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return TVMM_EXIT_OK;
		} else if (!strcmp(argv[i], "--once")) {
			once = true;
		} else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			if (parse_seconds(argv[++i], &interval) || interval < 0.1 ||
			    interval > 3600) {
				fprintf(stderr,
					"tinyvmm stat: --interval '%s': expected 0.1 to 3600 "
					"seconds\n",
					argv[i]);
				return TVMM_EXIT_USAGE;
			}
		} else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "tinyvmm stat: unexpected argument '%s'\n", argv[i]);
			usage(stderr);
			return TVMM_EXIT_USAGE;
		} else {
			name = argv[i];
		}
	}
	if (!name) {
		usage(stderr);
		return TVMM_EXIT_USAGE;
	}
	char path[256];
	if (ctl_find_pop("stat", name, path, sizeof(path)))
		return TVMM_EXIT_USAGE;
	bool tty = isatty(STDOUT_FILENO);
	struct stat_snapshot prev, cur;
	int r = fetch(name, path, &prev);
	char screen[4096];
	for (unsigned shown = 0; r == 0; shown++) {
		sleep_s(interval);
		if ((r = fetch(name, path, &cur)))
			break;
		stat_render(screen, sizeof(screen), &prev, &cur);
		/* home and clear, then the table: a terminal keeps one screen, like top */
		printf("%s%s", tty && !once ? "\033[H\033[2J" : shown ? "\n" : "", screen);
		fflush(stdout);
		if (once)
			return TVMM_EXIT_OK;
		prev = cur;
	}
	if (r > 0) {
		printf("population '%s' has ended\n", name);
		return TVMM_EXIT_OK;
	}
	return TVMM_EXIT_USAGE;
}
