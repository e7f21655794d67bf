/* Snapshot and restore of one whole VM: the VM-level state, the device models, RAM, vCPUs. */
#include "vmm/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/errf.h"
#include "base/file_replace.h"
#include "vmm/cpu_setup.h"
#include "vmm/snap_vcpu.h"
#include "vmm/vm_internal.h"

#define PAGE 4096u

/* SNAP_SEC_VM: the in-kernel irqchip (PIC master, slave, IOAPIC), PIT and kvmclock. */
struct snap_vm_state {
	struct kvm_irqchip chip[3];
	struct kvm_pit_state2 pit; /* only with VM_PIT_KERNEL */
	struct kvm_clock_data clock;
};

/* SNAP_DEV_BIOS: what the firmware keeps between calls (the rest is rebuilt or in RAM). */
struct snap_bios {
	uint8_t boot_drive;
	uint8_t pad[7];
};

static bool firmware_booted(const struct vm *vm)
{
	struct bus_range *port = bus_find((struct io_bus *)&vm->bus, BIOS_SERVICE_PORT);
	return port && port->ops == &bios_port_ops;
}

void vm_snapshot_config(const struct vm *vm, struct snap_header *h)
{
	memset(h, 0, sizeof(*h));
	snap_host_cpu(&h->cpu);
	h->ram_bytes = vm->mem.ram_size;
	h->ncpus = vm->nvcpus;
	h->pit = vm->dev.user_pit ? VM_PIT_USER : VM_PIT_KERNEL;
	h->boot = firmware_booted(vm) ? SNAP_BOOT_FIRMWARE : SNAP_BOOT_DIRECT;
}

static int save_vm_state(struct snap_writer *w, struct vm *vm, char *err, size_t errlen)
{
	struct snap_vm_state *s = snapw_section(w, SNAP_SEC_VM, 0, sizeof(*s));
	if (!s)
		return errf(err, errlen, w->err, "out of memory for the snapshot");
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < 3; i++) {
		s->chip[i].chip_id = i; /* KVM_IRQCHIP_PIC_MASTER, _PIC_SLAVE, _IOAPIC */
		if (ioctl(vm->fd, KVM_GET_IRQCHIP, &s->chip[i]))
			return errf(err, errlen, -errno, "KVM_GET_IRQCHIP %u: %s", i,
				    strerror(errno));
	}
	if (!vm->dev.user_pit && ioctl(vm->fd, KVM_GET_PIT2, &s->pit))
		return errf(err, errlen, -errno, "KVM_GET_PIT2: %s", strerror(errno));
	if (ioctl(vm->fd, KVM_GET_CLOCK, &s->clock))
		return errf(err, errlen, -errno, "KVM_GET_CLOCK: %s", strerror(errno));
	return 0;
}

static int load_vm_state(const struct snap_reader *r, struct vm *vm, char *err, size_t errlen)
{
	const struct snap_vm_state *s = snap_find_sized(r, SNAP_SEC_VM, 0, sizeof(*s));
	if (!s)
		return errf(err, errlen, -EINVAL, "the irqchip section is missing or malformed");
	for (unsigned i = 0; i < 3; i++) {
		if (s->chip[i].chip_id != i)
			return errf(err, errlen, -EINVAL, "irqchip %u is out of order", i);
		if (ioctl(vm->fd, KVM_SET_IRQCHIP, &s->chip[i]))
			return errf(err, errlen, -errno, "KVM_SET_IRQCHIP %u: %s", i,
				    strerror(errno));
	}
	if (!vm->dev.user_pit && ioctl(vm->fd, KVM_SET_PIT2, &s->pit))
		return errf(err, errlen, -errno, "KVM_SET_PIT2: %s", strerror(errno));
	/* only the clock value: the flags KVM_GET_CLOCK reports (stable, realtime) are its
	 * own news, not requests */
	struct kvm_clock_data c = {.clock = s->clock.clock};
	if (ioctl(vm->fd, KVM_SET_CLOCK, &c))
		return errf(err, errlen, -errno, "KVM_SET_CLOCK: %s", strerror(errno));
	return 0;
}

static int save_devices(struct snap_writer *w, struct vm *vm, char *err, size_t errlen)
{
	struct vm_devices *d = &vm->dev;
	void *p;
#define SECTION(dev, size)                                                                         \
	if (!(p = snapw_section(w, SNAP_SEC_DEVICE, dev, size)))                                   \
		return errf(err, errlen, w->err, "out of memory for the snapshot");
	SECTION(SNAP_DEV_UART, uart_state_size());
	uart_save(&d->com1, p);
	SECTION(SNAP_DEV_RTC, rtc_state_size());
	rtc_save(&d->rtc, p);
	if (d->user_pit) {
		SECTION(SNAP_DEV_PIT, pit_state_size());
		pit_save(&d->pit, p);
	}
	SECTION(SNAP_DEV_KBC, kbc_state_size());
	kbc_save(&d->kbc, p);
	SECTION(SNAP_DEV_SYSPORT, sysport_state_size());
	sysport_save(&d->sysport, p);
	SECTION(SNAP_DEV_ACPI_PM, acpi_pm_state_size());
	acpi_pm_save(&d->acpi_pm, p);
	SECTION(SNAP_DEV_REPORT, sizeof(struct report_state));
	report_save(&d->report, p);
	SECTION(SNAP_DEV_FDC, fdc_state_size());
	fdc_save(&d->fdc, p);
	if (d->has_ata) {
		SECTION(SNAP_DEV_ATA, ata_state_size());
		ata_save(&d->ata, p);
	}
	SECTION(SNAP_DEV_BIOS, sizeof(struct snap_bios));
	*(struct snap_bios *)p = (struct snap_bios){.boot_drive = vm->bios.boot_drive};
#undef SECTION
	return 0;
}

