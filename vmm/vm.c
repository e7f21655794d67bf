/* VM life cycle: create (KVM VM, memory, irqchip, routing, devices, vCPUs), load, run, stop,
 * destroy. */
#include "vmm/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "base/errf.h"
#include "vmm/cpu_setup.h"
#include "vmm/platform/layout.h"
#include "vmm/platform/tables.h"
#include "vmm/vm_devices.h"
#include "vmm/vm_internal.h"
#include "vmm/vm_irq.h"

/* Intel VT-x wants three pages for the real-mode TSS and one for the identity map,
 * somewhere no RAM is: just below the BIOS alias at 4 GiB, as PC VMMs do. */
#define VM_TSS_ADDR	     0xFFFBD000ULL
#define VM_IDENTITY_MAP_ADDR 0xFFFBC000ULL

static int create_vm_fd(int kvm_fd)
{
	for (;;) {
		int fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
		if (fd >= 0 || errno != EINTR)
			return fd < 0 ? -errno : fd;
	}
}

static int map_memory(struct vm *vm)
{
	for (unsigned i = 0; i < vm->mem.nregions; i++) {
		const struct guest_region *r = &vm->mem.regions[i];
		struct kvm_userspace_memory_region reg = {
		    .slot = i,
		    .guest_phys_addr = r->gpa,
		    .memory_size = r->size,
		    .userspace_addr = (uint64_t)(uintptr_t)(vm->mem.host + r->host_offset),
		};
		if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &reg))
			return -errno;
	}
	return 0;
}

int vm_create(struct vm **out, const struct kvm_host *host, struct timer_base *timers,
	      const struct vm_config *cfg, char *err, size_t errlen)
{
	int r;
	if (cfg->ncpus == 0 || cfg->ncpus > VM_MAX_VCPUS)
		return errf(err, errlen, -EINVAL, "%u vCPUs asked for; 1 to %u are supported",
			    cfg->ncpus, VM_MAX_VCPUS);
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return errf(err, errlen, -ENOMEM, "out of memory for the VM");
	snprintf(vm->name, sizeof(vm->name), "%s", cfg->name ? cfg->name : "vm");
	if (cfg->uuid) {
		snprintf(vm->uuid, sizeof(vm->uuid), "%s", cfg->uuid);
	} else {
		uuid_t u;
		uuid_generate(u);
		uuid_unparse_lower(u, vm->uuid);
	}
	vm->host = host;
	vm->timers = timers;
	vm->sandbox = cfg->sandbox;
	vm->fd = -1;
	bus_init(&vm->bus);
	if ((r = pthread_mutex_init(&vm->stop_lock, NULL))) {
		free(vm);
		return errf(err, errlen, -r, "pthread_mutex_init: %s", strerror(r));
	}
	if ((r = pthread_cond_init(&vm->resume, NULL))) {
		pthread_mutex_destroy(&vm->stop_lock);
		free(vm);
		return errf(err, errlen, -r, "pthread_cond_init: %s", strerror(r));
	}

	vm->fd = create_vm_fd(host->fd);
	if (vm->fd < 0) {
		r = errf(err, errlen, vm->fd, "KVM_CREATE_VM: %s", strerror(-vm->fd));
		goto err_lock;
	}
	/* Hardware VT-x needs these; other backends may refuse them harmlessly. */
	(void)ioctl(vm->fd, KVM_SET_TSS_ADDR, (unsigned long)VM_TSS_ADDR);
	if (host->backend == KVM_BACKEND_INTEL) {
		uint64_t idmap = VM_IDENTITY_MAP_ADDR;
		(void)ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
	}
	/* Memory before the irqchip: creating it starts an SRCU grace period, and on kvm_pvm a
	 * KVM_SET_USER_MEMORY_REGION issued then waits 4-6 ms for it to end (0.03 ms before). */
	if ((r = gmem_alloc(&vm->mem, cfg->ram_bytes))) {
		r = errf(err, errlen, r, "cannot reserve %llu MiB of guest RAM: %s",
			 (unsigned long long)(cfg->ram_bytes >> 20), strerror(-r));
		goto err_fd;
	}
	if ((r = map_memory(vm))) {
		r = errf(err, errlen, r, "KVM_SET_USER_MEMORY_REGION: %s", strerror(-r));
		goto err_mem;
	}
	if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)) {
		r = errf(err, errlen, -errno, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
		goto err_mem;
	}
	if ((r = vm_irq_setup_routing(vm->fd))) {
		r = errf(err, errlen, r, "KVM_SET_GSI_ROUTING: %s", strerror(-r));
		goto err_mem;
	}
	if ((r = vm_devices_init(vm, cfg, err, errlen)))
		goto err_mem;
	vm->bios = (struct bios_env){.mem = &vm->mem,
				     .bus = &vm->bus,
				     .floppy = cfg->floppy,
				     .hard = {cfg->hard[0], cfg->hard[1]},
				     .console = cfg->serial,
				     .stopping = &vm->stopping};
	e820_build(&vm->bios.e820, &vm->mem);
	vm->vcpus = calloc(cfg->ncpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		r = errf(err, errlen, -ENOMEM, "out of memory for vCPUs");
		goto err_dev;
	}
	for (; vm->nvcpus < cfg->ncpus; vm->nvcpus++) {
		if ((r = vcpu_create(&vm->vcpus[vm->nvcpus], vm, vm->nvcpus))) {
			r = errf(err, errlen, r, "KVM_CREATE_VCPU %u: %s", vm->nvcpus,
				 strerror(-r));
			goto err_vcpus;
		}
	}
	*out = vm;
	return 0;

err_vcpus:
	while (vm->nvcpus > 0)
		vcpu_destroy(&vm->vcpus[--vm->nvcpus]);
	free(vm->vcpus);
err_dev:
	vm_devices_destroy(vm);
err_mem:
	gmem_free(&vm->mem);
err_fd:
	close(vm->fd);
err_lock:
	pthread_cond_destroy(&vm->resume);
	pthread_mutex_destroy(&vm->stop_lock);
	free(vm);
	return r;
}

