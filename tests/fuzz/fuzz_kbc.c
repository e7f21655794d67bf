/* libFuzzer harness: the i8042 stub and the system ports 0x92/0x80 through their ports. */
#include <stdlib.h>

#include "devices/kbc.h"
#include "devices/sysport.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct fake_stopper stop;
	struct kbc k;
	struct sysport s;
	struct kbc_config kc = {.stopper = fake_stopper_of(&stop)};
	struct sysport_config sc = {.stopper = kc.stopper};
	if (kbc_init(&k, &kc) || sysport_init(&s, &sc))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, KBC_DATA_PORT, 1, &kbc_data_io_ops, &k, "kbc data") ||
	    bus_register(&bus, KBC_CMD_PORT, 1, &kbc_cmd_io_ops, &k, "kbc cmd") ||
	    bus_register(&bus, SYSPORT_92, 1, &sysport_92_io_ops, &s, "92") ||
	    bus_register(&bus, SYSPORT_POST, 1, &sysport_post_io_ops, &s, "post"))
		abort();
	const struct fz_range r[] = {
	    {KBC_DATA_PORT, 1}, {KBC_CMD_PORT, 1}, {SYSPORT_92, 1}, {SYSPORT_POST, 1}};
	fz_run_ports(&in, &bus, r, 4, NULL, NULL, NULL, 4096);
	/* a reset request is the only way these end a VM */
	if (stop.stops && stop.kind != VM_END_RESET)
		abort();
	sysport_destroy(&s);
	kbc_destroy(&k);
	return 0;
}
