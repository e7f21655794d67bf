/* What the user sees while a population runs: one live line on a terminal, log lines otherwise. */
#ifndef TINYVMM_POPULATION_PROGRESS_H
#define TINYVMM_POPULATION_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress_view {
	unsigned launched, total, running, failed, finished;
	uint64_t mem_available_kb;
};

struct progress {
	FILE *out;
	bool tty;
	bool line_shown;      /* a live line is on the screen (tty) */
	uint64_t last_ns;     /* when the last line or redraw happened */
	uint64_t interval_ns; /* redraws at most this often */
};

/* tty: redraw the live line (4 per second at most); else log a line (one per 5 s at most). */
void progress_init(struct progress *p, FILE *out, bool tty);

/* Shows the state; `force` ignores the rate limit (launch finished, population ending). */
void progress_update(struct progress *p, const struct progress_view *v, uint64_t now_ns,
		     bool force);

/* One log line ("tinyvmm pop: ..."), clearing the live line first so they do not mix. */
void progress_log(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Ends the live line (newline) if one is shown. */
void progress_done(struct progress *p);

/* The text of one state line, also what `tinyvmm list` shows. */
int progress_format(char *buf, size_t size, const struct progress_view *v);

#endif
