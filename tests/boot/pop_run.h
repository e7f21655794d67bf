/* Boot-test helpers for `tinyvmm pop`: the CSV files it writes, runs in the background, its control
 * socket. */
#ifndef TINYVMM_TESTS_BOOT_POP_RUN_H
#define TINYVMM_TESTS_BOOT_POP_RUN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/boot/harness.h"

#define POP_TIMEOUT_S 120

/* The whole file, NUL-terminated (malloc'd), or NULL when it cannot be read. */
char *pop_slurp(const char *path);

/* Newlines in `s` (NULL: 0). */
unsigned pop_count_lines(const char *s);

/*
 * A CSV file read back: its header and every complete data line, split into fields
 * (quoted fields unquoted, as results.c writes the message). A last line without its
 * newline is kept apart in `partial` (a row cut short), never taken as a row.
 */
#define CSV_MAX_FIELDS 64
struct csv_row {
	unsigned n;
	char *f[CSV_MAX_FIELDS];
};
struct csv_table {
	struct csv_row header;
	struct csv_row *rows;
	unsigned nrows;
	char *partial; /* the cut-short last line, or NULL */
};

/* Reads `path` into *t, asserting it exists and has a header line. */
void csv_load(struct csv_table *t, const char *path);
void csv_free(struct csv_table *t);
/* Splits one line (no newline) into fields; 0, or -1 on a quote left open. Caller frees. */
int csv_split(const char *line, struct csv_row *out);
void csv_row_free(struct csv_row *r);
/* The column named `name`, asserting it exists. */
unsigned csv_col(const struct csv_table *t, const char *name);
/* Field `name` of row `i` ("" when the row is short). */
const char *csv_get(const struct csv_table *t, unsigned i, const char *name);
double csv_num(const struct csv_table *t, unsigned i, const char *name);
/* The row whose `name` column is `value`, asserting there is one. */
unsigned csv_find(const struct csv_table *t, const char *name, const char *value);

/* build/tests/guests/NAME, asserting it was built. */
void pop_guest(char *buf, size_t size, const char *name);

/* A private temp dir, made the control-socket directory (TINYVMM_CONTROL_DIR) of the test. */
void pop_control_dir(char *dir, size_t size);

/* Asserts the run's exit status, with both streams in the message. */
void pop_expect_status(const struct run_result *r, int want);

/* `tinyvmm ARGS...` run to the end (30 s at most). */
void pop_tinyvmm(struct run_result *r, const char *const args[]);

/* tinyvmm run in a thread, so the test can talk to it (or signal it) meanwhile. */
struct bg_run {
	const char *args[32];
	unsigned timeout_s;
	struct run_result r;
	int err;
	pthread_t t;
};
void bg_start(struct bg_run *b);
/* The child's PID once it runs (waits up to 30 s for it), asserting it started. */
int bg_pid(struct bg_run *b);
void bg_join(struct bg_run *b);

void sleep_ms(unsigned ms);
/* CLOCK_REALTIME in ms: what the stats' timestamp_ms and the results' launched_ms use. */
int64_t wall_ms(void);

/* Waits until `tinyvmm list` shows population `name`, started by `b`; returns its PID. Fails
 * with the child's status and stderr if it ends first. */
long pop_wait_listed(struct bg_run *b, const char *name);

/* One guest's line of `tinyvmm list POP`: its state, laps and exits. */
struct listed_guest {
	char state[16];
	unsigned laps;
	unsigned long long exits;
};
/* Reads `tinyvmm list POP` and the line of `guest`; asserts it is there. */
void pop_list_guest(const char *pop, const char *guest, struct listed_guest *out);

#endif
