/* Boot tests: string port I/O, MMIO where nothing is, and pseudo-random writes to the PC's busy
 * ports. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/boot/harness.h"

#define IO_TIMEOUT_S 30

/* Boots `guest` with `extra` and checks it passed (status 1, "PASS <guest>"); *r is kept. */
static void boot_and_expect_pass(const char *guest, const char *const extra[], struct run_result *r)
{
	char pass[64], how[96];
	int err = harness_boot_guest(guest, extra, NULL, IO_TIMEOUT_S, r);
	cr_assert_eq(err, 0, "could not run guest %s (make test builds it): %s", guest,
		     strerror(-err));
	snprintf(pass, sizeof(pass), "PASS %s\n", guest);
	cr_expect(harness_out_has(r, pass), "%s did not pass:\n%s", guest, r->out);
	cr_expect_eq(r->status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(r, how, sizeof(how)), r->out, r->err);
}

Test(boot_io, rep_outsb_line_reaches_stdout_intact)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	const char *extra[] = {"-m", "8", NULL};
	boot_and_expect_pass("stringio", extra, &r);
	/* Nothing before or after the line may be lost, doubled or interleaved. */
	cr_expect(harness_out_has(&r, "\nrep outsb: this whole line went to COM1 in one string "
				      "instruction, across a page boundary\n"),
		  "the rep outsb line is not intact on stdout:\n%s", r.out);
	harness_result_free(&r);
}

Test(boot_io, rep_ins_from_an_unclaimed_port_reads_all_ones)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	const char *extra[] = {"-m", "8", NULL};
	boot_and_expect_pass("stringio", extra, &r);
	cr_expect(harness_out_has(&r, "rep insb: 600 bytes of 0xFF across a page boundary, "
				      "guards intact\n"),
		  "rep insb from port 0x2F8 did not read 0xFF bytes:\n%s", r.out);
	cr_expect(harness_out_has(&r, "rep insw: 300 words of 0xFFFF, guards intact\n"),
		  "rep insw from port 0x2F8 did not read 0xFFFF words:\n%s", r.out);
	cr_expect(harness_out_has(&r, "rep insd: 150 dwords of 0xFFFFFFFF, guards intact\n"),
		  "rep insd from port 0x2F8 did not read 0xFFFFFFFF dwords:\n%s", r.out);
	harness_result_free(&r);
}

Test(boot_io, mmio_without_ram_or_device_reads_ones_and_drops_writes)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	const char *extra[] = {"-m", "8", NULL};
	boot_and_expect_pass("mmio_hole", extra, &r);
	cr_expect(harness_out_has(&r, "0xD0000000 (PCI hole): reads all ones"),
		  "no verdict for the PCI hole:\n%s", r.out);
	cr_expect(harness_out_has(&r, "0x00800000 (end of RAM): reads all ones"),
		  "no verdict for the address past RAM:\n%s", r.out);
	cr_expect(strstr(r.err, "crash") == NULL, "tinyvmm reported a crash:\n%s", r.err);
	harness_result_free(&r);
}

/*
 * The seed changes from run to run so the ports see different values over time; a failing
 * seed is in the message, and -append "seed=HEX" repeats the run exactly.
 */
Test(boot_io, random_writes_to_busy_ports_leave_the_vm_running)
{
	TIER_REQUIRE(TIER_KVM);
	char seed_arg[32], seed_line[48];
	struct run_result r;
	unsigned seed = (unsigned)time(NULL) * 2654435761u ^ (unsigned)getpid();
	if (seed == 0)
		seed = 1;
	snprintf(seed_arg, sizeof(seed_arg), "seed=%08x", seed);
	snprintf(seed_line, sizeof(seed_line), "portfuzz: seed 0x%08x\n", seed);
	const char *extra[] = {"-m", "8", "-append", seed_arg, NULL};
	boot_and_expect_pass("portfuzz", extra, &r);
	cr_expect(harness_out_has(&r, seed_line), "guest did not take %s:\n%s", seed_arg, r.out);
	/*
	 * 295 ports a pass, three passes, each port read once a pass. Left unwritten: 6 byte
	 * writes (0xF4-0xF7, 0x604, 0x605), 8 word writes (starting at 0xF3-0xF7, 0x603-0x605)
	 * and 12 dword writes (0xF1-0xF7, 0x601-0x605): every port was visited and nothing
	 * else skipped.
	 */
	cr_expect(harness_out_has(&r, "portfuzz: survived 859 writes and 885 reads\n"),
		  "guest did not finish all three passes with %s:\n%s", seed_arg, r.out);
	cr_expect(strstr(r.err, "crash") == NULL, "tinyvmm reported a crash with %s:\n%s", seed_arg,
		  r.err);
	harness_result_free(&r);
}
