/* One virtual machine -- its KVM fds, RAM, port bus, devices and vCPU threads, with no state
 * outside it -- as the layers above see it: an opaque handle and its functions. */
#ifndef TINYVMM_VMM_VM_H
#define TINYVMM_VMM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/vm_end.h"
#include "devices/device.h"
#include "vmm/bus.h"
#include "abi/bios_abi.h"

/* struct vm is private to vmm/ (vmm/vm_internal.h): everyone else uses the functions here. */
struct vm;
struct boot_request;
struct disk;
struct guest_mem;
struct kvm_host;
struct sandbox;
struct timer_base;
struct uart;

#define VM_MAX_VCPUS 64
#define VM_NAME_MAX  64

enum vm_pit_kind {
	VM_PIT_USER,   /* our 8254 model on the shared timer service */
	VM_PIT_KERNEL, /* KVM_CREATE_PIT2: in-kernel, one kernel thread per VM */
};

struct vm_config {
	const char *name;
	const char *uuid; /* canonical text form; NULL: one is generated */
	uint64_t ram_bytes;
	unsigned ncpus;
	struct char_sink serial; /* COM1 output */
	enum vm_pit_kind pit;
	/* Disks stay owned by the caller and must outlive the VM. */
	struct disk *floppy;	   /* drive A, or NULL */
	struct disk *hard[2];	   /* IDE primary master and slave, or NULL */
	struct report_sink report; /* the guest's milestones (report port); NULL: counted only */
	const char *app_args;	   /* app command line offered on the report port; NULL: none */
	/* seccomp filters every vCPU thread confines itself to; NULL: none (unit tests) */
	const struct sandbox *sandbox;
};

struct vm_result {
	enum vm_end end;
	int status;
	char message[384];
};

/* Told once when a VM started with vm_start has ended: the last vCPU thread left its loop. */
struct vm_end_notify {
	void (*ended)(void *ctx);
	void *ctx;
};

/*
 * Creates the VM with its memory, irqchip, devices and vCPUs (not yet running). On
 * failure returns -errno and writes a one-line reason into err.
 */
int vm_create(struct vm **out, const struct kvm_host *host, struct timer_base *timers,
	      const struct vm_config *cfg, char *err, size_t errlen);

/* Loads a direct-boot kernel and sets the boot vCPU's entry state. */
int vm_load(struct vm *vm, const struct boot_request *req, char *err, size_t errlen);

/* Writes the ACPI and MP tables for this VM's vCPUs (vm_load does it). 0 or -errno. */
int vm_platform_tables(struct vm *vm);

/* Runs every vCPU on its own thread until the VM ends; returns how it ended. */
void vm_run(struct vm *vm, struct vm_result *result);

/* Ends the VM from any thread (first reason wins) and kicks its vCPUs out of KVM_RUN. */
void vm_stop(struct vm *vm, enum vm_end end, int status, const char *message);

/* vm_stop for an end the guest asked for (debug-exit, reset, power-off), with its message. */
static inline void vm_stop_asked(struct vm *vm, enum vm_end end, int status)
{
	vm_stop(vm, end, status, vm_end_message(end));
}

void vm_destroy(struct vm *vm);

/*
 * vm_run in two halves, for owners of many VMs: vm_start starts every vCPU thread and
 * returns; `notify` (may be NULL) is then called exactly once, from the thread that ends
 * the VM's last vCPU (or from vm_start itself when no thread could start), and must only
 * hand the news on: vm_wait and vm_destroy belong to the owner. 0, or -errno when some
 * vCPU thread could not start (the VM is then stopping as a crash, and still notifies).
 */
int vm_start(struct vm *vm, const struct vm_end_notify *notify);
/* Joins the vCPU threads of a started VM (at once after the notification); how it ended. */
void vm_wait(struct vm *vm, struct vm_result *result);

/* Parks every vCPU outside KVM_RUN until vm_resume (or vm_stop). Returns at once. */
void vm_pause(struct vm *vm);
void vm_resume(struct vm *vm);
/*
 * vm_pause, then waits until every running vCPU is parked with its last exit completed
 * (KVM's state is only consistent then). Not from a vCPU thread. 0, or -ESRCH when the VM
 * is stopping instead.
 */
int vm_pause_wait(struct vm *vm);

/* CPU time of the VM's vCPU threads so far, those that ended included (ns). */
uint64_t vm_cpu_ns(struct vm *vm);

/* Offers the guest's RAM to KSM (MADV_MERGEABLE). 0 or -errno (EINVAL: no KSM here). */
int vm_mergeable(struct vm *vm);

/* Exits taken to user space so far, all vCPUs. */
uint64_t vm_exit_count(const struct vm *vm);

/* The accessors (vmm/vm_access.c): what the command line and the population read of a VM. */
const char *vm_name(const struct vm *vm);
const char *vm_uuid(const struct vm *vm);
/* Guest RAM, for readers such as the VGA text screen (vmm/platform/vga_text.h). */
const struct guest_mem *vm_mem(const struct vm *vm);
/* COM1, for a host input pump (cli/stdin_pump.h). */
struct uart *vm_com1(struct vm *vm);
/* Writes to the firmware's console (int 10h teletype output), as the BIOS would. */
void vm_firmware_console_write(struct vm *vm, const char *text, size_t len);

/* Counters for an exit report, read live (the vCPU threads count with atomic adds). */
struct vm_exit_counts {
	uint64_t total, io, mmio, fixups, other; /* exits by kind, summed over the vCPUs */
	unsigned nranges;
	struct {
		const char *name;
		uint64_t accesses;
	} ranges[BUS_MAX_RANGES]; /* port accesses by device, in port order */
	uint64_t unhandled;	  /* accesses to ports no device claims */
	uint64_t
	    bios_calls[BIOS_STUB_COUNT]; /* BIOS service calls per vector BIOS_STUB_FIRST + i */
};
void vm_exit_counts(const struct vm *vm, struct vm_exit_counts *out);

#endif
