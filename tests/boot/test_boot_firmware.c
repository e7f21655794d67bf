/* Boot tests: firmware boot of the images/ floppy and disks (GRUB Legacy, FAT16 MBR) and of broken
 * images; skipped without /dev/kvm. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/boot/harness.h"

/*
 * The images come from make images (images/images.mk): the thesis's L4 floppy shape
 * (GRUB Legacy, menu.lst with timeout 0, kernel /kickstart, modules /x86-kernel, /sigma0,
 * /hello), the same on a partitioned IDE disk, a variant whose kernel writes a marker
 * sector, and a FAT16 disk booted by its own MBR. The test kernel (images/testkernel/
 * mbkick.asm) checks the modules, memory map and boot loader itself and says PASS.
 *
 * Real-mode firmware and GRUB run emulated at about 1 us per instruction on a software
 * KVM, hence the generous time limit; a broken image must be refused much sooner.
 */
#define FW_TIMEOUT_S  120
#define BAD_TIMEOUT_S 60

#define FLOPPY_BYTES   1474560u
#define DISK_WRITE_LBA 1024u /* images/testkernel/modules.inc */
#define SECTOR	       512u

static void image_path(char *buf, size_t size, const char *name)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "images/%s", name);
	int err = harness_build_path(buf, size, rel);
	cr_assert_eq(err, 0, "no path for %s: %s", rel, strerror(-err));
	FILE *f = fopen(buf, "rb");
	cr_assert(f != NULL, "%s missing (make images builds it): %s", buf, strerror(errno));
	fclose(f);
}

/* The whole file in a malloc'd buffer. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f != NULL, "cannot open %s: %s", path, strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	cr_assert(n >= 0, "cannot size %s", path);
	rewind(f);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	cr_assert(buf != NULL);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "short read of %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Binary-safe, case-insensitive search: firmware may say "No bootable disk" or shout it. */
static int has_nocase(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++) {
		size_t j = 0;
		while (j < n &&
		       tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j]))
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

static void run(const char *const args[], struct run_result *r, unsigned timeout_s)
{
	int err = harness_run_tinyvmm(args, NULL, timeout_s, r);
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
}

/* The test kernel passed: its PASS line, debug-exit 0 (status 1), and GRUB got there. */
static void expect_kick_pass(const struct run_result *r)
{
	char how[96];
	cr_expect(harness_out_has(r, "PASS mbkick\n"), "the test kernel did not pass:\n%s", r->out);
	cr_expect_eq(r->status, 1, "tinyvmm %s (want 1: debug-exit 0); stdout:\n%s\nstderr:\n%s",
		     harness_describe(r, how, sizeof(how)), r->out, r->err);
	/* GRUB's serial terminal writes COM1 itself: its lines must reach the sink too. */
	cr_expect(harness_out_has(r, "Booting 'tinyvmm'"),
		  "GRUB's own serial output is missing:\n%s", r->out);
	cr_expect(harness_out_has(r, "boot loader 'GNU GRUB 0.97'"),
		  "the kernel was not loaded by GRUB Legacy:\n%s", r->out);
}

/* With -m 2 the RAM above 1 MiB is at most 1 MiB: mem_upper must say so. */
static void expect_mem_upper_within_2m(const struct run_result *r)
{
	const char *p = strstr(r->out, "mem_upper ");
	cr_assert(p != NULL, "the kernel printed no mem_upper:\n%s", r->out);
	unsigned long kib = strtoul(p + strlen("mem_upper "), NULL, 10);
	cr_expect(kib >= 512 && kib <= 1024, "mem_upper %lu KiB with -m 2 (want 512..1024)", kib);
}

Test(boot_firmware, floppy_grub_legacy_boots_kickstart_with_three_modules)
{
	TIER_REQUIRE(TIER_KVM);
	char img[PATH_MAX];
	struct run_result r;
	image_path(img, sizeof(img), "floppy-test.img");
	const char *args[] = {"run", "-m", "2", "-fda", img, NULL};
	run(args, &r, FW_TIMEOUT_S);

	expect_kick_pass(&r);
	/* The multiboot boot_device: BIOS drive 0x00, no partition. */
	cr_expect(harness_out_has(&r, "boot_device 0x00ffffff"), "not booted from floppy 0:\n%s",
		  r.out);
	cr_expect(harness_out_has(&r, "module '/x86-kernel'") &&
		      harness_out_has(&r, "module '/sigma0'") &&
		      harness_out_has(&r, "module '/hello'"),
		  "the kernel did not list the thesis's three modules:\n%s", r.out);
	expect_mem_upper_within_2m(&r);
	harness_result_free(&r);
}

