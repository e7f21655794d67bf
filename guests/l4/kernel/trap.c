/* Trap dispatch: the timer, stray interrupts, and exceptions (user faults stop the thread). */
#include "cpu.h"
#include "kernel.h"

#define VEC_NMI 2
#define VEC_PF	14

static const char *const exc_name[32] = {
    "divide error",
    "debug exception",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection fault",
    "page fault",
    "exception 15",
    "x87 error",
    "alignment check",
    "machine check",
    "SIMD error",
    "virtualization exception",
    "control protection",
    "exception 22",
    "exception 23",
    "exception 24",
    "exception 25",
    "exception 26",
    "exception 27",
    "exception 28",
    "exception 29",
    "security exception",
    "exception 31",
};

/* A kernel-mode exception is a kernel bug: say everything, then stop the machine. */
static _Noreturn void panic(const struct frame *f)
{
	kprintf("l4: KERNEL BUG: %s (vector %lu, error 0x%lx) at 0x%lx cs 0x%lx rflags 0x%lx rsp "
		"0x%lx cr2 0x%lx\n",
		f->vector < 32 ? exc_name[f->vector] : "interrupt", f->vector, f->error, f->rip,
		f->cs, f->rflags, f->rsp, read_cr2());
	kprintf("l4: rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx rsi 0x%lx rdi 0x%lx rbp 0x%lx\n",
		f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp);
	kprintf(
	    "l4: r8 0x%lx r9 0x%lx r10 0x%lx r11 0x%lx r12 0x%lx r13 0x%lx r14 0x%lx r15 0x%lx\n",
	    f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15);
	kprintf("l4: thread %u, halted\n", current ? current->tid : 0);
	halt_forever();
}

struct frame *trap(struct frame *f)
{
	uint64_t v = f->vector;
	if (v == VEC_TIMER) {
		timer_irq();
		return kexit();
	}
	if (v >= VEC_PIC0 || v == VEC_NMI)
		return f; /* a stray 8259 or spurious APIC interrupt, or an NMI: resume */
	if (!(f->cs & 3))
		panic(f);
	if (v == VEC_PF)
		page_fault(f, read_cr2());
	else
		stop(current, exc_name[v], f->rip, f->rip);
	return kexit();
}
