/* Boot tests of the bm guest (guests/bm): MBR -> loader -> kernel -> the apps in ring 3 from the
 * FAT16 disk, faults, Newlib, bad app lines, broken disks, SMP, a small population. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/boot/app_run.h"

#define BM_TIMEOUT_S 60
/* isa-debug-exit values (guests/bm/include/bm/calls.h) as tinyvmm's status: (v << 1) | 1 */
#define STATUS_OF(v)  (((v) << 1) | 1)
#define STOP_FAULT_PF STATUS_OF(0x40 + 14)
#define STOP_BOOT     STATUS_OF(0x60)
/* int 18h after the boot sector ran: tinyvmm ends the VM as crashed (status 4), saying why */
#define STATUS_INT18 4

/* run -m 4 -hda IMAGE -snapshot [-smp N] -app APP */
static void bm_run(struct app_run *run, const char *img, const char *smp, const char *app)
{
	const char *args[] = {"run",  "-m", "4",    "-hda", img, "-snapshot",
			      "-app", app,  "-smp", smp,    NULL};
	if (!smp)
		args[8] = NULL;
	app_run_tinyvmm(run, args, BM_TIMEOUT_S);
}

static void bm_image(char *buf, size_t size)
{
	app_build_file(buf, size, "images/bm.img");
}

Test(boot_bm, hello_lines_a_second_apart)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	struct app_run run;
	bm_run(&run, img, NULL, "app=hello count=5 period=1s");
	app_expect_status(&run, 0);
	app_expect_out(&run, "bm: BareMetal-style kernel on 1 cores");
	app_expect_out(&run, "bm: STARTUP.APP: ");
	app_expect_out(&run, "Starting infinite loop\n");
	for (unsigned k = 1; k <= 5; k++) {
		char line[40];
		snprintf(line, sizeof(line), "Sleeping. Count %u\n", k);
		app_expect_out(&run, line);
	}
	app_expect_out(&run, "bm: the app exited with status 0");
	cr_assert(app_find_report(&run, "kernel-up", 0), "no kernel-up report");
	cr_assert(app_find_report(&run, "app-start", 1), "no app-start (hello) report");
	cr_assert(app_find_report(&run, "app-done", 5), "no app-done report");
	double mean = (app_lap_time(&run, 5) - app_lap_time(&run, 1)) / 4;
	cr_assert(mean > 0.98 && mean < 1.02, "mean period %.4f s, expected 1 s ±2 %%", mean);
	for (unsigned k = 2; k <= 5; k++) {
		double gap = app_lap_time(&run, k) - app_lap_time(&run, k - 1);
		cr_assert(gap > 0.98 && gap < 1.02, "lap %u came %.3f s after lap %u", k, gap,
			  k - 1);
	}
	app_run_done(&run);
}

Test(boot_bm, pattern_computes_fib_and_sleeps_what_it_should)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	struct app_run run;
	bm_run(&run, img, NULL, "app=pattern pattern=B n=20 sleep=2s laps=3");
	app_expect_status(&run, 0);
	app_expect_pattern_b_laps(&run, 2.1);
	app_run_done(&run);
}

Test(boot_bm, smp_4_lists_4_cores)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	struct app_run run;
	bm_run(&run, img, "4", "app=hello count=1");
	app_expect_status(&run, 0);
	app_expect_out(&run, "bm: BareMetal-style kernel on 4 cores (APIC IDs 0 ");
	for (unsigned id = 1; id < 4; id++) {
		char needle[8];
		snprintf(needle, sizeof(needle), " %u", id);
		const char *ids = strstr(run.r.out, "(APIC IDs");
		cr_assert(ids && strstr(ids, needle) && strstr(ids, needle) < strchr(ids, ')'),
			  "APIC ID %u not listed:\n%s", id, run.r.out);
	}
	app_run_done(&run);
}

Test(boot_bm, a_faulting_app_stops_the_vm_with_vector_and_rip)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	struct app_run run;
	bm_run(&run, img, NULL, "app=crash");
	app_expect_out(&run, "bm: CRASH.APP: ");
	app_expect_out(&run, "crash: reading the kernel's first page");
	/* ring 3 read a supervisor page: #PF, error code 5 (present, user, read) */
	app_expect_out(&run, "bm: app fault: vector 14 (#PF) at rip 0x20");
	app_expect_out(&run, ", error 0x5, cr2 0x100000");
	cr_assert(app_find_report(&run, "fault", 0), "no fault report\n%s", run.r.out);
	app_expect_status(&run, STOP_FAULT_PF);
	app_run_done(&run);
}

/* CALLS.APP: the file, heap, command-line, clock and SMP-queue calls and their refusals. */
Test(boot_bm, the_call_table_passes_its_self_test)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	struct app_run run;
	bm_run(&run, img, NULL, "app=calls some words");
	app_expect_out(&run, "bm: CALLS.APP: ");
	app_expect_out(&run, "calls: PASS");
	app_expect_status(&run, 0);
	app_run_done(&run);
}

