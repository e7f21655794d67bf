/* Reads the guest's 80x25 VGA text screen back as plain ASCII lines, for showing it on the host. */
#ifndef TINYVMM_VMM_PLATFORM_VGA_TEXT_H
#define TINYVMM_VMM_PLATFORM_VGA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"
#include "vmm/platform/layout.h"

/* Longest rendering: every row full, each with its newline, plus the terminating NUL. */
#define VGA_TEXT_RENDER_MAX (PLATFORM_VGA_ROWS * (PLATFORM_VGA_COLS + 1) + 1)

/*
 * The screen at PLATFORM_VGA_TEXT as text: one '\n'-terminated line per row, attributes
 * ignored, characters mapped by vga_cp437_to_ascii(), trailing blanks of each row trimmed
 * and trailing empty rows dropped (leading and inner empty rows stay, so the layout does).
 * snprintf-like: writes at most cap - 1 characters and a NUL when cap > 0 (out may be NULL
 * when cap is 0) and returns the full rendering's length. A screen that guest RAM does not
 * back renders as "". The screen is copied once first, so a guest writing to it meanwhile
 * cannot make the result inconsistent.
 */
size_t vga_text_render(const struct guest_mem *m, char *out, size_t cap);

/* True when the screen renders to "": every cell NUL, a space or CP437's no-break space. */
bool vga_text_blank(const struct guest_mem *m);

/*
 * One CP437 code as printable ASCII: 0x20-0x7E as they are, NUL and no-break space as a
 * space, accented letters as their base letter, box drawing as '|', '-', '=' or '+',
 * shading and blocks as '#', a few symbols as look-alikes, anything else as '?'.
 */
char vga_cp437_to_ascii(uint8_t c);

#endif
