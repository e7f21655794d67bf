/* int 11h (equipment), 12h (base memory), 18h (boot failure) and 19h (bootstrap loader). */
#include <stdio.h>

#include "vmm/firmware/bda.h"
#include "vmm/firmware/service.h"

/* Both read the BDA, not the VM's configuration: code that takes memory for itself lowers
 * 0x413 and expects int 12h to agree. */
void bios_int11(struct bios_env *env, struct bios_regs *r)
{
	set_lo16(&r->eax, bda_get16(env->mem, BDA_EQUIPMENT));
}

void bios_int12(struct bios_env *env, struct bios_regs *r)
{
	set_lo16(&r->eax, bda_get16(env->mem, BDA_MEMORY_KIB));
	bios_ok(r);
}

enum bios_outcome bios_int18(struct bios_env *env, struct bios_regs *r)
{
	(void)r;
	snprintf(env->why, sizeof(env->why),
		 "the guest called int 18h: its boot code found nothing to start");
	return BIOS_NO_BOOT;
}

/* The stub jumps to 0000:7C00 after this returns, so the registers are the boot entry's. */
enum bios_outcome bios_int19(struct bios_env *env, struct bios_regs *r)
{
	if (bios_load_boot_sector(env) != BIOS_CONTINUE)
		return BIOS_NO_BOOT;
	r->eax = r->ebx = r->ecx = r->esi = r->edi = r->ebp = 0;
	r->edx = env->boot_drive;
	return BIOS_CONTINUE;
}
