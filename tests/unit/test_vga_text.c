/* Unit tests of reading the VGA text screen back as ASCII, on crafted text buffers. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/guest_mem.h"
#include "vmm/platform/layout.h"
#include "vmm/platform/vga_text.h"

static struct guest_mem mem;

static void setup_mem(void)
{
	cr_assert_eq(gmem_alloc(&mem, 1 << 20), 0);
}

static void teardown_mem(void)
{
	gmem_free(&mem);
}

/* Cells are (character, attribute) byte pairs, row-major, 80 per row. */
static void put(unsigned row, unsigned col, const char *s, uint8_t attr)
{
	uint8_t *cells = gmem_ptr(&mem, PLATFORM_VGA_TEXT, 80 * 25 * 2);
	cr_assert_not_null(cells);
	for (size_t i = 0; s[i]; i++) {
		size_t cell = row * 80 + col + i;
		cr_assert_lt(cell, 80 * 25);
		cells[2 * cell] = (uint8_t)s[i];
		cells[2 * cell + 1] = attr;
	}
}

static void put_byte(unsigned row, unsigned col, uint8_t c)
{
	uint8_t *cells = gmem_ptr(&mem, PLATFORM_VGA_TEXT, 80 * 25 * 2);
	cells[2 * (row * 80 + col)] = c;
	cells[2 * (row * 80 + col) + 1] = 0x07;
}

/* What a screen cleared by the BIOS looks like: spaces in light grey on black. */
static void clear_screen(void)
{
	uint8_t *cells = gmem_ptr(&mem, PLATFORM_VGA_TEXT, 80 * 25 * 2);
	for (unsigned i = 0; i < 80 * 25; i++) {
		cells[2 * i] = ' ';
		cells[2 * i + 1] = 0x07;
	}
}

static void expect_screen(const char *want)
{
	char out[VGA_TEXT_RENDER_MAX];
	size_t n = vga_text_render(&mem, out, sizeof(out));
	cr_assert_str_eq(out, want);
	cr_assert_eq(n, strlen(want));
	cr_assert_eq(vga_text_blank(&mem), n == 0, "blank exactly when nothing renders");
}

TestSuite(vga_text, .init = setup_mem, .fini = teardown_mem);

Test(vga_text, zeroed_ram_is_blank)
{
	cr_assert(vga_text_blank(&mem));
	expect_screen("");
}

Test(vga_text, cleared_screen_is_blank)
{
	clear_screen();
	cr_assert(vga_text_blank(&mem));
	expect_screen("");
}

Test(vga_text, one_line)
{
	clear_screen();
	put(0, 0, "Hello, BareMetal", 0x1F);
	cr_assert_not(vga_text_blank(&mem));
	expect_screen("Hello, BareMetal\n");
}

Test(vga_text, attributes_are_not_text)
{
	/* Attribute bytes that happen to be printable must not leak into the text. */
	put(0, 0, "ok", 'X');
	expect_screen("ok\n");
}

Test(vga_text, trailing_blanks_trimmed_inner_kept)
{
	clear_screen();
	put(0, 4, "a  b", 0x07);
	expect_screen("    a  b\n");
}

Test(vga_text, nul_cells_read_as_spaces)
{
	put(0, 0, "a", 0x07);
	put(0, 2, "b", 0x07); /* cell 1 stays NUL */
	expect_screen("a b\n");
}

Test(vga_text, layout_of_rows_kept_trailing_rows_dropped)
{
	clear_screen();
	put(2, 0, "two", 0x07);
	put(4, 1, "four", 0x07);
	expect_screen("\n\ntwo\n\n four\n");
}

Test(vga_text, full_screen_fits_the_maximum)
{
	char row[81];
	memset(row, 'x', 80);
	row[80] = '\0';
	for (unsigned r = 0; r < 25; r++)
		put(r, 0, row, 0x07);
	char out[VGA_TEXT_RENDER_MAX];
	size_t n = vga_text_render(&mem, out, sizeof(out));
	cr_assert_eq(n, 25 * 81, "80 characters and a newline per row");
	cr_assert_eq(strlen(out), n);
	cr_assert_eq(out[80], '\n');
	cr_assert_eq(out[25 * 81 - 1], '\n');
}

