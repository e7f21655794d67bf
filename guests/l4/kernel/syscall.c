/* The system call dispatcher and the small calls: KDB_OUT, REPORT, POWEROFF. */
#include "apps/report_abi.h"
#include "cpu.h"
#include "kernel.h"

#define COM1 0x3F8

/* The bytes arrive in registers; one rep outsb puts them out in one exit. */
static void kdb_out(struct frame *f)
{
	uint64_t n = f->rdi;
	if (n > L4_KDB_OUT_MAX) {
		f->rax = L4_E_INVALID;
		return;
	}
	uint64_t w[6] = {f->rsi, f->rdx, f->r10, f->r8, f->r9, f->r12};
	outsb(COM1, w, n);
	f->rax = L4_OK;
}

void syscall(struct frame *f)
{
	if (f->rax == L4_SYS_IPC) { /* the hot one first */
		sys_ipc(f);
		return;
	}
	switch (f->rax) {
	case L4_SYS_THREAD_CONTROL:
		sys_thread_control(f);
		break;
	case L4_SYS_YIELD:
		sys_yield(f);
		break;
	case L4_SYS_KDB_OUT:
		kdb_out(f);
		break;
	case L4_SYS_REPORT:
		outl(REPORT_PORT, (uint32_t)f->rdi);
		f->rax = L4_OK;
		break;
	case L4_SYS_POWEROFF:
		if (current->tid != L4_ROOTTASK_TID) {
			f->rax = L4_E_NOPERM;
			break;
		}
		poweroff();
	default:
		f->rax = L4_E_NOSYS;
		break;
	}
}
