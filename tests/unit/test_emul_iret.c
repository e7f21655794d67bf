/* Unit tests of the IRET assist on hand-built GDTs, stacks and register files (no KVM). */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/emul_iret.h"

#define GDT	  0x1000
#define LDT	  0x2000
#define STACK_TOP 0x8000

/* Selectors of the test GDT (see setup). */
#define SEL_CODE0  0x08 /* flat 32-bit code, DPL 0, accessed */
#define SEL_DATA0  0x10 /* flat 32-bit data, DPL 0 */
#define SEL_CODE16 0x18 /* 16-bit code at 0x10000, 64 KiB, DPL 0, not accessed */
#define SEL_CODE3  0x20 /* flat 32-bit code, DPL 3 */
#define SEL_DATA3  0x28 /* flat 32-bit data, DPL 3 */
#define SEL_CONF0  0x30 /* conforming code, DPL 0 */
#define SEL_CONF3  0x38 /* conforming code, DPL 3 */
#define SEL_ABSENT 0x40 /* code, DPL 0, not present */
#define SEL_TSS	   0x48 /* a system descriptor */
#define SEL_SMALL  0x50 /* 32-bit code at 0x20000, limit 0xFFF, byte granular */
#define GDT_LIMIT  0x57
#define RFL_IF	   0x200u
#define RFL_TF	   0x100u
#define RFL_NT	   0x4000u
#define RFL_VM	   0x20000u
#define RFL_IOPL3  0x3000u
static const uint8_t IRET[] = {0xCF};
static const uint8_t IRET_66[] = {0x66, 0xCF};

static uint8_t ram[1 << 20];
static struct guest_mem mem;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct iret_result res;

/* A segment descriptor: `flags` is the G, D/B, L, AVL nibble of byte 6. */
static void desc(uint64_t table, uint16_t sel, uint32_t base, uint32_t limit, uint8_t access,
		 uint8_t flags)
{
	uint8_t *d = ram + table + (sel & 0xFFF8);
	d[0] = (uint8_t)limit;
	d[1] = (uint8_t)(limit >> 8);
	d[2] = (uint8_t)base;
	d[3] = (uint8_t)(base >> 8);
	d[4] = (uint8_t)(base >> 16);
	d[5] = access;
	d[6] = (uint8_t)(flags << 4 | ((limit >> 16) & 0xF));
	d[7] = (uint8_t)(base >> 24);
}

static struct kvm_segment flat_data(uint16_t sel, unsigned dpl)
{
	return (struct kvm_segment){.base = 0,
				    .limit = 0xFFFFFFFF,
				    .selector = sel,
				    .type = 3,
				    .present = 1,
				    .dpl = (uint8_t)dpl,
				    .db = 1,
				    .s = 1,
				    .g = 1};
}

