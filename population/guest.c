/* Launches one guest's VM from its group's shared files and records what its reports say. */
#include "population/guest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "base/errf.h"
#include "base/clock.h"
#include "abi/report_abi.h"
#include "vmm/platform/vga_text.h"
#include "vmm/vm_firmware.h"

int guest_init(struct pop_guest *g, unsigned index, unsigned group, enum guest_type type,
	       unsigned k)
{
	memset(g, 0, sizeof(*g));
	g->index = index;
	g->group = group;
	g->type = type;
	g->state = GUEST_PENDING;
	snprintf(g->name, sizeof(g->name), "%s_%u", guest_type_name(type), k);
	uuid_t u;
	uuid_generate(u);
	uuid_unparse_lower(u, g->uuid);
	atomic_init(&g->serial_bytes, 0);
	return -pthread_mutex_init(&g->lock, NULL);
}

void guest_fini(struct pop_guest *g)
{
	free(g->ms.lap_ns);
	g->ms.lap_ns = NULL;
	pthread_mutex_destroy(&g->lock);
}

void guest_on_report(void *ctx, uint64_t host_ns, unsigned event, uint32_t value)
{
	struct pop_guest *g = ctx;
	struct guest_milestones *m = &g->ms;
	pthread_mutex_lock(&g->lock);
	switch (event) {
	case REPORT_KERNEL_UP:
		if (!m->kernel_up_ns)
			m->kernel_up_ns = host_ns;
		break;
	case REPORT_APP_START:
		if (!m->app_start_ns) {
			m->app_start_ns = host_ns;
			m->app = value;
		}
		break;
	case REPORT_LAP:
		if (m->laps < UINT32_MAX)
			m->laps++;
		if (m->nkept == m->cap && m->cap < GUEST_LAPS_KEPT) {
			uint32_t cap = m->cap ? m->cap * 2 : 16;
			uint64_t *p = realloc(m->lap_ns, cap * sizeof(*p));
			if (p) {
				m->lap_ns = p;
				m->cap = cap;
			}
		}
		if (m->nkept < m->cap)
			m->lap_ns[m->nkept++] = host_ns;
		break;
	case REPORT_APP_DONE:
		m->app_done_ns = host_ns;
		m->done_laps = value;
		break;
	case REPORT_RESULT:
		m->result = value;
		m->has_result = true;
		break;
	case REPORT_FAULT:
		m->faults++;
		break;
	case REPORT_APP_ERROR:
		m->app_errors++;
		break;
	default:
		break; /* a newer guest's event: the report device counts it */
	}
	pthread_mutex_unlock(&g->lock);
}

/* COM1: counted always, kept in the guest's log file when there is one. */
static void serial_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct pop_guest *g = ctx;
	atomic_fetch_add_explicit(&g->serial_bytes, len, memory_order_relaxed);
	if (g->has_log)
		sink_write(&g->log_sink, buf, len);
}

static void vm_ended(void *ctx)
{
	struct pop_guest *g = ctx;
	/* the end is now, not when the manager gets to it; the queue's lock publishes it */
	g->end_ns = clock_mono_ns();
	endq_push(g->endq, g->index);
}