Test(boot_firmware, ide_disk_grub_legacy_boots_kickstart)
{
	TIER_REQUIRE(TIER_KVM);
	char img[PATH_MAX];
	struct run_result r;
	image_path(img, sizeof(img), "disk-test.img");
	const char *args[] = {"run", "-m", "2", "-hda", img, NULL};
	run(args, &r, FW_TIMEOUT_S);

	expect_kick_pass(&r);
	/* BIOS drive 0x80, first partition (GRUB's root (hd0,0)). */
	cr_expect(harness_out_has(&r, "boot_device 0x8000ffff"),
		  "not booted from the first partition of disk 0x80:\n%s", r.out);
	expect_mem_upper_within_2m(&r);
	harness_result_free(&r);
}

Test(boot_firmware, fat16_disk_boots_its_own_mbr)
{
	TIER_REQUIRE(TIER_KVM);
	char img[PATH_MAX], how[96];
	struct run_result r;
	image_path(img, sizeof(img), "fat16-test.img");
	const char *args[] = {"run", "-m", "2", "-hda", img, NULL};
	run(args, &r, FW_TIMEOUT_S);

	/* The MBR reads its loader sector, the FAT16 boot sector, the root directory and a
	 * file with int 13h AH=42 (images/testkernel/fatmbr.asm). */
	cr_expect(harness_out_has(&r, "PASS fatmbr\n"), "the FAT16 MBR did not pass:\n%s", r.out);
	cr_expect_eq(r.status, 1, "tinyvmm %s (want 1); stdout:\n%s\nstderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.out, r.err);
	harness_result_free(&r);
}

/* A private copy of the write-test disk: the build's image must stay as make made it. */
static void copy_write_disk(char *dir, size_t dir_size, char *copy, size_t copy_size,
			    uint8_t **orig, size_t *len)
{
	char img[PATH_MAX];
	image_path(img, sizeof(img), "disk-write.img");
	*orig = slurp(img, len);
	cr_assert(*len >= (DISK_WRITE_LBA + 1) * SECTOR, "disk-write.img is only %zu bytes", *len);
	cr_assert_eq(harness_tempdir(dir, dir_size), 0, "mkdtemp failed");
	int err = harness_write_file(dir, "disk.img", *orig, *len);
	cr_assert_eq(err, 0, "cannot copy the disk: %s", strerror(-err));
	snprintf(copy, copy_size, "%s/disk.img", dir);
}

Test(boot_firmware, snapshot_leaves_the_disk_image_unchanged)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], copy[PATH_MAX + 16];
	uint8_t *orig;
	size_t len, after_len;
	struct run_result r;
	copy_write_disk(dir, sizeof(dir), copy, sizeof(copy), &orig, &len);
	const char *args[] = {"run", "-m", "2", "-hda", copy, "-snapshot", NULL};
	run(args, &r, FW_TIMEOUT_S);
	uint8_t *after = slurp(copy, &after_len);
	harness_rmdir(dir);

	expect_kick_pass(&r);
	cr_expect(harness_out_has(&r, "marker written to LBA 1024"),
		  "the guest never wrote its sector, so this proves nothing:\n%s", r.out);
	cr_expect_eq(after_len, len, "-snapshot changed the image's size: %zu -> %zu", len,
		     after_len);
	cr_expect(after_len == len && memcmp(orig, after, len) == 0,
		  "-snapshot let the guest's write reach the image file");
	free(orig);
	free(after);
	harness_result_free(&r);
}

