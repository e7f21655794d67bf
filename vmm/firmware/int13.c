/* int 13h: disk services over devices/disk.h, floppy as drive 00h and hard disks from 80h. */
#include <errno.h>
#include <string.h>

#include "vmm/firmware/bda.h"
#include "vmm/firmware/service.h"
#include "vmm/platform/layout.h"

/* Status codes from the PC/AT BIOS and the Phoenix EDD specification. */
#define ERR_WRITE_PROTECTED  0x03
#define ERR_SECTOR_NOT_FOUND 0x04
#define ERR_BOUNDARY	     0x09 /* the caller's buffer is not RAM */

#define EDD_CHECK	 0x55AA
#define EDD_PRESENT	 0xAA55
#define EDD_VERSION	 0x21	/* EDD 1.1: 42h-44h, 47h, 48h with the 30-byte result */
#define EDD_SUBSET_FIXED 0x0001 /* "fixed disk access" functions */
#define DAP_LEN		 0x10
#define DAP_FLAT_LEN	 0x18 /* + a 64-bit flat buffer address, used when seg:off = FFFF:FFFF */
#define PARAMS_LEN	 26
#define PARAMS_DPTE_LEN	 30
#define PARAMS_CHS_VALID 0x0002

#define TYPE_NONE	   0x00
#define TYPE_FLOPPY_NOLINE 0x01
#define TYPE_HARD	   0x03

struct disk *bios_drive(const struct bios_env *env, uint8_t dl)
{
	if (dl == 0x00)
		return env->floppy;
	if (dl >= 0x80 && dl < 0x80 + BIOS_MAX_HARD_DISKS)
		return env->hard[dl - 0x80];
	return NULL;
}

