/* Boot-test helpers for `tinyvmm pop`: the CSV files it writes, runs in the background, its control
 * socket. */
#include "tests/boot/pop_run.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *pop_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

unsigned pop_count_lines(const char *s)
{
	unsigned n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

int csv_split(const char *line, struct csv_row *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = line;
	for (;;) {
		size_t cap = strlen(p) + 1, len = 0;
		char *f = malloc(cap);
		cr_assert(f);
		if (*p == '"') {
			/* "" inside quotes is one quote; the field ends at the closing quote */
			for (p++;; p++) {
				if (!*p) {
					free(f);
					csv_row_free(out);
					return -1;
				}
				if (*p == '"' && p[1] == '"')
					f[len++] = *p++;
				else if (*p == '"')
					break;
				else
					f[len++] = *p;
			}
			p++;
		} else {
			while (*p && *p != ',')
				f[len++] = *p++;
		}
		f[len] = '\0';
		cr_assert_lt(out->n, CSV_MAX_FIELDS, "more than %d fields: %s", CSV_MAX_FIELDS,
			     line);
		out->f[out->n++] = f;
		if (*p != ',')
			return *p ? -1 : 0;
		p++;
	}
}

void csv_row_free(struct csv_row *r)
{
	for (unsigned i = 0; i < r->n; i++)
		free(r->f[i]);
	r->n = 0;
}

void csv_load(struct csv_table *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	char *text = pop_slurp(path);
	cr_assert(text, "cannot read %s: %s", path, strerror(errno));
	const char *line = text;
	const char *nl = strchr(line, '\n');
	cr_assert(nl, "%s has no complete header line: '%s'", path, text);
	char *h = strndup(line, (size_t)(nl - line));
	cr_assert_eq(csv_split(h, &t->header), 0, "bad header in %s: %s", path, h);
	free(h);
	unsigned cap = pop_count_lines(text) + 1;
	t->rows = calloc(cap, sizeof(*t->rows));
	cr_assert(t->rows);
	for (line = nl + 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			t->partial = strdup(line);
			break;
		}
		char *l = strndup(line, (size_t)(nl - line));
		cr_assert_eq(csv_split(l, &t->rows[t->nrows]), 0, "%s: row %u is no CSV: %s", path,
			     t->nrows + 1, l);
		free(l);
		t->nrows++;
	}
	free(text);
}

void csv_free(struct csv_table *t)
{
	csv_row_free(&t->header);
	for (unsigned i = 0; i < t->nrows; i++)
		csv_row_free(&t->rows[i]);
	free(t->rows);
	free(t->partial);
	memset(t, 0, sizeof(*t));
}

unsigned csv_col(const struct csv_table *t, const char *name)
{
	for (unsigned i = 0; i < t->header.n; i++)
		if (!strcmp(t->header.f[i], name))
			return i;
	cr_assert_fail("no column '%s' in the header", name);
	return 0;
}

const char *csv_get(const struct csv_table *t, unsigned i, const char *name)
{
	unsigned c = csv_col(t, name);
	cr_assert_lt(i, t->nrows);
	return c < t->rows[i].n ? t->rows[i].f[c] : "";
}

double csv_num(const struct csv_table *t, unsigned i, const char *name)
{
	const char *s = csv_get(t, i, name);
	char *end;
	double v = strtod(s, &end);
	cr_assert(*s && !*end, "row %u: %s is '%s', not a number", i + 1, name, s);
	return v;
}

unsigned csv_find(const struct csv_table *t, const char *name, const char *value)
{
	for (unsigned i = 0; i < t->nrows; i++)
		if (!strcmp(csv_get(t, i, name), value))
			return i;
	cr_assert_fail("no row with %s = %s", name, value);
	return 0;
}

void pop_guest(char *buf, size_t size, const char *name)
{
	cr_assert_eq(harness_guest_path(buf, size, name), 0, "guest %s not built (make test does)",
		     name);
}

void pop_control_dir(char *dir, size_t size)
{
	cr_assert_eq(harness_tempdir(dir, size), 0);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
}

void pop_expect_status(const struct run_result *r, int want)
{
	char how[96];
	cr_assert_eq(r->status, want, "tinyvmm %s (want %d)\nstdout:\n%s\nstderr:\n%s",
		     harness_describe(r, how, sizeof(how)), want, r->out, r->err);
}

void pop_tinyvmm(struct run_result *r, const char *const args[])
{
	int err = harness_run_tinyvmm(args, NULL, 30, r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
}

static void *bg_thread(void *arg)
{
	struct bg_run *b = arg;
	b->err = harness_run_tinyvmm(b->args, NULL, b->timeout_s, &b->r);
	if (b->err) /* never started: bg_pid must not wait for it */
		atomic_store_explicit(&b->r.pid, -1, memory_order_release);
	return NULL;
}

void bg_start(struct bg_run *b)
{
	memset(&b->r, 0, sizeof(b->r));
	cr_assert_eq(pthread_create(&b->t, NULL, bg_thread, b), 0);
}

int bg_pid(struct bg_run *b)
{
	for (int i = 0; i < 3000; i++) {
		int pid = atomic_load_explicit(&b->r.pid, memory_order_acquire);
		if (pid > 0)
			return pid;
		cr_assert_geq(pid, 0, "could not run tinyvmm: %s", strerror(-b->err));
		sleep_ms(10);
	}
	cr_assert_fail("tinyvmm did not start within 30 s");
	return -1;
}

void bg_join(struct bg_run *b)
{
	pthread_join(b->t, NULL);
	cr_assert_eq(b->err, 0, "could not run tinyvmm: %s", strerror(-b->err));
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long pop_wait_listed(struct bg_run *b, const char *name)
{
	int child = bg_pid(b);
	for (int i = 0; i < 600; i++) {
		struct run_result r;
		const char *args[] = {"list", NULL};
		pop_tinyvmm(&r, args);
		const char *at = strstr(r.out, name);
		long pid = at ? strtol(at + strlen(name), NULL, 10) : 0;
		harness_result_free(&r);
		if (pid > 0)
			return pid;
		if (kill(child, 0) != 0 && errno == ESRCH) {
			/* it ended before it listed: say how, not just that it never showed */
			bg_join(b);
			char how[96];
			cr_assert_fail("population %s ended before tinyvmm list showed it: %s\n%s",
				       name, harness_describe(&b->r, how, sizeof(how)), b->r.err);
		}
		sleep_ms(100);
	}
	cr_assert_fail("population %s never showed in tinyvmm list (60 s and more)", name);
	return 0;
}

void pop_list_guest(const char *pop, const char *guest, struct listed_guest *out)
{
	struct run_result r;
	const char *args[] = {"list", pop, NULL};
	pop_tinyvmm(&r, args);
	pop_expect_status(&r, 0);
	memset(out, 0, sizeof(*out));
	bool found = false;
	for (const char *line = r.out; line && *line && !found;) {
		char name[32], uuid[40], type[8];
		double up;
		found = sscanf(line, "%31s %39s %7s %15s %lf %u %llu", name, uuid, type, out->state,
			       &up, &out->laps, &out->exits) == 7 &&
			!strcmp(name, guest);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	cr_assert(found, "no line for %s in tinyvmm list %s:\n%s", guest, pop, r.out);
	harness_result_free(&r);
}