/* The control for the test above: without -snapshot the same write does land. */
Test(boot_firmware, without_snapshot_the_guest_write_reaches_the_image)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], copy[PATH_MAX + 16];
	uint8_t *orig;
	size_t len, after_len;
	struct run_result r;
	copy_write_disk(dir, sizeof(dir), copy, sizeof(copy), &orig, &len);
	const char *args[] = {"run", "-m", "2", "-hda", copy, NULL};
	run(args, &r, FW_TIMEOUT_S);
	uint8_t *after = slurp(copy, &after_len);
	harness_rmdir(dir);

	expect_kick_pass(&r);
	cr_assert_eq(after_len, len, "the image's size changed: %zu -> %zu", len, after_len);
	const uint8_t *sec = after + (size_t)DISK_WRITE_LBA * SECTOR;
	static const char marker[] = "TVM-DISK-WRITE mbkick";
	cr_expect(memcmp(sec, marker, sizeof(marker) - 1) == 0,
		  "no marker at LBA %u of the image file", DISK_WRITE_LBA);
	for (size_t i = sizeof(marker) - 1; i < SECTOR; i++)
		cr_expect_eq(sec[i], 0xA5, "marker sector byte %zu is 0x%02x, want 0xa5", i,
			     sec[i]);
	/* Nothing but that sector changed. */
	size_t off = (size_t)DISK_WRITE_LBA * SECTOR;
	cr_expect(memcmp(orig, after, off) == 0, "bytes before the marker sector changed");
	cr_expect(memcmp(orig + off + SECTOR, after + off + SECTOR, len - off - SECTOR) == 0,
		  "bytes after the marker sector changed");
	free(orig);
	free(after);
	harness_result_free(&r);
}

/* ---- broken images: the BIOS finds nothing to boot, says so, and the run fails ---- */

enum bad_edit { BAD_EMPTY, BAD_GROW, BAD_NO_SIGNATURE, BAD_CUT };

/*
 * Writes a broken copy of images/`good` and boots it with `drive_opt`: cut to 0 bytes,
 * grown by `n` bytes, its 0x55AA signature zeroed, or cut to its first `n` bytes.
 */
static void boot_broken(const char *good, const char *drive_opt, enum bad_edit edit, size_t n,
			struct run_result *r)
{
	char img[PATH_MAX], dir[PATH_MAX], bad[PATH_MAX + 16];
	size_t len;
	image_path(img, sizeof(img), good);
	uint8_t *buf = slurp(img, &len);
	size_t out_len = len;
	switch (edit) {
	case BAD_EMPTY:
		out_len = 0;
		break;
	case BAD_GROW:
		buf = realloc(buf, len + n);
		cr_assert(buf != NULL);
		memset(buf + len, 0xF6, n);
		out_len = len + n;
		break;
	case BAD_NO_SIGNATURE:
		cr_assert(buf[510] == 0x55 && buf[511] == 0xAA, "%s has no signature to remove",
			  good);
		buf[510] = 0;
		buf[511] = 0;
		break;
	case BAD_CUT:
		cr_assert(n < len);
		out_len = n;
		break;
	}
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0, "mkdtemp failed");
	int err = harness_write_file(dir, "bad.img", buf, out_len);
	free(buf);
	cr_assert_eq(err, 0, "cannot write the broken image: %s", strerror(-err));
	snprintf(bad, sizeof(bad), "%s/bad.img", dir);
	const char *args[] = {"run", "-m", "2", drive_opt, bad, NULL};
	err = harness_run_tinyvmm(args, NULL, BAD_TIMEOUT_S, r);
	harness_rmdir(dir);
	cr_assert_eq(err, 0, "could not run tinyvmm (is it built?): %s", strerror(-err));
}

/*
 * Exit status 8 is "no bootable disk" and nothing else: the BIOS's line on the console and
 * tinyvmm's on stderr name the VM (bad.img) and the reason.
 */
static void expect_no_bootable_disk(const struct run_result *r)
{
	char how[96];
	cr_expect(!r->timed_out && r->signal == 0, "tinyvmm %s: a broken image must end the run",
		  harness_describe(r, how, sizeof(how)));
	cr_expect_eq(r->status, 8,
		     "tinyvmm %s (want 8: no bootable disk); stdout:\n%s\nstderr:\n%s",
		     harness_describe(r, how, sizeof(how)), r->out, r->err);
	cr_expect(harness_out_has(r, "tinyvmm BIOS: no bootable disk\r\n"),
		  "the console does not say \"no bootable disk\":\n%s", r->out);
	cr_expect(!strncmp(r->err, "tinyvmm: vm 'bad.img': no bootable disk: ", 41),
		  "stderr does not give the reason:\n%s", r->err);
	cr_expect(!harness_out_has(r, "PASS"), "something booted:\n%s", r->out);
}

