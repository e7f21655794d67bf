/* app=ipc: the guest's IPC self-test, request/reply round trips between two address spaces. */
#include "apps.h"
#include "out.h"
#include "abi/report_abi.h"
#include "shim.h"

/* Caps rounds so rounds x 10^9 (the rate's numerator) stays inside 64 bits. */
#define IPC_ROUNDS_MAX 1000000000ull

int apps_ipc(const struct apps_args *a)
{
	uint64_t rounds;
	if (apps_args_only(a, APPS_KEY_BIT(APPS_KEY_ROUNDS), "ipc") ||
	    apps_args_uint(a, APPS_KEY_ROUNDS, 100000, 1, IPC_ROUNDS_MAX, &rounds))
		return APPS_EXIT_USAGE;

	apps_report(REPORT_APP_START, REPORT_APP_IPC);
	uint64_t ns = shim_ipc_roundtrips(rounds);
	if (ns == 0) {
		apps_print("ipc: FAIL: this guest could not run the round trips\n");
		apps_report(REPORT_APP_ERROR, 0);
		return APPS_EXIT_FAIL;
	}
	uint64_t per_s = rounds * NS_PER_S / ns;
	apps_print("ipc: %llu round trips in %llu us: %llu per second\n",
		   (unsigned long long)rounds, (unsigned long long)(ns / NS_PER_US),
		   (unsigned long long)per_s);
	apps_print("ipc: %llu ns per round trip\n", (unsigned long long)(ns / rounds));
	apps_report(REPORT_RESULT, per_s);
	apps_report(REPORT_APP_DONE, rounds);
	return APPS_EXIT_OK;
}
