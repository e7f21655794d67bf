/* `tinyvmm run`: map the files, open KVM, create, load and run one VM, turn its end into an exit
 * status. */
#include "cli/run_cmd.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit_report.h"
#include "cli/exit_status.h"
#include "cli/report_log.h"
#include "cli/run_opts.h"
#include "cli/run_snapshot.h"
#include "cli/run_watch.h"
#include "cli/stdin_pump.h"
#include "devices/disk.h"
#include "devices/sink.h"
#include "vmm/boot/direct_files.h"
#include "vmm/boot/file_blob.h"
#include "vmm/kvm_host.h"
#include "vmm/platform/vga_text.h"
#include "vmm/seccomp.h"
#include "vmm/snapshot.h"
#include "vmm/timer_service.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vm_firmware.h"

struct run_files {
	struct direct_files direct; /* -kernel with its -initrd list and command line */
	struct disk fda, hda, hdb;  /* map == NULL: not given */
	/* The boot drive's image exists but is no disk of its kind (empty, odd size): that is
	 * the BIOS's "no bootable disk", said once the VM is up, not a usage error. */
	char no_boot_media[192];
};

static void release_files(struct run_files *f)
{
	struct disk *disks[] = {&f->fda, &f->hda, &f->hdb};
	for (size_t i = 0; i < sizeof(disks) / sizeof(disks[0]); i++)
		if (disks[i]->map)
			disk_close(disks[i]);
	direct_files_close(&f->direct);
}

static int open_disk(struct run_files *f, struct disk *d, const char *opt, const char *path,
		     enum disk_kind kind, const struct run_opts *o, bool boot_drive)
{
	const char *why = "";
	int r = disk_open(d, path, kind, o->snapshot ? DISK_SNAPSHOT : DISK_WRITABLE, &why);
	if (r == -EMEDIUMTYPE && boot_drive && !o->kernel) {
		snprintf(f->no_boot_media, sizeof(f->no_boot_media), "drive 0x%02x (%s) %s",
			 kind == DISK_FLOPPY ? 0x00 : 0x80, path, why);
		memset(d, 0, sizeof(*d));
		return 0;
	}
	if (r) {
		fprintf(stderr, "tinyvmm: %s '%s': %s\n", opt, path, why);
		memset(d, 0, sizeof(*d));
	}
	return r;
}

static int open_disks(struct run_files *f, const struct run_opts *o, struct vm_config *cfg)
{
	if (o->fda && open_disk(f, &f->fda, "-fda", o->fda, DISK_FLOPPY, o, o->boot == 'a'))
		return -1;
	if (o->hda && open_disk(f, &f->hda, "-hda", o->hda, DISK_HARD, o, o->boot == 'c'))
		return -1;
	if (o->hdb && open_disk(f, &f->hdb, "-hdb", o->hdb, DISK_HARD, o, false))
		return -1;
	cfg->floppy = f->fda.map ? &f->fda : NULL;
	cfg->hard[0] = f->hda.map ? &f->hda : NULL;
	cfg->hard[1] = f->hdb.map ? &f->hdb : NULL;
	if (cfg->hard[1] && !cfg->hard[0]) {
		fprintf(stderr, "tinyvmm: -hdb '%s': the master (-hda) is no usable disk\n",
			o->hdb);
		return -1;
	}
	return 0;
}

static int load_files(struct run_files *f, const struct run_opts *o, struct boot_request *req)
{
	const char *why;
	char err[320];
	memset(req, 0, sizeof(*req));
	if (!o->kernel)
		return 0; /* firmware boot: the BIOS reads the disks itself */
	if (file_blob_map(&f->direct.kernel, o->kernel, &why)) {
		fprintf(stderr, "tinyvmm: kernel '%s': %s\n", o->kernel, why);
		return -1;
	}
	enum boot_format fmt = o->load_addr ? BOOT_FLAT64 : boot_detect(&f->direct.kernel);
	if (fmt == BOOT_UNKNOWN) {
		fprintf(stderr,
			"tinyvmm: kernel '%s': not a kernel tinyvmm can boot (neither multiboot, "
			"nor a Linux bzImage/vmlinux, nor an x86-64 ELF)\n",
			o->kernel);
		return -1;
	}
	req->flat_load_addr = o->load_addr;
	if (direct_files_load(&f->direct, fmt, o->kernel, o->initrd, o->append, "-initrd", req, err,
			      sizeof(err))) {
		fprintf(stderr, "tinyvmm: %s\n", err);
		return -1;
	}
	return 0;
}

