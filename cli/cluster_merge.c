/* Merges a cluster job's task files: checks headers and identities, sorts, writes both CSVs whole.
 */
#include "cli/cluster_merge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errf.h"
#include "base/file_replace.h"
#include "base/parse.h"
#include "base/text_file.h"
#include "cli/cluster_split.h"
#include "population/results.h"
#include "population/stats.h"

/* Task files hold a row per guest and per interval: large, but not without bound. */
#define TASK_FILE_MAX ((size_t)1 << 30)

int cluster_read_job(const char *dir, unsigned *tasks, char *job, size_t jobsize, char *err,
		     size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/job.txt", dir);
	size_t len;
	char *text;
	int r = text_file_read(path, 1 << 20, &text, &len);
	if (r)
		return errf(err, errlen, r,
			    "%s: %s (is this a directory tinyvmm cluster "
			    "submit wrote?)",
			    path, strerror(-r));
	*tasks = 0;
	job[0] = '\0';
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && !r;
	     l = strtok_r(NULL, "\n", &save)) {
		char word[16], value[64];
		uint64_t n;
		if (sscanf(l, "%15s %63s", word, value) != 2)
			continue;
		if (!strcmp(word, "tasks")) {
			/* it sizes the merge's tables: a number submit could have written */
			if (parse_u64(value, CLUSTER_MAX_HOSTS, &n) || n == 0)
				r = errf(err, errlen, -EINVAL,
					 "%s: 'tasks %s' is not a task count from 1 to %u", path,
					 value, CLUSTER_MAX_HOSTS);
			*tasks = (unsigned)n;
		} else if (!strcmp(word, "job")) {
			snprintf(job, jobsize, "%s", value);
		}
	}
	free(text);
	if (!r && *tasks == 0)
		return errf(err, errlen, -EINVAL, "%s: no 'tasks N' line", path);
	return r;
}

/* One task's files, found by name: stats-taskK-HOST.csv and results-taskK-HOST.csv. */
struct task_files {
	char *stats, *results; /* file names in DIR */
	char host[128];
};

/* "KIND-task<K>-<HOST>.csv": K and HOST, or false. */
static bool task_file(const char *name, const char *kind, unsigned *k, char *host, size_t hsize)
{
	size_t kl = strlen(kind), len = strlen(name);
	if (strncmp(name, kind, kl) || strncmp(name + kl, "-task", 5) || len < kl + 11 ||
	    strcmp(name + len - 4, ".csv"))
		return false;
	const char *p = name + kl + 5;
	char *end;
	unsigned long v = strtoul(p, &end, 10);
	if (end == p || *end != '-' || end + 1 >= name + len - 4 || v > UINT_MAX)
		return false;
	size_t hl = (size_t)(name + len - 4 - (end + 1));
	if (hl >= hsize)
		return false;
	memcpy(host, end + 1, hl);
	host[hl] = '\0';
	*k = (unsigned)v;
	return true;
}

static int find_tasks(const char *dir, struct task_files *t, unsigned tasks, char *err,
		      size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d)
		return errf(err, errlen, -errno, "%s: %s", dir, strerror(errno));
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d))) {
		unsigned k;
		char host[128];
		bool st = task_file(e->d_name, "stats", &k, host, sizeof(host));
		if (!st && !task_file(e->d_name, "results", &k, host, sizeof(host)))
			continue;
		if (k >= tasks) {
			r = errf(err, errlen, -EINVAL, "%s/%s: task %u, but the job has %u tasks",
				 dir, e->d_name, k, tasks);
			break;
		}
		char **slot = st ? &t[k].stats : &t[k].results;
		if (*slot || (t[k].host[0] && strcmp(t[k].host, host))) {
			r = errf(err, errlen, -EINVAL,
				 "%s: task %u has files from two runs (%s, and %s from %s): keep "
				 "one",
				 dir, k, *slot ? *slot : "another file", e->d_name, host);
			break;
		}
		snprintf(t[k].host, sizeof(t[k].host), "%s", host);
		if (!(*slot = strdup(e->d_name)))
			r = errf(err, errlen, -ENOMEM, "out of memory");
	}
	closedir(d);
	for (unsigned k = 0; !r && k < tasks; k++)
		if (!t[k].stats || !t[k].results)
			r = errf(err, errlen, -ENOENT,
				 "%s: task %u has no %s file (did it run? see %s/task-%u.out)", dir,
				 k, t[k].stats ? "results" : "stats", dir, k);
	return r;
}

