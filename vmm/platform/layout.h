/* Where the platform's firmware pieces live in the top of the first MiB (the E820 map reserves it). */
#ifndef TINYVMM_VMM_PLATFORM_LAYOUT_H
#define TINYVMM_VMM_PLATFORM_LAYOUT_H

/*
 * 0x9FC00-0x9FFFF  EBDA (1 KiB; its segment is stored at BDA 0x40E)
 * 0xB8000-0xB8F9F  VGA text screen, 80x25 cells (plain RAM)
 * 0xE0000-0xE7FFF  ACPI tables (RSDP first, at 0xE0000)
 * 0xE8000-0xEFFFF  MP configuration table
 * 0xF0000-0xF7FFF  the BIOS blob (vmm/firmware/bios.asm), at most 32 KiB
 * 0xFFF00-0xFFF0F  MP floating pointer (the MP spec wants it in 0xF0000-0xFFFFF)
 */
#define PLATFORM_EBDA_BASE   0x9FC00ULL
#define PLATFORM_VGA_TEXT    0xB8000ULL
#define PLATFORM_VGA_COLS    80
#define PLATFORM_VGA_ROWS    25
#define PLATFORM_ACPI_BASE   0xE0000ULL
#define PLATFORM_ACPI_END    0xE8000ULL
#define PLATFORM_MP_CONFIG   0xE8000ULL
#define PLATFORM_MP_END      0xF0000ULL
#define PLATFORM_BIOS_BASE   0xF0000ULL
#define PLATFORM_BIOS_MAX    0x8000ULL
#define PLATFORM_MP_FLOAT    0xFFF00ULL

#endif
