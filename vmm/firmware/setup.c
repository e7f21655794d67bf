/* Firmware boot, step 1: the blob at 0xF0000, the IVT, the BIOS data area and the EBDA. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/errf.h"
#include "devices/uart.h"
#include "vmm/firmware/bda.h"
#include "vmm/firmware/blob.h"
#include "vmm/firmware/service.h"
#include "vmm/platform/layout.h"

#define IVT_VECTORS   256
#define VEC_IRQ0      0x08
#define VEC_IRQ8      0x70
#define VEC_FLOPPY    0x1E
#define VEC_DISK0     0x41
#define VEC_DISK1     0x46
#define COM1_PORT     UART_COM1_BASE
#define CRTC_COLOUR   0x3D4
#define CHAR_HEIGHT   16
#define CURSOR_LINE   0x0607
#define VGA_BLANK     0x0720 /* a space, light grey on black */
#define SECONDS_A_DAY 86400

/* Equipment word (int 11h) bits, IBM PC/AT. */
#define EQ_FLOPPY	0x0001
#define EQ_FPU		0x0002
#define EQ_VIDEO_80	0x0020 /* initial video: 80x25 colour */
#define EQ_SERIAL_SHIFT 9

static uint16_t hdr16(const uint8_t *img, unsigned off)
{
	return (uint16_t)(img[off] | img[off + 1] << 8);
}

/* Every offset the VMM will put in the IVT must point inside the image. */
static int check_image(struct bios_env *env, const uint8_t *img, size_t size)
{
	if (size < BIOS_HDR_LEN || size > PLATFORM_BIOS_MAX)
		return errf(env->why, sizeof(env->why), -EINVAL,
			    "BIOS image of %zu bytes (the header needs %u, at most %u)", size,
			    BIOS_HDR_LEN, (unsigned)PLATFORM_BIOS_MAX);
	if (memcmp(img + BIOS_HDR_MAGIC, BIOS_MAGIC, BIOS_MAGIC_LEN))
		return errf(env->why, sizeof(env->why), -EINVAL, "BIOS image lacks the %s magic",
			    BIOS_MAGIC);
	if (hdr16(img, BIOS_HDR_VERSION) != BIOS_ABI_VERSION)
		return errf(env->why, sizeof(env->why), -EINVAL,
			    "BIOS image has ABI version %u, this VMM speaks %u",
			    hdr16(img, BIOS_HDR_VERSION), BIOS_ABI_VERSION);
	if (hdr16(img, BIOS_HDR_HEADER_LEN) < BIOS_HDR_LEN || hdr16(img, BIOS_HDR_BLOB_LEN) != size)
		return errf(env->why, sizeof(env->why), -EINVAL,
			    "BIOS image header gives wrong lengths");
	if (hdr16(img, BIOS_HDR_STUBS) != BIOS_STUB_TABLE ||
	    hdr16(img, BIOS_HDR_STUB_STRIDE) != BIOS_STUB_STRIDE ||
	    img[BIOS_HDR_STUB_FIRST] != BIOS_STUB_FIRST ||
	    img[BIOS_HDR_STUB_COUNT] != BIOS_STUB_COUNT ||
	    BIOS_STUB_TABLE + BIOS_STUB_COUNT * BIOS_STUB_STRIDE > size)
		return errf(env->why, sizeof(env->why), -EINVAL,
			    "BIOS image's stub table is not where the ABI puts it");
	static const struct {
		unsigned field, len;
	} parts[] = {
	    {BIOS_HDR_IRET, 1},
	    {BIOS_HDR_IRQ0, 1},
	    {BIOS_HDR_IRQ_MASTER, 1},
	    {BIOS_HDR_IRQ_SLAVE, 1},
	    {BIOS_HDR_INT13, 1},
	    {BIOS_HDR_INT16, 1},
	    {BIOS_HDR_FLOPPY_TABLE, BIOS_FLOPPY_TABLE_LEN},
	    {BIOS_HDR_DISK_TABLE0, BIOS_DISK_TABLE_LEN},
	    {BIOS_HDR_DISK_TABLE1, BIOS_DISK_TABLE_LEN},
	};
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		unsigned off = hdr16(img, parts[i].field);
		if (off < BIOS_HDR_LEN || off + parts[i].len > size)
			return errf(env->why, sizeof(env->why), -EINVAL,
				    "BIOS image header field %u points outside it", parts[i].field);
	}
	return 0;
}

