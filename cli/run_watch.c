/* Waits for a VM's end on the main thread, turning SIGINT/SIGTERM into a stop, and follows -screen
 * live. */
#include "cli/run_watch.h"

#include "cli/run_snapshot.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/screen_live.h"
#include "vmm/platform/vga_text.h"

/* How often -screen live looks at the screen: fast enough to watch, one 4 KiB copy each. */
#define LIVE_POLL_MS 100

int run_watch_open(struct run_watch *w)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	w->stopped_by = 0;
	int r = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (r)
		return -r;
	w->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return w->sig_fd < 0 ? -errno : 0;
}

void run_watch_close(struct run_watch *w)
{
	if (w->sig_fd >= 0)
		close(w->sig_fd);
	w->sig_fd = -1;
}

/* The VM's end notification: called once, on whichever thread ended it. */
static void ended(void *ctx)
{
	uint64_t one = 1;
	ssize_t n = write(*(int *)ctx, &one, sizeof(one));
	(void)n; /* an eventfd write of 1 cannot fail short of a counter overflow */
}

static void on_signal(struct run_watch *w, struct vm *vm)
{
	struct signalfd_siginfo si;
	while (read(w->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (w->stopped_by)
			continue; /* already stopping */
		w->stopped_by = (int)si.ssi_signo;
		char why[64];
		snprintf(why, sizeof(why), "stopped by %s",
			 si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		vm_stop(vm, VM_END_STOPPED, 0, why);
	}
}

static void follow(struct screen_live *live, struct vm *vm)
{
	char text[VGA_TEXT_RENDER_MAX];
	vga_text_render(vm_mem(vm), text, sizeof(text));
	screen_live_update(live, text);
}

void run_watch_vm(struct run_watch *w, struct vm *vm, bool live, struct vm_result *result)
{
	struct screen_live screen;
	if (live)
		screen_live_init(&screen, stdout,
				 isatty(STDOUT_FILENO) ? SCREEN_LIVE_TERMINAL : SCREEN_LIVE_LINES);
	int end_fd = eventfd(0, EFD_CLOEXEC);
	if (end_fd < 0) {
		/* no way to wait for both: the VM still runs to its end, signals wait for it */
		vm_run(vm, result);
	} else {
		struct vm_end_notify n = {.ended = ended, .ctx = &end_fd};
		(void)vm_start(vm, &n); /* a vCPU that cannot start ends the VM: still notified */
		struct pollfd p[3] = {{.fd = end_fd, .events = POLLIN},
				      {.fd = w->sig_fd, .events = POLLIN},
				      {.fd = w->snap ? w->snap->fd : -1, .events = POLLIN}};
		for (;;) {
			int r = poll(p, 3, live ? LIVE_POLL_MS : -1);
			if (r < 0 && errno != EINTR)
				break; /* cannot happen with valid descriptors; vm_wait still joins
					*/
			if (p[1].revents & POLLIN)
				on_signal(w, vm);
			if (p[2].revents & POLLIN)
				snap_trigger_fire(w->snap);
			if (live)
				follow(&screen, vm);
			if (p[0].revents & POLLIN)
				break;
		}
		vm_wait(vm, result);
		close(end_fd);
	}
	if (live) {
		follow(&screen, vm);
		screen_live_finish(&screen);
	}
}