/* 32-bit protected mode, paging off, at `cpl`, on a flat stack at STACK_TOP. */
static void at_cpl(unsigned cpl)
{
	sregs.cr0 = 0x11; /* PE | ET */
	sregs.cs = flat_data(cpl ? SEL_CODE3 | 3 : SEL_CODE0, cpl);
	sregs.cs.type = 0xB;
	sregs.ss = flat_data(cpl ? SEL_DATA3 | 3 : SEL_DATA0, cpl);
	sregs.ds = sregs.es = sregs.ss;
	sregs.gdt.base = GDT;
	sregs.gdt.limit = GDT_LIMIT;
	sregs.ldt = (struct kvm_segment){.unusable = 1};
	regs.rsp = STACK_TOP;
	regs.rip = 0x100268;
	regs.rflags = 0x2;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	memset(&regs, 0, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	memset(&res, 0xAA, sizeof(res));
	gmem_layout(&mem, ram, sizeof(ram));
	desc(GDT, SEL_CODE0, 0, 0xFFFFF, 0x9B, 0xC);
	desc(GDT, SEL_DATA0, 0, 0xFFFFF, 0x93, 0xC);
	desc(GDT, SEL_CODE16, 0x10000, 0xFFFF, 0x9A, 0x0);
	desc(GDT, SEL_CODE3, 0, 0xFFFFF, 0xFB, 0xC);
	desc(GDT, SEL_DATA3, 0, 0xFFFFF, 0xF3, 0xC);
	desc(GDT, SEL_CONF0, 0, 0xFFFFF, 0x9F, 0xC);
	desc(GDT, SEL_CONF3, 0, 0xFFFFF, 0xFF, 0xC);
	desc(GDT, SEL_ABSENT, 0, 0xFFFFF, 0x1B, 0xC);
	desc(GDT, SEL_TSS, 0x3000, 0x67, 0x89, 0x0);
	/* written out by hand once, so the builder above is not the only witness */
	memcpy(ram + GDT + SEL_SMALL, "\xFF\x0F\x00\x00\x02\x9B\x40\x00", 8);
	at_cpl(0);
}

TestSuite(emul_iret, .init = setup);

static void put(uint64_t addr, uint32_t v, unsigned size)
{
	memcpy(ram + addr, &v, size);
}

/* An IRETD frame at linear `at`: EIP, CS, EFLAGS. */
static void frame32(uint64_t at, uint32_t eip, uint32_t cs, uint32_t eflags)
{
	put(at, eip, 4);
	put(at + 4, cs, 4);
	put(at + 8, eflags, 4);
}

static void frame16(uint64_t at, uint16_t ip, uint16_t cs, uint16_t flags)
{
	put(at, ip, 2);
	put(at + 2, cs, 2);
	put(at + 4, flags, 2);
}

static enum iret_status run(const uint8_t *insn, size_t n)
{
	return emul_iret(insn, n, &mem, &regs, &sregs, &res);
}

/* Runs an IRET that must fault, and checks nothing was changed. */
static void expect_fault(const uint8_t *insn, size_t n, unsigned vector, uint32_t code)
{
	struct kvm_regs r0 = regs;
	struct kvm_sregs s0 = sregs;
	cr_assert_eq(run(insn, n), IRET_FAULT, "%s", res.why);
	cr_assert_eq(res.vector, vector);
	cr_assert_eq(res.error_code, code, "error code 0x%x", res.error_code);
	cr_assert_arr_eq(&regs, &r0, sizeof(regs), "a fault changes no register");
	cr_assert_arr_eq(&sregs, &s0, sizeof(sregs));
}

static void expect_refusal(const uint8_t *insn, size_t n, const char *why)
{
	struct kvm_regs r0 = regs;
	struct kvm_sregs s0 = sregs;
	cr_assert_eq(run(insn, n), IRET_REFUSED);
	cr_assert(strstr(res.why, why), "reason: %s", res.why);
	cr_assert_arr_eq(&regs, &r0, sizeof(regs), "a refusal changes no register");
	cr_assert_arr_eq(&sregs, &s0, sizeof(sregs));
}

Test(emul_iret, iretd_at_cpl0_returns_and_restores_if)
{
	regs.rflags = 0x2; /* in an interrupt gate: IF clear */
	regs.rsp = 0xABCD00000000ULL | STACK_TOP;
	frame32(STACK_TOP, 0x00100400, SEL_CODE0, 0x246);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0x100400);
	cr_assert_eq(regs.rsp, 0xABCD00000000ULL | (STACK_TOP + 12), "RSP[63:32] kept");
	cr_assert_eq(regs.rflags, 0x246, "IF, ZF, PF from the frame");
	cr_assert_eq(sregs.cs.selector, SEL_CODE0);
	cr_assert_eq(sregs.cs.limit, 0xFFFFFFFF, "4 KiB granular limit scaled");
	cr_assert_not(res.sregs_changed, "same CS: no KVM_SET_SREGS needed");
	cr_assert_not(res.mark_accessed);
}

Test(emul_iret, iretd_loads_the_new_code_segment_descriptor)
{
	frame32(STACK_TOP, 0xFFF, SEL_SMALL, 0x202);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0xFFF, "the last byte inside the limit");
	cr_assert_eq(sregs.cs.selector, SEL_SMALL);
	cr_assert_eq(sregs.cs.base, 0x20000);
	cr_assert_eq(sregs.cs.limit, 0xFFF);
	cr_assert_eq(sregs.cs.type, 0xB);
	cr_assert_eq(sregs.cs.present, 1);
	cr_assert_eq(sregs.cs.s, 1);
	cr_assert_eq(sregs.cs.dpl, 0);
	cr_assert_eq(sregs.cs.db, 1);
	cr_assert_eq(sregs.cs.g, 0);
	cr_assert_eq(sregs.cs.l, 0);
	cr_assert_eq(sregs.cs.unusable, 0);
	cr_assert(res.sregs_changed);
	cr_assert_not(res.mark_accessed, "already accessed");
	cr_assert_eq(sregs.ss.selector, SEL_DATA0, "SS untouched");
}

