/* Creates a VM's devices, registers their ports and IRQs, and undoes it in reverse order. */
#include "vmm/vm_devices.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/vm_internal.h"
#include "vmm/vm_irq.h"

static void device_stop(void *ctx, enum vm_end end, int status)
{
	vm_stop_asked(ctx, end, status);
}

/* The report port's console records come out of guest RAM through the checked accessor. */
static int read_guest(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	return gmem_read(ctx, gpa, dst, len);
}

struct port_range {
	uint16_t base, len;
	const struct io_ops *ops;
	void *dev;
	const char *name;
};

static int register_all(struct vm *vm, const struct port_range *r, size_t n, char *err,
			size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		int e = bus_register(&vm->bus, r[i].base, r[i].len, r[i].ops, r[i].dev, r[i].name);
		if (e) {
			snprintf(err, errlen, "cannot register %s at port 0x%x: %s", r[i].name,
				 r[i].base, strerror(-e));
			return e;
		}
	}
	return 0;
}

static int create_kernel_pit(struct vm *vm)
{
	struct kvm_pit_config pc;
	memset(&pc, 0, sizeof(pc));
	pc.flags = KVM_PIT_SPEAKER_DUMMY; /* the kernel also answers port 0x61 */
	return ioctl(vm->fd, KVM_CREATE_PIT2, &pc) ? -errno : 0;
}

