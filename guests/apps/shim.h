/* The per-guest shim every app is written against: print, clock, sleep, report, exit, IPC test. */
#ifndef TINYVMM_GUESTS_APPS_SHIM_H
#define TINYVMM_GUESTS_APPS_SHIM_H

/*
 * guests/apps/ holds the thesis's workload apps once, for every guest. Each guest supplies
 * these functions (guests/l4/roottask/shim_l4.c, a Linux shim for the tcl guest, ...).
 * Apps use nothing else: no libc, no floating point (no x87 anywhere: it fails on
 * kvm_pvm), no globals that outlive one app run.
 */
#include <stddef.h>
#include <stdint.h>

/* Writes `len` bytes to the guest's console (COM1 on every guest). Lines end with "\n". */
void shim_write(const char *s, size_t len);

/* Nanoseconds on a monotonic clock that keeps running while the app sleeps. */
uint64_t shim_clock_ns(void);

/* Sleeps until shim_clock_ns() >= deadline_ns (returns at once when it is past). */
void shim_sleep_until(uint64_t deadline_ns);

/* Sends one report (abi/report_abi.h) to the host: REPORT_WORD(event, value). */
void shim_report(unsigned event, uint32_t value);

/*
 * The IPC self-test: `rounds` request/reply round trips between two separate address
 * spaces (L4: two tasks; Linux: two processes). Returns the nanoseconds they took, or 0
 * when the guest cannot run the test (the app then reports an error).
 */
uint64_t shim_ipc_roundtrips(uint64_t rounds);

/*
 * The L4 guest's pager self-test (app=fault): touch `pages` fresh pages (they must read
 * as zero and keep what is written), then let a second thread touch an address it has no
 * right to. Returns 0 when the fresh pages behaved and the bad thread was stopped while
 * this one kept running; a negative number saying which step failed otherwise. Guests
 * without a pager return 1 ("not supported").
 */
int shim_fault_selftest(unsigned pages);

/* Ends the app: the guest powers off (status 0) or, where it cannot, idles forever. */
_Noreturn void shim_exit(int status);

/*
 * The one entry point a guest calls: runs the app the command line names
 * ("app=pattern pattern=B n=30 ...", see guests/apps/README.md) and returns only for
 * apps that end (their exit status); a guest then calls shim_exit().
 */
int apps_main(const char *cmdline);

#endif