Test(boot_firmware, empty_floppy_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	boot_broken("floppy-test.img", "-fda", BAD_EMPTY, 0, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

Test(boot_firmware, empty_disk_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	boot_broken("disk-test.img", "-hda", BAD_EMPTY, 0, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

/* 1.44 MB plus 100 bytes: no floppy geometry, not even whole sectors. */
Test(boot_firmware, floppy_of_the_wrong_size_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	boot_broken("floppy-test.img", "-fda", BAD_GROW, 100, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

Test(boot_firmware, floppy_without_boot_signature_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	boot_broken("floppy-test.img", "-fda", BAD_NO_SIGNATURE, 0, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

Test(boot_firmware, disk_without_boot_signature_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	boot_broken("disk-test.img", "-hda", BAD_NO_SIGNATURE, 0, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

/* The boot sector survives but the file system is cut after 64 KiB: no floppy size. */
Test(boot_firmware, truncated_floppy_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	cr_assert(64 * 1024 < FLOPPY_BYTES);
	boot_broken("floppy-test.img", "-fda", BAD_CUT, 64 * 1024, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

/*
 * MBR and embedded stage1.5 intact, the partition (at sector 2048) cut away. GRUB itself
 * would only print "Error" and spin, so the firmware has to notice that the active
 * partition lies beyond the end of the disk before it runs the boot sector.
 */
Test(boot_firmware, disk_truncated_before_its_partition_is_not_bootable)
{
	TIER_REQUIRE(TIER_KVM);
	struct run_result r;
	boot_broken("disk-test.img", "-hda", BAD_CUT, 2048 * SECTOR, &r);
	expect_no_bootable_disk(&r);
	harness_result_free(&r);
}

/*
 * The other ways firmware boot fails are not status 8: a boot sector that triple-faults is
 * a crash (4), a drive image that cannot be opened is bad input (2).
 */
Test(boot_firmware, a_boot_sector_that_crashes_is_status_4_not_8)
{
	TIER_REQUIRE(TIER_KVM);
	char sector[PATH_MAX], dir[PATH_MAX], img[PATH_MAX + 16], how[96];
	cr_assert_eq(harness_guest_path(sector, sizeof(sector), "bootsect_triple"), 0,
		     "guest bootsect_triple not built (make test builds it)");
	size_t len;
	uint8_t *code = slurp(sector, &len);
	cr_assert_eq(len, SECTOR);
	uint8_t *floppy = calloc(1, FLOPPY_BYTES);
	cr_assert(floppy != NULL);
	memcpy(floppy, code, SECTOR);
	free(code);
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	int err = harness_write_file(dir, "crash.img", floppy, FLOPPY_BYTES);
	free(floppy);
	cr_assert_eq(err, 0, "cannot write the floppy: %s", strerror(-err));
	snprintf(img, sizeof(img), "%s/crash.img", dir);
	struct run_result r;
	const char *args[] = {"run", "-m", "2", "-fda", img, NULL};
	run(args, &r, BAD_TIMEOUT_S);
	harness_rmdir(dir);
	cr_expect_eq(r.status, 4, "tinyvmm %s (want 4: guest crash); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	cr_expect(strstr(r.err, "tinyvmm: vm 'crash.img' crashed: "), "stderr:\n%s", r.err);
	cr_expect(!has_nocase(r.out, r.out_len, "no bootable disk") &&
		      !has_nocase(r.err, r.err_len, "no bootable disk"),
		  "a crash reported as no bootable disk:\n%s\n%s", r.out, r.err);
	harness_result_free(&r);

	const char *missing[] = {"run", "-m", "2", "-fda", img, NULL};
	run(missing, &r, BAD_TIMEOUT_S);
	cr_expect_eq(r.status, 2, "tinyvmm %s (want 2: the image is gone); stderr:\n%s",
		     harness_describe(&r, how, sizeof(how)), r.err);
	harness_result_free(&r);
}
