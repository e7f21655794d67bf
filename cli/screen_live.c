/* Follows the VGA text screen: redraws it on a terminal, or copies its new lines once each. */
#include "cli/screen_live.h"

#include <string.h>

#define ROWS PLATFORM_VGA_ROWS
#define COLS PLATFORM_VGA_COLS

void screen_live_init(struct screen_live *s, FILE *out, enum screen_live_mode mode)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->mode = mode;
}

/* Splits a rendering into rows; returns how many (trailing empty rows are not rendered). */
static unsigned split_rows(const char *text, char row[ROWS][COLS + 1])
{
	unsigned n = 0;
	while (*text && n < ROWS) {
		size_t len = strcspn(text, "\n");
		size_t keep = len > COLS ? COLS : len;
		memcpy(row[n], text, keep);
		row[n][keep] = '\0';
		n++;
		text += len;
		if (*text == '\n')
			text++;
	}
	for (unsigned i = n; i < ROWS; i++)
		row[i][0] = '\0';
	return n;
}

/*
 * How far the screen scrolled since the rows already copied: the smallest s such that the
 * new rows 0..copied-s-1 equal the old rows s..copied-1, with at least one non-empty row
 * among them (blank rows match anything blank). -1 when no such s exists.
 */
static int scrolled_by(const struct screen_live *s, char cur[ROWS][COLS + 1])
{
	for (unsigned sh = 0; sh < s->copied; sh++) {
		bool same = true, content = false;
		for (unsigned i = 0; i + sh < s->copied && same; i++) {
			same = strcmp(cur[i], s->row[i + sh]) == 0;
			content |= cur[i][0] != '\0';
		}
		if (same && content)
			return (int)sh;
	}
	return -1;
}

static void put_row(FILE *out, const char *row)
{
	fputs(row, out);
	fputc('\n', out);
}

static void update_lines(struct screen_live *s, char cur[ROWS][COLS + 1], unsigned n)
{
	/* rows with a row below them are finished; the last one may still be growing */
	unsigned done = n ? n - 1 : 0;
	unsigned from;
	int sh = s->copied ? scrolled_by(s, cur) : 0;
	if (sh >= 0) {
		from = s->copied - (unsigned)sh;
	} else {
		/* changed in place: copy again each finished row that differs where it stands */
		from = s->copied;
		for (unsigned i = 0; i < from && i < done; i++)
			if (strcmp(cur[i], s->row[i]) != 0)
				put_row(s->out, cur[i]);
	}
	if (from > done)
		from = done;
	for (unsigned i = from; i < done; i++)
		put_row(s->out, cur[i]);
	s->copied = done;
}

static void draw_terminal(struct screen_live *s, char cur[ROWS][COLS + 1])
{
	/* home the cursor (clearing the terminal the first time), then every row, each erased
	 * to its end so a shorter row leaves nothing behind */
	fputs(s->drawn ? "\033[H" : "\033[H\033[2J", s->out);
	for (unsigned i = 0; i < ROWS; i++) {
		fputs(cur[i], s->out);
		fputs("\033[K\r\n", s->out);
	}
	s->drawn = true;
}

void screen_live_update(struct screen_live *s, const char *rendering)
{
	char cur[ROWS][COLS + 1];
	unsigned n = split_rows(rendering, cur);
	bool changed = n != s->nrows;
	for (unsigned i = 0; i < ROWS && !changed; i++)
		changed = strcmp(cur[i], s->row[i]) != 0;
	if (!changed)
		return;
	if (s->mode == SCREEN_LIVE_TERMINAL)
		draw_terminal(s, cur);
	else
		update_lines(s, cur, n);
	memcpy(s->row, cur, sizeof(cur));
	s->nrows = n;
	fflush(s->out);
}

void screen_live_finish(struct screen_live *s)
{
	if (s->mode == SCREEN_LIVE_LINES) {
		for (unsigned i = s->copied; i < s->nrows; i++)
			put_row(s->out, s->row[i]);
		s->copied = s->nrows;
	} else if (s->drawn) {
		fprintf(s->out, "\033[%u;1H", ROWS + 1);
	}
	fflush(s->out);
}