static int failed(struct pop_guest *g, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int failed(struct pop_guest *g, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrf(g->fail_msg, sizeof(g->fail_msg), 0, fmt, ap);
	va_end(ap);
	g->state = GUEST_FAILED;
	g->end_ns = clock_mono_ns();
	return code;
}

static void close_sinks(struct pop_guest *g)
{
	if (g->has_log) {
		g->serial_dropped = g->log.dropped;
		fd_sink_close(&g->log);
		g->has_log = false;
	}
	disk_close(&g->disk);
}

/* Direct boot from the group's mapped kernel, or firmware boot from this guest's disk map. */
static int load(struct pop_guest *g, const struct boot_files *bf)
{
	char err[320];
	int r = vm_boot(g->vm, bf->direct ? &bf->req : NULL, bf->boot_drive, err, sizeof(err));
	if (r && bf->direct)
		return failed(g, -EINVAL, "%s", err);
	if (r == VM_FIRMWARE_NO_BOOT)
		return failed(g, -ENOEXEC, "no bootable disk: %s", err);
	if (r)
		return failed(g, r < 0 ? r : -EIO, "%s", err);
	return 0;
}

int guest_launch(struct pop_guest *g, const struct pop_group *grp, const struct boot_files *bf,
		 const struct guest_env *env)
{
	g->launch_ns = clock_mono_ns();
	g->launch_wall_ms = clock_wall_ms();
	g->endq = env->endq;
	const char *why = "";
	int r;
	if (!bf->direct && (r = boot_files_disk(bf, &g->disk, &why)))
		return failed(g, r, "image '%s': %s", bf->image, why);
	g->logs_dir = env->logs_dir;
	if (env->logs_dir) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s.log", env->logs_dir, g->name) >=
		    (int)sizeof(path)) {
			close_sinks(g);
			return failed(g, -ENAMETOOLONG, "--logs: path too long");
		}
		if ((r = fd_sink_open(&g->log, path, env->log_cap))) {
			close_sinks(g);
			return failed(g, r, "log '%s': %s", path, strerror(-r));
		}
		g->log_sink = fd_sink_as_sink(&g->log);
		g->has_log = true;
	}
	struct vm_config cfg = {
	    .name = g->name,
	    .uuid = g->uuid,
	    .ram_bytes = grp->ram_bytes,
	    .ncpus = grp->smp,
	    .serial = {.write = serial_write, .ctx = g},
	    .pit = VM_PIT_USER,
	    .floppy = !bf->direct && bf->disk_kind == DISK_FLOPPY ? &g->disk : NULL,
	    .hard = {!bf->direct && bf->disk_kind == DISK_HARD ? &g->disk : NULL, NULL},
	    .report = {.report = guest_on_report, .ctx = g},
	    .app_args = grp->app,
	    .sandbox = env->sandbox,
	};
	char err[320];
	if ((r = vm_create(&g->vm, env->kvm, env->timers, &cfg, err, sizeof(err)))) {
		g->vm = NULL;
		close_sinks(g);
		return failed(g, r, "%s", err);
	}
	if ((r = load(g, bf))) {
		vm_destroy(g->vm);
		g->vm = NULL;
		close_sinks(g);
		return r;
	}
	if (env->ksm)
		(void)vm_mergeable(g->vm); /* the manager says once if the host has no KSM */
	g->state = GUEST_RUNNING;
	struct vm_end_notify n = {.ended = vm_ended, .ctx = g};
	/* a vCPU that cannot start ends the VM as a crash, and that still arrives as its end */
	g->start_err = vm_start(g->vm, &n);
	return 0;
}

/* The guest's last text screen as DIR/NAME.screen, when it wrote one (many guests of the
 * thesis's era show their state only there). Best effort: the serial log is the record. */
static void save_screen(const struct pop_guest *g)
{
	if (!g->logs_dir || vga_text_blank(vm_mem(g->vm)))
		return;
	char path[PATH_MAX], text[VGA_TEXT_RENDER_MAX];
	if (snprintf(path, sizeof(path), "%s/%s.screen", g->logs_dir, g->name) >= (int)sizeof(path))
		return;
	size_t len = vga_text_render(vm_mem(g->vm), text, sizeof(text));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	ssize_t n = write(fd, text, len < sizeof(text) ? len : sizeof(text) - 1);
	(void)n;
	close(fd);
}

void guest_release(struct pop_guest *g)
{
	if (!g->vm)
		return;
	vm_wait(g->vm, &g->result);
	save_screen(g);
	g->exits = vm_exit_count(g->vm);
	g->cpu_ns = vm_cpu_ns(g->vm);
	if (!g->end_ns)
		g->end_ns = clock_mono_ns();
	vm_destroy(g->vm);
	g->vm = NULL;
	close_sinks(g);
	g->state = GUEST_ENDED;
}

uint64_t guest_exits(const struct pop_guest *g)
{
	return g->vm ? vm_exit_count(g->vm) : g->exits;
}

uint64_t guest_cpu_ns(const struct pop_guest *g)
{
	return g->vm ? vm_cpu_ns(g->vm) : g->cpu_ns;
}

const char *guest_state_name(enum guest_state s)
{
	switch (s) {
	case GUEST_PENDING:
		return "pending";
	case GUEST_RUNNING:
		return "running";
	case GUEST_PAUSED:
		return "paused";
	case GUEST_ENDED:
		return "ended";
	case GUEST_FAILED:
		return "failed";
	case GUEST_NOT_STARTED:
		return "not-started";
	}
	return "?";
}
