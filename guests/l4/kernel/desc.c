/* The GDT (kernel and user segments, the 64-bit TSS) and the IDT with its trap stubs. */
#include "kernel.h"

/* An IDT gate as two words: offset 15..0, selector, IST, type, offset 31..16; offset 63..32. */
struct gate {
	uint64_t lo, hi;
};

#define GATE_INTR 0x8Eull	  /* present 64-bit interrupt gate: IF cleared on entry */
#define GATE_DPL3 (0x60ull << 40) /* reachable by `int` from user mode */
#define GATE_IST1 (1ull << 32)	  /* runs on tss.ist[0] */

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* 64-bit code (L) and data segments at DPL 0 and 3, then the two-slot TSS descriptor. */
static uint64_t gdt[7] = {
    0,
    0x00AF9A000000FFFFull, /* SEL_KCODE */
    0x00CF92000000FFFFull, /* SEL_KDATA */
    0x00AFFA000000FFFFull, /* SEL_UCODE */
    0x00CFF2000000FFFFull, /* SEL_UDATA */
    0,
    0,
};

struct tss tss;
static struct gate idt[N_VECTORS];
/* #DF runs on its own stack: a kernel stack overflow must still print, not triple-fault. */
static uint8_t df_stack[1024] __attribute__((aligned(16)));

extern const char trap_stubs[];
#define STUB_SIZE 16

void desc_init(void)
{
	uint64_t t = (uint64_t)&tss;
	tss.iomap = sizeof(tss); /* no I/O bitmap: every port faults in user mode */
	tss.ist[0] = (uint64_t)(df_stack + sizeof(df_stack));
	gdt[5] = (sizeof(tss) - 1) | ((t & 0xFFFFFF) << 16) | (0x89ull << 40) |
		 (((t >> 24) & 0xFF) << 56);
	gdt[6] = t >> 32;
	/* kernel code runs emulated on kvm_pvm: a short loop over precomputed halves */
	uint64_t a = (uint64_t)trap_stubs, hi = a >> 32;
	uint64_t lo = ((uint64_t)SEL_KCODE << 16) | (GATE_INTR << 40);
	for (unsigned v = 0; v < N_VECTORS; v++, a += STUB_SIZE) {
		idt[v].lo = lo | (a & 0xFFFF) | ((a & 0xFFFF0000ull) << 32);
		idt[v].hi = hi;
	}
	idt[L4_SYSCALL_VECTOR].lo |= GATE_DPL3;
	idt[8].lo |= GATE_IST1;

	struct dtr g = {sizeof(gdt) - 1, (uint64_t)gdt};
	struct dtr i = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "ltr %w3\n\t"
			 "lidt %4"
			 :
			 : "m"(g), "i"(SEL_KCODE), "i"(SEL_KDATA), "r"(SEL_TSS), "m"(i)
			 : "rax", "memory");
}