Test(emul_iret, a_clear_accessed_bit_is_reported_for_setting)
{
	frame32(STACK_TOP, 0x100, SEL_CODE16, 0x2);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(sregs.cs.type, 0xB, "the cache holds the accessed type");
	cr_assert(res.mark_accessed);
	cr_assert_eq(res.accessed_gpa, GDT + SEL_CODE16 + 5, "the descriptor's type byte");
	cr_assert_eq(ram[GDT + SEL_CODE16 + 5], 0x9A, "the pure function writes nothing");
}

Test(emul_iret, prefix_66_in_a_32bit_segment_pops_words)
{
	regs.rflags = 0x00250002; /* ID | AC | RF: a 16-bit IRET leaves the high half */
	frame16(STACK_TOP, 0x1234, SEL_CODE16, 0x0203);
	put(STACK_TOP + 6, 0xFFFFFFFF, 4);
	cr_assert_eq(run(IRET_66, 2), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0x1234);
	cr_assert_eq(regs.rsp, STACK_TOP + 6);
	cr_assert_eq(regs.rflags, 0x00250203);
	cr_assert_eq(sregs.cs.selector, SEL_CODE16);
	cr_assert_eq(sregs.cs.base, 0x10000);
	cr_assert_eq(sregs.cs.limit, 0xFFFF);
	cr_assert_eq(sregs.cs.db, 0);
}

Test(emul_iret, plain_cf_in_a_16bit_segment_pops_words)
{
	sregs.cs = (struct kvm_segment){.base = 0x10000,
					.limit = 0xFFFF,
					.selector = SEL_CODE16,
					.type = 0xB,
					.present = 1,
					.s = 1};
	regs.rsp = 0x500000000ULL | STACK_TOP;
	regs.rflags = 0x2;
	frame16(STACK_TOP, 0xBEEF, SEL_CODE16, 0x0246);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0xBEEF);
	cr_assert_eq(regs.rsp, 0x500000000ULL | (STACK_TOP + 6), "a 32-bit stack: ESP, not SP");
	cr_assert_eq(regs.rflags, 0x246);
	cr_assert_not(res.sregs_changed);
}

Test(emul_iret, prefix_66_in_a_16bit_segment_is_iretd)
{
	sregs.cs = (struct kvm_segment){.base = 0x10000,
					.limit = 0xFFFF,
					.selector = SEL_CODE16,
					.type = 0xB,
					.present = 1,
					.s = 1};
	frame32(STACK_TOP, 0x00100400, SEL_CODE0, 0x00040202);
	cr_assert_eq(run(IRET_66, 2), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0x100400);
	cr_assert_eq(regs.rsp, STACK_TOP + 12);
	cr_assert_eq(regs.rflags, 0x00040202, "AC loaded by the 32-bit form");
	cr_assert_eq(sregs.cs.db, 1);
}

/* A 16-bit stack (SS.B=0): SP wraps inside its 64 KiB and ESP's upper half is kept. */
Test(emul_iret, sp_wraps_at_64k_on_a_16bit_stack)
{
	sregs.ss = flat_data(SEL_DATA0, 0);
	sregs.ss.base = 0x30000;
	sregs.ss.limit = 0xFFFF;
	sregs.ss.db = 0;
	sregs.ss.g = 0;
	sregs.cs.db = 0; /* 16-bit operand size */
	regs.rsp = 0xDEADFFFC;
	put(0x3FFFC, 0x0100, 2); /* IP */
	put(0x3FFFE, SEL_CODE16, 2);
	put(0x30000, 0x0002, 2); /* FLAGS, after SP wrapped to 0 */
	put(0x40000, 0x0202, 2); /* where an unwrapped pop would read */
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0x100);
	cr_assert_eq(regs.rsp, 0xDEAD0002);
	cr_assert_eq(regs.rflags, 0x2);
}

Test(emul_iret, dword_pops_wrap_on_a_16bit_stack)
{
	sregs.ss = flat_data(SEL_DATA0, 0);
	sregs.ss.base = 0x30000;
	sregs.ss.limit = 0xFFFF;
	sregs.ss.db = 0;
	sregs.ss.g = 0;
	regs.rsp = 0xFFF8;
	put(0x3FFF8, 0x00100400, 4);
	put(0x3FFFC, SEL_CODE0, 4);
	put(0x30000, 0x202, 4);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0x100400);
	cr_assert_eq(regs.rsp, 0x0004);
	cr_assert_eq(regs.rflags, 0x202);
}

