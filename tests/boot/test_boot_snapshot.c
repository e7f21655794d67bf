/* Boot tests of snapshot and restore: a guest captured at a milestone continues exactly where
 * it was; damaged, foreign, other-version and other-CPU files are refused before anything runs. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tests/boot/app_run.h"
#include "tests/boot/pop_run.h"

#define SNAP_TIMEOUT_S 120

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "no snapshot at %s", path);
	struct stat st;
	cr_assert_eq(fstat(fileno(f), &st), 0);
	void *buf = malloc((size_t)st.st_size + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

/* `tinyvmm run -restore dir/name`: status 2, nothing on stdout, stderr holding `why`. */
static void expect_refused(const char *dir, const char *name, const void *data, size_t len,
			   const char *why)
{
	cr_assert_eq(harness_write_file(dir, name, data, len), 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	const char *args[] = {"run", "-restore", path, NULL};
	struct run_result r;
	cr_assert_eq(harness_run_tinyvmm(args, NULL, 30, &r), 0);
	char how[128];
	cr_assert_eq(r.status, 2, "%s: %s\n%s", name, harness_describe(&r, how, sizeof(how)),
		     r.err);
	cr_assert(strstr(r.err, "refused") && strstr(r.err, why), "%s: stderr was:\n%s", name,
		  r.err);
	cr_assert_eq(r.out_len, 0, "%s: the guest ran:\n%s", name, r.out);
	harness_result_free(&r);
}

Test(boot_snapshot, l4_hello_restored_at_lap_2_goes_on_to_the_same_end)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[256], snap[300];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	snprintf(snap, sizeof(snap), "%s/hello.snap", dir);
	char kick[256], kern[256], s0[256], root[256], mods[1200];
	app_build_file(kick, sizeof(kick), "guests/l4/kickstart");
	app_build_file(kern, sizeof(kern), "guests/l4/x86-kernel");
	app_build_file(s0, sizeof(s0), "guests/l4/sigma0");
	app_build_file(root, sizeof(root), "guests/l4/roottask");
	snprintf(mods, sizeof(mods), "%s,%s,%s app=hello count=5 period=1s", kern, s0, root);

	/* the whole run, captured on the way at its second hello line */
	const char *first_args[] = {"run", "-m",	   "2",	    "-kernel", kick, "-initrd",
				    mods,  "-snapshot-at", "lap:2", snap,      NULL};
	struct app_run first;
	app_run_tinyvmm(&first, first_args, SNAP_TIMEOUT_S);
	app_expect_status(&first, 0);
	cr_assert(app_find_report(&first, "app-done", 5), "the captured run did not finish");
	const char *cut = strstr(first.r.out, "Sleeping. Count 2\n");
	cr_assert_not_null(cut, "no second hello line:\n%s", first.r.out);
	const char *rest = cut + strlen("Sleeping. Count 2\n");

	/* the restored run: exactly what the first printed after the capture, the same end */
	const char *second_args[] = {"run", "-restore", snap, NULL};
	struct app_run second;
	app_run_tinyvmm(&second, second_args, SNAP_TIMEOUT_S);
	app_expect_status(&second, 0);
	cr_assert_str_eq(second.r.out, rest, "restored output differs:\n%s\n---- stderr:\n%s",
			 second.r.out, second.r.err);
	for (unsigned k = 3; k <= 5; k++)
		cr_assert(app_find_report(&second, "lap", k), "no lap %u after restore", k);
	cr_assert(app_find_report(&second, "app-done", 5), "no app-done 5 after restore");
	cr_assert_null(app_find_report(&second, "lap", 2), "lap 2 came again");
	cr_assert_null(app_find_report(&second, "kernel-up", 0), "the guest booted again");
	/* the timer goes on at its period: lap 3 to lap 5 is two periods of 1 s */
	double mean = (app_lap_time(&second, 5) - app_lap_time(&second, 3)) / 2;
	cr_assert(mean > 0.95 && mean < 1.05, "mean period %.3f s after restore", mean);

	/* the same file, damaged in each way the loader must catch */
	size_t len;
	uint8_t *f = slurp(snap, &len);
	expect_refused(dir, "cut.snap", f, len / 2, "truncated");
	expect_refused(dir, "nocrc.snap", f, len - 4, "truncated");
	uint8_t *g = malloc(len);
	memcpy(g, f, len);
	g[8]++; /* the version word */
	expect_refused(dir, "version.snap", g, len, "version");
	memcpy(g, f, len);
	g[16] ^= 0x20; /* a letter of the CPU vendor */
	expect_refused(dir, "cpu.snap", g, len, "another host CPU");
	memcpy(g, f, len);
	g[len / 2] ^= 0x01;
	expect_refused(dir, "crc.snap", g, len, "checksum");
	free(g);
	free(f);
	app_run_done(&first);
	app_run_done(&second);
	harness_rmdir(dir);
}