static unsigned hard_disk_count(const struct bios_env *env)
{
	unsigned n = 0;
	for (unsigned i = 0; i < BIOS_MAX_HARD_DISKS; i++)
		n += env->hard[i] != NULL;
	return n;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The status byte AH=01h reports, kept per drive class in the BDA, then CF/AH. `hard` is
 * the caller's DL bit 7 as it was on entry: AH=08h has replaced DL by then.
 */
static void finish(struct bios_env *env, struct bios_regs *r, bool hard, uint8_t status)
{
	bda_put8(env->mem, hard ? BDA_DISK_STATUS : BDA_FLOPPY_STATUS, status);
	if (status)
		bios_fail(r, status);
	else
		bios_ok_ah0(r);
}

static bool in_disk(const struct disk *d, uint64_t lba, uint64_t count)
{
	return lba <= d->sectors && count <= d->sectors - lba;
}

static bool geometry_ok(const struct disk *d)
{
	return d->chs.cylinders && d->chs.heads && d->chs.sectors;
}

static uint8_t transfer(struct disk *d, bool write, uint64_t lba, uint32_t count, void *buf)
{
	if (!in_disk(d, lba, count))
		return ERR_SECTOR_NOT_FOUND;
	int e = write ? disk_write(d, lba, count, buf) : disk_read(d, lba, count, buf);
	if (e == -EROFS)
		return ERR_WRITE_PROTECTED;
	return e ? ERR_SECTOR_NOT_FOUND : 0;
}

/* AH=02h/03h: AL sectors at CHS (CH, CL, DH) to or from ES:BX. */
static uint8_t chs_rw(struct bios_env *env, struct bios_regs *r, struct disk *d, bool write)
{
	unsigned count = reg_al(r);
	unsigned cl = r->ecx & 0xFF;
	unsigned cyl = hi8(r->ecx) | (cl & 0xC0) << 2;
	unsigned sector = cl & 0x3F;
	unsigned head = hi8(r->edx);
	set_lo8(&r->eax, 0); /* sectors transferred, unless all of them are */
	if (count == 0 || !geometry_ok(d))
		return BIOS_ERR_FUNCTION;
	if (sector == 0 || sector > d->chs.sectors || head >= d->chs.heads ||
	    cyl >= d->chs.cylinders)
		return ERR_SECTOR_NOT_FOUND;
	uint64_t lba = ((uint64_t)cyl * d->chs.heads + head) * d->chs.sectors + sector - 1;
	if (!in_disk(d, lba, count))
		return ERR_SECTOR_NOT_FOUND;
	void *buf = bios_ptr(env, r->es, lo16(r->ebx), (uint64_t)count * DISK_SECTOR);
	if (!buf)
		return ERR_BOUNDARY;
	uint8_t st = transfer(d, write, lba, count, buf);
	if (!st)
		set_lo8(&r->eax, (uint8_t)count);
	return st;
}

/* Drive type for AH=08h BL, from the image's geometry. */
static uint8_t floppy_type(const struct disk *d)
{
	switch (d->chs.sectors) {
	case 15:
		return 2; /* 1.2M */
	case 18:
		return 4; /* 1.44M */
	case 36:
		return 6; /* 2.88M */
	default:
		return d->chs.cylinders > 40 ? 3 : 1; /* 720K : 360K and smaller */
	}
}

/* The CH/CL/DH packing of the last addressable cylinder, head and sector. */
static void pack_geometry(struct bios_regs *r, const struct disk *d)
{
	unsigned cyls = d->chs.cylinders > 1024 ? 1024 : d->chs.cylinders;
	unsigned max_cyl = cyls - 1;
	unsigned heads = d->chs.heads > 256 ? 256 : d->chs.heads;
	unsigned spt = d->chs.sectors > 63 ? 63 : d->chs.sectors;
	set_lo16(&r->ecx, (uint16_t)((max_cyl & 0xFF) << 8 | (max_cyl >> 2 & 0xC0) | spt));
	set_hi8(&r->edx, (uint8_t)(heads - 1));
}

/* AH=08h. For a floppy the blob turns DI into ES:DI by setting ES to the BIOS segment. */
static uint8_t drive_params(struct bios_env *env, struct bios_regs *r, const struct disk *d)
{
	if (!d || !geometry_ok(d))
		return BIOS_ERR_FUNCTION;
	pack_geometry(r, d);
	if (r->edx & 0x80) {
		set_lo8(&r->edx, (uint8_t)hard_disk_count(env));
	} else {
		set_lo8(&r->edx, 1);
		set_lo16(&r->ebx, floppy_type(d));
		uint16_t table = bda_get16(env->mem, PLATFORM_BIOS_BASE + BIOS_HDR_FLOPPY_TABLE);
		set_lo16(&r->edi, table);
	}
	set_lo8(&r->eax, 0);
	return 0;
}

/* AH=15h reports "no such drive" as a type with CF clear, not as an error. */
static void disk_type(struct bios_regs *r, const struct disk *d)
{
	bios_ok(r);
	if (!d) {
		set_hi8(&r->eax, TYPE_NONE);
		return;
	}
	if (!(r->edx & 0x80)) {
		set_hi8(&r->eax, TYPE_FLOPPY_NOLINE);
		return;
	}
	uint64_t n = d->sectors > UINT32_MAX ? UINT32_MAX : d->sectors;
	set_hi8(&r->eax, TYPE_HARD);
	set_lo16(&r->ecx, (uint16_t)(n >> 16));
	set_lo16(&r->edx, (uint16_t)n);
}

/* AH=42h/43h/44h/47h: the disk address packet at DS:SI. */
static uint8_t extended_rw(struct bios_env *env, struct bios_regs *r, struct disk *d, uint8_t fn)
{
	uint8_t *dap = bios_ptr(env, r->ds, lo16(r->esi), DAP_LEN);
	if (!dap || dap[0] < DAP_LEN)
		return BIOS_ERR_FUNCTION;
	uint32_t count = le16(dap + 2);
	uint16_t off = le16(dap + 4), seg = le16(dap + 6);
	uint64_t lba = le64(dap + 8);
	uint64_t bytes = (uint64_t)count * DISK_SECTOR;

	if (fn == 0x47 || fn == 0x44) /* seek, verify: nothing moves */
		return in_disk(d, lba, fn == 0x47 ? 1 : count) ? 0 : ERR_SECTOR_NOT_FOUND;

	void *buf;
	if (off == 0xFFFF && seg == 0xFFFF) {
		uint8_t *flat = bios_ptr(env, r->ds, lo16(r->esi), DAP_FLAT_LEN);
		if (dap[0] < DAP_FLAT_LEN || !flat)
			return BIOS_ERR_FUNCTION;
		buf = gmem_ptr(env->mem, le64(flat + DAP_LEN), bytes);
	} else {
		buf = bios_ptr(env, seg, off, bytes);
	}
	uint8_t st = buf ? transfer(d, fn == 0x43, lba, count, buf) : ERR_BOUNDARY;
	if (st)
		put_le(dap + 2, 0, 2); /* blocks transferred */
	return st;
}

/* AH=48h: the 26-byte result, or 30 bytes with "no DPTE" when the caller's buffer allows. */
static uint8_t ext_params(struct bios_env *env, struct bios_regs *r, const struct disk *d)
{
	uint8_t *p = bios_ptr(env, r->ds, lo16(r->esi), 2);
	if (!p || le16(p) < PARAMS_LEN)
		return BIOS_ERR_FUNCTION;
	unsigned n = le16(p) >= PARAMS_DPTE_LEN ? PARAMS_DPTE_LEN : PARAMS_LEN;
	p = bios_ptr(env, r->ds, lo16(r->esi), n);
	if (!p)
		return BIOS_ERR_FUNCTION;
	uint64_t chs = (uint64_t)d->chs.cylinders * d->chs.heads * d->chs.sectors;
	memset(p, 0, n);
	put_le(p + 0, n, 2);
	put_le(p + 2, chs && chs <= d->sectors ? PARAMS_CHS_VALID : 0, 2);
	put_le(p + 4, d->chs.cylinders, 4);
	put_le(p + 8, d->chs.heads, 4);
	put_le(p + 12, d->chs.sectors, 4);
	put_le(p + 16, d->sectors, 8);
	put_le(p + 24, DISK_SECTOR, 2);
	if (n == PARAMS_DPTE_LEN)
		put_le(p + 26, 0xFFFFFFFF, 4);
	return 0;
}

void bios_int13(struct bios_env *env, struct bios_regs *r)
{
	uint8_t dl = (uint8_t)r->edx;
	uint8_t fn = reg_ah(r);
	struct disk *d = bios_drive(env, dl);
	bool hard = dl & 0x80;

	switch (fn) {
	case 0x00:
		finish(env, r, hard, d ? 0 : BIOS_ERR_FUNCTION);
		return;
	case 0x01: {
		uint8_t st = bda_get8(env->mem, hard ? BDA_DISK_STATUS : BDA_FLOPPY_STATUS);
		if (st)
			bios_fail(r, st);
		else
			bios_ok_ah0(r);
		return;
	}
	case 0x02:
	case 0x03:
		finish(env, r, hard, d ? chs_rw(env, r, d, fn == 0x03) : BIOS_ERR_FUNCTION);
		return;
	case 0x08:
		finish(env, r, hard, drive_params(env, r, d));
		return;
	case 0x15:
		disk_type(r, d);
		return;
	case 0x41:
		if (!d || !hard || lo16(r->ebx) != EDD_CHECK) {
			bios_fail(r, BIOS_ERR_FUNCTION);
			return;
		}
		set_lo16(&r->ebx, EDD_PRESENT);
		set_lo16(&r->ecx, EDD_SUBSET_FIXED);
		set_hi8(&r->eax, EDD_VERSION);
		bios_ok(r);
		return;
	case 0x42:
	case 0x43:
	case 0x44:
	case 0x47:
		finish(env, r, hard, d && hard ? extended_rw(env, r, d, fn) : BIOS_ERR_FUNCTION);
		return;
	case 0x48:
		finish(env, r, hard, d && hard ? ext_params(env, r, d) : BIOS_ERR_FUNCTION);
		return;
	default: /* includes 4Bh: no CD-ROM emulation, which GRUB must see fail */
		bios_unknown(r);
		return;
	}
}
