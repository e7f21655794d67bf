/* CSV files that survive a crash: each row reaches the kernel in one write() as it is made. */
#ifndef TINYVMM_POPULATION_CSV_H
#define TINYVMM_POPULATION_CSV_H

#include <stddef.h>
#include <stdint.h>

struct csv_file {
	int fd; /* -1: not open */
	const char *path;
	uint64_t rows; /* data rows written */
	int error;     /* first write error (errno); later rows are dropped */
};

/* Creates or truncates `path` and writes `header` (a line without its newline; NULL: none).
 * 0 or -errno. */
int csv_open(struct csv_file *f, const char *path, const char *header);

/*
 * Appends one row (without its newline) in a single write(), so a SIGKILL loses at most
 * the row being written. 0 or -errno (the first error is kept in f->error).
 */
int csv_write_row(struct csv_file *f, const char *row, size_t len);

void csv_close(struct csv_file *f);

/*
 * Appends `s` to buf at *pos as one CSV field, quoted when it holds a comma, quote or
 * line break (quotes doubled). Returns 0, or -ENOSPC when it does not fit (buf keeps a
 * NUL-terminated prefix).
 */
int csv_field(char *buf, size_t size, size_t *pos, const char *s);

/* printf-style append at *pos; 0 or -ENOSPC. */
int csv_printf(char *buf, size_t size, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
