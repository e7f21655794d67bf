/* int 1Ah: the BDA tick count and the RTC's time and date, always in BCD as callers expect. */
#include "vmm/firmware/bda.h"
#include "vmm/firmware/service.h"

void bios_int1a(struct bios_env *env, struct bios_regs *r)
{
	struct bios_rtc_time t;
	switch (reg_ah(r)) {
	case 0x00: { /* the midnight flag is cleared by reading it */
		uint32_t ticks = bda_get32(env->mem, BDA_TICKS);
		set_lo16(&r->ecx, (uint16_t)(ticks >> 16));
		set_lo16(&r->edx, (uint16_t)ticks);
		set_lo8(&r->eax, bda_get8(env->mem, BDA_MIDNIGHT));
		bda_put8(env->mem, BDA_MIDNIGHT, 0);
		break;
	}
	case 0x01:
		bda_put32(env->mem, BDA_TICKS, (uint32_t)lo16(r->ecx) << 16 | lo16(r->edx));
		bda_put8(env->mem, BDA_MIDNIGHT, 0);
		break;
	case 0x02:
		if (bios_rtc_read(env->bus, &t)) {
			bios_fail(r, BIOS_ERR_FUNCTION);
			return;
		}
		set_hi8(&r->ecx, bios_to_bcd(t.hour));
		set_lo8(&r->ecx, bios_to_bcd(t.min));
		set_hi8(&r->edx, bios_to_bcd(t.sec));
		set_lo8(&r->edx, t.dst);
		break;
	case 0x04:
		if (bios_rtc_read(env->bus, &t)) {
			bios_fail(r, BIOS_ERR_FUNCTION);
			return;
		}
		set_hi8(&r->ecx, bios_to_bcd(t.century));
		set_lo8(&r->ecx, bios_to_bcd(t.year));
		set_hi8(&r->edx, bios_to_bcd(t.month));
		set_lo8(&r->edx, bios_to_bcd(t.day));
		break;
	default:
		bios_unknown(r);
		return;
	}
	bios_ok(r);
}
