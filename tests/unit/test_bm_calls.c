/* The bm guest's two views of its call table agree: calls.inc (NASM) defines exactly calls.h's
 * constants, and the kernel's report.inc matches report_abi.h. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BM_CALLS_NO_INLINE
#include "abi/report_abi.h"
#include "guests/bm/include/bm/calls.h"

/* Unit tests run from the source tree's top (tests/run_all.sh). */
#define CALLS_INC  "guests/bm/include/bm/calls.inc"
#define REPORT_INC "guests/bm/kernel/report.inc"

struct constant {
	const char *name;
	long long value;
};

static const struct constant header[] = {
#define ENTRY(name, value) {#name, (value)},
    BM_CONSTANTS(ENTRY)
#undef ENTRY
};
#define N_HEADER (sizeof(header) / sizeof(header[0]))

struct parsed {
	char name[64];
	long long value;
};

/* Every "NAME equ VALUE" line of a NASM file (comments and blank lines skipped). */
static size_t parse_equs(const char *path, struct parsed *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	cr_assert(f != NULL, "cannot open %s (run from the source tree's top): %s", path,
		  strerror(errno));
	char line[256];
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		char name[64], equ[8], value[64];
		if (line[0] == ';' || sscanf(line, "%63s %7s %63s", name, equ, value) != 3 ||
		    strcmp(equ, "equ"))
			continue;
		cr_assert(n < cap, "%s: more constants than expected", path);
		char *end;
		errno = 0;
		long long v = strtoll(value, &end, 0);
		cr_assert(errno == 0 && *end == 0, "%s: %s's value '%s' is no plain number", path,
			  name, value);
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		out[n].value = v;
		n++;
	}
	fclose(f);
	return n;
}

Test(bm_calls, calls_inc_defines_exactly_the_header_constants)
{
	struct parsed inc[128];
	size_t n = parse_equs(CALLS_INC, inc, 128);
	cr_assert_eq(n, N_HEADER, "%s has %zu constants, calls.h %zu", CALLS_INC, n, N_HEADER);
	for (size_t i = 0; i < N_HEADER; i++) {
		size_t j = 0;
		while (j < n && strcmp(inc[j].name, header[i].name))
			j++;
		cr_assert(j < n, "%s lacks %s", CALLS_INC, header[i].name);
		cr_assert_eq(inc[j].value, header[i].value, "%s = %lld in %s, %lld in calls.h",
			     header[i].name, inc[j].value, CALLS_INC, header[i].value);
	}
}

Test(bm_calls, call_numbers_are_dense_and_below_the_count)
{
	unsigned seen = 0;
	for (size_t i = 0; i < N_HEADER; i++)
		if (!strncmp(header[i].name, "BM_CALL_", 8) &&
		    strcmp(header[i].name, "BM_CALL_COUNT") &&
		    strcmp(header[i].name, "BM_CALL_VECTOR")) {
			cr_assert(header[i].value >= 0 && header[i].value < BM_CALL_COUNT, "%s",
				  header[i].name);
			cr_assert_eq(seen & (1u << header[i].value), 0, "%s reuses a number",
				     header[i].name);
			seen |= 1u << header[i].value;
		}
	cr_assert_eq(seen, (1u << BM_CALL_COUNT) - 1, "call numbers have gaps");
}

Test(bm_calls, report_inc_matches_report_abi)
{
	const struct constant want[] = {
	    {"REPORT_PORT", REPORT_PORT},	    {"REPORT_MAGIC", REPORT_MAGIC},
	    {"REPORT_ARGS_PORT", REPORT_ARGS_PORT}, {"REPORT_ARGS_MAX", REPORT_ARGS_MAX},
	    {"REPORT_VALUE_MAX", REPORT_VALUE_MAX}, {"REPORT_KERNEL_UP", REPORT_KERNEL_UP},
	    {"REPORT_FAULT", REPORT_FAULT},	    {"REPORT_CONSOLE", REPORT_CONSOLE},
	};
	struct parsed inc[32];
	size_t n = parse_equs(REPORT_INC, inc, 32);
	cr_assert_eq(n, sizeof(want) / sizeof(want[0]), "%s has %zu constants", REPORT_INC, n);
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < n && strcmp(want[j].name, inc[i].name))
			j++;
		cr_assert(j < n, "%s: %s is not in report_abi.h's list here", REPORT_INC,
			  inc[i].name);
		cr_assert_eq(inc[i].value, want[j].value, "%s", inc[i].name);
	}
	/* the kernel's argument buffer takes the host's whole line */
	cr_assert_eq(BM_ARGS_MAX, REPORT_ARGS_MAX);
}