struct serial_out {
	struct fd_sink sink;
	bool open;
};

static int open_serial(struct serial_out *s, const struct run_opts *o, struct char_sink *out)
{
	memset(s, 0, sizeof(*s));
	*out = (struct char_sink){0};
	if (o->serial == SERIAL_NONE)
		return 0;
	int r = o->serial == SERIAL_FILE
		    ? fd_sink_open(&s->sink, o->serial_path, RUN_SERIAL_FILE_CAP)
		    : fd_sink_init(&s->sink, STDOUT_FILENO, 0);
	if (r) {
		fprintf(stderr, "tinyvmm: -serial file:%s: %s\n", o->serial_path, strerror(-r));
		return -1;
	}
	s->open = true;
	*out = fd_sink_as_sink(&s->sink);
	return 0;
}

static int report_end(const char *name, const struct vm_result *res)
{
	switch (res->end) {
	case VM_END_DEBUG_EXIT:
		return res->status & 0xFF;
	case VM_END_POWEROFF:
	case VM_END_RESET:
	case VM_END_STOPPED:
		return TVMM_EXIT_OK;
	case VM_END_CRASH:
		fprintf(stderr, "tinyvmm: vm '%s' crashed: %s\n", name, res->message);
		return TVMM_EXIT_GUEST_CRASH;
	default:
		fprintf(stderr, "tinyvmm: vm '%s' ended without a reason\n", name);
		return TVMM_EXIT_HOST;
	}
}

/* The capture comes late in the run: a directory it cannot write to is said at once. 0 or -1
 * with errno set. */
static int snap_dir_writable(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	int r = access(dirname(copy), W_OK);
	free(copy);
	return r;
}

/* One boot of the guest; *result says how it ended. Returns an exit status on setup failure, else
 * -1. */
/* Guests that write only to the text screen (small kernels, loaders) are seen this way. */
static void print_screen(const struct vm *vm)
{
	if (vga_text_blank(vm_mem(vm)))
		return;
	char text[VGA_TEXT_RENDER_MAX];
	vga_text_render(vm_mem(vm), text, sizeof(text));
	fprintf(stderr, "tinyvmm: vm '%s' text screen at exit:\n%s", vm_name(vm), text);
}

/* What a PC shows on its console when nothing boots, then the reason for the user. */
static int no_bootable_disk(struct vm *vm, const char *why)
{
	static const char msg[] = "tinyvmm BIOS: no bootable disk\r\n";
	vm_firmware_console_write(vm, msg, sizeof(msg) - 1);
	fprintf(stderr, "tinyvmm: vm '%s': no bootable disk: %s\n", vm_name(vm), why);
	return TVMM_EXIT_NO_BOOT;
}

/* Direct boot from the kernel, or firmware boot from the chosen drive. */
static int load_guest(struct vm *vm, const struct boot_request *req, const struct run_opts *o,
		      const char *no_boot_media)
{
	char err[320];
	if (no_boot_media[0])
		return no_bootable_disk(vm, no_boot_media);
	int r = vm_boot(vm, o->kernel ? req : NULL, o->boot == 'a' ? 0x00 : 0x80, err, sizeof(err));
	if (r == VM_FIRMWARE_OK)
		return -1;
	if (o->kernel) {
		fprintf(stderr, "tinyvmm: %s\n", err);
		return TVMM_EXIT_USAGE;
	}
	if (r == VM_FIRMWARE_NO_BOOT)
		return no_bootable_disk(vm, err);
	fprintf(stderr, "tinyvmm: vm '%s': %s\n", vm_name(vm), err);
	return TVMM_EXIT_HOST;
}

