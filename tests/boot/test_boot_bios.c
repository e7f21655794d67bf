/* Boot test: a boot sector that calls every BIOS service tinyvmm offers and checks each answer. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tests/boot/harness.h"

#define BIOS_TIMEOUT_S 60

Test(boot_bios, every_service_answers_as_a_pc_bios_does)
{
	TIER_REQUIRE(TIER_KVM);
	char floppy[PATH_MAX], dir[PATH_MAX], disk[PATH_MAX + 16], how[96];
	cr_assert_eq(harness_guest_path(floppy, sizeof(floppy), "bioscall"), 0,
		     "guest bioscall not built (make test builds it)");
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	/* a 1 MiB hard disk whose LBA 1 starts with the marker the guest looks for */
	static uint8_t hd[1 << 20];
	memcpy(hd + 512, "HDMARK", 6);
	cr_assert_eq(harness_write_file(dir, "hd.img", hd, sizeof(hd)), 0);
	snprintf(disk, sizeof(disk), "%s/hd.img", dir);

	const char *args[] = {"run", "-m",	  "4",	     "-fda", floppy, "-hda",
			      disk,  "-snapshot", "-screen", "none", NULL};
	struct run_result r;
	int err = harness_run_tinyvmm(args, NULL, BIOS_TIMEOUT_S, &r);
	cr_assert_eq(err, 0, "could not run tinyvmm: %s", strerror(-err));
	cr_expect(harness_out_has(&r, "PASS bioscall"), "stdout:\n%s\nstderr:\n%s", r.out, r.err);
	cr_expect_eq(r.status, 1, "tinyvmm %s; stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);

	/* -snapshot: the guest's writes to both disks stayed in memory */
	FILE *f = fopen(disk, "rb");
	cr_assert_not_null(f);
	uint8_t sector[512];
	cr_assert_eq(fseek(f, 512, SEEK_SET), 0);
	cr_assert_eq(fread(sector, 1, sizeof(sector), f), sizeof(sector));
	fclose(f);
	cr_expect_eq(sector[8], 0, "the guest's int 13h/43h write reached the image");
	harness_rmdir(dir);
}