Test(emul_iret, linear_addresses_wrap_at_4g)
{
	sregs.ss.base = 0xFFFF0000;
	regs.rsp = 0x10000 + STACK_TOP; /* base + ESP = 4 GiB + STACK_TOP */
	frame32(STACK_TOP, 0x100400, SEL_CODE0, 0x2);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rip, 0x100400);
	cr_assert_eq(regs.rsp, 0x10000 + STACK_TOP + 12);
}

Test(emul_iret, the_frame_must_lie_within_the_ss_limit)
{
	sregs.ss.g = 0;
	sregs.ss.limit = STACK_TOP + 10; /* the EFLAGS dword would end at +11 */
	frame32(STACK_TOP, 0x100400, SEL_CODE0, 0x2);
	expect_fault(IRET, 1, IRET_VEC_SS, 0);
	sregs.ss.limit = STACK_TOP + 11;
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
}

Test(emul_iret, ss_limit_is_checked_before_reading_memory)
{
	/* the frame is beyond both the limit and guest RAM: a CPU raises #SS(0) */
	sregs.ss.limit = 0xFFFFF;
	sregs.ss.g = 0;
	regs.rsp = 0xFFFFC;
	expect_fault(IRET, 1, IRET_VEC_SS, 0);
}

Test(emul_iret, expand_down_stack_segments)
{
	sregs.ss.type = 7; /* read/write, expand-down, accessed */
	sregs.ss.limit = 0xFFF;
	sregs.ss.g = 0;
	frame32(STACK_TOP, 0x100400, SEL_CODE0, 0x2);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rsp, STACK_TOP + 12);

	at_cpl(0);
	sregs.ss.type = 7;
	sregs.ss.limit = 0xFFF;
	regs.rsp = 0xFFC; /* below the bottom of an expand-down segment */
	expect_fault(IRET, 1, IRET_VEC_SS, 0);

	/* 16-bit expand-down: the top is 0xFFFF, and SP wraps to 0, below the bottom */
	sregs.ss.db = 0;
	regs.rsp = 0xFFFC;
	expect_fault(IRET, 1, IRET_VEC_SS, 0);
}

Test(emul_iret, a_stack_outside_guest_ram_is_refused)
{
	regs.rsp = sizeof(ram) - 4; /* EIP in RAM, CS and EFLAGS beyond it */
	expect_refusal(IRET, 1, "stack at linear 0x100000 is outside guest RAM");
}

Test(emul_iret, a_null_cs_raises_gp0)
{
	frame32(STACK_TOP, 0x100400, 0, 0x2);
	expect_fault(IRET, 1, IRET_VEC_GP, 0);
	frame32(STACK_TOP, 0x100400, 3, 0x2); /* the RPL does not make it less null */
	expect_fault(IRET, 1, IRET_VEC_GP, 0);
}

Test(emul_iret, a_gdt_limit_too_small_raises_gp_with_the_selector)
{
	frame32(STACK_TOP, 0x100, SEL_CODE16, 0x2);
	sregs.gdt.limit = SEL_CODE16 + 6; /* one byte short of the descriptor */
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_CODE16);
	sregs.gdt.limit = SEL_CODE16 + 7;
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
}

Test(emul_iret, ti_selects_the_ldt)
{
	desc(LDT, 0x08, 0x40000, 0xFFFF, 0x9B, 0x4);
	sregs.ldt = (struct kvm_segment){
	    .base = LDT, .limit = 0xF, .selector = 0x58, .type = 2, .present = 1};
	frame32(STACK_TOP, 0x10, 0x0C, 0x2); /* LDT entry 1, RPL 0 */
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(sregs.cs.selector, 0x0C);
	cr_assert_eq(sregs.cs.base, 0x40000);

	at_cpl(0);
	sregs.ldt = (struct kvm_segment){.base = LDT, .limit = 0xE, .type = 2, .present = 1};
	expect_fault(IRET, 1, IRET_VEC_GP, 0x0C);
	/* a null LDTR: KVM marks it unusable, whatever base and limit it reports */
	sregs.ldt = (struct kvm_segment){.base = LDT, .limit = 0xF, .unusable = 1};
	expect_fault(IRET, 1, IRET_VEC_GP, 0x0C);
}

