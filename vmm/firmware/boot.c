/* Firmware boot, step 2: the boot sector of the boot drive at 0000:7C00 and the entry state. */
#include <stdio.h>

#include "vmm/firmware/service.h"

#define BOOT_SIGNATURE_OFF 510

static enum bios_outcome no_boot(struct bios_env *env, const struct disk *d, const char *reason)
{
	if (d)
		snprintf(env->why, sizeof(env->why), "drive 0x%02x (%s) %s", env->boot_drive,
			 d->path ? d->path : "unnamed image", reason);
	else
		snprintf(env->why, sizeof(env->why), "drive 0x%02x %s", env->boot_drive, reason);
	return BIOS_NO_BOOT;
}

#define MBR_PARTITIONS 446
#define MBR_ENTRY      16

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * A hard disk whose MBR partition table names sectors the image does not have was cut
 * short (a truncated file system): loaders such as GRUB spin forever on the read errors,
 * so the firmware refuses it up front. Only a plausible table is judged (every boot
 * indicator 0x00 or 0x80), so boot code in a partitionless disk's first sector is left
 * alone. Returns the 1-based bad entry, or 0.
 */
static unsigned partition_past_end(const uint8_t *mbr, uint64_t sectors)
{
	for (unsigned i = 0; i < 4; i++) {
		uint8_t flag = mbr[MBR_PARTITIONS + i * MBR_ENTRY];
		if (flag != 0x00 && flag != 0x80)
			return 0;
	}
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = mbr + MBR_PARTITIONS + i * MBR_ENTRY;
		uint64_t start = le32_at(e + 8), count = le32_at(e + 12);
		if (e[4] != 0 && count != 0 && start + count > sectors)
			return i + 1;
	}
	return 0;
}

enum bios_outcome bios_load_boot_sector(struct bios_env *env)
{
	struct disk *d = bios_drive(env, env->boot_drive);
	if (!d)
		return no_boot(env, NULL, "has no disk");
	if (d->size == 0)
		return no_boot(env, d, "is empty");
	if (d->sectors == 0)
		return no_boot(env, d, "is shorter than one 512-byte sector");
	uint8_t *dst = gmem_ptr(env->mem, BIOS_BOOT_ADDR, DISK_SECTOR);
	if (!dst)
		return no_boot(env, d, "cannot be loaded: guest RAM does not cover 0x7C00");
	if (disk_read(d, 0, 1, dst))
		return no_boot(env, d, "could not be read");
	if (dst[BOOT_SIGNATURE_OFF] != 0x55 || dst[BOOT_SIGNATURE_OFF + 1] != 0xAA)
		return no_boot(env, d, "has no boot signature (0xAA55 at offset 510)");
	unsigned bad = d->kind == DISK_HARD ? partition_past_end(dst, d->sectors) : 0;
	if (bad) {
		char reason[96];
		snprintf(reason, sizeof(reason),
			 "has partition %u running past its end (%llu sectors): truncated?", bad,
			 (unsigned long long)d->sectors);
		return no_boot(env, d, reason);
	}
	return BIOS_CONTINUE;
}

enum bios_outcome bios_boot(struct bios_env *env, struct bios_entry *entry)
{
	enum bios_outcome o = bios_load_boot_sector(env);
	if (o != BIOS_CONTINUE)
		return o;
	*entry = (struct bios_entry){
	    .cs = 0,
	    .ip = BIOS_BOOT_ADDR,
	    .ss = 0,
	    .sp = BIOS_BOOT_ADDR, /* the first push lands just below the boot sector */
	    .ds = 0,
	    .es = 0,
	    .edx = env->boot_drive,
	    .eflags = 0x202,
	};
	return BIOS_CONTINUE;
}
