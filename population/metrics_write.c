/* Writes each sample's Prometheus file and JSON line; an output that fails is dropped alone. */
#include "population/metrics_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "population/metrics_jsonl.h"
#include "population/metrics_prom.h"
#include "population/pop.h"

/* Every family of the Prometheus file with three types fits in well under this. */
#define PROM_TEXT_MAX  (64u << 10)
#define JSONL_LINE_MAX 4096u

int jsonl_open(struct csv_file *f, const char *path)
{
	return csv_open(f, path, NULL); /* lines appended whole, as rows are; no header */
}

int prom_open(const char *path)
{
	return prom_write_file(path, "", 0);
}

void metrics_write(struct pop *p, const struct stats_values *v,
		   const struct type_figures types[GUEST_TYPES])
{
	if (!p->prom_path && !p->jsonl)
		return;
	struct metrics_sample m = {.population = p->name, .v = v, .types = types};
	if (p->prom_path) {
		char *text = malloc(PROM_TEXT_MAX);
		int n = text ? prom_format(text, PROM_TEXT_MAX, &m) : -ENOMEM;
		int r = n < 0 ? n : prom_write_file(p->prom_path, text, (size_t)n);
		free(text);
		if (r) {
			progress_log(&p->progress, "--prom '%s': %s; it is no longer updated",
				     p->prom_path, strerror(-r));
			p->prom_path = NULL;
		}
	}
	if (p->jsonl) {
		char line[JSONL_LINE_MAX];
		int n = jsonl_format(line, sizeof(line), &m);
		int r = n < 0 ? n : csv_write_row(p->jsonl, line, (size_t)n);
		if (r) {
			progress_log(&p->progress, "--jsonl '%s': %s; later samples are lost",
				     p->jsonl->path, strerror(-r));
			p->jsonl = NULL;
		}
	}
}