/* Firmware boot from an IDE disk with two vCPUs (bm starts the AP through INIT/SIPI): the
 * BIOS service port, the RTC-driven sleeps of bm, the IDE channel and every vCPU come back;
 * the disk must be given again. */
Test(boot_snapshot, bm_from_its_disk_restored_at_lap_2_goes_on_to_the_same_end)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[256], snap[300], img[256];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	snprintf(snap, sizeof(snap), "%s/bm.snap", dir);
	app_build_file(img, sizeof(img), "images/bm.img");
	const char *first_args[] = {"run",
				    "-m",
				    "4",
				    "-hda",
				    img,
				    "-snapshot",
				    "-smp",
				    "2",
				    "-app",
				    "app=hello count=5 period=1s",
				    "-snapshot-at",
				    "lap:2",
				    snap,
				    "-screen",
				    "none",
				    NULL};
	struct app_run first;
	app_run_tinyvmm(&first, first_args, SNAP_TIMEOUT_S);
	app_expect_status(&first, 0);
	const char *cut = strstr(first.r.out, "Sleeping. Count 2\n");
	cr_assert_not_null(cut, "no second hello line:\n%s", first.r.out);
	const char *rest = cut + strlen("Sleeping. Count 2\n");

	const char *second_args[] = {"run",	  "-restore", snap,   "-hda", img,
				     "-snapshot", "-screen",  "none", NULL};
	struct app_run second;
	app_run_tinyvmm(&second, second_args, SNAP_TIMEOUT_S);
	app_expect_status(&second, 0);
	cr_assert_str_eq(second.r.out, rest, "restored output differs:\n%s\n---- stderr:\n%s",
			 second.r.out, second.r.err);
	cr_assert(app_find_report(&second, "app-done", 5), "no app-done 5 after restore");
	double mean = (app_lap_time(&second, 5) - app_lap_time(&second, 3)) / 2;
	cr_assert(mean > 0.95 && mean < 1.05, "mean period %.3f s after restore", mean);

	/* without its disk the VM is not the one captured: refused before it runs */
	const char *nodisk[] = {"run", "-restore", snap, NULL};
	struct run_result r;
	cr_assert_eq(harness_run_tinyvmm(nodisk, NULL, 30, &r), 0);
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(strstr(r.err, "had a hard disk"), "%s", r.err);
	cr_assert_eq(r.out_len, 0);
	harness_result_free(&r);
	app_run_done(&first);
	app_run_done(&second);
	harness_rmdir(dir);
}

/* `tinyvmm snapshot POP GUEST FILE` while the population runs: the guest goes on in the
 * population, and the file restores into a run that prints the same remaining lines. */
Test(boot_snapshot, a_population_guest_captured_over_the_socket_restores)
{
	TIER_REQUIRE(TIER_KVM);
	char dir[PATH_MAX], snap[PATH_MAX + 16], logpath[PATH_MAX + 16], name[32];
	char kick[256], kern[256], s0[256], root[256], mods[900];
	app_build_file(kick, sizeof(kick), "guests/l4/kickstart");
	app_build_file(kern, sizeof(kern), "guests/l4/x86-kernel");
	app_build_file(s0, sizeof(s0), "guests/l4/sigma0");
	app_build_file(root, sizeof(root), "guests/l4/roottask");
	snprintf(mods, sizeof(mods), "%s,%s,%s", kern, s0, root);
	pop_control_dir(dir, sizeof(dir));
	snprintf(snap, sizeof(snap), "%s/guest.snap", dir);
	snprintf(logpath, sizeof(logpath), "%s/l4_1.log", dir);
	snprintf(name, sizeof(name), "snap%ld", (long)getpid());
	struct bg_run b = {.args = {"pop", "-t", "l4", "-i", kick, "--initrd", mods, "--app",
				    "hello count=6 period=1s", "-n", "1", "--name", name, "--logs",
				    dir, NULL},
			   .timeout_s = SNAP_TIMEOUT_S};
	bg_start(&b);
	(void)pop_wait_listed(&b, name);
	struct listed_guest g = {0};
	for (int i = 0; i < 200 && g.laps < 2; i++) {
		pop_list_guest(name, "l4_1", &g);
		if (g.laps < 2)
			sleep_ms(50);
	}
	cr_assert_geq(g.laps, 2, "the guest did not get to lap 2");
	struct run_result r;
	const char *take[] = {"snapshot", name, "l4_1", snap, NULL};
	pop_tinyvmm(&r, take);
	pop_expect_status(&r, 0);
	cr_expect(strstr(r.out, "l4_1: ") && strstr(r.out, "bytes in"), "%s", r.out);
	harness_result_free(&r);
	const char *nosuch[] = {"snapshot", name, "l4_9", snap, NULL};
	pop_tinyvmm(&r, nosuch);
	pop_expect_status(&r, 2);
	cr_expect(strstr(r.err, "l4_9: no such guest"), "%s", r.err);
	harness_result_free(&r);
	bg_join(&b);
	pop_expect_status(&b.r, 0);
	char *whole = pop_slurp(logpath);
	cr_assert(strstr(whole, "Sleeping. Count 6\n"),
		  "the population's guest did not finish:\n%s", whole);

	/* the restored run prints what the guest printed after the capture */
	const char *again[] = {"run", "-restore", snap, NULL};
	struct app_run second;
	app_run_tinyvmm(&second, again, SNAP_TIMEOUT_S);
	app_expect_status(&second, 0);
	cr_assert(second.r.out_len > 0, "nothing after the restore");
	size_t wl = strlen(whole);
	cr_assert(second.r.out_len <= wl && !strcmp(whole + wl - second.r.out_len, second.r.out),
		  "restored output is no tail of the guest's log:\n%s\n---- log:\n%s", second.r.out,
		  whole);
	cr_assert(app_find_report(&second, "app-done", 6), "no app-done 6 after restore");
	free(whole);
	app_run_done(&second);
	harness_rmdir(dir);
}