/* LIBC.APP: Newlib on the call table; its lines are fixed (libc.c judges what varies). */
static const char libc_expected[] =
    "libc: Newlib on bm, argc 2, argv[0] [app=libc]\n"
    "libc: printf: -42 4000000000 [bm] [ok   ] beef 0XCAFE 003.1 1.235e+04 0.25 z%\n"
    "libc: printf: -9223372036854775808 8 0.333333 -2.500000\n"
    "libc: snprintf: 14 [truncat] 18 [0003.142|17    |+5]\n"
    "libc: strtoul: 4096kB -> 4096 rest [kB] | overflow ULONG_MAX ERANGE | none 0 end=start\n"
    "libc: strtol: -0x7f -> -127, 0755 -> 493 | underflow LONG_MIN ERANGE\n"
    "libc: malloc: 200 blocks, realloc kept them: yes, 16-byte aligned: yes | 1 GiB: NULL "
    "ENOMEM\n"
    "libc: qsort: -1 0 1 1 2 3 5 8 13 21 34 | bm kvm newlib pure64 tinyvmm\n"
    "libc: libm: sqrt(2) 1.414214, pow(2, 10) 1024, floor(-2.5) -3.0, fabs(-0.125) 0.125\n"
    "libc: file: [LIBC.TXT: read by LIBC.APP through stdio -- this line, then 40 lines of 24 "
    "bytes] | header 81 bytes, 40 lines by fseek+fread: yes | size 1041 | tail 5 [ytes] eof "
    "yes\n"
    "libc: file: nosuch.txt NULL ENOENT | libc.txt for writing NULL EROFS\n"
    "libc: time: gettimeofday yes, after 2024 yes, time() agrees yes, forward yes, usec in "
    "range yes, clock() yes\n"
    /* exit(7) ran the atexit handler, then the kernel took the status */
    "libc: atexit handler ran, exit status 7\n"
    "bm: the app exited with status 7\n";

Test(boot_bm, newlib_app_prints_exactly_and_exits_through_exit)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	struct app_run run;
	bm_run(&run, img, NULL, "app=libc exit=7");
	app_expect_out(&run, "bm: LIBC.APP: ");
	app_expect_out(&run, libc_expected);
	/* nothing else from the app: the block above is all of its output */
	cr_assert_eq(harness_out_count(&run.r, "libc: "), 13, "%s", run.r.out);
	app_expect_status(&run, STATUS_OF(7));
	app_run_done(&run);
}

Test(boot_bm, bad_app_lines_are_refused_by_the_app)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256];
	bm_image(img, sizeof(img));
	const char *const bad[] = {"app=pattern pattern=Q", "app=nosuch", "app=hello count=x",
				   "app=hello colour=red"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct app_run run;
		bm_run(&run, img, NULL, bad[i]);
		app_expect_out(&run, "apps: ");
		cr_assert(app_find_report(&run, "app-error", 0), "'%s': no app-error report\n%s",
			  bad[i], run.r.out);
		app_expect_status(&run, STATUS_OF(2));
		app_run_done(&run);
	}
}

/* A copy of bm.img in memory, and where its FAT16 pieces are. */
struct disk {
	uint8_t *b;
	size_t size;
	size_t bpb, fat, root, data, spc, root_entries;
};

static uint32_t le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void disk_load(struct disk *d)
{
	char img[256];
	bm_image(img, sizeof(img));
	FILE *f = fopen(img, "rb");
	cr_assert(f != NULL, "%s: %s", img, strerror(errno));
	fseek(f, 0, SEEK_END);
	d->size = (size_t)ftell(f);
	rewind(f);
	d->b = malloc(d->size);
	cr_assert(d->b && fread(d->b, 1, d->size, f) == d->size);
	fclose(f);
	d->bpb = (size_t)le(d->b + 0x1BE + 8, 4) * 512;
	const uint8_t *bpb = d->b + d->bpb;
	d->spc = bpb[0x0D];
	d->fat = d->bpb + le(bpb + 0x0E, 2) * 512;
	d->root = d->fat + bpb[0x10] * le(bpb + 0x16, 2) * 512;
	d->root_entries = le(bpb + 0x11, 2);
	d->data = d->root + d->root_entries * 32;
	cr_assert(d->data < d->size, "bm.img's FAT16 geometry makes no sense");
}

/* The root directory entry of an 11-byte name. */
static uint8_t *disk_entry(struct disk *d, const char *name83)
{
	for (size_t i = 0; i < d->root_entries; i++) {
		uint8_t *e = d->b + d->root + 32 * i;
		if (!memcmp(e, name83, 11))
			return e;
	}
	cr_assert_fail("no %.11s in bm.img's root directory", name83);
	return NULL;
}