/*
 * Every VM gets the firmware's tables, direct boot included: kernels look for the MP table
 * and ACPI to find CPUs, the IOAPIC and the PM timer. A guest too small to hold the BIOS
 * area (under 1 MiB of RAM) gets none.
 */
int vm_platform_tables(struct vm *vm)
{
	if (!gmem_ptr(&vm->mem, PLATFORM_ACPI_BASE, GUEST_HIGH_MEM - PLATFORM_ACPI_BASE))
		return 0;
	int r = acpi_tables_build(&vm->mem, vm->nvcpus);
	return r ? r : mp_table_build(&vm->mem, vm->nvcpus);
}

int vm_load(struct vm *vm, const struct boot_request *req, char *err, size_t errlen)
{
	struct boot_entry entry;
	const char *why = "unknown error";
	int r = boot_load(&vm->mem, req, &entry, &why);
	if (r)
		return errf(err, errlen, -EINVAL, "%s: %s: %s", req->kernel.name, boot_strerror(r),
			    why);
	if ((r = vm_platform_tables(vm)))
		return errf(err, errlen, r, "cannot build the ACPI/MP tables: %s", strerror(-r));
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		const char *what = "";
		r = cpu_setup_boot(vm->vcpus[i].fd, vm->host, i, vm->nvcpus, &entry, &what);
		if (r)
			return errf(err, errlen, r, "vCPU %u: %s: %s", i, what, strerror(-r));
	}
	return 0;
}

void vm_stop(struct vm *vm, enum vm_end end, int status, const char *message)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->stopping) {
		vm->result.end = end;
		vm->result.status = status;
		snprintf(vm->result.message, sizeof(vm->result.message), "%s",
			 message ? message : "");
		atomic_store_explicit(&vm->stopping, true, memory_order_release);
	}
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_cond_broadcast(&vm->resume); /* a paused VM ends too */
	pthread_mutex_unlock(&vm->stop_lock);
}

