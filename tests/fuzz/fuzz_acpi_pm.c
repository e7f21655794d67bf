/* libFuzzer harness: the ACPI PM1 event/control blocks and PM timer, with time and the power
 * button. */
#include <stdlib.h>

#include "devices/acpi_pm.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

static void press(void *ctx, struct fz *in, uint8_t arg)
{
	(void)in;
	(void)arg;
	acpi_pm_press_power_button(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct vclock vc;
	vclock_init(&vc, 0);
	/* the host has been up for anything up to 9 years */
	vclock_advance(&vc, fz_u64(&in) >> (6 + fz_u8(&in) % 58));
	struct fake_irq sci;
	struct fake_stopper stop;
	struct acpi_pm_config cfg = {.sci = fake_irq_line(&sci, ACPI_PM_SCI_IRQ),
				     .timers = &vc.base,
				     .stopper = fake_stopper_of(&stop)};
	struct acpi_pm pm;
	if (acpi_pm_init(&pm, &cfg))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, ACPI_PM_BASE, ACPI_PM_LEN, &acpi_pm_io_ops, &pm, "pm"))
		abort();
	const struct fz_range r[] = {{ACPI_PM_BASE, ACPI_PM_LEN}};
	fz_run_ports(&in, &bus, r, 1, &vc, press, &pm, 4096);
	if (stop.stops && stop.kind != VM_END_POWEROFF)
		abort();
	if (sci.level != ((pm.sts & pm.en & (ACPI_PM1_TMR_STS | ACPI_PM1_PWRBTN_STS)) != 0) &&
	    sci.level != pm.sci_level)
		abort();
	acpi_pm_destroy(&pm);
	return 0;
}
