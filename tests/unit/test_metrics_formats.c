/* Unit tests of the --prom and --jsonl writers: well-formed, the CSV's figures, atomic replacement.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "population/metrics_jsonl.h"
#include "population/metrics_prom.h"
#include "population/stats.h"
#include "tests/support/textcheck.h"

/* Two points two seconds apart, and l4 and tcl figures (no bm guests). */
static void fixture(struct stats_values *v, struct type_figures t[GUEST_TYPES])
{
	struct stats_point a = {0}, b = {0};
	a.mono_ns = 10000000000ull;
	b.mono_ns = 12000000000ull;
	b.wall_ms = 1700000000123ll;
	a.host.cpu = (struct cpu_times){.user = 100, .system = 50, .idle = 800};
	b.host.cpu = (struct cpu_times){.user = 250, .system = 100, .idle = 1550};
	b.host.load = (struct load_avg){0.5, 0.25, 0.1};
	b.host.mem = (struct mem_info){.total = 1000, .free = 600, .available = 700};
	a.pop = (struct pop_counters){.exits = 100, .vcpu_ns = 1500000000ull};
	b.pop = (struct pop_counters){.running = 3,
				      .booted = 5,
				      .failed = 1,
				      .finished = 1,
				      .exits = 400,
				      .vcpu_ns = 2500000000ull,
				      .rss_kb = 1234,
				      .pss_kb = 999};
	stats_compute(v, &a, &b);
	memset(t, 0, GUEST_TYPES * sizeof(*t));
	t[GUEST_L4] = (struct type_figures){.guests = 4,
					    .pending = 1,
					    .running = 2,
					    .booting = 1,
					    .booted = 3,
					    .finished = 1,
					    .exits = 300,
					    .vcpu_ns = 2000000000ull,
					    .ram_kb = 4096};
	t[GUEST_TCL] = (struct type_figures){
	    .guests = 2, .running = 1, .booted = 2, .failed = 1, .exits = 100, .ram_kb = 32768};
}

Test(metrics_formats, prom_text_is_strictly_well_formed_with_the_figures)
{
	struct stats_values v;
	struct type_figures t[GUEST_TYPES];
	fixture(&v, t);
	struct metrics_sample m = {.population = "pop\"1\\", .v = &v, .types = t};
	char text[32768], why[256] = "";
	int n = prom_format(text, sizeof(text), &m);
	cr_assert_gt(n, 0);
	cr_assert_eq((size_t)n, strlen(text));
	unsigned samples = 0;
	cr_assert_eq(textcheck_prom(text, &samples, why, sizeof(why)), 0, "%s\n%s", why, text);
	/* 12 host gauges, 11 per-type families for two types */
	cr_expect_eq(samples, 12 + 11 * 2, "%u samples", samples);
	const char *pop = "population=\"pop\\\"1\\\\\"";
	char series[256];
	snprintf(series, sizeof(series), "tinyvmm_guests_running{%s,type=\"l4\"}", pop);
	cr_expect_eq(textcheck_prom_value(text, series), 2, "%s", series);
	snprintf(series, sizeof(series), "tinyvmm_guest_vcpu_seconds_total{%s,type=\"l4\"}", pop);
	cr_expect_eq(textcheck_prom_value(text, series), 2.0);
	snprintf(series, sizeof(series), "tinyvmm_guest_memory_bytes{%s,type=\"tcl\"}", pop);
	cr_expect_eq(textcheck_prom_value(text, series), 32768.0 * 1024);
	snprintf(series, sizeof(series), "tinyvmm_guests_failed_total{%s,type=\"tcl\"}", pop);
	cr_expect_eq(textcheck_prom_value(text, series), 1);
	snprintf(series, sizeof(series), "tinyvmm_host_memory_available_bytes{%s}", pop);
	cr_expect_eq(textcheck_prom_value(text, series), 700.0 * 1024);
	snprintf(series, sizeof(series), "tinyvmm_host_cpu_busy_percent{%s}", pop);
	cr_expect_float_eq(textcheck_prom_value(text, series), 100.0 * 200 / 950, 1e-9);
	cr_expect(!strstr(text, "type=\"bm\""), "a type with no guests is listed:\n%s", text);
}

/* The checker itself refuses what the collector would (or what promtool lints). */
Test(metrics_formats, the_prom_checker_is_strict)
{
	static const char *const bad[] = {
	    "a 1\n",							/* no TYPE */
	    "# TYPE a gauge\na 1",					/* no final newline */
	    "# TYPE a gauge\na 1 1700000000\n",				/* a timestamp */
	    "# TYPE a counter\na 1\n",					/* counter not *_total */
	    "# TYPE a gauge\na{x=\"1} 1\n",				/* open quote */
	    "# TYPE a gauge\na{x=\"\\t\"} 1\n",				/* bad escape */
	    "# TYPE a gauge\na one\n",					/* no float */
	    "# TYPE a gauge\na 1\na 2\n",				/* series twice */
	    "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"y\"} 1\n", /* not together */
	    "# TYPE a gauge\n# TYPE a gauge\na 1\n",			/* TYPE twice */
	    "# TYPE 1a gauge\n1a 1\n",					/* bad name */
	    "# TYPE a gauge\n\na 1\n",					/* empty line */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char why[256];
		cr_expect_eq(textcheck_prom(bad[i], NULL, why, sizeof(why)), -1, "taken: %s",
			     bad[i]);
	}
	char why[256] = "";
	cr_expect_eq(textcheck_prom("# HELP a x\n# TYPE a gauge\na{x=\"\\\"\"} -1.5e3\n", NULL, why,
				    sizeof(why)),
		     0, "%s", why);
}