Test(emul_iret, only_code_segments_can_be_returned_to)
{
	frame32(STACK_TOP, 0x100, SEL_DATA0, 0x2);
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_DATA0);
	frame32(STACK_TOP, 0x100, SEL_TSS, 0x2);
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_TSS);
}

Test(emul_iret, a_code_segment_not_present_raises_np)
{
	frame32(STACK_TOP, 0x100, SEL_ABSENT, 0x2);
	expect_fault(IRET, 1, IRET_VEC_NP, SEL_ABSENT);
}

Test(emul_iret, non_conforming_code_needs_dpl_equal_to_rpl)
{
	frame32(STACK_TOP, 0x100, SEL_CODE3, 0x2); /* DPL 3 with RPL 0 */
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_CODE3);
	at_cpl(3);
	frame32(STACK_TOP, 0x100, SEL_CODE0 | 3, 0x2); /* DPL 0 with RPL 3 */
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_CODE0);
}

Test(emul_iret, conforming_code_needs_dpl_at_most_rpl)
{
	at_cpl(3);
	frame32(STACK_TOP, 0x100, SEL_CONF0 | 3, 0x2); /* DPL 0 <= RPL 3 */
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(sregs.cs.selector, SEL_CONF0 | 3);
	cr_assert_eq(sregs.cs.dpl, 0, "the cache keeps the descriptor's DPL");
	cr_assert_eq(sregs.cs.type, 0xF);
	cr_assert_eq(sregs.ss.dpl, 3, "the CPL stays 3");

	at_cpl(0);
	frame32(STACK_TOP, 0x100, SEL_CONF3, 0x2); /* DPL 3 > RPL 0 */
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_CONF3);
}

Test(emul_iret, a_return_to_an_inner_privilege_level_raises_gp)
{
	at_cpl(3);
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	expect_fault(IRET, 1, IRET_VEC_GP, SEL_CODE0);
}

Test(emul_iret, eip_beyond_the_new_cs_limit_raises_gp0)
{
	frame32(STACK_TOP, 0x1000, SEL_SMALL, 0x2);
	expect_fault(IRET, 1, IRET_VEC_GP, 0);
}

Test(emul_iret, a_16bit_ip_is_checked_against_the_limit_too)
{
	memcpy(ram + GDT + SEL_SMALL, "\xFF\x00\x00\x00\x02\x9B\x40\x00", 8); /* limit 0xFF */
	frame16(STACK_TOP, 0x0100, SEL_SMALL, 0x2);
	expect_fault(IRET_66, 2, IRET_VEC_GP, 0);
}

Test(emul_iret, iopl_and_if_at_cpl0)
{
	regs.rflags = 0x2;
	frame32(STACK_TOP, 0x100, SEL_CODE0, RFL_IOPL3 | RFL_IF | 0x46);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x3246, "IOPL and IF both loaded at CPL 0");
}

Test(emul_iret, cpl3_with_iopl0_keeps_iopl_and_if)
{
	at_cpl(3);
	regs.rflags = RFL_IF | 0x2;
	frame32(STACK_TOP, 0x100, SEL_CODE3 | 3, RFL_IOPL3 | 0x46); /* IOPL 3, IF 0 */
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x246, "ZF and PF loaded; IOPL stays 0 and IF stays 1");
	cr_assert_eq(regs.rip, 0x100);
}

Test(emul_iret, cpl3_with_iopl3_loads_if_but_not_iopl)
{
	at_cpl(3);
	regs.rflags = RFL_IOPL3 | 0x2;
	frame32(STACK_TOP, 0x100, SEL_CODE3 | 3, RFL_IF | 0x2); /* IOPL 0, IF 1 */
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x3202);
}

Test(emul_iret, vif_and_vip_only_at_cpl0_with_32bit_operands)
{
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x180002);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x180002);

	at_cpl(3);
	frame32(STACK_TOP, 0x100, SEL_CODE3 | 3, 0x180002);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x2);

	at_cpl(0);
	regs.rflags = 0x100002; /* VIP */
	frame16(STACK_TOP, 0x100, SEL_CODE0, 0x0002);
	cr_assert_eq(run(IRET_66, 2), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x100002, "a 16-bit IRET keeps the high half");
}

