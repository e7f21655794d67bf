/* Parses `tinyvmm run` options in QEMU's spelling (-m, -kernel, -initrd, -append, ...). */
#include "cli/run_opts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>

#include "base/errf.h"
#include "base/parse.h"
#include "abi/report_abi.h"
#include "devices/report.h"

/* "-opt" and "--opt" are the same option, as in QEMU. */
static const char *opt_name(const char *a)
{
	if (a[0] != '-')
		return NULL;
	return a[1] == '-' ? a + 2 : a + 1;
}

void run_opts_usage(void)
{
	printf("Usage: tinyvmm run -kernel FILE [options]\n"
	       "       tinyvmm run -restore SNAPSHOT [options]\n"
	       "       tinyvmm run -fda FLOPPY | -hda DISK [options]\n"
	       "\n"
	       "Boots one guest and runs it until it exits: directly from a kernel file, or\n"
	       "through tinyvmm's BIOS from a floppy or IDE disk image (the boot sector at\n"
	       "0000:7C00, as a PC does).\n"
	       "Kernel formats: multiboot v1 (ELF or a.out kludge), Linux bzImage or vmlinux,\n"
	       "any other x86-64 ELF (entered in 64-bit long mode with multiboot info in RBX),\n"
	       "or a flat 64-bit image with -load-addr.\n"
	       "\n"
	       "Options:\n"
	       "  -m SIZE             guest RAM; MiB unless suffixed K, M, G (default 64)\n"
	       "  -kernel FILE        the kernel to boot directly\n"
	       "  -fda FILE           1.44 MB (or other standard size) floppy image, drive A\n"
	       "  -hda FILE, -hdb FILE  IDE primary master / slave disk images\n"
	       "  -snapshot           disk writes stay in memory; images are never modified\n"
	       "  -boot a|c           boot from the floppy (a) or the first hard disk (c);\n"
	       "                      default: the floppy if there is one\n"
	       "  -initrd LIST        Linux: the initrd file. Multiboot and ELF64: modules,\n"
	       "                      \"file args,file2\"; each entry is the module's string\n"
	       "  -append CMDLINE     kernel command line\n"
	       "  -name NAME          VM name used in messages and thread names\n"
	       "  -uuid UUID          VM UUID (random if not given; -exit-stats shows it)\n"
	       "  -serial DEST        COM1 output: stdio (default), file:PATH (at most 256 MiB\n"
	       "                      are kept; the rest is counted and dropped), or none\n"
	       "  -smp N              vCPUs (default 1); APs wait for INIT/SIPI\n"
	       "  -no-reboot          a guest reset ends the VM (status 0) instead of rebooting\n"
	       "  -screen exit|live|none  the VGA text screen (0xB8000): exit prints it on\n"
	       "                      stderr when the VM ends, however it ends, if the guest\n"
	       "                      wrote to it (default); live follows it while the VM runs:\n"
	       "                      redrawn on a terminal, else its new lines on stdout\n"
	       "  -exit-stats         print the exits to user space when the VM ends: by kind,\n"
	       "                      by device and by BIOS service (stderr)\n"
	       "  -report DEST        write the guest's reports (abi/report_abi.h: app\n"
	       "                      start, laps, done) with host times: stderr or file:PATH\n"
	       "  -app ARGS           the app command line offered to the guest (report port), in\n"
	       "                      place of its own: \"app=pattern pattern=B\" (< 256 bytes)\n"
	       "  -pit user|kvm       8254 PIT model: user space (default) or KVM's in-kernel one\n"
	       "  -load-addr ADDR     treat -kernel as a flat 64-bit image loaded and entered at "
	       "ADDR\n"
	       "  -snapshot-at MILESTONE[:N] FILE  capture the whole VM into FILE when the\n"
	       "                      guest reports MILESTONE (kernel-up, app-start, lap,\n"
	       "                      app-done; the Nth one), then go on running\n"
	       "  -restore FILE       continue the VM captured in FILE (its RAM, vCPUs and PIT;\n"
	       "                      give the same disks); a damaged, foreign, other-version\n"
	       "                      or other-CPU file is refused with status 2\n"
	       "  -h, --help          this text\n"
	       "\n"
	       "Exit status: the guest's isa-debug-exit status ((v << 1) | 1, port 0xf4) when it\n"
	       "used it; 0 when the guest powered off or reset with -no-reboot, or when SIGINT\n"
	       "or SIGTERM stopped the VM; 4 when the guest crashed (triple fault, KVM internal\n"
	       "error, failed entry); 2 for bad usage or input, including a missing /dev/kvm;\n"
	       "6 when the host failed (out of memory); 8 when firmware boot found no bootable\n"
	       "disk.\n");
}

