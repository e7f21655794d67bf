/* `tinyvmm pop`: checks every input, opens KVM, the socket and the outputs, runs the population. */
#include "cli/pop_cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/exit_status.h"
#include "population/host_limits.h"
#include "population/metrics_write.h"
#include "population/pop.h"
#include "population/results.h"
#include "vmm/kvm_host.h"
#include "vmm/seccomp.h"
#include "vmm/timer_service.h"
#include "vmm/vcpu.h"

static void usage(void)
{
	printf(
	    "Usage: tinyvmm pop -t l4|bm|tcl -i IMAGE -n COUNT [group options] [options]\n"
	    "       tinyvmm pop --spec FILE [options]\n"
	    "\n"
	    "Runs a population of guests as threads of this one process: each gets a UUID, a\n"
	    "name TYPE_K (its vCPU threads are TYPE_K/0 ...), its own copy-on-write view of the\n"
	    "one shared image, and a serial log if asked. Launches are paced (--stagger) and\n"
	    "admission-controlled; statistics are sampled from /proc into a CSV.\n"
	    "\n"
	    "Group options (on the command line, or one group per line of a --spec file):\n"
	    "  -t TYPE            l4 (default -m 2), bm (4) or tcl (32)\n"
	    "  -i IMAGE           disk image (firmware boot: l4 floppies as drive A, else IDE\n"
	    "                     disk 0x80) or a kernel (direct boot)\n"
	    "  -n COUNT           how many guests (1 to %u in all)\n"
	    "  -m SIZE            guest RAM; MiB unless suffixed K, M, G\n"
	    "  --app ARGS         the app and its parameters, e.g. \"pattern pattern=B\", given "
	    "to\n"
	    "                     every guest of the group without rebuilding its image\n"
	    "  --initrd LIST      direct boot: modules (\"x86-kernel,sigma0,roottask app=hello\")\n"
	    "  --append CMDLINE   direct boot: kernel command line\n"
	    "  --smp N            vCPUs per guest (default 1)\n"
	    "\n"
	    "Options:\n"
	    "  --spec FILE        add the groups of FILE (# comments, quotes as in a shell)\n"
	    "  --stagger SECONDS  delay between boots (the thesis used 10 and 5; default 0)\n"
	    "  --duration SECONDS end the population this long after the first launch; without\n"
	    "                     it, it ends when every guest has ended (or when stopped)\n"
	    "  --stats FILE       a CSV row per interval: host CPU, load, memory, paging (as the\n"
	    "                     thesis's perf.pl), vms_running, then tinyvmm's own figures\n"
	    "  --interval SECONDS between statistics rows (default 1)\n"
	    "  --prom FILE        the same figures per interval for Prometheus: FILE (name it\n"
	    "                     *.prom in node_exporter's textfile directory) is replaced\n"
	    "                     atomically each time, host and per-type gauges and counters\n"
	    "  --jsonl FILE       the same figures as one JSON object per interval and line:\n"
	    "                     the --stats columns by name, then \"types\" (per guest type)\n"
	    "  --samples N        write N statistics rows, then end (unless --duration is given)\n"
	    "  --results FILE     a CSV row per guest: UUID, name, type, boot, app start, laps "
	    "and\n"
	    "                     app end with host times from the guest's reports, how it ended\n"
	    "  --logs DIR         each guest's serial output in DIR/NAME.log (capped; bytes past\n"
	    "                     the cap are counted in the results), else it is only counted;\n"
	    "                     a guest's last VGA text screen, if any, in DIR/NAME.screen\n"
	    "  --log-cap SIZE     per guest log cap (default 1M)\n"
	    "  --min-free SIZE    admission: start no guest that could take MemAvailable below\n"
	    "                     SIZE, counting all the RAM running guests have been given\n"
	    "                     (default 256M; 0 turns the floor off)\n"
	    "  --overcommit       count only the RAM guests have touched: more small guests fit,\n"
	    "                     but guests that later touch all of theirs can cross the floor\n"
	    "  --max-load LOAD    admission: start no guest while the 1-minute load is above LOAD\n"
	    "  --ksm              offer guest RAM to KSM (MADV_MERGEABLE); savings in the stats\n"
	    "  --name NAME        the population's name for tinyvmm list/stop (default popPID)\n"
	    "  --number-from TYPE=K[,TYPE=K...]\n"
	    "                     number this type's guests from K (TYPE_K, TYPE_K+1, ...;\n"
	    "                     default 1), so that populations merged later (tinyvmm\n"
	    "                     cluster) keep their names apart; UUIDs are random anyway\n"
	    "  -h, --help         this text\n"
	    "\n"
	    "Control: tinyvmm list [POP], tinyvmm stop|pause|resume POP [GUEST...]; SIGINT and\n"
	    "SIGTERM stop every guest, write the files and exit 0. Times are seconds (10, 2.5,\n"
	    "500ms, 2m). Exit status: 0 when the population ran, 2 for bad input (nothing is\n"
	    "started), 6 when no guest could start (admission or the host refused).\n",
	    POP_MAX_GUESTS);
}

