/* -screen live: follows a guest's VGA text screen while it runs, on a terminal or as new lines. */
#ifndef TINYVMM_CLI_SCREEN_LIVE_H
#define TINYVMM_CLI_SCREEN_LIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "vmm/platform/vga_text.h"

enum screen_live_mode {
	SCREEN_LIVE_TERMINAL, /* redraw the whole screen in place when it changes */
	SCREEN_LIVE_LINES,    /* copy the screen's new lines, once each, as plain text */
};

/*
 * One follower per VM; renderings come from vga_text_render(). In LINES mode a row is
 * copied once the guest has written a row below it (the last row may still be growing),
 * and what is left is copied by screen_live_finish. Scrolling is recognised, so a guest
 * that scrolls its screen has each line copied once; a row rewritten in place (a clock, a
 * status line) is copied again. TERMINAL mode draws at the top of the terminal with ANSI
 * sequences and leaves the cursor below the screen at the end.
 */
struct screen_live {
	FILE *out;
	enum screen_live_mode mode;
	char row[PLATFORM_VGA_ROWS][PLATFORM_VGA_COLS + 1]; /* the last rendering, by row */
	unsigned nrows;	 /* its rows, trailing empty ones dropped */
	unsigned copied; /* LINES: rows 0..copied-1 of it are already out */
	bool drawn;	 /* TERMINAL: the screen has been drawn once */
};

void screen_live_init(struct screen_live *s, FILE *out, enum screen_live_mode mode);

/* Takes the screen as it is now (a vga_text_render() string); writes what changed. */
void screen_live_update(struct screen_live *s, const char *rendering);

/* The VM ended: writes the rows not copied yet (LINES), or moves below the screen. */
void screen_live_finish(struct screen_live *s);

#endif