static void set_vector(const struct guest_mem *m, unsigned vec, uint16_t off)
{
	bda_put16(m, vec * 4, off);
	bda_put16(m, vec * 4 + 2, BIOS_SEGMENT);
}

static void fill_ivt(const struct guest_mem *m, const uint8_t *img)
{
	for (unsigned v = 0; v < IVT_VECTORS; v++)
		set_vector(m, v, hdr16(img, BIOS_HDR_IRET));
	set_vector(m, VEC_IRQ0, hdr16(img, BIOS_HDR_IRQ0));
	for (unsigned v = VEC_IRQ0 + 1; v < VEC_IRQ0 + 8; v++)
		set_vector(m, v, hdr16(img, BIOS_HDR_IRQ_MASTER));
	for (unsigned v = VEC_IRQ8; v < VEC_IRQ8 + 8; v++)
		set_vector(m, v, hdr16(img, BIOS_HDR_IRQ_SLAVE));
	for (unsigned i = 0; i < BIOS_STUB_COUNT; i++) {
		unsigned v = BIOS_STUB_FIRST + i;
		if (v != 0x17) /* no printer service: the default IRET */
			set_vector(m, v, (uint16_t)(BIOS_STUB_TABLE + i * BIOS_STUB_STRIDE));
	}
	/* These two have a little code in the blob before their stub (see bios.asm). */
	set_vector(m, 0x13, hdr16(img, BIOS_HDR_INT13));
	set_vector(m, 0x16, hdr16(img, BIOS_HDR_INT16));
	set_vector(m, VEC_FLOPPY, hdr16(img, BIOS_HDR_FLOPPY_TABLE));
	set_vector(m, VEC_DISK0, hdr16(img, BIOS_HDR_DISK_TABLE0));
	set_vector(m, VEC_DISK1, hdr16(img, BIOS_HDR_DISK_TABLE1));
}

/* The 1.44 MB table in the blob, corrected to the inserted floppy's sectors per track. */
static void patch_floppy_table(struct bios_env *env, uint8_t *table)
{
	const struct disk *d = env->floppy;
	if (d && d->chs.sectors && d->chs.sectors < 256)
		table[4] = (uint8_t)d->chs.sectors;
}

/* INT 41h/46h fixed disk parameter table (PC/AT layout) from the BIOS-translated geometry. */
static void fill_disk_table(uint8_t *t, const struct disk *d)
{
	memset(t, 0, BIOS_DISK_TABLE_LEN);
	if (!d)
		return;
	unsigned cyls = d->chs.cylinders > 1024 ? 1024 : d->chs.cylinders;
	unsigned heads = d->chs.heads > 255 ? 255 : d->chs.heads;
	unsigned spt = d->chs.sectors > 63 ? 63 : d->chs.sectors;
	t[0] = (uint8_t)cyls;
	t[1] = (uint8_t)(cyls >> 8);
	t[2] = (uint8_t)heads;
	t[5] = 0xFF; /* write precompensation: none */
	t[6] = 0xFF;
	t[8] = heads > 8 ? 0x08 : 0x00;
	t[12] = (uint8_t)cyls; /* landing zone */
	t[13] = (uint8_t)(cyls >> 8);
	t[14] = (uint8_t)spt;
}

/* BDA ticks since midnight from the RTC, so int 1Ah/00h and the RTC agree at boot. */
static uint32_t ticks_now(struct bios_env *env)
{
	struct bios_rtc_time t;
	if (bios_rtc_read(env->bus, &t))
		return 0;
	uint64_t secs = ((uint64_t)t.hour * 60 + t.min) * 60 + t.sec;
	if (secs >= SECONDS_A_DAY)
		return 0;
	return (uint32_t)(secs * BIOS_TICKS_PER_DAY / SECONDS_A_DAY);
}

