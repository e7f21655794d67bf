/* -screen live's follower (cli/screen_live.c) on made-up screens: lines copied once, scrolling,
 * redraws. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/screen_live.h"

struct capture {
	FILE *f;
	char *buf;
	size_t len;
	struct screen_live s;
};

static void start(struct capture *c, enum screen_live_mode mode)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	cr_assert_not_null(c->f);
	screen_live_init(&c->s, c->f, mode);
}

/* What was written so far; the capture keeps running. */
static const char *so_far(struct capture *c)
{
	fflush(c->f);
	return c->buf;
}

static void stop(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}

/* A screen of `n` rows "line K" for K = first .. first + n - 1, as vga_text_render gives it. */
static void screen_of(char *buf, size_t size, unsigned first, unsigned n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned k = first; k < first + n; k++)
		used += (size_t)snprintf(buf + used, size - used, "line %u\n", k);
}

Test(screen_live, lines_are_copied_once_when_finished)
{
	struct capture c;
	start(&c, SCREEN_LIVE_LINES);
	screen_live_update(&c.s, "boot\n");
	cr_expect_str_eq(so_far(&c), "", "the only row may still be growing");
	screen_live_update(&c.s, "booting\nkernel\n");
	cr_expect_str_eq(so_far(&c), "booting\n");
	screen_live_update(&c.s, "booting\nkernel up\napp\n");
	cr_expect_str_eq(so_far(&c), "booting\nkernel up\n");
	screen_live_update(&c.s, "booting\nkernel up\napp\n"); /* unchanged: nothing */
	screen_live_finish(&c.s);
	cr_expect_str_eq(so_far(&c), "booting\nkernel up\napp\n");
	stop(&c);
}

Test(screen_live, a_scrolling_screen_has_each_line_copied_once)
{
	struct capture c;
	char scr[4096];
	start(&c, SCREEN_LIVE_LINES);
	screen_of(scr, sizeof(scr), 1, 25);
	screen_live_update(&c.s, scr);
	screen_of(scr, sizeof(scr), 4, 25); /* scrolled by three */
	screen_live_update(&c.s, scr);
	screen_of(scr, sizeof(scr), 5, 25);
	screen_live_update(&c.s, scr);
	screen_live_finish(&c.s);
	char want[4096];
	screen_of(want, sizeof(want), 1, 29);
	cr_expect_str_eq(so_far(&c), want);
	stop(&c);
}

Test(screen_live, a_row_rewritten_in_place_is_copied_again)
{
	struct capture c;
	start(&c, SCREEN_LIVE_LINES);
	screen_live_update(&c.s, "clock 10:00:01\nstatus\nready\n");
	screen_live_update(&c.s, "clock 10:00:02\nstatus\nready\n");
	screen_live_finish(&c.s);
	cr_expect_str_eq(so_far(&c), "clock 10:00:01\nstatus\nclock 10:00:02\nready\n");
	stop(&c);
}

Test(screen_live, a_cleared_screen_starts_over)
{
	struct capture c;
	start(&c, SCREEN_LIVE_LINES);
	screen_live_update(&c.s, "one\ntwo\nthree\n");
	screen_live_update(&c.s, "");
	screen_live_update(&c.s, "four\nfive\n");
	screen_live_finish(&c.s);
	cr_expect_str_eq(so_far(&c), "one\ntwo\nfour\nfive\n");
	stop(&c);
}

Test(screen_live, terminal_mode_redraws_in_place_and_leaves_the_cursor_below)
{
	struct capture c;
	start(&c, SCREEN_LIVE_TERMINAL);
	screen_live_update(&c.s, "hello\n");
	const char *out = so_far(&c);
	const char *first_draw = "\033[H\033[2Jhello\033[K\r\n";
	cr_expect(strncmp(out, first_draw, strlen(first_draw)) == 0, "first draw: %s", out);
	size_t first = strlen(out);
	screen_live_update(&c.s, "hello\n"); /* unchanged: nothing drawn */
	cr_expect_eq(strlen(so_far(&c)), first);
	screen_live_update(&c.s, "hello\nworld\n");
	out = so_far(&c);
	const char *redraw = "\033[Hhello\033[K\r\nworld\033[K\r\n";
	cr_expect(strncmp(out + first, redraw, strlen(redraw)) == 0, "%s", out + first);
	screen_live_finish(&c.s);
	cr_expect(strstr(so_far(&c), "\033[26;1H") != NULL);
	stop(&c);
}

Test(screen_live, overlong_rows_are_cut_at_80_columns)
{
	struct capture c;
	char scr[256];
	memset(scr, 'x', 100);
	strcpy(scr + 100, "\nnext\n");
	start(&c, SCREEN_LIVE_LINES);
	screen_live_update(&c.s, scr);
	const char *out = so_far(&c);
	cr_expect_eq(strlen(out), 81, "%s", out);
	stop(&c);
}