/* Boots the changed copy of the disk with hello. */
static void disk_boot(struct disk *d, struct app_run *run)
{
	char dir[256], path[300];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	cr_assert_eq(harness_write_file(dir, "bm.img", d->b, d->size), 0);
	snprintf(path, sizeof(path), "%s/bm.img", dir);
	bm_run(run, path, NULL, "app=hello count=1");
	harness_rmdir(dir);
	free(d->b);
}

Test(boot_bm, a_disk_without_the_app_says_so_and_stops)
{
	TIER_REQUIRE(TIER_KVM);
	struct disk d;
	disk_load(&d);
	memcpy(disk_entry(&d, "STARTUP APP"), "STARTUP OLD", 11);
	struct app_run run;
	disk_boot(&d, &run);
	cr_assert(!run.r.timed_out, "it hung:\n%s", run.r.out);
	app_expect_out(&run, "bm: no STARTUP.APP in the FAT16 root directory");
	app_expect_status(&run, STOP_BOOT);
	app_run_done(&run);
}

Test(boot_bm, a_broken_cluster_chain_says_so_and_stops)
{
	TIER_REQUIRE(TIER_KVM);
	struct disk d;
	disk_load(&d);
	/* STARTUP.APP's first cluster now points at a free one */
	unsigned first = le(disk_entry(&d, "STARTUP APP") + 26, 2);
	cr_assert(le(disk_entry(&d, "STARTUP APP") + 28, 4) > 512 * d.spc,
		  "the app fits a cluster");
	d.b[d.fat + 2 * first] = 0;
	d.b[d.fat + 2 * first + 1] = 0;
	struct app_run run;
	disk_boot(&d, &run);
	cr_assert(!run.r.timed_out, "it hung:\n%s", run.r.out);
	app_expect_out(&run,
		       "bm: STARTUP.APP: the IDE disk failed or the FAT16 cluster chain is broken");
	app_expect_status(&run, STOP_BOOT);
	app_run_done(&run);
}

Test(boot_bm, a_broken_boot_sector_stops_in_the_mbr)
{
	TIER_REQUIRE(TIER_KVM);
	struct disk d;
	disk_load(&d);
	d.b[d.bpb + 0x0B] = 0; /* bytes per sector: 0 */
	d.b[d.bpb + 0x0C] = 0;
	struct app_run run;
	disk_boot(&d, &run);
	cr_assert(!run.r.timed_out, "it hung:\n%s", run.r.out);
	app_expect_out(&run, "bm: no FAT16");
	cr_assert(strstr(run.r.err, "the guest called int 18h"), "%s", run.r.err);
	app_expect_status(&run, STATUS_INT18);
	app_run_done(&run);
}

Test(boot_bm, a_disk_without_the_kernel_stops_in_the_loader)
{
	TIER_REQUIRE(TIER_KVM);
	struct disk d;
	disk_load(&d);
	memcpy(disk_entry(&d, "KERNEL  SYS"), "KERNEL  OLD", 11);
	struct app_run run;
	disk_boot(&d, &run);
	cr_assert(!run.r.timed_out, "it hung:\n%s", run.r.out);
	app_expect_out(&run, "bm: loader: no KERNEL.SYS on the disk");
	cr_assert(strstr(run.r.err, "the guest called int 18h"), "%s", run.r.err);
	app_expect_status(&run, STATUS_INT18);
	app_run_done(&run);
}

/* tinyvmm pop -t bm: one image for every guest, the app from --app. */
Test(boot_bm, a_small_population_runs_hello_and_powers_off)
{
	TIER_REQUIRE(TIER_KVM);
	char img[256], dir[256], results[300];
	bm_image(img, sizeof(img));
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	snprintf(results, sizeof(results), "%s/r.csv", dir);
	setenv("TINYVMM_CONTROL_DIR", dir, 1);
	const char *args[] = {"pop",	       "-t",	    "bm",    "-i", img, "-n", "4", "--app",
			      "hello count=2", "--results", results, NULL};
	struct run_result r;
	cr_assert_eq(harness_run_tinyvmm(args, NULL, 120, &r), 0);
	cr_assert_eq(r.status, 0, "status %d\n%s\n%s", r.status, r.out, r.err);
	FILE *f = fopen(results, "r");
	cr_assert(f != NULL, "no results file\n%s", r.err);
	char line[2048];
	unsigned rows = 0, off = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "uuid,", 5))
			rows++;
		if (strstr(line, ",bm,") && strstr(line, ",poweroff,"))
			off++;
	}
	fclose(f);
	cr_assert_eq(rows, 4, "%u result rows", rows);
	cr_assert_eq(off, 4, "%u of 4 bm guests powered off\n%s", off, r.err);
	harness_result_free(&r);
	harness_rmdir(dir);
}
