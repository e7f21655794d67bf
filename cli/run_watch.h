/* The main thread's watch over a running VM: its end, SIGINT and SIGTERM, and -screen live. */
#ifndef TINYVMM_CLI_RUN_WATCH_H
#define TINYVMM_CLI_RUN_WATCH_H

#include <stdbool.h>

#include "vmm/vm.h"

struct snap_trigger;

struct run_watch {
	int sig_fd;		   /* SIGINT and SIGTERM, blocked in every thread and read here */
	int stopped_by;		   /* the signal that stopped the VM, 0 if none did */
	struct snap_trigger *snap; /* -snapshot-at: captured on this thread when it fires */
};

/*
 * Blocks SIGINT and SIGTERM in the calling thread, so in every thread it creates after this
 * (timer service, vCPUs, the stdin pump), and opens a descriptor that delivers them.
 * 0 or -errno.
 */
int run_watch_open(struct run_watch *w);
void run_watch_close(struct run_watch *w);

/*
 * Runs the VM until it ends: starts its vCPUs, then waits for its end while turning
 * SIGINT/SIGTERM into a stop (VM_END_STOPPED, w->stopped_by set) and, with `live`,
 * following its text screen on stdout (a terminal: redrawn; else new lines).
 */
void run_watch_vm(struct run_watch *w, struct vm *vm, bool live, struct vm_result *result);

#endif
