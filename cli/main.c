/* tinyvmm's entry point: picks the subcommand. */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "cli/cluster_cmd.h"
#include "cli/ctl_cmd.h"
#include "cli/exit_status.h"
#include "cli/pop_cmd.h"
#include "cli/run_cmd.h"
#include "cli/stat_cmd.h"
#include "vmm/kvm_host.h"

#define TINYVMM_VERSION "0.1.0"

/* On stdout when asked for, on stderr when the command line was wrong. */
static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: tinyvmm COMMAND [options]\n"
	    "\n"
	    "A minimal virtual machine monitor on Linux KVM.\n"
	    "\n"
	    "Commands:\n"
	    "  run -kernel FILE [-m SIZE] [-initrd LIST] [-append CMDLINE] ...\n"
	    "                 boot one guest directly and run it (tinyvmm run --help)\n"
	    "  pop -t TYPE -i IMAGE -n COUNT [--stats FILE] [--results FILE] ...\n"
	    "                 run a population of guests in this process (tinyvmm pop --help)\n"
	    "  list [POP]     running populations, or the guests of one\n"
	    "  stat POP [--once]\n"
	    "                 a population's live figures per guest type, like top\n"
	    "  stop|pause|resume POP [GUEST...]\n"
	    "                 stop, pause or resume a population or some of its guests\n"
	    "  snapshot POP GUEST FILE\n"
	    "                 capture one guest of a population (tinyvmm run -restore FILE)\n"
	    "  cluster submit|status|merge ...\n"
	    "                 one population over the hosts of a Slurm cluster (tinyvmm cluster\n"
	    "                 --help)\n"
	    "  info           what KVM backend this host offers and what it supports\n"
	    "\n"
	    "  -h, --help     this text\n"
	    "  --version      version and KVM backend\n");
}

/* Reports the backend without failing: --version must work on hosts without KVM too. */
static void print_backend(void)
{
	struct kvm_host h;
	const char *why = "";
	if (kvm_host_open(&h, "/dev/kvm", &why)) {
		printf("KVM: unavailable: %s\n", why);
		return;
	}
	printf("KVM: %s [%s]\n", kvm_backend_describe(h.backend), kvm_backend_name(h.backend));
	kvm_host_close(&h);
}

static int info_cmd(void)
{
	struct kvm_host h;
	const char *why = "";
	if (kvm_host_open(&h, "/dev/kvm", &why)) {
		printf("KVM: unavailable: %s\n", why);
		return TVMM_EXIT_USAGE;
	}
	printf("backend:        %s\n", kvm_backend_name(h.backend));
	printf("description:    %s\n", kvm_backend_describe(h.backend));
	printf("kvm_run size:   %d bytes\n", h.vcpu_mmap_size);
	printf("CPUID leaves:   %u\n", h.cpuid->nent);
	printf("in-kernel PIT:  %s\n", h.has_pit2 ? "available (-pit kvm)" : "not offered");
	kvm_host_close(&h);
	return TVMM_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return TVMM_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return TVMM_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-version")) {
		printf("tinyvmm %s\n", TINYVMM_VERSION);
		print_backend();
		return TVMM_EXIT_OK;
	}
	if (!strcmp(cmd, "run"))
		return run_cmd(argc - 2, argv + 2);
	if (!strcmp(cmd, "info"))
		return info_cmd();
	if (!strcmp(cmd, "pop"))
		return pop_cmd(argc - 2, argv + 2);
	if (!strcmp(cmd, "cluster"))
		return cluster_cmd(argc - 2, argv + 2);
	if (!strcmp(cmd, "stat"))
		return stat_cmd(argc - 2, argv + 2);
	if (!strcmp(cmd, "list"))
		return list_cmd(argc - 2, argv + 2);
	if (!strcmp(cmd, "stop") || !strcmp(cmd, "pause") || !strcmp(cmd, "resume"))
		return ctl_cmd(cmd, argc - 2, argv + 2);
	if (!strcmp(cmd, "snapshot"))
		return snapshot_cmd(argc - 2, argv + 2);
	fprintf(stderr, "tinyvmm: unknown command '%s' (see tinyvmm --help)\n", cmd);
	return TVMM_EXIT_USAGE;
}