/* Where the run's resources live, so one path releases them whatever got opened. */
struct pop_run {
	struct pop_spec spec;
	struct boot_files *files;
	struct csv_file stats, results, jsonl;
	char sock[256];
	int ctl_fd, sig_fd;
	bool kvm_open, timers_running;
	struct kvm_host kvm;
	struct timer_service ts;
	struct sandbox sandbox;
	bool sandbox_ready;
};

static int open_groups(struct pop_run *r)
{
	r->files = calloc(r->spec.ngroups, sizeof(*r->files));
	if (!r->files) {
		fprintf(stderr, "tinyvmm pop: out of memory\n");
		return -1;
	}
	for (unsigned i = 0; i < r->spec.ngroups; i++) {
		const struct pop_group *g = &r->spec.groups[i];
		char err[512];
		if (boot_files_open(&r->files[i], g, err, sizeof(err))) {
			bool cli = !strcmp(g->where, "the command line");
			fprintf(stderr, "tinyvmm pop: %s%s%s\n", cli ? "" : g->where,
				cli ? "" : ": ", err);
			return -1;
		}
	}
	return 0;
}

static int check_logs_dir(const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "tinyvmm pop: --logs '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	const char *why = NULL;
	/* the kind first: a plain file has no search permission either, and that would hide it */
	if (stat(dir, &st))
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	else if (access(dir, W_OK | X_OK))
		why = strerror(errno);
	if (why)
		fprintf(stderr, "tinyvmm pop: --logs '%s': %s\n", dir, why);
	return why ? -1 : 0;
}

static int open_outputs(struct pop_run *r)
{
	r->stats.fd = r->results.fd = r->jsonl.fd = -1;
	int e;
	if (r->spec.stats_path && (e = csv_open(&r->stats, r->spec.stats_path, stats_header))) {
		fprintf(stderr, "tinyvmm pop: --stats '%s': %s\n", r->spec.stats_path,
			strerror(-e));
		return -1;
	}
	if (r->spec.results_path &&
	    (e = csv_open(&r->results, r->spec.results_path, results_header))) {
		fprintf(stderr, "tinyvmm pop: --results '%s': %s\n", r->spec.results_path,
			strerror(-e));
		return -1;
	}
	if (r->spec.jsonl_path && (e = jsonl_open(&r->jsonl, r->spec.jsonl_path))) {
		fprintf(stderr, "tinyvmm pop: --jsonl '%s': %s\n", r->spec.jsonl_path,
			strerror(-e));
		return -1;
	}
	if (r->spec.prom_path && (e = prom_open(r->spec.prom_path))) {
		fprintf(stderr, "tinyvmm pop: --prom '%s': %s\n", r->spec.prom_path, strerror(-e));
		return -1;
	}
	return 0;
}

static int open_control(struct pop_run *r, const char *name)
{
	char dir[192], err[320];
	int e = control_dir(dir, sizeof(dir), true);
	if (!e)
		e = control_path(r->sock, sizeof(r->sock), dir, name);
	if (e) {
		fprintf(
		    stderr,
		    "tinyvmm pop: control socket directory '%s': %s (set TINYVMM_CONTROL_DIR)\n",
		    dir, strerror(-e));
		return -1;
	}
	if (control_listen(r->sock, &r->ctl_fd, err, sizeof(err))) {
		fprintf(stderr, "tinyvmm pop: %s\n", err);
		r->sock[0] = '\0';
		return -1;
	}
	return 0;
}

/* SIGINT and SIGTERM arrive on a descriptor the loop polls; every thread inherits the block. */
static int signals_setup(struct pop_run *r)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN); /* a closed stderr pipe or client must not kill the guests */
	r->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return r->sig_fd < 0 ? -1 : 0;
}