/* Where Debian's prometheus package is installed, its own linter agrees. */
Test(metrics_formats, promtool_accepts_the_file_where_installed)
{
	if (system("command -v promtool >/dev/null 2>&1") != 0)
		cr_skip_test("promtool is not installed (Debian's prometheus package); the "
			     "strict checker above stands in for it");
	struct stats_values v;
	struct type_figures t[GUEST_TYPES];
	fixture(&v, t);
	struct metrics_sample m = {.population = "p1", .v = &v, .types = t};
	char text[32768], path[] = "/tmp/tinyvmm-prom-XXXXXX", cmd[128];
	int n = prom_format(text, sizeof(text), &m);
	cr_assert_gt(n, 0);
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, (size_t)n), n);
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics <%s 2>&1", path);
	FILE *p = popen(cmd, "r");
	char out[4096] = "";
	size_t got = fread(out, 1, sizeof(out) - 1, p);
	out[got] = '\0';
	int status = pclose(p);
	unlink(path);
	cr_expect_eq(status, 0, "promtool check metrics:\n%s", out);
	cr_expect_eq(got, 0, "promtool has remarks:\n%s", out);
}

Test(metrics_formats, jsonl_is_one_json_object_with_the_csv_columns_then_types)
{
	struct stats_values v;
	struct type_figures t[GUEST_TYPES];
	fixture(&v, t);
	struct metrics_sample m = {.population = "a\"b\n", .v = &v, .types = t};
	char line[4096], why[256] = "", keys[2048];
	int n = jsonl_format(line, sizeof(line), &m);
	cr_assert_gt(n, 0);
	cr_expect(!strchr(line, '\n'), "a JSON line holds no newline: %s", line);
	cr_assert_eq(textcheck_json(line, why, sizeof(why)), 0, "%s\n%s", why, line);
	cr_assert_eq(textcheck_json_keys(line, keys, sizeof(keys)), 0);
	char want[2048];
	snprintf(want, sizeof(want), "population,%s,types", stats_header);
	cr_expect_str_eq(keys, want);
	cr_expect(strstr(line, "\"population\":\"a\\\"b\\u000a\""), "%s", line);
	cr_expect(strstr(line, "\"exits_per_s\":150.0"), "%s", line);
	cr_expect(strstr(line, "\"types\":{\"l4\":{\"guests\":4,\"pending\":1,\"running\":2,"
			       "\"booting\":1,"),
		  "%s", line);
	cr_expect(strstr(line, "\"tcl\":{\"guests\":2,"), "%s", line);
	cr_expect(!strstr(line, "\"bm\""), "%s", line);
}

Test(metrics_formats, the_json_checker_is_strict)
{
	static const char *const bad[] = {
	    "{",	  "{\"a\":}",	    "{\"a\":1,}",
	    "[1,]",	  "{\"a\":01}",	    "{\"a\":1.}",
	    "{\"a\":.5}", "{\"a\":\"\t\"}", "{\"a\":\"\\x\"}",
	    "{a:1}",	  "{\"a\":1} x",    "{\"a\":tru}",
	    "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char why[128];
		cr_expect_eq(textcheck_json(bad[i], why, sizeof(why)), -1, "taken: '%s'", bad[i]);
	}
	char why[128] = "";
	cr_expect_eq(
	    textcheck_json("{\"a\":[1,-2.5e3,true,null,{\"b\":\"\\u00e9\"}]}", why, sizeof(why)), 0,
	    "%s", why);
}

Test(metrics_formats, prom_file_is_replaced_whole_and_leaves_no_temporary)
{
	char dir[] = "/tmp/tinyvmm-promdir-XXXXXX", path[128], tmp[160];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pop.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	cr_assert_eq(prom_write_file(path, "# TYPE a gauge\na 1\n", 19), 0);
	cr_assert_eq(prom_write_file(path, "# TYPE a gauge\na 2\n", 19), 0);
	FILE *f = fopen(path, "r");
	char buf[64] = "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_expect_str_eq(buf, "# TYPE a gauge\na 2\n");
	cr_expect_neq(access(tmp, F_OK), 0, "the temporary file is left behind");
	cr_expect_eq(prom_write_file("/nonexistent-dir/x.prom", "", 0), -ENOENT);
	unlink(path);
	rmdir(dir);
}
