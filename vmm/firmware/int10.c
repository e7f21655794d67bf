/* int 10h: text-mode video in the 80x25 VGA buffer at 0xB8000, teletype also to the console. */
#include <string.h>

#include "vmm/firmware/bda.h"
#include "vmm/firmware/service.h"
#include "vmm/platform/layout.h"

#define COLS	    PLATFORM_VGA_COLS
#define ROWS	    PLATFORM_VGA_ROWS
#define CELLS	    (COLS * ROWS)
#define PAGES	    8
#define PAGE_BYTES  0x1000 /* what the BDA page size says for mode 3 */
#define BLANK_ATTR  0x07
#define TEXT_MODE   3
#define CURSOR_LINE 0x0607 /* start line 6, end line 7: an underline */

struct cursor {
	unsigned col, row;
};

/* The page's cells, or NULL when RAM does not back the text buffer (tiny guests). */
static uint8_t *page_cells(const struct bios_env *env, unsigned page)
{
	return gmem_ptr(env->mem, PLATFORM_VGA_TEXT + (uint64_t)page * PAGE_BYTES, CELLS * 2);
}

/* Clamped, because the guest can store anything in the BDA or pass it to AH=02h. */
static struct cursor get_cursor(const struct bios_env *env, unsigned page)
{
	uint16_t v = bda_get16(env->mem, BDA_CURSOR_POS + 2 * page);
	struct cursor c = {v & 0xFF, v >> 8};
	if (c.col >= COLS)
		c.col = COLS - 1;
	if (c.row >= ROWS)
		c.row = ROWS - 1;
	return c;
}

static void put_cursor(const struct bios_env *env, unsigned page, struct cursor c)
{
	bda_put16(env->mem, BDA_CURSOR_POS + 2 * page, (uint16_t)(c.row << 8 | c.col));
}

static void fill_cells(uint8_t *cells, unsigned from, unsigned n, uint8_t attr)
{
	for (unsigned i = from; i < from + n; i++) {
		cells[2 * i] = ' ';
		cells[2 * i + 1] = attr;
	}
}

static void scroll_up(uint8_t *cells)
{
	if (!cells)
		return;
	memmove(cells, cells + COLS * 2, (ROWS - 1) * COLS * 2);
	fill_cells(cells, (ROWS - 1) * COLS, COLS, BLANK_ATTR);
}

static void set_mode(struct bios_env *env, struct bios_regs *r)
{
	/* Only the 80x25 colour text mode exists here; any request lands in it. */
	bool keep = reg_al(r) & 0x80;
	for (unsigned p = 0; p < PAGES; p++) {
		uint8_t *cells = page_cells(env, p);
		if (cells && !keep)
			fill_cells(cells, 0, CELLS, BLANK_ATTR);
		put_cursor(env, p, (struct cursor){0, 0});
	}
	bda_put8(env->mem, BDA_VIDEO_MODE, TEXT_MODE);
	bda_put16(env->mem, BDA_VIDEO_COLS, COLS);
	bda_put16(env->mem, BDA_VIDEO_PAGE_SIZE, PAGE_BYTES);
	bda_put16(env->mem, BDA_VIDEO_PAGE_OFF, 0);
	bda_put8(env->mem, BDA_VIDEO_PAGE, 0);
	bda_put16(env->mem, BDA_CURSOR_SHAPE, CURSOR_LINE);
}

/* AH=09h/0Ah: `count` copies from the cursor on, which stays put; bounded by the page. */
static void write_chars(struct bios_env *env, struct bios_regs *r, bool with_attr)
{
	unsigned page = hi8(r->ebx) & (PAGES - 1);
	uint8_t *cells = page_cells(env, page);
	if (!cells)
		return;
	struct cursor c = get_cursor(env, page);
	unsigned at = c.row * COLS + c.col;
	unsigned count = lo16(r->ecx);
	if (count > CELLS - at)
		count = CELLS - at;
	for (unsigned i = at; i < at + count; i++) {
		cells[2 * i] = reg_al(r);
		if (with_attr)
			cells[2 * i + 1] = (uint8_t)r->ebx;
	}
}

/* AH=0Eh: the console sees every byte; the screen interprets CR, LF, BS and BEL. */
static void teletype(struct bios_env *env, struct bios_regs *r)
{
	uint8_t ch = reg_al(r);
	unsigned page = hi8(r->ebx) & (PAGES - 1);
	uint8_t *cells = page_cells(env, page);
	struct cursor c = get_cursor(env, page);

	sink_write(&env->console, &ch, 1);
	switch (ch) {
	case '\r':
		c.col = 0;
		break;
	case '\n':
		c.row++;
		break;
	case '\b':
		if (c.col > 0)
			c.col--;
		break;
	case '\a':
		break;
	default:
		if (cells)
			cells[2 * (c.row * COLS + c.col)] = ch;
		if (++c.col == COLS) {
			c.col = 0;
			c.row++;
		}
		break;
	}
	if (c.row == ROWS) {
		scroll_up(cells);
		c.row = ROWS - 1;
	}
	put_cursor(env, page, c);
}

void bios_int10(struct bios_env *env, struct bios_regs *r)
{
	unsigned page = hi8(r->ebx) & (PAGES - 1);
	switch (reg_ah(r)) {
	case 0x00:
		set_mode(env, r);
		break;
	case 0x01: /* CH = start line, CL = end line; the BDA keeps end first */
		bda_put16(env->mem, BDA_CURSOR_SHAPE, lo16(r->ecx));
		break;
	case 0x02:
		put_cursor(env, page, (struct cursor){r->edx & 0xFF, hi8(r->edx)});
		break;
	case 0x03: {
		uint16_t pos = bda_get16(env->mem, BDA_CURSOR_POS + 2 * page);
		set_lo16(&r->edx, pos);
		set_lo16(&r->ecx, bda_get16(env->mem, BDA_CURSOR_SHAPE));
		set_lo16(&r->eax, 0);
		break;
	}
	case 0x09:
		write_chars(env, r, true);
		break;
	case 0x0A:
		write_chars(env, r, false);
		break;
	case 0x0E:
		teletype(env, r);
		break;
	case 0x0F:
		set_lo8(&r->eax, bda_get8(env->mem, BDA_VIDEO_MODE));
		set_hi8(&r->eax, (uint8_t)bda_get16(env->mem, BDA_VIDEO_COLS));
		set_hi8(&r->ebx, bda_get8(env->mem, BDA_VIDEO_PAGE));
		break;
	default:
		bios_unknown(r);
		return;
	}
	bios_ok(r);
}
