/* Finishes a same-privilege protected-mode IRET in the order of the SDM's pseudo-code, for
 * software KVMs whose emulator completes IRET only in real mode. */
#include "vmm/emul_iret.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/errf.h"
#include "vmm/gva.h"

#define CR0_PE	 (1ULL << 0)
#define CR0_PG	 (1ULL << 31)
#define EFER_LMA (1ULL << 10)

#define FL_CF	      (1u << 0)
#define FL_FIXED1     (1u << 1)
#define FL_PF	      (1u << 2)
#define FL_AF	      (1u << 4)
#define FL_ZF	      (1u << 6)
#define FL_SF	      (1u << 7)
#define FL_TF	      (1u << 8)
#define FL_IF	      (1u << 9)
#define FL_DF	      (1u << 10)
#define FL_OF	      (1u << 11)
#define FL_IOPL	      (3u << 12)
#define FL_NT	      (1u << 14)
#define FL_RF	      (1u << 16)
#define FL_VM	      (1u << 17)
#define FL_AC	      (1u << 18)
#define FL_VIF	      (1u << 19)
#define FL_VIP	      (1u << 20)
#define FL_ID	      (1u << 21)
#define FL_IOPL_SHIFT 12

/* The flags every IRET loads from the popped image, whatever the CPL and operand size. */
#define FL_ALWAYS (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_DF | FL_OF | FL_NT)
/* Every EFLAGS bit with a meaning; the others (3, 5, 15, 22-31) read as zero. */
#define FL_DEFINED                                                                                 \
	(FL_ALWAYS | FL_FIXED1 | FL_IF | FL_IOPL | FL_RF | FL_VM | FL_AC | FL_VIF | FL_VIP | FL_ID)

#define LINEAR_TOP 0x100000000ULL /* outside long mode linear addresses wrap at 4 GiB */

/* Descriptor type bits (the low nibble of the access byte) for code and data segments. */
#define TYPE_ACCESSED	 1u
#define TYPE_CONFORMING	 4u /* code */
#define TYPE_EXPAND_DOWN 4u /* data */
#define TYPE_CODE	 8u

