/* libFuzzer harness: the report port (milestones, console records from guest RAM, app arguments)
 * and isa-debug-exit. */
#include <stdlib.h>
#include <string.h>

#include "devices/debug_exit.h"
#include "devices/report.h"
#include "tests/fuzz/support.h"
#include "tests/support/fakes.h"

struct seen {
	unsigned reports;
	unsigned last_event;
};

static void on_report(void *ctx, uint64_t host_ns, unsigned event, uint32_t value)
{
	struct seen *s = ctx;
	(void)host_ns;
	(void)value;
	s->reports++;
	s->last_event = event;
}

static uint64_t clock_of(void *ctx)
{
	return ((struct vclock *)ctx)->now_ns;
}

static int read_guest(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	return gmem_read(ctx, gpa, dst, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = {data, size};
	struct guest_mem mem;
	if (fz_ram(&mem, fz_u8(&in)))
		abort();
	fz_fill_ram(&in, &mem, fz_u8(&in) % 8);
	char args[REPORT_ARGS_MAX + 8];
	fz_str(&in, args, sizeof(args));
	struct vclock vc;
	vclock_init(&vc, 0);
	struct seen seen = {0};
	struct fake_sink console;
	struct report_config rc = {.sink = {.report = on_report, .ctx = &seen},
				   .now_ns = clock_of,
				   .clock_ctx = &vc,
				   .args = args,
				   .read_guest = read_guest,
				   .mem_ctx = &mem,
				   .console = fake_sink_of(&console)};
	struct report_dev rep;
	if (report_init(&rep, &rc)) {
		/* only arguments too long for the ABI are refused */
		if (strlen(args) < REPORT_ARGS_MAX)
			abort();
		rc.args = NULL;
		if (report_init(&rep, &rc))
			abort();
	}
	struct fake_stopper stop;
	struct debug_exit_config dc = {.stopper = fake_stopper_of(&stop)};
	struct debug_exit dx;
	if (debug_exit_init(&dx, &dc))
		abort();
	struct io_bus bus;
	bus_init(&bus);
	if (bus_register(&bus, REPORT_PORT, REPORT_PORT_LEN, &report_io_ops, &rep, "report") ||
	    bus_register(&bus, DEBUG_EXIT_PORT, DEBUG_EXIT_LEN, &debug_exit_io_ops, &dx, "exit"))
		abort();
	const struct fz_range r[] = {{REPORT_PORT, REPORT_PORT_LEN},
				     {DEBUG_EXIT_PORT, DEBUG_EXIT_LEN}};
	fz_run_ports(&in, &bus, r, 2, &vc, NULL, NULL, 4096);
	if (stop.stops && stop.kind != VM_END_DEBUG_EXIT)
		abort();
	if (atomic_load(&rep.args_pos) > REPORT_ARGS_MAX || console.len > sizeof(console.buf))
		abort();
	debug_exit_destroy(&dx);
	report_destroy(&rep);
	gmem_free(&mem);
	return 0;
}
