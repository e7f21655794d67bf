/* libFuzzer harness: the IRET assist (vmm/emul_iret.c) on any registers, descriptor tables and
 * stack a guest can set up. */
#include <stdlib.h>

#include "tests/fuzz/cpu.h"
#include "vmm/emul_iret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct guest_mem mem;
	uint8_t ram = fz_u8(&in);
	if (fz_ram(&mem, ram & 0x80 ? ram : 2))
		abort();
	struct fz_cpu c;
	fz_cpu_load(&in, &c);
	uint8_t insn[15];
	size_t n = fz_u8(&in) % (sizeof(insn) + 1);
	fz_bytes(&in, insn, n);
	if (in.n & 1 && n >= 1) { /* mostly a real IRET */
		insn[0] = 0xCF;
		n = n > 2 ? 2 : n;
		if (n == 2) {
			insn[0] = 0x66;
			insn[1] = 0xCF;
		}
	}
	fz_fill_ram(&in, &mem, 32);
	struct kvm_regs before = c.regs;
	struct kvm_sregs sbefore = c.sregs;
	struct iret_result res;
	memset(&res, 0, sizeof(res));
	enum iret_status st = emul_iret(insn, n, &mem, &c.regs, &c.sregs, &res);
	switch (st) {
	case IRET_DONE:
		if (!emul_iret_match(insn, n))
			abort();
		break;
	case IRET_FAULT: /* nothing changes, and the fault is one an IRET raises */
		if (memcmp(&before, &c.regs, sizeof(before)) ||
		    memcmp(&sbefore, &c.sregs, sizeof(sbefore)) ||
		    (res.vector != IRET_VEC_GP && res.vector != IRET_VEC_SS &&
		     res.vector != IRET_VEC_NP))
			abort();
		break;
	case IRET_REFUSED:
		if (!res.why[0] || memcmp(&before, &c.regs, sizeof(before)))
			abort();
		break;
	default:
		abort();
	}
	gmem_free(&mem);
	return 0;
}
