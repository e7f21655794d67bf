/* make thesis at its quick scale, end to end: every experiment measured, every table filled, every
 * figure a PNG with the series it should have. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/boot/harness.h"

/*
 * The pipeline (bench/thesis/run.sh) finds a KVM itself: this host's, or the nested KVM of
 * tests/nested when the host has none, exactly as `make thesis` does; its drawing half needs
 * gnuplot and bash on the host, which the nested VM lacks. So this test runs on the host
 * tier whatever the host has, and never in the nested tier. The quick scale is meant to take
 * at most 5 minutes; the timeout leaves room for a loaded machine.
 */
#define THESIS_TIMEOUT_S 1200

static char out_dir[PATH_MAX + 16];

/* The report is a tree (a link to its run's directory beside it): harness_rmdir is flat. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = realloc(buf, 2 * cap + 1);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* A CSV with its header and at least one row that holds `needle` (NULL: any row). */
static void expect_rows(const char *csv, const char *needle)
{
	char *t = slurp(out_dir, csv, NULL);
	cr_assert_not_null(t, "%s/%s is missing", out_dir, csv);
	char *body = strchr(t, '\n');
	cr_assert(body && body[1], "%s has no rows", csv);
	if (needle)
		cr_expect(strstr(body, needle), "%s has no row with '%s':\n%.2000s", csv, needle,
			  t);
	free(t);
}

/* FIG.png is a PNG with a non-empty picture, and FIG.series lists each of `series`. */
static void expect_figure(const char *fig, const char *const series[])
{
	char name[128];
	size_t len;
	snprintf(name, sizeof(name), "%s.png", fig);
	unsigned char *p = (unsigned char *)slurp(out_dir, name, &len);
	cr_assert_not_null(p, "%s was not drawn", name);
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	cr_assert(len > 33 && memcmp(p, sig, 8) == 0 && memcmp(p + 12, "IHDR", 4) == 0,
		  "%s is not a PNG", name);
	uint32_t w = (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19];
	uint32_t h = (uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23];
	cr_expect(w >= 300 && h >= 200 && len > 5000, "%s: %ux%u, %zu bytes", name, w, h, len);
	free(p);
	snprintf(name, sizeof(name), "%s.csv", fig);
	expect_rows(name, NULL);
	snprintf(name, sizeof(name), "%s.series", fig);
	char *s = slurp(out_dir, name, NULL);
	cr_assert_not_null(s, "%s is missing", name);
	/* one title a line: look for "\nTITLE\n" in "\n" + the file */
	char *lines = malloc(strlen(s) + 2);
	cr_assert_not_null(lines);
	sprintf(lines, "\n%s", s);
	for (const char *const *want = series; *want; want++) {
		char line[128];
		snprintf(line, sizeof(line), "\n%s\n", *want);
		cr_expect(strstr(lines, line), "%s has no series '%s':\n%s", fig, *want, s);
	}
	free(lines);
	free(s);
}

