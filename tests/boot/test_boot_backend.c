/* Boot tests of `tinyvmm info` and `--version`: the KVM backend they name, and what every command
 * says without /dev/kvm. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tests/boot/harness.h"

#define BACKEND_TIMEOUT_S 20
#define VERSION_LINE	  "tinyvmm 0.1.0\n"

/* The module behind /dev/kvm as /sys/module shows it, and what tinyvmm calls it. */
struct backend {
	const char *module, *describe;
};

static struct backend loaded_backend(void)
{
	/* kvm_pvm can sit beside a hardware module, which then is the one in use */
	static const struct backend known[] = {
	    {"kvm_intel", "hardware KVM (Intel VT-x)"},
	    {"kvm_amd", "hardware KVM (AMD-V)"},
	    {"kvm_pvm",
	     "software KVM (kvm_pvm): long-mode paging only, guest kernel code emulated"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/sys/module/%s", known[i].module);
		if (stat(path, &st) == 0)
			return known[i];
	}
	return (struct backend){"unknown", "KVM backend not identified"};
}

static void run(const char *const args[], struct run_result *r)
{
	int err = harness_run_tinyvmm(args, NULL, BACKEND_TIMEOUT_S, r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
}

Test(boot_backend, info_and_version_name_the_module_sys_module_shows)
{
	TIER_REQUIRE(TIER_KVM);
	struct backend b = loaded_backend();
	cr_assert_str_neq(b.module, "unknown",
			  "/dev/kvm works, yet /sys/module shows none of "
			  "kvm_intel, kvm_amd, kvm_pvm");
	char want[256];
	struct run_result r;
	const char *version[] = {"--version", NULL};
	run(version, &r);
	cr_expect_eq(r.status, 0);
	snprintf(want, sizeof(want), VERSION_LINE "KVM: %s [%s]\n", b.describe, b.module);
	cr_expect_str_eq(r.out, want, "tinyvmm --version said:\n%s", r.out);
	harness_result_free(&r);

	const char *info[] = {"info", NULL};
	run(info, &r);
	cr_expect_eq(r.status, 0, "stderr:\n%s", r.err);
	snprintf(want, sizeof(want), "backend:        %s\ndescription:    %s\n", b.module,
		 b.describe);
	cr_expect(!strncmp(r.out, want, strlen(want)), "tinyvmm info said:\n%s\nwant first:\n%s",
		  r.out, want);
	cr_expect(strstr(r.out, "\nkvm_run size:   "), "%s", r.out);
	cr_expect(strstr(r.out, "\nin-kernel PIT:  "), "%s", r.out);
	harness_result_free(&r);
}

#define NO_KVM                                                                                     \
	"no /dev/kvm: load kvm_intel or kvm_amd (modprobe), or enable virtualization in the "      \
	"firmware or nested virtualization in the host"

/*
 * A private mount namespace whose /dev is an empty tmpfs (with /dev/null for the harness):
 * this test process, and the tinyvmm it starts, see no /dev/kvm whatever the host has.
 */
static void hide_dev_kvm(void)
{
	if (unshare(CLONE_NEWNS))
		TIER_SKIP("cannot make a mount namespace: %s", strerror(errno));
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0, "%s", strerror(errno));
	cr_assert_eq(mount("none", "/dev", "tmpfs", 0, "mode=0755"), 0, "%s", strerror(errno));
	cr_assert_eq(mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)), 0, "%s", strerror(errno));
}

Test(boot_backend, without_dev_kvm_run_pop_and_info_end_with_status_2)
{
	TIER_REQUIRE(TIER_ROOT);
	char hello[PATH_MAX], dir[PATH_MAX];
	cr_assert_eq(harness_guest_path(hello, sizeof(hello), "hello"), 0);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
	hide_dev_kvm();
	struct run_result r;

	const char *run_args[] = {"run", "-kernel", hello, NULL};
	run(run_args, &r);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "tinyvmm: " NO_KVM "\n", "run said:\n%s", r.err);
	cr_expect_eq(r.out_len, 0);
	harness_result_free(&r);

	const char *pop_args[] = {"pop", "-t", "l4", "-i", hello, "-n", "2", NULL};
	run(pop_args, &r);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "tinyvmm: " NO_KVM "\n", "pop said:\n%s", r.err);
	harness_result_free(&r);

	const char *info[] = {"info", NULL};
	run(info, &r);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "KVM: unavailable: " NO_KVM "\n", "info said:\n%s", r.out);
	harness_result_free(&r);

	/* --version still works, and says why there is no backend */
	const char *version[] = {"--version", NULL};
	run(version, &r);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.out, VERSION_LINE "KVM: unavailable: " NO_KVM "\n",
			 "--version said:\n%s", r.out);
	harness_result_free(&r);
	harness_rmdir(dir);
}
