/* The inside of struct vm, for vmm/'s own files only: everyone else goes through vmm/vm.h. */
#ifndef TINYVMM_VMM_VM_INTERNAL_H
#define TINYVMM_VMM_VM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/acpi_pm.h"
#include "devices/ata.h"
#include "devices/debug_exit.h"
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
#include "vmm/vm.h"

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

/* Each vCPU thread calls this once as it leaves its loop (vcpu.c); the last one notifies. */
void vm_live_put(struct vm *vm);

#endif