Test(boot_thesis, quick_scale_fills_every_table_and_figure, .timeout = THESIS_TIMEOUT_S + 60)
{
	if (tier_is_nested())
		cr_skip_test(
		    "runs on the host tier: its pipeline reaches the nested KVM by itself");
	const char *src = getenv("TINYVMM_SRC");
	char script[PATH_MAX], build[PATH_MAX], tmp[PATH_MAX];
	snprintf(script, sizeof(script), "%s/bench/thesis/run.sh", src ? src : ".");
	cr_assert_eq(harness_build_path(build, sizeof(build), ""), 0);
	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		cr_skip_test("gnuplot is not installed (scripts/thesis-packages.txt; make test "
			     "installs it)");
	cr_assert_eq(harness_tempdir(tmp, sizeof(tmp)), 0);
	snprintf(out_dir, sizeof(out_dir), "%s/thesis", tmp);
	char scale[] = "THESIS_SCALE=quick", out[PATH_MAX + 32];
	snprintf(out, sizeof(out), "THESIS_OUT=%s", out_dir);
	const char *argv[] = {"/usr/bin/env", scale, out, "bash", script, build, NULL};
	struct run_result r;
	cr_assert_eq(harness_run(argv, NULL, THESIS_TIMEOUT_S, &r), 0, "cannot start %s", script);
	cr_assert(!r.timed_out, "make thesis (quick) took over %u s:\n%.3000s\n%.3000s",
		  THESIS_TIMEOUT_S, r.out, r.err);
	cr_assert_eq(r.status, 0, "make thesis (quick) failed (status %d):\n%.4000s\n%.4000s",
		     r.status, r.out, r.err);

	char *md = slurp(out_dir, "report.md", NULL);
	cr_assert_not_null(md, "no report.md in %s", out_dir);
	const char *sections[] = {"## 1. Image sizes",	  "## 2. Host memory",
				  "## 3. Usage patterns", "## 4. Scaling",
				  "## 5. Boot",		  "## 6. What the thesis could not do"};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		cr_expect(strstr(md, sections[i]), "report.md lacks '%s'", sections[i]);
	cr_expect(!strstr(md, "Not measured"), "report.md says something was not measured");
	cr_expect(!strstr(md, "Figure not drawn"), "report.md misses a figure");
	free(md);
	size_t html_len;
	char *html = slurp(out_dir, "report.html", &html_len);
	cr_assert_not_null(html, "no report.html");
	cr_expect(strstr(html, "data:image/png;base64,") && strstr(html, "</html>"),
		  "report.html does not embed its figures");
	free(html);

	/* the host kind opens every row; on kvm_pvm the tcl guest cannot reach its app */
	char *env = slurp(out_dir, "environment.csv", NULL);
	cr_assert_not_null(env, "no environment.csv");
	int pvm = strstr(env, "\nkvm_pvm,") != NULL;
	free(env);

	/* every table has rows for both VMMs where QEMU runs the guest */
	expect_rows("sizes.csv", ",l4,l4.img,");
	expect_rows("sizes.csv", ",bm,bm.img,");
	expect_rows("minmem.csv", ",bm,tinyvmm,");
	expect_rows("minmem.csv", ",l4,tinyvmm,");
	expect_rows("minmem.csv", ",l4,qemu-pc,");
	if (!pvm)
		expect_rows("minmem.csv", ",tcl,tinyvmm,");
	expect_rows("footprint.csv", ",l4,tinyvmm,");
	expect_rows("footprint.csv", ",l4,qemu-pc,");
	if (!pvm)
		expect_rows("footprint.csv", ",tcl,tinyvmm,");
	/* bm under QEMU runs the image's own app (QEMU cannot hand it one): the idle and boot
	 * experiments still compare */
	expect_rows("footprint.csv", ",bm,tinyvmm,");
	expect_rows("footprint.csv", ",bm,qemu-pc,");
	expect_rows("pattern_bursts.csv", ",l4,tinyvmm,C,");
	expect_rows("pattern_bursts.csv", ",l4,qemu-pc,C,");
	expect_rows("pattern_laps.csv", ",l4,qemu-pc,A,");
	expect_rows("scaling.csv", ",l4,tinyvmm,");
	expect_rows("scaling.csv", ",l4,qemu-pc,");
	if (!pvm)
		expect_rows("boot.csv", ",tcl,tinyvmm,");
	expect_rows("boot.csv", ",l4,qemu-pc,");
	expect_rows("boot.csv", ",bm,tinyvmm,");
	expect_rows("boot.csv", ",bm,qemu-pc,");
	expect_rows("mixed_stats.csv", NULL);
	if (!pvm)
		expect_rows("mixed_types.csv", ",tcl,");
	expect_rows("mixed_types.csv", ",bm,");
	expect_rows("commands.csv", "qemu-system-x86_64 -M pc");
	expect_rows("environment.csv", NULL);

	const char *const vmms[] = {"tinyvmm", "qemu-pc", NULL};
	expect_figure("fig1_minmem", (const char *[]){"tinyvmm", "qemu-pc", NULL});
	expect_figure("fig2_footprint", (const char *[]){"MemAvailable drop / N", "PSS / N", NULL});
	expect_figure("fig3_pattern_A", vmms);
	expect_figure("fig3_pattern_B", vmms);
	expect_figure("fig3_pattern_C", vmms);
	expect_figure("fig4_scaling", vmms);
	expect_figure("fig5_boot_cdf",
		      (const char *[]){"l4 tinyvmm", "l4 qemu-pc", "bm tinyvmm", "bm qemu-pc",
				       pvm ? NULL : "tcl tinyvmm", NULL});
	expect_figure("fig6_mixed",
		      (const char *[]){"host CPU %", "exits/s", "vCPU time per type", NULL});
	harness_result_free(&r);
	nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