static enum iret_status refuse(struct iret_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum iret_status refuse(struct iret_result *res, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(res->why, sizeof(res->why), 0, fmt, ap);
	va_end(ap);
	return IRET_REFUSED;
}

static enum iret_status fault(struct iret_result *res, unsigned vector, uint32_t error_code)
{
	res->vector = vector;
	res->error_code = error_code;
	return IRET_FAULT;
}

bool emul_iret_match(const uint8_t *insn, size_t len)
{
	if (len >= 1 && insn[0] == 0xCF)
		return true;
	return len >= 2 && insn[0] == 0x66 && insn[1] == 0xCF;
}

/* Reads n bytes at a 32-bit linear address, wrapping at 4 GiB as the CPU does. */
static int read_linear(const struct guest_mem *mem, const struct gva_ctx *g, uint32_t lin,
		       uint8_t *dst, size_t n)
{
	size_t first = n;
	if ((uint64_t)lin + n > LINEAR_TOP)
		first = (size_t)(LINEAR_TOP - lin);
	if (gva_read(mem, g, lin, dst, first) != first)
		return -1;
	if (first < n && gva_read(mem, g, 0, dst + first, n - first) != n - first)
		return -1;
	return 0;
}

/* Whether a `size`-byte access at offset `off` lies within a data segment's limit. */
static bool in_data_limit(const struct kvm_segment *s, uint64_t off, unsigned size)
{
	uint64_t last = off + size - 1;
	if (!(s->type & TYPE_CODE) && (s->type & TYPE_EXPAND_DOWN)) {
		/* expand-down: valid offsets run from limit + 1 to the top set by the B flag */
		uint64_t top = s->db ? 0xFFFFFFFFULL : 0xFFFFULL;
		return off > s->limit && last <= top;
	}
	return last <= s->limit;
}

static uint32_t le32(const uint8_t *b, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

enum desc_read { DESC_OK, DESC_BEYOND_LIMIT, DESC_NOT_IN_RAM };

/* Reads the 8-byte descriptor `sel` names in the GDT or, with TI set, the LDT. */
static enum desc_read read_descriptor(const struct guest_mem *mem, const struct gva_ctx *g,
				      const struct kvm_sregs *s, uint16_t sel, uint8_t d[8],
				      uint32_t *lin)
{
	uint64_t base, limit;
	if (sel & 4) {
		/* the LDTR cache, not its selector, decides: a null LDTR is unusable */
		if (s->ldt.unusable || !s->ldt.present)
			return DESC_BEYOND_LIMIT;
		base = s->ldt.base;
		limit = s->ldt.limit;
	} else {
		base = s->gdt.base;
		limit = s->gdt.limit;
	}
	uint64_t off = sel & 0xFFF8u;
	if (off + 7 > limit)
		return DESC_BEYOND_LIMIT;
	*lin = (uint32_t)(base + off);
	return read_linear(mem, g, *lin, d, 8) ? DESC_NOT_IN_RAM : DESC_OK;
}

static bool same_segment(const struct kvm_segment *a, const struct kvm_segment *b)
{
	return a->base == b->base && a->limit == b->limit && a->selector == b->selector &&
	       a->type == b->type && a->present == b->present && a->dpl == b->dpl &&
	       a->db == b->db && a->s == b->s && a->l == b->l && a->g == b->g && a->avl == b->avl &&
	       a->unusable == b->unusable;
}

/* EFLAGS after a same-privilege IRET: which popped bits land depends on CPL, IOPL and size. */
static uint32_t new_eflags(uint32_t old, uint32_t popped, unsigned cpl, bool op32)
{
	uint32_t load = FL_ALWAYS;
	if (op32)
		load |= FL_RF | FL_AC | FL_ID;
	if (cpl <= (old & FL_IOPL) >> FL_IOPL_SHIFT)
		load |= FL_IF;
	if (cpl == 0) {
		load |= FL_IOPL;
		if (op32)
			load |= FL_VIF | FL_VIP;
	}
	/* VM stays as it was (0: virtual-8086 returns are refused before this) */
	return (((old & ~load) | (popped & load)) & FL_DEFINED) | FL_FIXED1;
}

enum iret_status emul_iret(const uint8_t *insn, size_t len, const struct guest_mem *mem,
			   struct kvm_regs *regs, struct kvm_sregs *sregs, struct iret_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!emul_iret_match(insn, len))
		return refuse(res, "not an iret encoding the assist decodes (CF or 66 CF)");
	if (!(sregs->cr0 & CR0_PE))
		return refuse(res, "real mode is KVM's own emulator's to complete");
	if (sregs->efer & EFER_LMA)
		return refuse(res, "long mode (iretq) is left to KVM");
	const uint32_t eflags = (uint32_t)regs->rflags;
	if (eflags & FL_VM)
		return refuse(res, "a return from virtual-8086 mode is not implemented");
	if (sregs->cr0 & CR0_PG)
		return refuse(res, "32-bit or PAE paging is on and its tables are not walked");
	if (eflags & FL_NT)
		return refuse(res, "a task return (EFLAGS.NT=1) is not implemented");
	/* KVM reports the CPL as SS.DPL; CS.RPL equals it except between a mode switch and
	 * the far jump after it, where guessing which one holds would not be exact. */
	const unsigned cpl = sregs->ss.dpl & 3;
	if ((sregs->cs.selector & 3) != cpl)
		return refuse(res, "the CPL is ambiguous (CS.RPL %u, SS.DPL %u)",
			      sregs->cs.selector & 3u, cpl);
	if (sregs->ss.unusable)
		return refuse(res, "the stack segment is unusable");

	/* Operand size: CS.D, flipped by 0x66. Stack address size: SS.B. */
	const bool op32 = (sregs->cs.db != 0) != (insn[0] == 0x66);
	const unsigned size = op32 ? 4 : 2;
	const uint64_t sp_mask = sregs->ss.db ? 0xFFFFFFFFULL : 0xFFFFULL;
	const uint64_t sp = regs->rsp & sp_mask;

	/* EIP, CS, EFLAGS in that order; SP wraps within its own width between pops. Every
	 * limit is checked before any byte is read: a CPU raises #SS(0) whatever lies in
	 * memory, while a read outside RAM is only something we cannot reproduce. */
	uint64_t off[3];
	for (unsigned i = 0; i < 3; i++) {
		off[i] = (sp + i * size) & sp_mask;
		if (!in_data_limit(&sregs->ss, off[i], size))
			return fault(res, IRET_VEC_SS, 0);
	}
	const struct gva_ctx g = {sregs->cr0, sregs->cr3, sregs->cr4, sregs->efer};
	uint32_t popped[3];
	for (unsigned i = 0; i < 3; i++) {
		uint8_t b[4];
		uint32_t lin = (uint32_t)(sregs->ss.base + off[i]);
		if (read_linear(mem, &g, lin, b, size))
			return refuse(res, "the stack at linear 0x%x is outside guest RAM", lin);
		popped[i] = le32(b, size);
	}
	const uint32_t temp_eip = popped[0];
	const uint16_t temp_cs = (uint16_t)popped[1]; /* a 32-bit pop drops the high half */
	const uint32_t temp_eflags = popped[2];

	/* A 16-bit image has no VM bit; at CPL > 0 a set VM bit is ignored, not loaded. */
	if (op32 && (temp_eflags & FL_VM) && cpl == 0)
		return refuse(res, "a return to virtual-8086 mode is not implemented");

	if ((temp_cs & 0xFFFCu) == 0)
		return fault(res, IRET_VEC_GP, 0);
	const uint32_t sel_code = temp_cs & 0xFFFCu; /* error code: index and TI, EXT=0 */
	uint8_t d[8];
	uint32_t desc_lin = 0;
	switch (read_descriptor(mem, &g, sregs, temp_cs, d, &desc_lin)) {
	case DESC_BEYOND_LIMIT:
		return fault(res, IRET_VEC_GP, sel_code);
	case DESC_NOT_IN_RAM:
		return refuse(res, "the descriptor of CS 0x%x at linear 0x%x is outside guest RAM",
			      temp_cs, desc_lin);
	case DESC_OK:
		break;
	}
	const unsigned type = d[5] & 0xF, dpl = (d[5] >> 5) & 3, rpl = temp_cs & 3;
	const bool is_system = !(d[5] & 0x10), present = d[5] & 0x80;
	if (is_system || !(type & TYPE_CODE))
		return fault(res, IRET_VEC_GP, sel_code);
	if (rpl < cpl)
		return fault(res, IRET_VEC_GP, sel_code);
	if ((type & TYPE_CONFORMING) ? dpl > rpl : dpl != rpl)
		return fault(res, IRET_VEC_GP, sel_code);
	if (!present)
		return fault(res, IRET_VEC_NP, sel_code);
	if (rpl > cpl)
		return refuse(res,
			      "a return to an outer privilege level (CPL %u to %u) is not "
			      "implemented",
			      cpl, rpl);

	const bool gran = d[6] & 0x80;
	const uint32_t raw_limit = d[0] | (uint32_t)d[1] << 8 | (uint32_t)(d[6] & 0xF) << 16;
	const uint32_t limit = gran ? raw_limit << 12 | 0xFFF : raw_limit;
	if (temp_eip > limit)
		return fault(res, IRET_VEC_GP, 0);
	/* TF at the start of the instruction means a #DB trap once it completes */
	if (eflags & FL_TF)
		return refuse(res,
			      "the single-step trap after it (EFLAGS.TF=1) is not implemented");

	struct kvm_segment cs = {
	    .base = d[2] | (uint32_t)d[3] << 8 | (uint32_t)d[4] << 16 | (uint32_t)d[7] << 24,
	    .limit = limit,
	    .selector = temp_cs,
	    .type = (uint8_t)(type | TYPE_ACCESSED),
	    .present = 1,
	    .dpl = (uint8_t)dpl,
	    .db = (d[6] >> 6) & 1,
	    .s = 1,
	    .l = (d[6] >> 5) & 1, /* reserved outside IA-32e mode; cached as KVM does */
	    .g = gran,
	    .avl = (d[6] >> 4) & 1,
	};
	if (!(type & TYPE_ACCESSED)) {
		uint64_t gpa;
		if (gva_translate(mem, &g, (uint32_t)(desc_lin + 5), &gpa))
			return refuse(res, "cannot set the accessed bit of CS 0x%x", temp_cs);
		res->mark_accessed = true;
		res->accessed_gpa = gpa;
	}
	res->sregs_changed = !same_segment(&cs, &sregs->cs);
	sregs->cs = cs;
	regs->rip = temp_eip;
	regs->rsp = (regs->rsp & ~sp_mask) | ((sp + 3 * size) & sp_mask);
	regs->rflags = new_eflags(eflags, temp_eflags, cpl, op32);
	return IRET_DONE;
}
