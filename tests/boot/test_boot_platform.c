/* Boot tests of the platform around the guest: several vCPUs, the in-kernel PIT, RAM across the
 * 3 GiB hole. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/harness.h"

#define PLATFORM_TIMEOUT_S 30
/* pit_rate waits for up to two RTC seconds; leave room for slow, emulating hosts. */
#define PIT_TIMEOUT_S 40
#define BIG_RAM_MIB   3584

static void expect_pass(const char *guest, const char *const extra[], unsigned timeout_s)
{
	char pass[64], how[96];
	struct run_result r;
	int err = harness_boot_guest(guest, extra, NULL, timeout_s, &r);
	cr_assert_eq(err, 0, "could not run guest %s (make test builds it): %s", guest,
		     strerror(-err));
	snprintf(pass, sizeof(pass), "PASS %s\n", guest);
	cr_expect(harness_out_has(&r, pass), "%s did not pass:\n%s", guest, r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);
}

/* The APs have had no INIT/SIPI: they must stay parked, neither running nor ending the VM. */
Test(boot_platform, smp2_parks_the_ap_and_hello_passes)
{
	TIER_REQUIRE(TIER_KVM);
	const char *extra[] = {"-m", "8", "-smp", "2", NULL};
	expect_pass("hello", extra, PLATFORM_TIMEOUT_S);
}

Test(boot_platform, smp4_parks_the_aps_and_hello_passes)
{
	TIER_REQUIRE(TIER_KVM);
	const char *extra[] = {"-m", "8", "-smp", "4", NULL};
	expect_pass("hello", extra, PLATFORM_TIMEOUT_S);
}

Test(boot_platform, in_kernel_pit_mode2_1000hz_within_15_percent)
{
	TIER_REQUIRE(TIER_KVM);
	const char *extra[] = {"-m", "8", "-pit", "kvm", NULL};
	expect_pass("pit_rate", extra, PIT_TIMEOUT_S);
}

/* The multiboot map and mem_upper, and the last bytes below 3 GiB, from 32-bit code. */
Test(boot_platform, ram_above_3g_moves_to_4g_in_the_memory_map)
{
	TIER_REQUIRE(TIER_KVM);
	char mib[16];
	snprintf(mib, sizeof(mib), "%d", BIG_RAM_MIB);
	const char *extra[] = {"-m", mib, NULL};
	expect_pass("bigmem", extra, PLATFORM_TIMEOUT_S);
}

/* The RAM at 4 GiB itself, written and read from long mode. */
Test(boot_platform, ram_moved_to_4g_is_backed_and_distinct)
{
	TIER_REQUIRE(TIER_KVM);
	char mib[16];
	snprintf(mib, sizeof(mib), "%d", BIG_RAM_MIB);
	const char *extra[] = {"-m", mib, NULL};
	expect_pass("highmem64", extra, PLATFORM_TIMEOUT_S);
}

/* ACPI (RSDP rev 0, RSDT with FACP first) and the MP table, found the way kernels scan. */
Test(boot_platform, firmware_tables_are_where_kernels_look)
{
	TIER_REQUIRE(TIER_KVM);
	expect_pass("tables", NULL, PLATFORM_TIMEOUT_S);
}

/* A guest that writes only to the VGA text buffer is seen: the screen is printed at exit. */
Test(boot_platform, text_screen_is_printed_at_exit)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	char how[96];
	cr_assert_eq(harness_boot_guest("tables", NULL, NULL, PLATFORM_TIMEOUT_S, &r), 0);
	cr_expect_eq(r.status, 1, "tinyvmm %s; stderr:\n%s", harness_describe(&r, how, sizeof(how)),
		     r.err);
	cr_expect(strstr(r.err, "text screen at exit:\n\n\nTINYVMM TEXT SCREEN OK\n") != NULL,
		  "stderr:\n%s", r.err);
	harness_result_free(&r);
	const char *quiet[] = {"-screen", "none", NULL};
	cr_assert_eq(harness_boot_guest("tables", quiet, NULL, PLATFORM_TIMEOUT_S, &r), 0);
	cr_expect_eq(r.status, 1, "-screen none: tinyvmm %s; stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.err, "TINYVMM TEXT SCREEN OK") == NULL,
		  "-screen none still printed:\n%s", r.err);
	harness_result_free(&r);
}

/* -smp N: the guest starts its application processors itself with INIT and SIPI. */
Test(boot_platform, application_processors_start_on_init_sipi)
{
	TIER_REQUIRE(TIER_KVM);
	const char *two[] = {"-smp", "2", NULL};
	expect_pass("smp_sipi", two, PLATFORM_TIMEOUT_S);
	const char *four[] = {"-smp", "4", NULL};
	expect_pass("smp_sipi", four, PLATFORM_TIMEOUT_S);
}
