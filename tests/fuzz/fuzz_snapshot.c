/* libFuzzer harness: the snapshot loader (vmm/snap_format.c) and the device state loads a
 * snapshot feeds, as a damaged or hostile file could hold them. */
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/fdc.h"
#include "devices/kbc.h"
#include "devices/pit.h"
#include "devices/report.h"
#include "devices/rtc.h"
#include "devices/sysport.h"
#include "devices/uart.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"
#include "tests/support/vclock.h"
#include "vmm/snap_format.h"

/* Every device section the file has goes into a fresh device, then through its ports. */
static void load_devices(const struct snap_reader *r)
{
	struct vclock vc;
	vclock_init(&vc, 0);
	/* a clock well past zero, as a restoring process's is, so restored times can be past */
	vclock_advance(&vc, 1ULL << 50);
	struct fake_irq irq = {0};
	struct fake_sink sink = {0};
	struct fake_stopper stop = {0};
	const void *p;
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_UART, uart_state_size()))) {
		struct uart u;
		if (uart_init(&u,
			      &(struct uart_config){fake_irq_line(&irq, 4), fake_sink_of(&sink)}))
			abort();
		if (uart_load(&u, p) == 0)
			for (uint16_t port = 0; port < UART_PORT_COUNT; port++)
				(void)uart_io_ops.read(&u, port, 1);
		uart_destroy(&u);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_RTC, rtc_state_size()))) {
		struct rtc c;
		if (rtc_init(&c, &(struct rtc_config){.irq = fake_irq_line(&irq, 8),
						      .timers = &vc.base}))
			abort();
		if (rtc_load(&c, p, 1000) == 0) {
			for (uint8_t reg = 0; reg < 16; reg++) {
				rtc_io_ops.write(&c, 0, 1, reg);
				(void)rtc_io_ops.read(&c, 1, 1);
			}
			vclock_advance(&vc, 2000000000ULL);
		}
		rtc_destroy(&c);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_PIT, pit_state_size()))) {
		struct pit t;
		if (pit_init(&t, &(struct pit_config){fake_irq_line(&irq, 0), &vc.base}))
			abort();
		if (pit_load(&t, p, 1000) == 0) {
			for (uint16_t port = 0; port < 3; port++)
				(void)pit_io_ops.read(&t, port, 1);
			vclock_advance(&vc, 100000000ULL);
		}
		pit_destroy(&t);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_ACPI_PM, acpi_pm_state_size()))) {
		struct acpi_pm pm;
		if (acpi_pm_init(&pm, &(struct acpi_pm_config){fake_irq_line(&irq, 9), &vc.base,
							       fake_stopper_of(&stop)}))
			abort();
		if (acpi_pm_load(&pm, p, 1000) == 0) {
			(void)acpi_pm_io_ops.read(&pm, ACPI_PM_TMR_BLK - ACPI_PM_BASE, 4);
			vclock_advance(&vc, 100000000ULL);
		}
		acpi_pm_destroy(&pm);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_FDC, fdc_state_size()))) {
		struct fdc f;
		if (fdc_init(&f, &(struct fdc_config){fake_irq_line(&irq, 6)}))
			abort();
		if (fdc_load(&f, p) == 0)
			for (unsigned i = 0; i < 12; i++) {
				(void)fdc_io_ops.read(&f, 5, 1);
				fdc_io_ops.write(&f, 5, 1, 0x08); /* SENSE INTERRUPT STATUS */
			}
		fdc_destroy(&f);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_KBC, kbc_state_size()))) {
		struct kbc k;
		if (kbc_init(&k, &(struct kbc_config){fake_stopper_of(&stop)}))
			abort();
		if (kbc_load(&k, p) == 0)
			(void)kbc_data_io_ops.read(&k, 0, 1);
		kbc_destroy(&k);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_SYSPORT, sysport_state_size()))) {
		struct sysport s;
		if (sysport_init(&s, &(struct sysport_config){fake_stopper_of(&stop)}))
			abort();
		(void)sysport_load(&s, p);
		sysport_destroy(&s);
	}
	if ((p = snap_find_sized(r, SNAP_SEC_DEVICE, SNAP_DEV_REPORT,
				 sizeof(struct report_state)))) {
		struct report_dev d;
		if (report_init(&d, &(struct report_config){.args = "app=hello"}))
			abort();
		if (report_load(&d, p) == 0)
			for (unsigned i = 0; i < 4; i++)
				(void)report_io_ops.read(&d, 1, 1);
		report_destroy(&d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the loader reads sections in place: give it the aligned buffer a mapping would be */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	struct snap_cpu_id cpu;
	snap_host_cpu(&cpu);
	char err[320] = "";
	struct snap_reader r;
	/* the host check first, then without it, so files from any CPU reach the sections */
	enum snap_refusal why = snap_open(&r, buf, size, &cpu, err, sizeof(err));
	if (why != SNAP_OK && !err[0])
		abort(); /* every refusal says why */
	if (snap_open(&r, buf, size, NULL, err, sizeof(err)) == SNAP_OK) {
		uint64_t len;
		for (uint32_t id = 0; id <= SNAP_SEC_RAM + 1; id++)
			for (uint32_t index = 0; index < 4; index++) {
				const uint8_t *p = snap_find(&r, id, index, &len);
				if (p && (p < buf || len > size || p + len > buf + size))
					abort(); /* a section outside the file */
			}
		load_devices(&r);
	}
	/* the same bytes with a valid trailer, so mutations reach the sections and devices
	 * instead of stopping at the checksum */
	if (size >= 88) {
		uint32_t crc = snap_crc32(0, buf, size - 8), end = SNAP_END_MAGIC;
		memcpy(buf + size - 8, &crc, 4);
		memcpy(buf + size - 4, &end, 4);
		if (snap_open(&r, buf, size, NULL, err, sizeof(err)) == SNAP_OK)
			load_devices(&r);
	}
	free(buf);
	return 0;
}