int vm_devices_init(struct vm *vm, const struct vm_config *cfg, char *err, size_t errlen)
{
	struct vm_devices *d = &vm->dev;
	struct vm_stopper stopper = {.stop = device_stop, .ctx = vm};
	int r;
	err[0] = 0;

	struct uart_config uc = {.irq = vm_irq_line(&vm->fd, UART_COM1_IRQ), .out = cfg->serial};
	if ((r = uart_init(&d->com1, &uc)))
		goto fail_msg;
	uint64_t low = gmem_low_bytes(cfg->ram_bytes);
	struct rtc_config rc = {.irq = vm_irq_line(&vm->fd, RTC_IRQ),
				.timers = vm->timers,
				.ram_low_bytes = low,
				.ram_high_bytes = cfg->ram_bytes - low,
				.floppy_types = cfg->floppy ? rtc_floppy_a_type(cfg->floppy->size)
							    : RTC_FLOPPY_NONE};
	if ((r = rtc_init(&d->rtc, &rc)))
		goto err_uart;
	d->user_pit = cfg->pit == VM_PIT_USER;
	if (d->user_pit) {
		struct pit_config pc = {.irq = vm_irq_line(&vm->fd, PIT_IRQ), .timers = vm->timers};
		if ((r = pit_init(&d->pit, &pc)))
			goto err_rtc;
	} else if ((r = create_kernel_pit(vm))) {
		snprintf(err, errlen, "KVM_CREATE_PIT2: %s", strerror(-r));
		goto err_rtc;
	}
	struct kbc_config kc = {.stopper = stopper};
	if ((r = kbc_init(&d->kbc, &kc)))
		goto err_pit;
	struct sysport_config sc = {.stopper = stopper};
	if ((r = sysport_init(&d->sysport, &sc)))
		goto err_kbc;
	struct debug_exit_config dc = {.stopper = stopper};
	if ((r = debug_exit_init(&d->debug_exit, &dc)))
		goto err_sysport;
	struct acpi_pm_config ac = {
	    .sci = vm_irq_line(&vm->fd, ACPI_PM_SCI_IRQ), .timers = vm->timers, .stopper = stopper};
	if ((r = acpi_pm_init(&d->acpi_pm, &ac)))
		goto err_debug_exit;
	struct report_config rpc = {.sink = cfg->report,
				    .args = cfg->app_args,
				    .read_guest = read_guest,
				    .mem_ctx = &vm->mem,
				    .console = cfg->serial};
	if ((r = report_init(&d->report, &rpc)))
		goto err_acpi;
	struct fdc_config fc = {.irq = vm_irq_line(&vm->fd, FDC_IRQ)};
	if ((r = fdc_init(&d->fdc, &fc)))
		goto err_report;
	/* no hard disk: no channel, and its ports float like an empty ISA slot */
	d->has_ata = cfg->hard[0] != NULL;
	struct ata_config atc = {
	    .irq = vm_irq_line(&vm->fd, ATA_IRQ), .master = cfg->hard[0], .slave = cfg->hard[1]};
	if (d->has_ata && (r = ata_init(&d->ata, &atc)))
		goto err_fdc;

	const struct port_range ranges[] = {
	    {UART_COM1_BASE, UART_PORT_COUNT, &uart_io_ops, &d->com1, "COM1"},
	    {RTC_PORT_BASE, RTC_PORT_COUNT, &rtc_io_ops, &d->rtc, "RTC/CMOS"},
	    {KBC_DATA_PORT, 1, &kbc_data_io_ops, &d->kbc, "keyboard controller data"},
	    {KBC_CMD_PORT, 1, &kbc_cmd_io_ops, &d->kbc, "keyboard controller command"},
	    {SYSPORT_92, 1, &sysport_92_io_ops, &d->sysport, "port 0x92"},
	    {SYSPORT_POST, 1, &sysport_post_io_ops, &d->sysport, "POST port"},
	    {DEBUG_EXIT_PORT, 4, &debug_exit_io_ops, &d->debug_exit, "debug exit"},
	    {ACPI_PM_BASE, ACPI_PM_LEN, &acpi_pm_io_ops, &d->acpi_pm, "ACPI PM"},
	    {FDC_BASE, FDC_LEN, &fdc_io_ops, &d->fdc, "floppy controller"},
	    {FDC_DIR_BASE, FDC_DIR_LEN, &fdc_dir_io_ops, &d->fdc, "floppy DIR"},
	    {REPORT_PORT, REPORT_PORT_LEN, &report_io_ops, &d->report, "report port"},
	};
	if ((r = register_all(vm, ranges, sizeof(ranges) / sizeof(ranges[0]), err, errlen)))
		goto err_all;
	if (d->has_ata) {
		const struct port_range ata_ranges[] = {
		    {ATA_CMD_BASE, ATA_CMD_LEN, &ata_cmd_io_ops, &d->ata, "IDE task file"},
		    {ATA_CTL_BASE, ATA_CTL_LEN, &ata_ctl_io_ops, &d->ata, "IDE control"},
		};
		if ((r = register_all(vm, ata_ranges, 2, err, errlen)))
			goto err_all;
	}
	if (d->user_pit) {
		const struct port_range pit_ranges[] = {
		    {PIT_IO_BASE, PIT_IO_LEN, &pit_io_ops, &d->pit, "PIT"},
		    {PIT_PORT61, 1, &pit_port61_io_ops, &d->pit, "port 0x61"},
		};
		if ((r = register_all(vm, pit_ranges, 2, err, errlen)))
			goto err_all;
	}
	return 0;

fail_msg:
	snprintf(err, errlen, "cannot create the devices: %s", strerror(-r));
	return r;
err_all:
	if (d->has_ata)
		ata_destroy(&d->ata);
err_fdc:
	fdc_destroy(&d->fdc);
err_report:
	report_destroy(&d->report);
err_acpi:
	acpi_pm_destroy(&d->acpi_pm);
err_debug_exit:
	debug_exit_destroy(&d->debug_exit);
err_sysport:
	sysport_destroy(&d->sysport);
err_kbc:
	kbc_destroy(&d->kbc);
err_pit:
	if (d->user_pit)
		pit_destroy(&d->pit);
err_rtc:
	rtc_destroy(&d->rtc);
err_uart:
	uart_destroy(&d->com1);
	if (!err[0])
		snprintf(err, errlen, "cannot create the devices: %s", strerror(-r));
	return r;
}

void vm_devices_destroy(struct vm *vm)
{
	struct vm_devices *d = &vm->dev;
	if (d->has_ata)
		ata_destroy(&d->ata);
	fdc_destroy(&d->fdc);
	report_destroy(&d->report);
	acpi_pm_destroy(&d->acpi_pm);
	debug_exit_destroy(&d->debug_exit);
	sysport_destroy(&d->sysport);
	kbc_destroy(&d->kbc);
	if (d->user_pit)
		pit_destroy(&d->pit);
	rtc_destroy(&d->rtc);
	uart_destroy(&d->com1);
}
