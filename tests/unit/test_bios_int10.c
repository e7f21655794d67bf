/* Unit tests of int 10h: teletype to the console and the VGA text buffer, cursor, scrolling. */
#include "tests/unit/test_bios_fixture.h"

#define VGA	     0xB8000ULL
#define CURSOR0	     0x450
#define CELL(r, c)   (VGA + 2 * ((r)*80 + (c)))
#define PAGE_BYTES   0x1000
#define SCREEN_CELLS 2000

static struct bios_bench b;

static void setup(void)
{
	bench_open(&b, 16 * MIB_, EPOCH_2012_06_15_123000);
}

static void teardown(void)
{
	bench_close(&b);
}

TestSuite(bios_int10, .init = setup, .fini = teardown);

static void tty(char c)
{
	struct bios_regs r = regs_ax((uint16_t)(0x0E00 | (uint8_t)c));
	call(&b, 0x10, &r);
}

static void tty_str(const char *s)
{
	while (*s)
		tty(*s++);
}

static void set_cursor(unsigned page, unsigned row, unsigned col)
{
	struct bios_regs r = regs_ax(0x0200);
	r.ebx = page << 8;
	r.edx = row << 8 | col;
	call(&b, 0x10, &r);
}

static uint8_t ch_at(unsigned row, unsigned col)
{
	return *gp(&b, CELL(row, col), 1);
}

Test(bios_int10, teletype_writes_console_screen_and_moves_cursor)
{
	tty_str("Hi");
	cr_assert_eq(b.console.len, 2);
	cr_assert_eq(memcmp(b.console.buf, "Hi", 2), 0);
	cr_assert_eq(ch_at(0, 0), 'H');
	cr_assert_eq(ch_at(0, 1), 'i');
	cr_assert_eq(rd16(&b, CURSOR0), 0x0002, "column 2, row 0");
}

Test(bios_int10, carriage_return_and_line_feed)
{
	tty_str("ab\r\nc");
	cr_assert_eq(ch_at(1, 0), 'c');
	cr_assert_eq(rd16(&b, CURSOR0), 0x0101);
	cr_assert_eq(b.console.len, 5, "the console gets CR and LF too");
}

Test(bios_int10, backspace_moves_left_but_not_past_column_0)
{
	tty_str("xy\b");
	cr_assert_eq(rd16(&b, CURSOR0), 0x0001);
	cr_assert_eq(ch_at(0, 1), 'y', "BS does not erase");
	tty_str("\b\b\b");
	cr_assert_eq(rd16(&b, CURSOR0), 0x0000);
}

Test(bios_int10, wraps_at_column_80)
{
	set_cursor(0, 3, 79);
	tty_str("AB");
	cr_assert_eq(ch_at(3, 79), 'A');
	cr_assert_eq(ch_at(4, 0), 'B');
	cr_assert_eq(rd16(&b, CURSOR0), 0x0401);
}

Test(bios_int10, scrolls_at_the_bottom)
{
	set_cursor(0, 1, 0);
	tty('1');
	set_cursor(0, 24, 0);
	tty_str("last");
	tty_str("\r\n");
	cr_assert_eq(ch_at(0, 0), '1', "row 1 moved up to row 0");
	cr_assert_eq(ch_at(23, 0), 'l');
	cr_assert_eq(ch_at(23, 3), 't');
	for (unsigned c = 0; c < 80; c++) {
		cr_assert_eq(ch_at(24, c), ' ');
		cr_assert_eq(*gp(&b, CELL(24, c) + 1, 1), 0x07, "blank line is grey on black");
	}
	cr_assert_eq(rd16(&b, CURSOR0), 24 << 8, "cursor stays on the last row");
}

Test(bios_int10, writing_the_last_cell_scrolls)
{
	set_cursor(0, 24, 79);
	tty('Z');
	cr_assert_eq(ch_at(23, 79), 'Z');
	cr_assert_eq(rd16(&b, CURSOR0), 24 << 8);
}

Test(bios_int10, out_of_range_cursor_in_bda_is_clamped)
{
	uint8_t *after = gp(&b, VGA + SCREEN_CELLS * 2, 96);
	memset(after, 0x5A, 96);
	wr16(&b, CURSOR0, 0xC8FF); /* row 200, column 255 */
	tty('Q');
	for (unsigned i = 0; i < 96; i++)
		cr_assert_eq(after[i], 0x5A, "nothing written past the screen");
	cr_assert_eq(ch_at(23, 79), 'Q', "written at the last cell, then scrolled");
}

