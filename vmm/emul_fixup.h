/* Finishing instructions a software KVM cannot emulate in guest kernel mode, where that can be done
 * exactly. */
#ifndef TINYVMM_VMM_EMUL_FIXUP_H
#define TINYVMM_VMM_EMUL_FIXUP_H

#include <stddef.h>
#include <stdint.h>

enum fixup_kind {
	FIXUP_NONE,	 /* not an instruction we can finish: the VM must stop */
	FIXUP_FWAIT,	 /* a no-op unless an unmasked x87 exception is pending (#MF) */
	FIXUP_SET_AC,	 /* STAC */
	FIXUP_CLEAR_AC,	 /* CLAC */
	FIXUP_INJECT_BP, /* INT3: deliver #BP as a trap after the instruction */
};

struct fixup {
	enum fixup_kind kind;
	unsigned length; /* bytes to step RIP over */
	const char *mnemonic;
};

/*
 * Decides from the instruction bytes at RIP and the CPL what to do. Only exact encodings
 * are accepted (no prefixes): anything else is FIXUP_NONE, so the VM stops rather than
 * running on a guess. STAC/CLAC at CPL > 0 would #UD on real hardware: FIXUP_NONE.
 */
struct fixup emul_fixup_decode(const uint8_t *insn, size_t len, unsigned cpl);

/* Applies a decoded fixup to RIP/RFLAGS; INJECT_BP leaves the injection to the caller. */
void emul_fixup_apply(const struct fixup *f, uint64_t *rip, uint64_t *rflags);

#define RFLAGS_AC (1ULL << 18)

#endif
