/* Boot test of `tinyvmm run -exit-stats`: the exits it prints match what the guest did, exactly. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/boot/harness.h"

#define STATS_TIMEOUT_S 30
#define POST_WRITES	1000 /* tests/guests/portcount.asm */

/* The number after `label` in `text`, asserting it is there. */
static unsigned long long number_after(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	cr_assert(p, "no '%s' in:\n%s", label, text);
	char *end;
	unsigned long long v = strtoull(p + strlen(label), &end, 10);
	cr_assert(end != p + strlen(label), "no number after '%s' in:\n%s", label, text);
	return v;
}

/*
 * portcount writes port 0x80 1000 times, prints its lines with one OUT per byte and leaves
 * through debug-exit: every exit it makes is one of those, so the counts are known exactly
 * from its output.
 */
Test(boot_exit_stats, counts_every_exit_of_a_guest_that_does_k_port_writes)
{
	TIER_REQUIRE(TIER_KVM);
	static const char uuid[] = "0f5b2d3e-9c1a-4e7b-8d6f-2a4c6e8b0d1f";
	const char *extra[] = {"-m", "8", "-name", "counted", "-uuid", uuid, "-exit-stats", NULL};
	struct run_result r;
	int err = harness_boot_guest("portcount", extra, NULL, STATS_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run portcount (make test builds it): %s", strerror(-err));
	char how[96];
	cr_assert_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	cr_assert(harness_out_has(&r, "PASS portcount\n"), "%s", r.out);

	char head[128];
	snprintf(head, sizeof(head), "tinyvmm: vm 'counted' (%s): ", uuid);
	cr_assert(!strncmp(r.err, head, strlen(head)), "the first line does not name the VM:\n%s",
		  r.err);
	unsigned long long com1 = r.out_len, io_want = POST_WRITES + com1 + 1;
	unsigned long long total = number_after(r.err, head);
	cr_expect(strstr(r.err, " exits to user space in "), "%s", r.err);
	cr_expect_eq(number_after(r.err, "  port I/O "), io_want,
		     "port I/O exits: want %d POST + %llu COM1 + 1 debug exit\n%s", POST_WRITES,
		     com1, r.err);
	cr_expect_eq(number_after(r.err, ", MMIO "), 0, "%s", r.err);
	cr_expect_eq(number_after(r.err, ", emulation fixups "), 0, "%s", r.err);
	unsigned long long other = number_after(r.err, ", other ");
	cr_expect_eq(total, io_want + other, "the total is not the sum of its kinds:\n%s", r.err);
	cr_expect_eq(number_after(r.err, "POST port "), POST_WRITES, "%s", r.err);
	cr_expect_eq(number_after(r.err, "COM1 "), com1, "one COM1 access a byte:\n%s", r.err);
	cr_expect_eq(number_after(r.err, "debug exit "), 1, "%s", r.err);
	/* busiest first: POST (1000) before COM1 (a few dozen) */
	cr_expect_lt(strstr(r.err, "POST port "), strstr(r.err, "COM1 "), "%s", r.err);
	cr_expect(!strstr(r.err, "BIOS service calls"), "direct boot used the BIOS:\n%s", r.err);
	harness_result_free(&r);
}