Test(bios_int10, write_char_attr_repeats_without_moving_cursor)
{
	set_cursor(0, 2, 10);
	struct bios_regs r = regs_ax(0x0900 | '*');
	r.ebx = 0x001E; /* page 0, yellow on blue */
	r.ecx = 5;
	call(&b, 0x10, &r);
	for (unsigned c = 10; c < 15; c++) {
		cr_assert_eq(ch_at(2, c), '*');
		cr_assert_eq(*gp(&b, CELL(2, c) + 1, 1), 0x1E);
	}
	cr_assert_neq(ch_at(2, 15), '*');
	cr_assert_eq(rd16(&b, CURSOR0), 2 << 8 | 10);
	cr_assert_eq(b.console.len, 0, "09h is drawn, not sent: GRUB follows it with 0Eh");
}

Test(bios_int10, write_char_repeat_count_bounded_by_the_page)
{
	uint8_t *next_page = gp(&b, VGA + SCREEN_CELLS * 2, PAGE_BYTES);
	memset(next_page, 0x5A, PAGE_BYTES);
	set_cursor(0, 24, 70);
	struct bios_regs r = regs_ax(0x0900 | '#');
	r.ebx = 0x0007;
	r.ecx = 0xFFFF;
	call(&b, 0x10, &r);
	cr_assert_eq(ch_at(24, 79), '#');
	for (unsigned i = 0; i < PAGE_BYTES; i++)
		cr_assert_eq(next_page[i], 0x5A);
}

Test(bios_int10, write_char_only_keeps_attribute)
{
	*gp(&b, CELL(0, 0) + 1, 1) = 0x4F;
	struct bios_regs r = regs_ax(0x0A00 | 'k');
	r.ebx = 0x0012;
	r.ecx = 1;
	call(&b, 0x10, &r);
	cr_assert_eq(ch_at(0, 0), 'k');
	cr_assert_eq(*gp(&b, CELL(0, 0) + 1, 1), 0x4F);
}

Test(bios_int10, get_cursor_returns_position_and_shape)
{
	set_cursor(0, 7, 33);
	struct bios_regs r = regs_ax(0x0100);
	r.ecx = 0x0D0E;
	call(&b, 0x10, &r);
	r = regs_ax(0x0300);
	call(&b, 0x10, &r);
	cr_assert_eq(r.edx & 0xFFFF, 7 << 8 | 33);
	cr_assert_eq(r.ecx & 0xFFFF, 0x0D0E);
}

Test(bios_int10, pages_have_their_own_cursor_and_buffer)
{
	set_cursor(3, 1, 2);
	struct bios_regs r = regs_ax(0x0E00 | 'p');
	r.ebx = 0x0300;
	call(&b, 0x10, &r);
	cr_assert_eq(*gp(&b, VGA + 3 * PAGE_BYTES + 2 * (80 + 2), 1), 'p');
	cr_assert_eq(rd16(&b, CURSOR0 + 6), 1 << 8 | 3);
	cr_assert_eq(rd16(&b, CURSOR0), 0, "page 0's cursor untouched");
}

Test(bios_int10, set_mode_clears_and_get_mode_reports_80x25)
{
	tty_str("dirty");
	struct bios_regs r = regs_ax(0x0003);
	call(&b, 0x10, &r);
	for (unsigned i = 0; i < SCREEN_CELLS; i++)
		cr_assert_eq(rd16(&b, VGA + 2 * i), 0x0720);
	cr_assert_eq(rd16(&b, CURSOR0), 0);
	r = regs_ax(0x0F00);
	call(&b, 0x10, &r);
	cr_assert_eq(AL(&r), 3);
	cr_assert_eq(AH(&r), 80);
	cr_assert_eq((r.ebx >> 8) & 0xFF, 0);
}

Test(bios_int10, set_mode_with_bit_7_keeps_the_screen)
{
	tty_str("keep");
	struct bios_regs r = regs_ax(0x0083);
	call(&b, 0x10, &r);
	cr_assert_eq(ch_at(0, 0), 'k');
}

Test(bios_int10, unknown_function_fails)
{
	struct bios_regs r = regs_ax(0x4F00);
	call(&b, 0x10, &r);
	cr_assert(CF(&r));
	cr_assert_eq(AH(&r), 1);
}

Test(bios_int10, no_text_buffer_in_a_tiny_guest_still_prints)
{
	struct bios_bench small;
	bench_open(&small, 512 * KIB_, EPOCH_2012_06_15_123000);
	struct bios_regs r = regs_ax(0x0E00 | 'x');
	bios_service(&small.env, 0x10, &r);
	r = regs_ax(0x0900 | 'x');
	r.ecx = 100;
	bios_service(&small.env, 0x10, &r);
	r = regs_ax(0x0003);
	bios_service(&small.env, 0x10, &r);
	cr_assert_eq(small.console.len, 1);
	cr_assert_eq(small.console.buf[0], 'x');
	bench_close(&small);
}