static void release(struct pop_run *r)
{
	if (r->timers_running)
		timer_service_stop(&r->ts);
	if (r->kvm_open)
		kvm_host_close(&r->kvm);
	if (r->sandbox_ready)
		sandbox_free(&r->sandbox);
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	if (r->ctl_fd >= 0)
		close(r->ctl_fd);
	if (r->sock[0])
		unlink(r->sock);
	csv_close(&r->stats);
	csv_close(&r->results);
	csv_close(&r->jsonl);
	for (unsigned i = 0; r->files && i < r->spec.ngroups; i++)
		boot_files_close(&r->files[i]);
	free(r->files);
	pop_spec_free(&r->spec);
}

static int run(struct pop_run *r, const char *name)
{
	const char *why = "";
	if (kvm_host_open(&r->kvm, "/dev/kvm", &why)) {
		fprintf(stderr, "tinyvmm: %s\n", why);
		return TVMM_EXIT_USAGE;
	}
	r->kvm_open = true;
	host_limits_raise();
	char serr[256];
	if (sandbox_init(&r->sandbox, serr, sizeof(serr))) {
		fprintf(stderr, "tinyvmm pop: seccomp: %s (TINYVMM_SECCOMP=off runs without)\n",
			serr);
		return TVMM_EXIT_HOST;
	}
	r->sandbox_ready = true;
	int e = signals_setup(r) ? -errno : vcpu_signal_setup();
	if (!e)
		e = timer_service_start_confined(&r->ts, &r->sandbox);
	if (e) {
		fprintf(stderr, "tinyvmm pop: cannot start: %s\n", strerror(-e));
		return TVMM_EXIT_HOST;
	}
	r->timers_running = true;
	struct guest_env env = {
	    .kvm = &r->kvm,
	    .timers = &r->ts.base,
	    .logs_dir = r->spec.logs_dir,
	    .log_cap = r->spec.log_cap_bytes,
	    .ksm = r->spec.ksm,
	    .sandbox = &r->sandbox,
	};
	struct pop *p = malloc(sizeof(*p));
	if (!p || pop_init(p, &r->spec, r->files, &env, name, stderr, isatty(STDERR_FILENO))) {
		free(p);
		fprintf(stderr, "tinyvmm pop: out of memory for %u guests\n", r->spec.total);
		return TVMM_EXIT_HOST;
	}
	p->stats = r->spec.stats_path ? &r->stats : NULL;
	p->results = r->spec.results_path ? &r->results : NULL;
	p->jsonl = r->spec.jsonl_path ? &r->jsonl : NULL;
	p->prom_path = r->spec.prom_path;
	/* from the first launch on, this thread (and the vCPU threads it starts) keeps to the
	 * population thread's allow-list */
	if ((e = sandbox_enter(&r->sandbox, SANDBOX_MANAGER))) {
		fprintf(stderr, "tinyvmm pop: seccomp: %s\n", strerror(-e));
		pop_fini(p);
		free(p);
		return TVMM_EXIT_HOST;
	}
	pop_run(p, r->sig_fd, r->ctl_fd);
	int status = p->booted ? TVMM_EXIT_OK : TVMM_EXIT_HOST;
	if (!p->booted && p->stop_reason[0] && !p->launch_stop[0])
		status = TVMM_EXIT_OK; /* stopped before the first boot: nothing failed */
	pop_fini(p);
	free(p);
	return status;
}

int pop_cmd(int argc, char **argv)
{
	struct pop_run r;
	memset(&r, 0, sizeof(r));
	r.ctl_fd = r.sig_fd = -1;
	r.stats.fd = r.results.fd = r.jsonl.fd = -1;
	char err[512];
	if (pop_spec_parse(&r.spec, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "tinyvmm pop: %s\n", err);
		return TVMM_EXIT_USAGE;
	}
	if (r.spec.help) {
		usage();
		pop_spec_free(&r.spec);
		return TVMM_EXIT_OK;
	}
	char name[POP_NAME_MAX + 1];
	snprintf(name, sizeof(name), "%s", r.spec.name ? r.spec.name : "");
	if (!r.spec.name)
		snprintf(name, sizeof(name), "pop%ld", (long)getpid());
	/* every input is checked before KVM is touched: bad input is exit 2, nothing started */
	int status = TVMM_EXIT_USAGE;
	if (open_groups(&r) || (r.spec.logs_dir && check_logs_dir(r.spec.logs_dir)) ||
	    open_outputs(&r) || open_control(&r, name))
		goto out;
	status = run(&r, name);
out:
	release(&r);
	return status;
}
