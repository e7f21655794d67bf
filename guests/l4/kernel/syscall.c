/* The system call dispatcher and the small calls: KDB_OUT, REPORT, POWEROFF. */
#include "abi/report_abi.h"
#include "cpu.h"
#include "kernel.h"

/*
 * The bytes at the user's RIP are read through the current space only once the page walk
 * says they are mapped for the user: the kernel never faults on a user address.
 */
/* Out of line: the `int $0x30` path then needs no saved registers. */
static __attribute__((noinline)) int ud_is_syscall(struct frame *f)
{
	uint64_t ip = f->rip, cr3 = current->cr3;
	if (!(f->cs & 3) || !user_mapped(cr3, ip))
		return 0;
	if (!((ip + 1) & (PAGE - 1)) && !user_mapped(cr3, ip + 1))
		return 0;
	const volatile uint8_t *p = (const volatile uint8_t *)ip;
	if (p[0] != 0xCD || p[1] != L4_SYSCALL_VECTOR)
		return 0;
	f->rip += 2;
	return 1;
}

/* The bytes arrive in registers and leave as one console write. */
static void kdb_out(struct frame *f)
{
	uint64_t n = f->rdi;
	if (n > L4_KDB_OUT_MAX) {
		f->rax = L4_E_INVALID;
		return;
	}
	uint64_t w[6] = {f->rsi, f->rdx, f->r10, f->r8, f->r9, f->r12};
	console_write(w, n);
	f->rax = L4_OK;
}

void syscall(struct frame *f)
{
	switch (f->rax) {
	case L4_SYS_IPC:
		sys_ipc(f);
		break;
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

/*
 * `int $0x30` and #UD from entry.S. On kvm_pvm every system call arrives as #UD at the
 * CD 30 bytes; any other #UD goes to the exception path. The IPC is tested first, it is
 * the hot one.
 */
struct frame *syscall_entry(struct frame *f)
{
	if (f->vector != L4_SYSCALL_VECTOR && !ud_is_syscall(f))
		return trap(f);
	if (f->rax == L4_SYS_IPC)
		sys_ipc(f);
	else
		syscall(f);
	return kexit();
}