/* "lap", "app-start:1", "lap:3": an event report_event_name knows, and which of its reports. */
static int parse_milestone(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	const char *colon = strchr(v, ':');
	size_t len = colon ? (size_t)(colon - v) : strlen(v);
	uint64_t nth = 1;
	if (colon && (parse_u64(colon + 1, UINT32_MAX, &nth) || nth == 0))
		return errf(err, errlen, -EINVAL, "-snapshot-at '%s': expected NAME or NAME:N", v);
	for (unsigned e = 1; e < REPORT_EVENT_SLOTS; e++) {
		char buf[32];
		const char *n = report_event_name(e, buf, sizeof(buf));
		if (strlen(n) == len && !strncmp(n, v, len) && strncmp(n, "event-", 6)) {
			o->snap_event = e;
			o->snap_nth = (unsigned)nth;
			return 0;
		}
	}
	return errf(
	    err, errlen, -EINVAL,
	    "-snapshot-at '%s': no such milestone (kernel-up, app-start, lap, app-done, ...)", v);
}

int run_opts_parse(struct run_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->ram_bytes = RUN_DEFAULT_RAM;
	o->smp = 1;
	o->serial = SERIAL_STDIO;
	o->pit = VM_PIT_USER;
	o->screen = SCREEN_EXIT;

	for (int i = 0; i < argc; i++) {
		const char *name = opt_name(argv[i]);
		if (!name)
			return errf(err, errlen, -EINVAL, "unexpected argument '%s'", argv[i]);
		if (!strcmp(name, "h") || !strcmp(name, "help")) {
			o->help = true;
			return 0;
		}
		if (!strcmp(name, "no-reboot")) {
			o->no_reboot = true;
			continue;
		}
		if (!strcmp(name, "snapshot")) {
			o->snapshot = true;
			continue;
		}
		if (!strcmp(name, "exit-stats")) {
			o->exit_stats = true;
			continue;
		}
		if (!strcmp(name, "snapshot-at")) {
			if (i + 2 >= argc)
				return errf(err, errlen, -EINVAL,
					    "-snapshot-at needs a milestone and a file");
			if (parse_milestone(o, argv[i + 1], err, errlen))
				return -EINVAL;
			o->snap_file = argv[i + 2];
			i += 2;
			continue;
		}
		static const char *const with_value[] = {
		    "m",      "kernel", "initrd", "append",    "name",	 "uuid",
		    "serial", "smp",	"pit",	  "load-addr", "screen", "fda",
		    "hda",    "hdb",	"boot",	  "report",    "app",	 "restore"};
		bool known = false;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			known |= !strcmp(name, with_value[k]);
		if (!known)
			return errf(err, errlen, -EINVAL, "unknown option '%s' (see --help)",
				    argv[i]);
		if (i + 1 >= argc)
			return errf(err, errlen, -EINVAL, "option '%s' needs a value", argv[i]);
		const char *v = argv[++i];
		uint64_t n;
		if (!strcmp(name, "m")) {
			int r = parse_size(v, &o->ram_bytes);
			if (r)
				return errf(err, errlen, -EINVAL,
					    "-m '%s': expected a size such as 64, 512K, "
					    "16M or 2G",
					    v);
		} else if (!strcmp(name, "restore")) {
			o->restore = v;
		} else if (!strcmp(name, "kernel")) {
			o->kernel = v;
		} else if (!strcmp(name, "fda")) {
			o->fda = v;
		} else if (!strcmp(name, "hda")) {
			o->hda = v;
		} else if (!strcmp(name, "hdb")) {
			o->hdb = v;
		} else if (!strcmp(name, "boot")) {
			if (strcmp(v, "a") && strcmp(v, "c"))
				return errf(err, errlen, -EINVAL, "-boot '%s': expected a or c", v);
			o->boot = v[0];
		} else if (!strcmp(name, "initrd")) {
			o->initrd = v;
		} else if (!strcmp(name, "append")) {
			o->append = v;
		} else if (!strcmp(name, "name")) {
			if (!*v)
				return errf(err, errlen, -EINVAL, "-name must not be empty");
			o->name = v;
		} else if (!strcmp(name, "uuid")) {
			uuid_t u;
			if (uuid_parse(v, u))
				return errf(err, errlen, -EINVAL, "-uuid '%s' is not a UUID", v);
			o->uuid = v;
		} else if (!strcmp(name, "serial")) {
			if (!strcmp(v, "stdio")) {
				o->serial = SERIAL_STDIO;
			} else if (!strcmp(v, "none") || !strcmp(v, "null")) {
				o->serial = SERIAL_NONE;
			} else if (!strncmp(v, "file:", 5) && v[5]) {
				o->serial = SERIAL_FILE;
				o->serial_path = v + 5;
			} else {
				return errf(err, errlen, -EINVAL,
					    "-serial '%s': expected stdio, file:PATH or none", v);
			}
		} else if (!strcmp(name, "report")) {
			if (!strcmp(v, "stderr"))
				o->report = v;
			else if (!strncmp(v, "file:", 5) && v[5])
				o->report = v + 5;
			else
				return errf(err, errlen, -EINVAL,
					    "-report '%s': expected stderr or file:PATH", v);
		} else if (!strcmp(name, "app")) {
			if (strlen(v) >= REPORT_ARGS_MAX)
				return errf(err, errlen, -EINVAL, "-app: at most %u bytes",
					    REPORT_ARGS_MAX - 1);
			o->app = v;
		} else if (!strcmp(name, "smp")) {
			if (parse_u64(v, VM_MAX_VCPUS, &n) || n == 0)
				return errf(err, errlen, -EINVAL, "-smp '%s': expected 1 to %d", v,
					    VM_MAX_VCPUS);
			o->smp = (unsigned)n;
		} else if (!strcmp(name, "pit")) {
			if (!strcmp(v, "user"))
				o->pit = VM_PIT_USER;
			else if (!strcmp(v, "kvm"))
				o->pit = VM_PIT_KERNEL;
			else
				return errf(err, errlen, -EINVAL, "-pit '%s': expected user or kvm",
					    v);
		} else if (!strcmp(name, "screen")) {
			if (!strcmp(v, "exit"))
				o->screen = SCREEN_EXIT;
			else if (!strcmp(v, "live"))
				o->screen = SCREEN_LIVE;
			else if (!strcmp(v, "none"))
				o->screen = SCREEN_NONE;
			else
				return errf(err, errlen, -EINVAL,
					    "-screen '%s': expected exit, live or none", v);
		} else if (!strcmp(name, "load-addr")) {
			if (parse_u64(v, UINT64_MAX, &n) || n == 0 || (n & 0xFFF))
				return errf(err, errlen, -EINVAL,
					    "-load-addr '%s': expected a non-zero, 4 KiB "
					    "aligned address",
					    v);
			o->load_addr = n;
		}
	}
	if (o->restore && (o->kernel || o->snap_file))
		return errf(err, errlen, -EINVAL,
			    "-restore continues a captured guest: no -kernel or -snapshot-at");
	if (o->restore) {
		/* RAM, vCPUs and the PIT come from the file; disks only as given, for a
		 * firmware-booted guest that resets */
		if (!o->boot)
			o->boot = o->fda ? 'a' : 'c';
		return 0;
	}
	if (!o->kernel && !o->fda && !o->hda)
		return errf(err, errlen, -EINVAL,
			    "nothing to boot: give -kernel, -fda or -hda (see --help)");
	if (o->hdb && !o->hda)
		return errf(err, errlen, -EINVAL, "-hdb needs -hda (a slave needs a master)");
	if (o->boot == 'a' && !o->fda)
		return errf(err, errlen, -EINVAL, "-boot a without -fda");
	if (o->boot == 'c' && !o->hda)
		return errf(err, errlen, -EINVAL, "-boot c without -hda");
	if (!o->boot && !o->kernel)
		o->boot = o->fda ? 'a' : 'c';
	return 0;
}
