/* Boot tests of the tcl guest (guests/tcl): Linux by direct boot and from the GRUB IDE disk, the
 * apps through bootlocal.sh; skipped without /dev/kvm. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/boot/app_run.h"

/*
 * On kvm_pvm a Linux kernel boots up to "Run /init" and no further (its first system call
 * lands at entry_SYSCALL_64 still in user mode, guests/tcl/README.md): the tests that go
 * past it need TIER_KVM_USERSPACE, so on such a host they run in the nested tier instead.
 * panic=-1 turns the init process's death into a reset, which -no-reboot turns into the
 * end of the VM, so those runs end by themselves.
 */
#define TCL_TIMEOUT_S 240

/* What kvm_pvm needs to boot Linux at all (noxsave, SMAP/POPCNT/CX16 hidden): harmless
 * elsewhere, so every direct boot uses it and all backends run the same kernel the same way. */
#define TCL_PVM_ARGS "noxsave clearcpuid=308,151,141 rodata=off"
#define TCL_CODES    "base norestore text superuser nodhcp nortc"
#define TCL_BASE     "console=ttyS0 panic=-1 reboot=k " TCL_PVM_ARGS " " TCL_CODES

/*
 * Direct boot: run -m 32 -kernel KERNEL -initrd core.gz -append "TCL_BASE extra" -no-reboot,
 * with -app HOST_APP when it is not NULL.
 */
static void tcl_direct(struct app_run *run, const char *kernel, const char *extra,
		       const char *host_app)
{
	static char k[256], core[256];
	app_build_file(k, sizeof(k), kernel);
	app_build_file(core, sizeof(core), "guests/tcl/core.gz");
	char cmdline[600];
	snprintf(cmdline, sizeof(cmdline), "%s %s", TCL_BASE, extra);
	const char *args[] = {"run",	 "-m",	   "32",      "-kernel", k,
			      "-initrd", core,	   "-append", cmdline,	 "-no-reboot",
			      "-app",	 host_app, NULL};
	if (!host_app)
		args[10] = NULL; /* ends the list before -app */
	app_run_tinyvmm(run, args, TCL_TIMEOUT_S);
}

Test(boot_tcl, vmlinux_by_the_64_bit_entry_reaches_run_init)
{
	TIER_REQUIRE(TIER_KVM);
	struct app_run run;
	tcl_direct(&run, "guests/tcl/vmlinux", "tinyvmm.app=hello tinyvmm.count=1", NULL);
	cr_assert(!run.r.timed_out, "no end within %u s:\n%s\n%s", TCL_TIMEOUT_S, run.r.out,
		  run.r.err);
	app_expect_out(&run, "Linux version 6.1");
	app_expect_out(&run, "Run /init as init process");
	app_expect_status(&run, 0);
	app_run_done(&run);
}

Test(boot_tcl, hello_through_bootlocal_then_poweroff)
{
	TIER_REQUIRE(TIER_KVM_USERSPACE);
	struct app_run run;
	tcl_direct(&run, "guests/tcl/vmlinux",
		   "tinyvmm.app=hello tinyvmm.count=3 tinyvmm.period=1s", NULL);
	app_expect_status(&run, 0);
	app_expect_out(&run, "tc-config: ");
	app_expect_out(&run, "Starting infinite loop");
	app_expect_out(&run, "Sleeping. Count 3");
	cr_assert(app_find_report(&run, "app-start", 1), "no app-start (hello) report\n%s",
		  run.r.out);
	cr_assert(app_find_report(&run, "app-done", 3), "no app-done report\n%s", run.r.out);
	double mean = (app_lap_time(&run, 3) - app_lap_time(&run, 1)) / 2;
	cr_assert(mean > 0.98 && mean < 1.02, "mean period %.4f s, expected 1 s ±2 %%", mean);
	/* the VM ended because the guest powered off, not because init died */
	app_expect_out(&run, "reboot: Power down");
	app_run_done(&run);
}

Test(boot_tcl, pattern_by_bzimage_computes_fib_and_sleeps_what_it_should)
{
	TIER_REQUIRE(TIER_KVM_USERSPACE);
	struct app_run run;
	tcl_direct(&run, "guests/tcl/vmlinuz",
		   "tinyvmm.app=pattern tinyvmm.pattern=B tinyvmm.n=20 tinyvmm.sleep=2s "
		   "tinyvmm.laps=3",
		   NULL);
	app_expect_status(&run, 0);
	app_expect_pattern_b_laps(&run, 2.3);
	app_run_done(&run);
}

Test(boot_tcl, a_reboot_in_the_guest_ends_the_vm_with_status_0)
{
	TIER_REQUIRE(TIER_KVM_USERSPACE);
	struct app_run run;
	tcl_direct(&run, "guests/tcl/vmlinux",
		   "tinyvmm.app=context tinyvmm.n=20 tinyvmm.end=reboot", NULL);
	app_expect_status(&run, 0);
	app_expect_out(&run, "fib(20) = 10946");
	cr_assert(app_find_report(&run, "app-done", 1), "no app-done report\n%s", run.r.out);
	app_expect_out(&run, "reboot: Restarting system");
	app_run_done(&run);
}

Test(boot_tcl, host_app_arguments_and_bad_ones)
{
	TIER_REQUIRE(TIER_KVM_USERSPACE);
	/* -app replaces the command line's app: what tinyvmm pop --app relies on */
	struct app_run run;
	tcl_direct(&run, "guests/tcl/vmlinux", "tinyvmm.app=hello", "app=pattern pattern=Q");
	app_expect_out(&run, "apps: ");
	cr_assert(app_find_report(&run, "app-error", 0), "no app-error report\n%s", run.r.out);
	cr_assert(!harness_out_has(&run.r, "Starting infinite loop"),
		  "the image's hello ran instead of the host's app:\n%s", run.r.out);
	app_expect_status(&run, 0);
	app_run_done(&run);
}

Test(boot_tcl, grub_loads_the_kernel_and_initrd_from_the_ide_disk)
{
	TIER_REQUIRE(TIER_KVM_USERSPACE);
	char img[256];
	app_build_file(img, sizeof(img), "images/tcl.img");
	/* hello runs forever: the harness ends it once the time is up */
	const char *args[] = {"run", "-m", "32", "-hda", img, "-snapshot", "-no-reboot", NULL};
	struct app_run run;
	app_run_tinyvmm(&run, args, 90);
	app_expect_out(&run, "[Linux-bzImage, setup=");
	app_expect_out(&run, "[Linux-initrd @ ");
	app_expect_out(&run, "tc-config: ");
	app_expect_out(&run, "Starting infinite loop");
	app_expect_out(&run, "Sleeping. Count 2");
	double gap = app_lap_time(&run, 2) - app_lap_time(&run, 1);
	cr_assert(gap > 0.9 && gap < 1.1, "hello lines %.3f s apart", gap);
	app_run_done(&run);
}