Test(emul_iret, reserved_bits_read_as_zero_and_bit1_as_one)
{
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0xFFFDFFFF); /* all but VM */
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x3D7FD7);

	at_cpl(0);
	regs.rflags = 0xFFFFFFFF00000002ULL;
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x2);
}

Test(emul_iret, rf_is_loaded_as_popped)
{
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x10002);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x10002);
	at_cpl(0);
	regs.rflags = 0x10002;
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, 0x2);
}

Test(emul_iret, a_popped_vm_bit_is_ignored_below_cpl0)
{
	at_cpl(3);
	regs.rflags = RFL_IOPL3 | 0x2;
	frame32(STACK_TOP, 0x100, SEL_CODE3 | 3, RFL_VM | RFL_IF | 0x2);
	cr_assert_eq(run(IRET, 1), IRET_DONE, "%s", res.why);
	cr_assert_eq(regs.rflags, RFL_IOPL3 | RFL_IF | 0x2, "VM stays clear");
}

Test(emul_iret, refuses_a_task_return)
{
	regs.rflags = RFL_NT | 0x2;
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	expect_refusal(IRET, 1, "task return (EFLAGS.NT=1) is not implemented");
}

Test(emul_iret, refuses_a_return_to_virtual_8086_mode)
{
	frame32(STACK_TOP, 0x100, SEL_CODE0, RFL_VM | 0x2);
	expect_refusal(IRET, 1, "return to virtual-8086 mode is not implemented");
}

Test(emul_iret, refuses_a_return_to_an_outer_privilege_level)
{
	frame32(STACK_TOP, 0x100, SEL_CODE3 | 3, 0x2);
	expect_refusal(IRET, 1,
		       "return to an outer privilege level (CPL 0 to 3) is not implemented");
}

Test(emul_iret, refuses_long_mode_real_mode_and_virtual_8086_mode)
{
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	sregs.efer = 0x500; /* LME | LMA */
	expect_refusal(IRET, 1, "long mode");
	sregs.efer = 0;
	sregs.cr0 = 0x10;
	expect_refusal(IRET, 1, "real mode");
	sregs.cr0 = 0x11;
	regs.rflags = RFL_VM | 0x2;
	expect_refusal(IRET, 1, "from virtual-8086 mode is not implemented");
}

Test(emul_iret, refuses_legacy_paging)
{
	sregs.cr0 = 0x80000011;
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	expect_refusal(IRET, 1, "paging");
}

Test(emul_iret, refuses_the_single_step_trap_but_not_a_fault_before_it)
{
	regs.rflags = RFL_TF | 0x2;
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	expect_refusal(IRET, 1, "single-step");
	frame32(STACK_TOP, 0x100, 0, 0x2); /* the fault comes first: no trap */
	expect_fault(IRET, 1, IRET_VEC_GP, 0);
}

Test(emul_iret, refuses_an_ambiguous_cpl)
{
	sregs.cs.selector = 0x07C3; /* a real-mode value left after setting CR0.PE */
	frame32(STACK_TOP, 0x100, SEL_CODE0, 0x2);
	expect_refusal(IRET, 1, "CPL is ambiguous (CS.RPL 3, SS.DPL 0)");
}

Test(emul_iret, refuses_a_descriptor_outside_guest_ram)
{
	sregs.gdt.base = sizeof(ram) - 0x100;
	sregs.gdt.limit = 0xFFFF;
	frame32(STACK_TOP, 0x100, 0x100, 0x2);
	expect_refusal(IRET, 1, "descriptor of CS 0x100 at linear 0x100000 is outside guest RAM");
}

Test(emul_iret, decodes_only_cf_and_66_cf)
{
	cr_assert(emul_iret_match(IRET, 1));
	cr_assert(emul_iret_match(IRET_66, 2));
	cr_assert_not(emul_iret_match(IRET_66, 1), "truncated");
	cr_assert_not(emul_iret_match((const uint8_t[]){0x48, 0xCF}, 2), "iretq");
	cr_assert_not(emul_iret_match((const uint8_t[]){0xF3, 0xCF}, 2), "other prefixes");
	cr_assert_not(emul_iret_match((const uint8_t[]){0xCB}, 1), "retf");
	cr_assert_not(emul_iret_match(NULL, 0));
	expect_refusal((const uint8_t[]){0x2E, 0xCF}, 2, "not an iret encoding");
}
