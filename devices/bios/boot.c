/* Firmware boot, step 2: the boot sector of the boot drive at 0000:7C00 and the entry state. */
#include <stdio.h>

#include "devices/bios/service.h"

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