static void fill_bda(struct bios_env *env)
{
	const struct guest_mem *m = env->mem;
	memset(gmem_ptr(m, BDA_COM_PORTS, BDA_END - BDA_COM_PORTS), 0, BDA_END - BDA_COM_PORTS);

	bool com1 = env->bus && bus_find(env->bus, COM1_PORT);
	unsigned hard = 0;
	for (unsigned i = 0; i < BIOS_MAX_HARD_DISKS; i++)
		hard += env->hard[i] != NULL;
	uint16_t eq = EQ_FPU | EQ_VIDEO_80 | (uint16_t)(com1 << EQ_SERIAL_SHIFT);
	if (env->floppy)
		eq |= EQ_FLOPPY; /* bits 7-6 (drives - 1) stay 0: one drive */

	if (com1)
		bda_put16(m, BDA_COM_PORTS, COM1_PORT);
	bda_put16(m, BDA_EBDA_SEGMENT, (uint16_t)(PLATFORM_EBDA_BASE >> 4));
	bda_put16(m, BDA_EQUIPMENT, eq);
	bda_put16(m, BDA_MEMORY_KIB, (uint16_t)(PLATFORM_EBDA_BASE >> 10));
	bda_put16(m, BDA_KBD_HEAD, BDA_KBD_RING_START);
	bda_put16(m, BDA_KBD_TAIL, BDA_KBD_RING_START);
	bda_put16(m, BDA_KBD_START, BDA_KBD_RING_START);
	bda_put16(m, BDA_KBD_END, BDA_KBD_RING_END);
	bda_put8(m, BDA_VIDEO_MODE, 3);
	bda_put16(m, BDA_VIDEO_COLS, PLATFORM_VGA_COLS);
	bda_put16(m, BDA_VIDEO_PAGE_SIZE, 0x1000);
	bda_put16(m, BDA_CURSOR_SHAPE, CURSOR_LINE);
	bda_put16(m, BDA_CRTC_PORT, CRTC_COLOUR);
	bda_put8(m, BDA_VIDEO_ROWS, PLATFORM_VGA_ROWS - 1);
	bda_put16(m, BDA_CHAR_HEIGHT, CHAR_HEIGHT);
	bda_put8(m, BDA_HARD_DISKS, (uint8_t)hard);
	bda_put32(m, BDA_TICKS, ticks_now(env));
}

static void clear_screen(const struct guest_mem *m)
{
	uint8_t *cells = gmem_ptr(m, PLATFORM_VGA_TEXT, PLATFORM_VGA_COLS * PLATFORM_VGA_ROWS * 2);
	for (unsigned i = 0; cells && i < PLATFORM_VGA_COLS * PLATFORM_VGA_ROWS; i++) {
		cells[2 * i] = (uint8_t)VGA_BLANK;
		cells[2 * i + 1] = (uint8_t)(VGA_BLANK >> 8);
	}
}

int bios_install_image(struct bios_env *env, const uint8_t *image, size_t size)
{
	if (!env || !env->mem || !image)
		return -EINVAL;
	int err = check_image(env, image, size);
	if (err)
		return err;
	if (!gmem_ptr(env->mem, 0, GUEST_HIGH_MEM))
		return errf(env->why, sizeof(env->why), -ENOSPC,
			    "firmware boot needs guest RAM over the whole first MiB");

	uint8_t *blob = gmem_ptr(env->mem, PLATFORM_BIOS_BASE, size);
	memcpy(blob, image, size);
	patch_floppy_table(env, blob + hdr16(image, BIOS_HDR_FLOPPY_TABLE));
	fill_disk_table(blob + hdr16(image, BIOS_HDR_DISK_TABLE0), env->hard[0]);
	fill_disk_table(blob + hdr16(image, BIOS_HDR_DISK_TABLE1), env->hard[1]);

	fill_ivt(env->mem, image);
	fill_bda(env);

	uint8_t *ebda = gmem_ptr(env->mem, PLATFORM_EBDA_BASE, GUEST_VGA_BASE - PLATFORM_EBDA_BASE);
	memset(ebda, 0, GUEST_VGA_BASE - PLATFORM_EBDA_BASE);
	ebda[0] = (uint8_t)((GUEST_VGA_BASE - PLATFORM_EBDA_BASE) >> 10); /* its size in KiB */

	clear_screen(env->mem);
	return 0;
}

int bios_install(struct bios_env *env)
{
	return bios_install_image(env, bios_blob_data(), bios_blob_size());
}
