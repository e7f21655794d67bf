/* One virtual machine: its KVM fds, RAM, port bus, devices and vCPU threads, with no state outside
 * it. */
#ifndef TINYVMM_VMM_VM_H
#define TINYVMM_VMM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/vm_end.h"
#include "devices/acpi_pm.h"
#include "devices/ata.h"
#include "devices/debug_exit.h"
#include "devices/device.h"
#include "devices/disk.h"
#include "devices/fdc.h"
#include "devices/kbc.h"
#include "devices/pit.h"
#include "devices/report.h"
#include "devices/rtc.h"
#include "devices/sysport.h"
#include "devices/uart.h"
#include "vmm/boot/loader.h"
#include "vmm/bus.h"
#include "vmm/firmware/bios.h"
#include "vmm/guest_mem.h"
#include "vmm/kvm_host.h"
#include "vmm/vcpu.h"

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

struct sandbox;

struct vm_devices {
	struct uart com1;
	struct rtc rtc;
	struct pit pit;
	struct kbc kbc;
	struct sysport sysport;
	struct debug_exit debug_exit;
	struct report_dev report;
	struct acpi_pm acpi_pm;
	struct fdc fdc;
	struct ata ata;
	bool has_ata;
	bool user_pit;
};

/* Told once when a VM started with vm_start has ended: the last vCPU thread left its loop. */
struct vm_end_notify {
	void (*ended)(void *ctx);
	void *ctx;
};

struct vm {
	char name[VM_NAME_MAX];
	char uuid[37];
	const struct kvm_host *host;
	struct timer_base *timers;
	int fd;
	struct guest_mem mem;
	struct io_bus bus;
	struct vm_devices dev;
	struct bios_env bios; /* firmware boot only; its disks are the config's */
	unsigned nvcpus;
	struct vcpu *vcpus;
	const struct sandbox *sandbox; /* the config's: vCPU threads enter SANDBOX_VCPU */

	pthread_mutex_t stop_lock;
	_Atomic bool stopping;
	struct vm_result result;

	/* vm_start/vm_wait (the population manager); all under stop_lock. */
	struct vm_end_notify notify;
	unsigned live; /* vCPU threads not yet ended (or about to start), + 1 while vm_start runs */
	_Atomic bool paused;   /* vCPUs park on `resume` instead of entering KVM_RUN */
	unsigned parked;       /* how many are parked right now */
	pthread_cond_t resume; /* paused went false, or stopping went true */
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

/* CPU time of the VM's vCPU threads so far, those that ended included (ns). */
uint64_t vm_cpu_ns(struct vm *vm);

/* Each vCPU thread calls this once as it leaves its loop (vcpu.c); the last one notifies. */
void vm_live_put(struct vm *vm);

/* Offers the guest's RAM to KSM (MADV_MERGEABLE). 0 or -errno (EINVAL: no KSM here). */
int vm_mergeable(struct vm *vm);

/* Exits taken to user space so far, all vCPUs. */
uint64_t vm_exit_count(const struct vm *vm);

#endif
