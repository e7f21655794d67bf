/* Decodes the few instructions kvm_pvm fails to emulate in guest kernel mode and that can be
 * finished exactly. */
#include "vmm/emul_fixup.h"

struct fixup emul_fixup_decode(const uint8_t *insn, size_t len, unsigned cpl)
{
	struct fixup none = {FIXUP_NONE, 0, NULL};
	if (len >= 1 && insn[0] == 0x9B)
		return (struct fixup){FIXUP_FWAIT, 1, "fwait"};
	if (len >= 1 && insn[0] == 0xCC)
		return (struct fixup){FIXUP_INJECT_BP, 1, "int3"};
	if (len >= 3 && insn[0] == 0x0F && insn[1] == 0x01 &&
	    (insn[2] == 0xCA || insn[2] == 0xCB)) {
		if (cpl != 0)
			return none;
		if (insn[2] == 0xCA)
			return (struct fixup){FIXUP_CLEAR_AC, 3, "clac"};
		return (struct fixup){FIXUP_SET_AC, 3, "stac"};
	}
	return none;
}

void emul_fixup_apply(const struct fixup *f, uint64_t *rip, uint64_t *rflags)
{
	switch (f->kind) {
	case FIXUP_SET_AC:
		*rflags |= RFLAGS_AC;
		break;
	case FIXUP_CLEAR_AC:
		*rflags &= ~RFLAGS_AC;
		break;
	default:
		break;
	}
	if (f->kind != FIXUP_NONE)
		*rip += f->length;
}