/* A NASM guest counting timer interrupts (tests/guests/timer_laps.inc): captured at lap:2
 * (its second LAP report) and restored, it counts on at the same rate to the same end. `timer` is
 * the user-space PIT
 * ("pit_laps") or the RTC periodic interrupt ("rtc_laps"); `pit` the PIT model. */
static void ticks_restore(const char *guest, const char *app, const char *pit)
{
	char dir[256], snap[300], path[512];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	snprintf(snap, sizeof(snap), "%s/ticks.snap", dir);
	cr_assert_eq(harness_guest_path(path, sizeof(path), guest), 0, "%s was not built", guest);
	const char *first_args[] = {"run", "-kernel",	   path,    "-app", app, "-pit",
				    pit,   "-snapshot-at", "lap:2", snap,   NULL};
	struct app_run first;
	app_run_tinyvmm(&first, first_args, SNAP_TIMEOUT_S);
	cr_assert(app_find_report(&first, "app-done", 6), "%s did not finish:\n%s", guest,
		  first.r.err);
	const char *second_args[] = {"run", "-restore", snap, NULL};
	struct app_run second;
	app_run_tinyvmm(&second, second_args, SNAP_TIMEOUT_S);
	app_expect_status(&second, first.r.status);
	size_t fl = first.r.out_len;
	cr_assert(second.r.out_len <= fl &&
		      !strcmp(first.r.out + fl - second.r.out_len, second.r.out),
		  "restored output is no tail of the first run's:\n%s", second.r.out);
	/* these guests number laps from 0: lap:2, their second LAP report, is lap 1 */
	cr_assert_null(app_find_report(&second, "lap", 1), "lap 1 came again");
	cr_assert_null(app_find_report(&second, "kernel-up", 0), "the guest booted again");
	for (unsigned k = 2; k <= 6; k++)
		cr_assert(app_find_report(&second, "lap", k), "no lap %u after restore", k);
	cr_assert(app_find_report(&second, "app-done", 6), "no app-done 6 after restore:\n%s",
		  second.r.err);
	/* half a second a lap (50 ticks of 100 Hz, 64 of 128 Hz), as before the capture */
	double before = (app_lap_time(&first, 6) - app_lap_time(&first, 3)) / 3;
	double after = (app_lap_time(&second, 6) - app_lap_time(&second, 3)) / 3;
	cr_assert(after > before * 0.9 && after < before * 1.1,
		  "a lap took %.3f s after restore, %.3f s in the first run", after, before);
	app_run_done(&first);
	app_run_done(&second);
	harness_rmdir(dir);
}

Test(boot_snapshot, pit_ticks_count_on_after_restore)
{
	TIER_REQUIRE(TIER_KVM);
	ticks_restore("pit_laps", "div=11932 ticks=50 laps=6", "user");
}

Test(boot_snapshot, kernel_pit_ticks_count_on_after_restore)
{
	TIER_REQUIRE(TIER_KVM);
	ticks_restore("pit_laps", "div=11932 ticks=50 laps=6", "kvm");
}

Test(boot_snapshot, rtc_ticks_count_on_after_restore)
{
	TIER_REQUIRE(TIER_KVM);
	ticks_restore("rtc_laps", "rate=9 ticks=64 laps=6", "user");
}

Test(boot_snapshot, a_file_that_is_no_snapshot_is_refused_without_kvm)
{
	char dir[256];
	cr_assert_eq(harness_tempdir(dir, sizeof(dir)), 0);
	static const char elf[] = "\x7f"
				  "ELF and then some bytes";
	expect_refused(dir, "foreign.snap", elf, sizeof(elf), "not a tinyvmm snapshot");
	expect_refused(dir, "short.snap", "TVMMSN", 6, "truncated");
	harness_rmdir(dir);
}