/* A data line, its file's task and host. */
struct line {
	const char *text;
	size_t len;
	long long ts; /* stats: timestamp_ms */
	unsigned task;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static int push(struct lines *l, struct line x)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct line *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return 0;
}

/* Past one field at p (quoted or not) and its comma. */
static const char *skip_field(const char *p, const char *end)
{
	if (p < end && *p == '"') {
		for (p++; p < end; p++) {
			if (*p == '"' && p + 1 < end && p[1] == '"')
				p++;
			else if (*p == '"')
				break;
		}
	}
	while (p < end && *p != ',')
		p++;
	return p < end ? p + 1 : p;
}

/* Field `col` of a CSV line (quotes as results.c writes them) into out, unquoted. */
static void field(const char *line, size_t len, unsigned col, char *out, size_t size)
{
	const char *p = line, *end = line + len;
	for (unsigned c = 0; c < col; c++)
		p = skip_field(p, end);
	size_t n = 0;
	bool q = p < end && *p == '"';
	for (p += q; p < end && n + 1 < size; p++) {
		if (q && *p == '"' && p + 1 < end && p[1] == '"')
			p++;
		else if (q ? *p == '"' : *p == ',')
			break;
		out[n++] = *p;
	}
	out[n] = '\0';
}

/* Splits a file's text after its header into lines; a last line without newline is cut. */
static int read_rows(char *text, size_t len, const char *header, const char *path, unsigned task,
		     bool stats, struct lines *out, struct cluster_merge_summary *sum, char *err,
		     size_t errlen)
{
	size_t hl = strlen(header);
	if (len < hl + 1 || strncmp(text, header, hl) || text[hl] != '\n')
		return errf(err, errlen, -EINVAL,
			    "%s: its header is not this tinyvmm's %s header (another version?)",
			    path, stats ? "stats" : "results");
	for (char *p = text + hl + 1; p < text + len;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl) {
			sum->cut_rows++; /* the row a killed task was writing */
			break;
		}
		struct line l = {.text = p, .len = (size_t)(nl - p), .task = task};
		if (stats)
			l.ts = strtoll(p, NULL, 10);
		if (push(out, l))
			return errf(err, errlen, -ENOMEM, "out of memory");
		p = nl + 1;
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return x->text < y->text ? -1 : x->text > y->text;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* No UUID (column 0) nor name (column 1) twice over the whole job. */
static int check_unique(const struct lines *rows, unsigned col, const char *what, char *err,
			size_t errlen)
{
	char **keys = calloc(rows->n ? rows->n : 1, sizeof(char *));
	if (!keys)
		return errf(err, errlen, -ENOMEM, "out of memory");
	int r = 0;
	for (size_t i = 0; i < rows->n && !r; i++) {
		char f[128];
		field(rows->v[i].text, rows->v[i].len, col, f, sizeof(f));
		if (!(keys[i] = strdup(f)))
			r = errf(err, errlen, -ENOMEM, "out of memory");
	}
	if (!r)
		qsort(keys, rows->n, sizeof(char *), by_text);
	for (size_t i = 1; i < rows->n && !r; i++)
		if (!strcmp(keys[i], keys[i - 1]))
			r = errf(err, errlen, -EINVAL,
				 "guest %s %s appears twice: were two tasks given the same "
				 "--number-from?",
				 what, keys[i]);
	for (size_t i = 0; i < rows->n; i++)
		free(keys[i]);
	free(keys);
	return r;
}

/* The end column counted: "998 poweroff, 2 crash". */
static void count_ends(const struct lines *rows, char *out, size_t size)
{
	enum { KINDS = 16 };
	char kind[KINDS][24];
	uint64_t n[KINDS];
	unsigned nk = 0;
	for (size_t i = 0; i < rows->n; i++) {
		char f[24];
		field(rows->v[i].text, rows->v[i].len, 15, f, sizeof(f)); /* "end" */
		unsigned k = 0;
		while (k < nk && strcmp(kind[k], f))
			k++;
		if (k == nk && nk < KINDS) {
			snprintf(kind[nk], sizeof(kind[0]), "%s", f);
			n[nk++] = 0;
		}
		if (k < nk)
			n[k]++;
	}
	size_t pos = 0;
	out[0] = '\0';
	for (unsigned k = 0; k < nk && pos < size; k++) {
		int w = snprintf(out + pos, size - pos, "%s%llu %s", k ? ", " : "",
				 (unsigned long long)n[k], kind[k][0] ? kind[k] : "(none)");
		pos += w > 0 ? (size_t)w : 0;
	}
}

/* DIR/NAME replaced whole: header, then each row (with a suffix per task for stats). */
static int write_csv(const char *dir, const char *name, const char *header,
		     const struct lines *rows, const struct task_files *t, bool with_host,
		     char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return errf(err, errlen, -ENOMEM, "%s: out of memory", path);
	fprintf(f, "%s%s\n", header, with_host ? ",host,task" : "");
	for (size_t i = 0; i < rows->n; i++) {
		fwrite(rows->v[i].text, 1, rows->v[i].len, f);
		if (with_host)
			fprintf(f, ",%s,%u", t[rows->v[i].task].host, rows->v[i].task);
		fputc('\n', f);
	}
	int r = fclose(f) ? -ENOMEM : file_replace(path, text, len, 0644);
	free(text);
	return r ? errf(err, errlen, r, "%s: %s", path, strerror(-r)) : 0;
}

int cluster_merge(const char *dir, struct cluster_merge_summary *sum, char *err, size_t errlen)
{
	memset(sum, 0, sizeof(*sum));
	char job[64];
	unsigned tasks;
	int r = cluster_read_job(dir, &tasks, job, sizeof(job), err, errlen);
	if (r)
		return r;
	struct task_files *t = calloc(tasks, sizeof(*t));
	char **texts = calloc(2 * (size_t)tasks, sizeof(char *));
	struct lines stats = {0}, results = {0};
	if (!t || !texts)
		r = errf(err, errlen, -ENOMEM, "out of memory");
	if (!r)
		r = find_tasks(dir, t, tasks, err, errlen);
	for (unsigned k = 0; !r && k < tasks; k++) {
		for (int kind = 0; kind < 2 && !r; kind++) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s", dir,
				 kind ? t[k].results : t[k].stats);
			size_t len = 0;
			char *text;
			int e = text_file_read(path, TASK_FILE_MAX, &text, &len);
			texts[2 * k + (unsigned)kind] = text;
			if (e)
				r = errf(err, errlen, e, "%s: %s", path, strerror(-e));
			else
				r = read_rows(text, len, kind ? results_header : stats_header, path,
					      k, !kind, kind ? &results : &stats, sum, err, errlen);
		}
	}
	r = r ? r : check_unique(&results, 0, "UUID", err, errlen);
	r = r ? r : check_unique(&results, 1, "name", err, errlen);
	if (!r) {
		qsort(stats.v, stats.n, sizeof(*stats.v), by_time);
		r = write_csv(dir, "stats.csv", stats_header, &stats, t, true, err, errlen);
	}
	r = r ? r : write_csv(dir, "results.csv", results_header, &results, t, false, err, errlen);
	if (!r) {
		sum->tasks = tasks;
		sum->guests = results.n;
		sum->stats_rows = stats.n;
		for (unsigned k = 0; k < tasks; k++) {
			bool seen = false;
			for (unsigned j = 0; j < k && !seen; j++)
				seen = !strcmp(t[j].host, t[k].host);
			sum->hosts += !seen;
		}
		count_ends(&results, sum->ends, sizeof(sum->ends));
	}
	for (unsigned k = 0; t && k < tasks; k++) {
		free(t[k].stats);
		free(t[k].results);
	}
	for (size_t i = 0; texts && i < 2 * (size_t)tasks; i++)
		free(texts[i]);
	free(texts);
	free(t);
	free(stats.v);
	free(results.v);
	return r;
}
