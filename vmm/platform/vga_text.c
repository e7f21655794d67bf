/* Turns the VGA text buffer (char + attribute cells, CP437) into trimmed ASCII lines. */
#include "vmm/platform/vga_text.h"

#include <string.h>

#define ROWS  PLATFORM_VGA_ROWS
#define COLS  PLATFORM_VGA_COLS
#define CELLS (ROWS * COLS)

/*
 * CP437 0x00-0x1F are glyphs on screen (faces, suits, arrows), not control codes. The
 * tables spell '?' as "\?" because C11 would read some "??x" runs as trigraphs.
 */
static const char cp437_low[] = " \?\?\?\?\?\?*\?o\?\?\?\?\?*"
				"><|!\?\?-|^v><\?-^v";
_Static_assert(sizeof(cp437_low) == 0x20 + 1, "one entry per code 0x00-0x1F");

/* 0x80-0xFF: accented letters, currency, box drawing, blocks, Greek and maths. */
static const char cp437_high[] = "CueaaaaceeeiiiAA"
				 "EaAooouuyOUcLYPf"
				 "aiounNao\?--\?\?!<>"
				 "###|++++++|+++++"
				 "++++-++++++++=++"
				 "+++++++++++#####"
				 "as\?\?\?\?u\?\?\?\?\?\?\?e\?"
				 "=\?><\?\?/~o..\?n2# ";
_Static_assert(sizeof(cp437_high) == 0x80 + 1, "one entry per code 0x80-0xFF");

char vga_cp437_to_ascii(uint8_t c)
{
	if (c < 0x20)
		return cp437_low[c];
	if (c < 0x7F)
		return (char)c;
	if (c == 0x7F)
		return '?';
	return cp437_high[c - 0x80];
}

/* Appends one character, counting it even when it no longer fits (snprintf style). */
static void emit(char *out, size_t cap, size_t *pos, char c)
{
	if (*pos + 1 < cap)
		out[*pos] = c;
	(*pos)++;
}

size_t vga_text_render(const struct guest_mem *m, char *out, size_t cap)
{
	uint8_t cells[CELLS * 2];
	char grid[ROWS][COLS];
	unsigned len[ROWS];
	unsigned rows = 0; /* rows up to and including the last non-empty one */

	/* One snapshot: the guest may still be writing the screen from another thread. */
	if (gmem_read(m, PLATFORM_VGA_TEXT, cells, sizeof(cells)) != 0)
		memset(cells, 0, sizeof(cells));
	for (unsigned r = 0; r < ROWS; r++) {
		len[r] = 0;
		for (unsigned c = 0; c < COLS; c++) {
			grid[r][c] = vga_cp437_to_ascii(cells[2 * (r * COLS + c)]);
			if (grid[r][c] != ' ')
				len[r] = c + 1;
		}
		if (len[r])
			rows = r + 1;
	}

	size_t pos = 0;
	for (unsigned r = 0; r < rows; r++) {
		for (unsigned c = 0; c < len[r]; c++)
			emit(out, cap, &pos, grid[r][c]);
		emit(out, cap, &pos, '\n');
	}
	if (cap)
		out[pos < cap ? pos : cap - 1] = '\0';
	return pos;
}

bool vga_text_blank(const struct guest_mem *m)
{
	return vga_text_render(m, NULL, 0) == 0;
}
