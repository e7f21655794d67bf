/* bios_service(): routes a trapped BIOS call to the handler of its vector. */
#include "vmm/firmware/service.h"

void bios_unknown(struct bios_regs *r)
{
	bios_fail(r, BIOS_ERR_FUNCTION);
}

enum bios_outcome bios_service(struct bios_env *env, unsigned vector, struct bios_regs *r)
{
	switch (vector) {
	case 0x10:
		bios_int10(env, r);
		break;
	case 0x11:
		bios_int11(env, r);
		break;
	case 0x12:
		bios_int12(env, r);
		break;
	case 0x13:
		bios_int13(env, r);
		break;
	case 0x14:
		bios_int14(env, r);
		break;
	case 0x15:
		bios_int15(env, r);
		break;
	case 0x16:
		bios_int16(env, r);
		break;
	case 0x18:
		return bios_int18(env, r);
	case 0x19:
		return bios_int19(env, r);
	case 0x1A:
		bios_int1a(env, r);
		break;
	default:
		bios_unknown(r);
		break;
	}
	return BIOS_CONTINUE;
}
