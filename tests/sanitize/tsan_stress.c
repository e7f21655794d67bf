/* make tsan's host part: the real timer service and device models driven by several vCPU-like
 * threads at once, exit counters read live, for ThreadSanitizer to watch. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/acpi_pm.h"
#include "devices/pit.h"
#include "devices/report.h"
#include "devices/rtc.h"
#include "devices/uart.h"
#include "tests/support/fakes.h"
#include "vmm/bus.h"
#include "vmm/exit.h"
#include "vmm/guest_mem.h"
#include "vmm/timer_service.h"

#define THREADS 4
#define SECONDS 3

/* One VM's worth of shared devices on one bus, as vm_devices.c wires them. */
struct machine {
	struct timer_service ts;
	struct guest_mem mem;
	struct io_bus bus;
	struct uart uart;
	struct rtc rtc;
	struct pit pit;
	struct acpi_pm pm;
	struct report_dev report;
	struct fake_irq irq[4];
	struct fake_sink out;
	atomic_uint stops;
	atomic_bool done;
	struct exit_env env[THREADS];
};

static const uint16_t ports[] = {0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x70, 0x71, 0x40,  0x42,
				 0x43,	0x61,  0x600, 0x602, 0x604, 0x608, 0xEC, 0xED, 0x3F8, 0x71};

struct vcpu_arg {
	struct machine *m;
	unsigned index;
};

/* A vCPU thread: port exits through the real dispatcher, as fast as it can. */
static void *vcpu(void *arg)
{
	struct vcpu_arg *a = arg;
	struct exit_env *env = &a->m->env[a->index];
	static _Thread_local uint8_t page[3 * 4096];
	uint32_t rng = 0x9E3779B9u * (a->index + 1);
	while (!atomic_load(&a->m->done)) {
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		struct kvm_run *run = (struct kvm_run *)page;
		memset(run, 0, sizeof(*run));
		run->exit_reason = KVM_EXIT_IO;
		run->io.port = ports[rng % (sizeof(ports) / sizeof(ports[0]))];
		run->io.size = (uint8_t)(1u << ((rng >> 8) % 3));
		run->io.count = 1 + (rng >> 12) % 4;
		run->io.direction = (rng >> 16) & 1 ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
		run->io.data_offset = 4096;
		uint32_t v = rng * 2654435761u;
		/* no write that would put the machine to sleep */
		if (run->io.port == 0x604)
			v &= ~0x2000u;
		memcpy(page + 4096, &v, 4);
		(void)exit_dispatch(env, run, sizeof(page));
	}
	return NULL;
}

/* The population's sampler: every vCPU's exit count, live, as vm_exit_count reads them. */
static void *sampler(void *arg)
{
	struct machine *m = arg;
	uint64_t last = 0;
	while (!atomic_load(&m->done)) {
		uint64_t n = 0;
		for (unsigned i = 0; i < THREADS; i++)
			n += atomic_load_explicit(&m->env[i].stats.total, memory_order_relaxed);
		if (n < last) {
			fprintf(stderr, "tsan_stress: exit count went back\n");
			abort();
		}
		last = n;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* The VM's stopper is thread safe (vm_stop takes its lock); so is this one. */
static void stop(void *ctx, enum vm_end kind, int status)
{
	(void)kind;
	(void)status;
	atomic_fetch_add((atomic_uint *)ctx, 1);
}

static int read_guest(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	return gmem_read(ctx, gpa, dst, len);
}

int main(void)
{
	struct machine *m = calloc(1, sizeof(*m));
	if (!m || timer_service_start(&m->ts) || gmem_alloc(&m->mem, 2 << 20))
		return 1;
	bus_init(&m->bus);
	struct uart_config uc = {.irq = fake_irq_line(&m->irq[0], 4), .out = fake_sink_of(&m->out)};
	struct rtc_config rc = {
	    .irq = fake_irq_line(&m->irq[1], 8), .timers = &m->ts.base, .ram_low_bytes = 2 << 20};
	struct pit_config pc = {.irq = fake_irq_line(&m->irq[2], 0), .timers = &m->ts.base};
	struct acpi_pm_config ac = {.sci = fake_irq_line(&m->irq[3], 9),
				    .timers = &m->ts.base,
				    .stopper = {.stop = stop, .ctx = &m->stops}};
	struct report_config rpc = {
	    .args = "app=stress", .read_guest = read_guest, .mem_ctx = &m->mem};
	if (uart_init(&m->uart, &uc) || rtc_init(&m->rtc, &rc) || pit_init(&m->pit, &pc) ||
	    acpi_pm_init(&m->pm, &ac) || report_init(&m->report, &rpc))
		return 1;
	if (bus_register(&m->bus, 0x3F8, 8, &uart_io_ops, &m->uart, "com1") ||
	    bus_register(&m->bus, 0x70, 2, &rtc_io_ops, &m->rtc, "rtc") ||
	    bus_register(&m->bus, 0x40, 4, &pit_io_ops, &m->pit, "pit") ||
	    bus_register(&m->bus, 0x61, 1, &pit_port61_io_ops, &m->pit, "61") ||
	    bus_register(&m->bus, ACPI_PM_BASE, ACPI_PM_LEN, &acpi_pm_io_ops, &m->pm, "pm") ||
	    bus_register(&m->bus, REPORT_PORT, REPORT_PORT_LEN, &report_io_ops, &m->report, "rep"))
		return 1;
	pthread_t t[THREADS + 1];
	struct vcpu_arg args[THREADS];
	for (unsigned i = 0; i < THREADS; i++) {
		m->env[i] = (struct exit_env){.bus = &m->bus, .mem = &m->mem};
		args[i] = (struct vcpu_arg){m, i};
		if (pthread_create(&t[i], NULL, vcpu, &args[i]))
			return 1;
	}
	if (pthread_create(&t[THREADS], NULL, sampler, m))
		return 1;
	/* the host side meanwhile: serial input arriving */
	time_t end = time(NULL) + SECONDS;
	while (time(NULL) < end) {
		uint8_t c[4] = {'a', 'b', 'c', '\n'};
		(void)uart_receive(&m->uart, c, sizeof(c));
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
	}
	atomic_store(&m->done, true);
	uint64_t exits = 0;
	for (unsigned i = 0; i <= THREADS; i++)
		pthread_join(t[i], NULL);
	for (unsigned i = 0; i < THREADS; i++)
		exits += m->env[i].stats.total;
	/* teardown as vm_destroy does it: devices (their timers detached) before the service */
	report_destroy(&m->report);
	acpi_pm_destroy(&m->pm);
	pit_destroy(&m->pit);
	rtc_destroy(&m->rtc);
	uart_destroy(&m->uart);
	printf("tsan_stress: %u vCPU threads, %llu exits, %llu timer fires in %d s\n", THREADS,
	       (unsigned long long)exits, (unsigned long long)m->ts.fires, SECONDS);
	timer_service_stop(&m->ts);
	gmem_free(&m->mem);
	free(m);
	return 0;
}