static int boot_once(const struct kvm_host *kvm, struct timer_service *ts,
		     const struct vm_config *cfg, const struct run_files *files,
		     const struct boot_request *req, const struct run_opts *o,
		     const struct snap_file *restore, struct run_watch *watch,
		     struct vm_result *result)
{
	char err[320];
	struct vm *vm = NULL;
	int r = vm_create(&vm, kvm, &ts->base, cfg, err, sizeof(err));
	if (r) {
		fprintf(stderr, "tinyvmm: vm '%s': %s\n", cfg->name, err);
		return r == -EINVAL ? TVMM_EXIT_USAGE : TVMM_EXIT_HOST;
	}
	int status;
	if (restore) {
		status = -1;
		if (vm_snapshot_restore(vm, &restore->r, err, sizeof(err))) {
			fprintf(stderr, "tinyvmm: -restore %s: %s\n", o->restore, err);
			status = TVMM_EXIT_USAGE;
		}
	} else {
		status = load_guest(vm, req, o, files->no_boot_media);
	}
	if (status >= 0) {
		vm_destroy(vm);
		return status;
	}
	if (watch->snap)
		watch->snap->vm = vm; /* before its vCPUs start: no report can come sooner */
	struct stdin_pump pump = {0};
	if (o->serial == SERIAL_STDIO && isatty(STDIN_FILENO))
		(void)stdin_pump_start(&pump, STDIN_FILENO, vm_com1(vm));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_watch_vm(watch, vm, o->screen == SCREEN_LIVE, result);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stdin_pump_stop(&pump);
	if (o->exit_stats)
		exit_report_print(
		    stderr, vm, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (watch->stopped_by)
		fprintf(stderr, "tinyvmm: vm '%s' %s\n", vm_name(vm), result->message);
	if (o->screen == SCREEN_EXIT)
		print_screen(vm);
	vm_destroy(vm);
	return -1;
}

int run_cmd(int argc, char **argv)
{
	struct run_opts o;
	char err[256];
	if (run_opts_parse(&o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "tinyvmm run: %s\n", err);
		return TVMM_EXIT_USAGE;
	}
	if (o.help) {
		run_opts_usage();
		return TVMM_EXIT_OK;
	}
	/* a snapshot is checked whole before anything starts: refused means exit 2 */
	struct snap_file snap = {0};
	if (o.restore) {
		if (snap_file_read(&snap, o.restore))
			return TVMM_EXIT_USAGE;
		o.ram_bytes = snap.r.h.ram_bytes;
		o.smp = snap.r.h.ncpus;
		o.pit = snap.r.h.pit == VM_PIT_KERNEL ? VM_PIT_KERNEL : VM_PIT_USER;
		if (o.smp == 0 || o.smp > VM_MAX_VCPUS) {
			fprintf(stderr, "tinyvmm: -restore %s: refused: %u vCPUs\n", o.restore,
				o.smp);
			snap_file_close(&snap);
			return TVMM_EXIT_USAGE;
		}
	}
	/* RAM is reserved lazily (MAP_NORESERVE), so -m may exceed the host's RAM, as in QEMU;
	 * only sizes no guest could use are refused. */
	if (o.ram_bytes < RUN_MIN_RAM || o.ram_bytes > RUN_MAX_RAM) {
		fprintf(stderr, "tinyvmm run: -m: %llu KiB is outside 1 MiB .. 1 TiB\n",
			(unsigned long long)(o.ram_bytes >> 10));
		snap_file_close(&snap);
		return TVMM_EXIT_USAGE;
	}

	int status = TVMM_EXIT_USAGE;
	struct run_files files = {0};
	struct boot_request req;
	struct vm_config cfg = {
	    .ram_bytes = o.ram_bytes,
	    .ncpus = o.smp,
	    .pit = o.pit,
	    .uuid = o.uuid,
	    .app_args = o.app,
	};
	/* every file, the outputs included, is checked before KVM is touched: bad input is
	 * exit 2 with its own message everywhere, even on a host without /dev/kvm */
	if (load_files(&files, &o, &req) || open_disks(&files, &o, &cfg))
		goto out_files;
	struct serial_out serial;
	if (open_serial(&serial, &o, &cfg.serial))
		goto out_files;
	struct report_log rlog = {0};
	if (o.report) {
		int e = report_log_open(&rlog, o.report);
		if (e) {
			fprintf(stderr, "tinyvmm: -report file:%s: %s\n", o.report, strerror(-e));
			goto out_serial;
		}
		cfg.report = report_log_sink(&rlog);
	}
	struct snap_trigger trig = {.fd = -1};
	if (o.snap_file && snap_dir_writable(o.snap_file)) {
		fprintf(stderr, "tinyvmm: -snapshot-at: %s: its directory is not writable: %s\n",
			o.snap_file, strerror(errno));
		goto out_report;
	}
	if (o.snap_file) {
		int e =
		    snap_trigger_open(&trig, o.snap_event, o.snap_nth, o.snap_file, &cfg.report);
		if (e) {
			fprintf(stderr, "tinyvmm: -snapshot-at: %s\n", strerror(-e));
			goto out_report;
		}
	}

	struct kvm_host kvm;
	const char *why = "";
	if (kvm_host_open(&kvm, "/dev/kvm", &why)) {
		fprintf(stderr, "tinyvmm: %s\n", why);
		goto out_report;
	}
	const char *image = o.restore	    ? o.restore
			    : o.kernel	    ? o.kernel
			    : o.boot == 'a' ? o.fda
					    : o.hda;
	char *kpath = strdup(image);
	cfg.name = o.name ? o.name : (kpath ? basename(kpath) : "vm");

	struct timer_service ts;
	/* before any thread starts: every thread inherits SIGINT/SIGTERM blocked */
	struct run_watch watch = {.sig_fd = -1, .snap = o.snap_file ? &trig : NULL};
	struct sandbox *sandbox = calloc(1, sizeof(*sandbox));
	char serr[256] = "";
	int r = sandbox ? sandbox_init(sandbox, serr, sizeof(serr)) : -ENOMEM;
	if (!r)
		cfg.sandbox = sandbox;
	if (!r)
		r = run_watch_open(&watch);
	if (!r)
		r = vcpu_signal_setup();
	if (!r)
		r = timer_service_start_at(&ts, sandbox, o.restore ? snap.r.h.clock_ns : 0);
	bool timers = !r;
	/* this thread keeps to the manager's allow-list from the first VM on */
	if (!r)
		r = sandbox_enter(sandbox, SANDBOX_MANAGER);
	if (r) {
		if (serr[0])
			fprintf(stderr, "tinyvmm: seccomp: %s (TINYVMM_SECCOMP=off runs without)\n",
				serr);
		fprintf(stderr, "tinyvmm: cannot start: %s\n", strerror(-r));
		if (timers)
			timer_service_stop(&ts);
		status = TVMM_EXIT_HOST;
		goto out_watch;
	}
	for (;;) {
		struct vm_result res;
		status = boot_once(&kvm, &ts, &cfg, &files, &req, &o, o.restore ? &snap : NULL,
				   &watch, &res);
		if (status >= 0)
			break;
		/* a restored guest has nothing to reboot from unless it booted from a disk */
		bool reboot = !o.restore || snap.r.h.boot == SNAP_BOOT_FIRMWARE;
		if (res.end == VM_END_RESET && !o.no_reboot && !watch.stopped_by && reboot) {
			if (o.restore)
				snap_file_close(&snap);
			o.restore = NULL;
			continue;
		}
		status = report_end(cfg.name, &res);
		if (trig.failed && status == TVMM_EXIT_OK)
			status = TVMM_EXIT_HOST;
		break;
	}
	timer_service_stop(&ts);
out_watch:
	run_watch_close(&watch);
	if (sandbox)
		sandbox_free(sandbox);
	free(sandbox);
	free(kpath);
	kvm_host_close(&kvm);
out_report:
	snap_trigger_close(&trig);
	report_log_close(&rlog);
out_serial:
	if (serial.open) {
		if (serial.sink.dropped)
			fprintf(
			    stderr,
			    "tinyvmm: -serial file:%s: %llu bytes dropped past the %llu MiB cap\n",
			    o.serial_path, (unsigned long long)serial.sink.dropped,
			    (unsigned long long)(RUN_SERIAL_FILE_CAP >> 20));
		fd_sink_close(&serial.sink);
	}
out_files:
	release_files(&files);
	snap_file_close(&snap);
	return status;
}
