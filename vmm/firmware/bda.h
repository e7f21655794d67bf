/* The BIOS data area at 0x400 and the EBDA: field addresses and checked accessors. */
#ifndef TINYVMM_VMM_FIRMWARE_BDA_H
#define TINYVMM_VMM_FIRMWARE_BDA_H

#include <stdint.h>

#include "abi/bios_abi.h"
#include "vmm/guest_mem.h"

/* Linear addresses of the fields the tiny BIOS keeps (IBM PC/AT layout). */
#define BDA_COM_PORTS	    0x400 /* 4 words */
#define BDA_LPT_PORTS	    0x408 /* 3 words */
#define BDA_EBDA_SEGMENT    0x40E
#define BDA_EQUIPMENT	    0x410
#define BDA_MEMORY_KIB	    0x413
#define BDA_KBD_FLAGS	    0x417 /* and 0x418 */
#define BDA_KBD_HEAD	    0x41A
#define BDA_KBD_TAIL	    0x41C
#define BDA_KBD_BUFFER	    0x41E /* 16 words, offsets relative to segment 0x40 */
#define BDA_FLOPPY_STATUS   0x441
#define BDA_VIDEO_MODE	    0x449
#define BDA_VIDEO_COLS	    0x44A
#define BDA_VIDEO_PAGE_SIZE 0x44C
#define BDA_VIDEO_PAGE_OFF  0x44E
#define BDA_CURSOR_POS	    0x450 /* 8 pages x (column, row) */
#define BDA_CURSOR_SHAPE    0x460 /* end line, start line */
#define BDA_VIDEO_PAGE	    0x462
#define BDA_CRTC_PORT	    0x463
#define BDA_TICKS	    BIOS_BDA_TICKS
#define BDA_MIDNIGHT	    BIOS_BDA_MIDNIGHT
#define BDA_DISK_STATUS	    0x474
#define BDA_HARD_DISKS	    0x475
#define BDA_KBD_START	    0x480
#define BDA_KBD_END	    0x482
#define BDA_VIDEO_ROWS	    0x484 /* rows - 1 */
#define BDA_CHAR_HEIGHT	    0x485
#define BDA_END		    0x500

/* Offsets of the keyboard ring buffer relative to segment 0x40, as the BDA stores them. */
#define BDA_KBD_RING_START 0x1E
#define BDA_KBD_RING_END   0x3E

/* Reads return 0 and writes are dropped where RAM does not back the address. */
uint8_t bda_get8(const struct guest_mem *m, uint32_t addr);
uint16_t bda_get16(const struct guest_mem *m, uint32_t addr);
uint32_t bda_get32(const struct guest_mem *m, uint32_t addr);
void bda_put8(const struct guest_mem *m, uint32_t addr, uint8_t v);
void bda_put16(const struct guest_mem *m, uint32_t addr, uint16_t v);
void bda_put32(const struct guest_mem *m, uint32_t addr, uint32_t v);

#endif