Test(vga_text, last_cell_counts)
{
	put_byte(24, 79, '!');
	char out[VGA_TEXT_RENDER_MAX];
	size_t n = vga_text_render(&mem, out, sizeof(out));
	cr_assert_eq(n, 24 + 80 + 1);
	cr_assert_eq(out[24 + 79], '!');
}

Test(vga_text, cp437_nearest_ascii)
{
	/* CP437: 0x82 e-acute, 0x81 u-umlaut, 0x80 C-cedilla, 0xA4 n-tilde, 0x9A U-umlaut. */
	static const uint8_t accented[] = {0x82, 0x81, 0x80, 0xA4, 0x9A};
	for (unsigned i = 0; i < sizeof(accented); i++)
		put_byte(0, i, accented[i]);
	/* Box drawing: 0xC9 top-left double corner, 0xCD double horizontal, 0xC4 single
	 * horizontal, 0xB3 single vertical, 0xBA double vertical; 0xDB full block. */
	static const uint8_t box[] = {0xC9, 0xCD, 0xC4, 0xB3, 0xBA, 0xDB};
	for (unsigned i = 0; i < sizeof(box); i++)
		put_byte(1, i, box[i]);
	expect_screen("euCnU\n+=-||#\n");
}

Test(vga_text, every_code_renders_printable)
{
	for (unsigned c = 0; c < 256; c++)
		put_byte(c / 80, c % 80, (uint8_t)c);
	char out[VGA_TEXT_RENDER_MAX];
	size_t n = vga_text_render(&mem, out, sizeof(out));
	cr_assert_gt(n, 0);
	for (size_t i = 0; i < n; i++)
		cr_assert(out[i] == '\n' || (out[i] >= 0x20 && out[i] <= 0x7E),
			  "byte %zu is 0x%02x", i, (unsigned char)out[i]);
	/* Printable ASCII passes through untouched. */
	for (unsigned c = 0x20; c < 0x7F; c++)
		cr_assert_eq(vga_cp437_to_ascii((uint8_t)c), (char)c);
	cr_assert_eq(vga_cp437_to_ascii(0x00), ' ');
}

Test(vga_text, no_break_space_is_blank)
{
	clear_screen();
	put_byte(3, 3, 0xFF); /* CP437 0xFF is a no-break space */
	expect_screen("");
}

Test(vga_text, truncates_like_snprintf)
{
	put(0, 0, "abcdef", 0x07);
	put(1, 0, "gh", 0x07);
	char out[5];
	memset(out, '#', sizeof(out));
	cr_assert_eq(vga_text_render(&mem, out, sizeof(out)), 10, "full length reported");
	cr_assert_str_eq(out, "abcd");
	cr_assert_eq(vga_text_render(&mem, NULL, 0), 10, "sizing call");
	char one[1] = {'#'};
	cr_assert_eq(vga_text_render(&mem, one, 1), 10);
	cr_assert_eq(one[0], '\0');
}

Test(vga_text_small, screen_outside_ram)
{
	/* 512 KiB of RAM ends below 0xB8000: nothing to show, and nothing to crash on. */
	struct guest_mem small;
	cr_assert_eq(gmem_alloc(&small, 512 << 10), 0);
	char out[16];
	memset(out, '#', sizeof(out));
	cr_assert_eq(vga_text_render(&small, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "");
	cr_assert(vga_text_blank(&small));
	gmem_free(&small);
}

Test(vga_text_small, ram_ending_inside_the_screen)
{
	struct guest_mem part;
	cr_assert_eq(gmem_alloc(&part, PLATFORM_VGA_TEXT + 100), 0);
	cr_assert(vga_text_blank(&part));
	cr_assert_eq(vga_text_render(&part, NULL, 0), 0);
	gmem_free(&part);
}
