/* app=fault: the L4 guest's pager self-test, fresh pages served and a bad thread stopped. */
#include "apps.h"
#include "out.h"
#include "abi/report_abi.h"
#include "shim.h"

/* 1 MiB of fresh pages: more than a 2 MiB guest can spare would stop the app, not test it. */
#define FAULT_PAGES_MAX 256

int apps_fault(const struct apps_args *a)
{
	uint64_t pages;
	if (apps_args_only(a, APPS_KEY_BIT(APPS_KEY_PAGES), "fault") ||
	    apps_args_uint(a, APPS_KEY_PAGES, 16, 1, FAULT_PAGES_MAX, &pages))
		return APPS_EXIT_USAGE;

	apps_report(REPORT_APP_START, REPORT_APP_FAULT);
	int rc = shim_fault_selftest((unsigned)pages);
	if (rc == 0) {
		apps_print("fault: PASS: %u fresh pages read zero and kept their data; "
			   "the bad thread was stopped\n",
			   (unsigned)pages);
		apps_report(REPORT_RESULT, pages);
		apps_report(REPORT_APP_DONE, 1);
		return APPS_EXIT_OK;
	}
	if (rc == 1) {
		apps_print("fault: not supported by this guest\n");
	} else {
		/* The shim says which step failed as a negative number; report it as a positive
		 * one. */
		unsigned step = rc < 0 ? 0u - (unsigned)rc : (unsigned)rc;
		apps_print("fault: FAIL step %u\n", step);
		apps_report(REPORT_RESULT, step);
	}
	apps_report(REPORT_APP_ERROR, 0);
	return APPS_EXIT_FAIL;
}