/* Drops one reference on the running VM; the last one tells the owner. */
void vm_live_put(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	bool last = --vm->live == 0;
	struct vm_end_notify n = vm->notify;
	pthread_mutex_unlock(&vm->stop_lock);
	/* after this call the owner may destroy the VM: nothing here touches it again */
	if (last && n.ended)
		n.ended(n.ctx);
}

int vm_start(struct vm *vm, const struct vm_end_notify *notify)
{
	int err = 0;
	pthread_mutex_lock(&vm->stop_lock);
	vm->notify = notify ? *notify : (struct vm_end_notify){0};
	/* one per vCPU thread, and ours until all are started: none can end the run early */
	vm->live = 1 + vm->nvcpus;
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		int r = vcpu_start(&vm->vcpus[i]);
		if (r) {
			pthread_mutex_lock(&vm->stop_lock);
			vm->live -= vm->nvcpus - i; /* this thread and the later ones never ran */
			pthread_mutex_unlock(&vm->stop_lock);
			char msg[96];
			snprintf(msg, sizeof(msg), "cannot start vCPU %u thread: %s", i,
				 strerror(-r));
			vm_stop(vm, VM_END_CRASH, 0, msg);
			err = r;
			break;
		}
	}
	vm_live_put(vm);
	return err;
}

void vm_wait(struct vm *vm, struct vm_result *result)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_join(&vm->vcpus[i]);
	pthread_mutex_lock(&vm->stop_lock);
	*result = vm->result;
	pthread_mutex_unlock(&vm->stop_lock);
}

void vm_run(struct vm *vm, struct vm_result *result)
{
	(void)vm_start(vm, NULL);
	vm_wait(vm, result);
}

void vm_pause(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	atomic_store_explicit(&vm->paused, true, memory_order_release);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_unlock(&vm->stop_lock);
}

int vm_pause_wait(struct vm *vm)
{
	vm_pause(vm);
	pthread_mutex_lock(&vm->stop_lock);
	for (;;) {
		unsigned running = 0;
		for (unsigned i = 0; i < vm->nvcpus; i++)
			running += vm->vcpus[i].started && !vm->vcpus[i].exited;
		if (vm->stopping || vm->parked >= running)
			break;
		/* park() broadcasts `resume` as each vCPU arrives */
		pthread_cond_wait(&vm->resume, &vm->stop_lock);
	}
	int r = vm->stopping ? -ESRCH : 0;
	pthread_mutex_unlock(&vm->stop_lock);
	return r;
}

void vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	atomic_store_explicit(&vm->paused, false, memory_order_release);
	pthread_cond_broadcast(&vm->resume);
	pthread_mutex_unlock(&vm->stop_lock);
}

uint64_t vm_cpu_ns(struct vm *vm)
{
	uint64_t ns = 0;
	pthread_mutex_lock(&vm->stop_lock);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		ns += vcpu_cpu_ns(&vm->vcpus[i]);
	pthread_mutex_unlock(&vm->stop_lock);
	return ns;
}

int vm_mergeable(struct vm *vm)
{
	return madvise(vm->mem.host, vm->mem.ram_size, MADV_MERGEABLE) ? -errno : 0;
}

uint64_t vm_exit_count(const struct vm *vm)
{
	uint64_t n = 0;
	/* the vCPU threads count as they go: atomic, so a reader on another thread (the
	 * population's sampler) never races them */
	for (unsigned i = 0; i < vm->nvcpus; i++)
		n += atomic_load_explicit(&vm->vcpus[i].env.stats.total, memory_order_relaxed);
	return n;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_join(&vm->vcpus[i]);
	/* devices first: their timers must stop firing before the irqchip goes */
	vm_devices_destroy(vm);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_destroy(&vm->vcpus[i]);
	free(vm->vcpus);
	gmem_free(&vm->mem);
	close(vm->fd);
	pthread_cond_destroy(&vm->resume);
	pthread_mutex_destroy(&vm->stop_lock);
	free(vm);
}