static int load_devices(const struct snap_reader *r, struct vm *vm, uint64_t delta, char *err,
			size_t errlen)
{
	struct vm_devices *d = &vm->dev;
	const void *p;
	int e;
	/* every device the VM has must be in the file, with this build's size */
#define SECTION(dev, size, name)                                                                   \
	if (!(p = snap_find_sized(r, SNAP_SEC_DEVICE, dev, size)))                                 \
		return errf(err, errlen, -EINVAL, "the %s state is missing or of another size",    \
			    name);
#define LOAD(call, name)                                                                           \
	if ((e = (call)))                                                                          \
		return errf(err, errlen, e, "the %s state does not fit this VM: %s", name,         \
			    strerror(-e));
	SECTION(SNAP_DEV_UART, uart_state_size(), "UART");
	LOAD(uart_load(&d->com1, p), "UART");
	SECTION(SNAP_DEV_RTC, rtc_state_size(), "RTC");
	LOAD(rtc_load(&d->rtc, p, delta), "RTC");
	if (d->user_pit) {
		SECTION(SNAP_DEV_PIT, pit_state_size(), "PIT");
		LOAD(pit_load(&d->pit, p, delta), "PIT");
	}
	SECTION(SNAP_DEV_KBC, kbc_state_size(), "keyboard controller");
	LOAD(kbc_load(&d->kbc, p), "keyboard controller");
	SECTION(SNAP_DEV_SYSPORT, sysport_state_size(), "port 0x92");
	LOAD(sysport_load(&d->sysport, p), "port 0x92");
	SECTION(SNAP_DEV_ACPI_PM, acpi_pm_state_size(), "ACPI PM");
	LOAD(acpi_pm_load(&d->acpi_pm, p, delta), "ACPI PM");
	SECTION(SNAP_DEV_REPORT, sizeof(struct report_state), "report port");
	LOAD(report_load(&d->report, p), "report port");
	SECTION(SNAP_DEV_FDC, fdc_state_size(), "floppy controller");
	LOAD(fdc_load(&d->fdc, p), "floppy controller");
	bool had_ata = snap_find(r, SNAP_SEC_DEVICE, SNAP_DEV_ATA, NULL) != NULL;
	if (had_ata != d->has_ata)
		return errf(err, errlen, -EINVAL, "the snapshot's VM %s; this one %s",
			    had_ata ? "had a hard disk" : "had no hard disk",
			    d->has_ata ? "has one (-hda)" : "has none (give its -hda)");
	if (d->has_ata) {
		SECTION(SNAP_DEV_ATA, ata_state_size(), "IDE");
		LOAD(ata_load(&d->ata, p), "IDE");
	}
	SECTION(SNAP_DEV_BIOS, sizeof(struct snap_bios), "firmware");
	vm->bios.boot_drive = ((const struct snap_bios *)p)->boot_drive;
#undef SECTION
#undef LOAD
	return 0;
}

/* SNAP_SEC_RAM: one bit per 4 KiB page (set: the page follows), then those pages in order.
 * Untouched RAM is zero and costs nothing in the file, as it costs nothing in the host. */
static bool page_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)p;
	for (unsigned i = 0; i < PAGE / 8; i++)
		if (q[i])
			return false;
	return true;
}

static int save_ram(struct snap_writer *w, struct vm *vm, char *err, size_t errlen)
{
	uint64_t npages = vm->mem.ram_size / PAGE;
	uint64_t mapbytes = (npages + 63) / 64 * 8;
	uint64_t *map = calloc(1, mapbytes ? mapbytes : 8);
	if (!map)
		return errf(err, errlen, -ENOMEM, "out of memory for the RAM map");
	uint64_t used = 0;
	for (uint64_t i = 0; i < npages; i++)
		if (!page_zero(vm->mem.host + i * PAGE)) {
			map[i / 64] |= 1ULL << (i % 64);
			used++;
		}
	uint8_t *p = snapw_section(w, SNAP_SEC_RAM, 0, mapbytes + used * PAGE);
	if (!p) {
		free(map);
		return errf(err, errlen, w->err, "out of memory for the snapshot's RAM");
	}
	memcpy(p, map, mapbytes);
	p += mapbytes;
	for (uint64_t i = 0; i < npages; i++)
		if (map[i / 64] & (1ULL << (i % 64))) {
			memcpy(p, vm->mem.host + i * PAGE, PAGE);
			p += PAGE;
		}
	free(map);
	return 0;
}

static int load_ram(const struct snap_reader *r, struct vm *vm, char *err, size_t errlen)
{
	uint64_t npages = vm->mem.ram_size / PAGE;
	uint64_t mapbytes = (npages + 63) / 64 * 8;
	uint64_t len = 0;
	const uint8_t *p = snap_find(r, SNAP_SEC_RAM, 0, &len);
	if (!p || len < mapbytes)
		return errf(err, errlen, -EINVAL, "the RAM section is missing or short");
	const uint64_t *map = (const uint64_t *)p;
	uint64_t used = 0;
	for (uint64_t i = 0; i < npages; i++)
		used += (map[i / 64] >> (i % 64)) & 1;
	if ((len - mapbytes) / PAGE != used || (len - mapbytes) % PAGE)
		return errf(err, errlen, -EINVAL, "the RAM section holds %llu bytes for %llu pages",
			    (unsigned long long)(len - mapbytes), (unsigned long long)used);
	const uint8_t *src = p + mapbytes;
	for (uint64_t i = 0; i < npages; i++)
		if (map[i / 64] & (1ULL << (i % 64))) {
			memcpy(vm->mem.host + i * PAGE, src, PAGE);
			src += PAGE;
		}
	return 0;
}

int vm_snapshot_capture(struct vm *vm, uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	int r = vm_pause_wait(vm);
	if (r)
		return errf(err, errlen, r, "the VM ended before it could be captured");
	struct snap_header h;
	vm_snapshot_config(vm, &h);
	struct snap_writer w;
	snapw_init(&w);
	for (unsigned i = 0; i < vm->nvcpus && !r; i++) {
		r = snap_vcpu_save(&w, vm->vcpus[i].fd, vm->host, i, err, errlen);
		if (r) {
			char why[256];
			snprintf(why, sizeof(why), "%s", err);
			errf(err, errlen, r, "vCPU %u: %s", i, why);
		}
	}
	if (!r)
		r = save_vm_state(&w, vm, err, errlen);
	if (!r)
		r = save_devices(&w, vm, err, errlen);
	/* The clock after the devices: their timers run on while the vCPUs are parked, so a
	 * clock read before them could be older than a time a device saved, and the load's
	 * "nothing after now" checks refused such a file when it was restored at once. */
	h.clock_ns = timer_now(vm->timers);
	if (!r)
		r = save_ram(&w, vm, err, errlen);
	if (r) {
		snapw_free(&w);
		return r;
	}
	r = snapw_finish(&w, &h, out, outlen);
	return r ? errf(err, errlen, r, "cannot seal the snapshot: %s", strerror(-r)) : 0;
}

int vm_snapshot_restore(struct vm *vm, const struct snap_reader *r, char *err, size_t errlen)
{
	struct snap_header mine;
	vm_snapshot_config(vm, &mine);
	if (r->h.ram_bytes != mine.ram_bytes || r->h.ncpus != mine.ncpus || r->h.pit != mine.pit)
		return errf(err, errlen, -EINVAL,
			    "the snapshot's VM (%llu MiB, %u vCPUs, %s PIT) is not this one",
			    (unsigned long long)(r->h.ram_bytes >> 20), r->h.ncpus,
			    r->h.pit == VM_PIT_KERNEL ? "kvm" : "user");
	uint64_t now = timer_now(vm->timers);
	if (now < r->h.clock_ns)
		return errf(err, errlen, -EINVAL,
			    "the timer clock (%llu ns) is behind the capture's (%llu ns)",
			    (unsigned long long)now, (unsigned long long)r->h.clock_ns);
	int e = load_ram(r, vm, err, errlen);
	if (!e && r->h.boot == SNAP_BOOT_FIRMWARE && !firmware_booted(vm))
		if ((e = bus_register(&vm->bus, BIOS_SERVICE_PORT, 1, &bios_port_ops, &vm->bios,
				      "bios-service")))
			errf(err, errlen, e, "cannot put the BIOS service port on the bus: %s",
			     strerror(-e));
	if (!e)
		e = load_vm_state(r, vm, err, errlen);
	for (unsigned i = 0; i < vm->nvcpus && !e; i++) {
		char why[256] = "";
		const char *what = "CPUID";
		e = cpu_setup_cpuid(vm->vcpus[i].fd, vm->host, i, vm->nvcpus);
		if (e)
			snprintf(why, sizeof(why), "%s", strerror(-e));
		else if ((e = snap_vcpu_load(r, vm->vcpus[i].fd, i, why, sizeof(why))))
			what = "state";
		if (e)
			errf(err, errlen, e, "vCPU %u: %s: %s", i, what, why);
	}
	if (!e)
		e = load_devices(r, vm, now - r->h.clock_ns, err, errlen);
	return e;
}

int vm_snapshot_write(const char *path, const uint8_t *data, size_t len)
{
	return file_replace(path, data, len, 0644);
}
